BeforeAll {
    $log = [Collections.Generic.List[string]]::new()
}

Describe 'Ordered' {
    BeforeAll { $log.Add('BeforeAll') }
    BeforeEach { $log.Add('BeforeEach outer') }
    AfterEach { $log.Add('AfterEach outer') }
    AfterAll { $log.Add('AfterAll') }

    Context 'Inner' {
        BeforeEach { $log.Add('BeforeEach inner') }
        AfterEach { $log.Add('AfterEach inner') }

        It 'fails on purpose' {
            $log.Add('It 1')
            1 | Should -Be 2
        }

        It 'passes' {
            $log.Add('It 2')
        }
    }
}

Describe 'Order check' {
    It 'ran setups outer to inner, teardowns inner to outer, and AfterAll despite the failure' {
        $log -join ', ' | Should -Be ('BeforeAll, BeforeEach outer, BeforeEach inner, It 1, AfterEach inner, AfterEach outer, ' +
            'BeforeEach outer, BeforeEach inner, It 2, AfterEach inner, AfterEach outer, AfterAll')
    }
}

Describe 'Failing teardown' {
    AfterAll { throw 'teardown exploded' }

    It 'passes before the teardown fails' {
        1 | Should -Be 1
    }
}
