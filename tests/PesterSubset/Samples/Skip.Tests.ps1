Describe 'Skipping' {
    It 'runs' {
        1 | Should -Be 1
    }

    It 'is skipped' -Skip {
        throw 'a skipped test must not run'
    }

    Context 'Skipped block' -Skip {
        BeforeAll {
            throw 'the BeforeAll of a skipped block must not run'
        }

        It 'inner one' {
            throw 'must not run'
        }

        It 'inner two' {
            throw 'must not run'
        }
    }
}

Describe 'Tagged' -Tag 'Slow' {
    It 'runs with its block tag' {
        1 | Should -Be 1
    }

    It 'has a tag of its own' -Tag 'Network' {
        1 | Should -Be 1
    }
}
