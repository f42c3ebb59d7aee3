# Top-level code runs during discovery only, as in Pester 5.
$discoveryOnly = 'top of file'

BeforeAll {
    $fileLevel = 'file'
}

Describe 'Scoping' {
    $describeBody = 'describe body'

    BeforeAll {
        $blockLevel = 'block'
        $log = [Collections.Generic.List[string]]::new()
    }
    BeforeEach {
        $perTest = 'each'
        $log.Add('before')
    }
    AfterEach {
        $log.Add('after')
    }

    It 'sees the file and block BeforeAll variables' {
        $fileLevel | Should -Be 'file'
        $blockLevel | Should -Be 'block'
    }

    It 'sees the BeforeEach variables' {
        $perTest | Should -Be 'each'
    }

    It 'does not see top-level or Describe-body variables at run time' {
        $discoveryOnly | Should -BeNullOrEmpty
        $describeBody | Should -BeNullOrEmpty
    }

    It 'sets a variable of its own' {
        $leak = 'from a test'
        $leak | Should -Be 'from a test'
    }

    It 'does not see the variable of the previous test' {
        $leak | Should -BeNullOrEmpty
    }

    It 'runs BeforeEach and AfterEach around every test' {
        $log -join ',' | Should -Be 'before,after,before,after,before,after,before,after,before,after,before'
    }

    It 'knows the path of its file' {
        $PSCommandPath | Should -Exist
        [IO.Path]::GetFileName($PSCommandPath) | Should -Be 'Scoping.Tests.ps1'
    }

    Context 'Child block' {
        BeforeAll {
            $blockLevel = 'child'
        }

        It 'sees the parent variables and shadows them in its own scope' {
            $blockLevel | Should -Be 'child'
            $fileLevel | Should -Be 'file'
        }
    }

    It 'is not affected by the child block' {
        $blockLevel | Should -Be 'block'
    }
}

BeforeDiscovery {
    $cases = 'one', 'two'
}

Describe 'Generated in discovery' {
    foreach ($case in $cases) {
        It "loop test $case" {
            $true | Should -BeTrue
        }
    }

    It 'case <_>' -ForEach $cases {
        $_ | Should -BeIn 'one', 'two'
    }
}
