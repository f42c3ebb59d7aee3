BeforeAll {
    $record = [Management.Automation.ErrorRecord]::new([InvalidOperationException]::new('bad state'), 'MyError', 'InvalidOperation', $null)
}

Describe 'Should passes' {
    It 'Be' {
        3 | Should -Be 3
        'abc' | Should -Be 'ABC'
        1, 2, 3 | Should -Be 1, 2, 3
        @(1, 2) | Should -Be @(1, 2)
        $null | Should -Be $null
        '3' | Should -Be 3
        3 | Should -Not -Be 4
    }

    It 'BeExactly' {
        'abc' | Should -BeExactly 'abc'
        'abc' | Should -Not -BeExactly 'ABC'
    }

    It 'BeTrue and BeFalse' {
        $true | Should -BeTrue
        1 | Should -BeTrue
        $false | Should -BeFalse
        $null | Should -BeFalse
        0 | Should -Not -BeTrue
    }

    It 'BeNullOrEmpty' {
        $null | Should -BeNullOrEmpty
        '' | Should -BeNullOrEmpty
        @() | Should -BeNullOrEmpty
        @{} | Should -BeNullOrEmpty
        'x' | Should -Not -BeNullOrEmpty
    }

    It 'Match and MatchExactly' {
        'Hello World' | Should -Match 'world$'
        'abc' | Should -Not -Match '^b'
        'ABC' | Should -MatchExactly 'AB'
        'abc' | Should -Not -MatchExactly 'AB'
    }

    It 'Throw' {
        { throw 'boom here' } | Should -Throw
        { throw 'boom here' } | Should -Throw 'boom*'
        { throw 'boom here' } | Should -Throw -ExpectedMessage '*HERE'
        { throw $record } | Should -Throw -ErrorId 'MyError'
        { throw $record } | Should -Throw -ExceptionType ([InvalidOperationException])
        { Get-Command -Name 'No-SuchCommand' -ErrorAction Stop } | Should -Throw -ErrorId 'CommandNotFoundException,*'
        { 1 } | Should -Not -Throw
    }

    It 'Throw -PassThru returns the error' {
        $err = { throw $record } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MyError'
        $err.Exception.Message | Should -Be 'bad state'
    }

    It 'BeOfType' {
        1 | Should -BeOfType [int]
        'x' | Should -BeOfType ([string])
        1 | Should -HaveType System.ValueType
        'x' | Should -Not -BeOfType [int]
    }

    It 'HaveCount' {
        1, 2, 3 | Should -HaveCount 3
        @() | Should -HaveCount 0
        , @(1, 2) | Should -HaveCount 1
        1 | Should -Not -HaveCount 2
    }

    It 'comparisons' {
        5 | Should -BeGreaterThan 4
        4 | Should -BeLessThan 5
        5 | Should -BeGreaterOrEqual 5
        5 | Should -BeLessOrEqual 5
        5 | Should -Not -BeGreaterThan 5
        5 | Should -Not -BeLessThan 5
    }

    It 'Contain and BeIn' {
        1, 2, 3 | Should -Contain 2
        1, 2 | Should -Not -Contain 5
        2 | Should -BeIn 1, 2, 3
        5 | Should -Not -BeIn 1, 2
    }

    It 'Exist' {
        $PSCommandPath | Should -Exist
        $PSScriptRoot | Should -Exist
        [IO.Path]::Combine($PSScriptRoot, 'no-such-file.txt') | Should -Not -Exist
    }

    It 'Because does not change a pass' {
        1 | Should -Be 1 -Because 'one is one'
    }
}
