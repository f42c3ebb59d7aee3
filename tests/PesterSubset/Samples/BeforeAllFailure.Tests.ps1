Describe 'Broken setup' {
    BeforeAll {
        throw 'setup exploded'
    }

    It 'first' {
        1 | Should -Be 1
    }

    It 'second' {
        1 | Should -Be 1
    }

    Context 'Nested' {
        It 'third' {
            1 | Should -Be 1
        }
    }
}

Describe 'Healthy neighbour' {
    It 'still runs' {
        1 | Should -Be 1
    }
}
