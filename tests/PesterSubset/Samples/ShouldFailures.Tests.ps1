# Every test here fails; the runner's tests check the messages (Pester 5's wording).
Describe 'Should fails' {
    It 'Be' { 4 | Should -Be 3 }
    It 'Be with because' { 4 | Should -Be 3 -Because 'math' }
    It 'Be strings' { 'abc' | Should -Be 'abd' }
    It 'Be arrays' { @(1, 2) | Should -Be @(1, 3) }
    It 'Not Be' { 3 | Should -Not -Be 3 }
    It 'BeExactly' { 'abc' | Should -BeExactly 'ABC' }
    It 'BeTrue' { $false | Should -BeTrue }
    It 'BeFalse' { 1 | Should -BeFalse }
    It 'BeNullOrEmpty' { 'x' | Should -BeNullOrEmpty }
    It 'Not BeNullOrEmpty' { $null | Should -Not -BeNullOrEmpty }
    It 'Match' { 'abc' | Should -Match 'x' }
    It 'MatchExactly' { 'abc' | Should -MatchExactly 'A' }
    It 'Throw without exception' { { 1 } | Should -Throw }
    It 'Throw message' { { throw 'boom' } | Should -Throw -ExpectedMessage 'bang' }
    It 'Throw ErrorId is a wildcard, not a substring' {
        { Get-Command -Name 'No-SuchCommand' -ErrorAction Stop } | Should -Throw -ErrorId 'CommandNotFoundException'
    }
    It 'Not Throw' { { throw 'boom' } | Should -Not -Throw }
    It 'BeOfType' { 'x' | Should -BeOfType [int] }
    It 'HaveCount' { 1, 2 | Should -HaveCount 3 }
    It 'HaveCount of nothing' { @() | Should -HaveCount 1 }
    It 'BeGreaterThan' { 1 | Should -BeGreaterThan 2 }
    It 'BeLessThan' { 3 | Should -BeLessThan 2 }
    It 'BeGreaterOrEqual' { 1 | Should -BeGreaterOrEqual 2 }
    It 'BeLessOrEqual' { 3 | Should -BeLessOrEqual 2 }
    It 'Contain' { 1, 2 | Should -Contain 3 }
    It 'BeIn' { 3 | Should -BeIn 1, 2 }
    It 'Exist' { '/no/such/path' | Should -Exist }
    It 'plain throw' { throw 'plain failure' }
    It 'stops at the first failed Should' {
        1 | Should -Be 1
        2 | Should -Be 3
        throw 'not reached'
    }
}
