Describe 'Broken discovery' {
    throw 'discovery exploded'

    It 'is never discovered' {
        1 | Should -Be 1
    }
}
