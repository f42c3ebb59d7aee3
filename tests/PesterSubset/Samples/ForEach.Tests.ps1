Describe 'Describe <name>' -ForEach @(
    @{ Name = 'alpha'; Size = 1 }
    @{ Name = 'beta'; Size = 2 }
) {
    BeforeAll {
        $fromBlock = "$Name/$Size"
    }

    It 'has the block data <name> in its tests' {
        $Name | Should -BeIn 'alpha', 'beta'
        $fromBlock | Should -Be "$Name/$Size"
    }

    It 'adds <a> and <b> to <expected>' -TestCases @(
        @{ A = 1; B = 2; Expected = 3 }
        @{ A = 2; B = 2; Expected = 4 }
    ) {
        $a + $b | Should -Be $expected
    }
}

Describe 'Plain values' {
    It 'value <_>' -ForEach 'x', 'y' {
        $_ | Should -BeIn 'x', 'y'
    }

    It 'user <user.name> is <user.age>' -ForEach @(
        @{ User = [pscustomobject]@{ Name = 'Ann'; Age = 30 } }
    ) {
        $User.Age | Should -Be 30
    }

    It 'is never generated' -ForEach @() {
        throw 'an empty -ForEach generates no test'
    }

    It 'fails for <_>' -ForEach 5 {
        $_ | Should -Be 6
    }
}
