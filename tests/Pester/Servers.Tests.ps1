# Servers from the shell, as a user writes checks with them: start the fake peer a check needs in one line, talk to
# it, stop it. Everything here listens on loopback, on a port the system picks.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force

    # A server counts a connection once it has closed it, which may be just after the client saw the close.
    function Wait-Until([scriptblock] $Condition) {
        $deadline = (Get-Date).AddSeconds(5)
        while (-not (& $Condition) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 20 }
    }
}

AfterAll {
    # A failed check must not leave a server listening for the next file.
    Get-TcpServer | Stop-TcpServer
}

Describe 'Start-TcpServer: a Zen server for a check' {
    BeforeAll {
        $zen = Start-TcpServer Zen
    }

    AfterAll {
        $zen | Stop-TcpServer
    }

    It 'starts on a port the system picked and says where it listens' {
        $zen | Should -BeOfType [NetFoundations.Core.Servers.TcpServer]
        $zen.LocalPort | Should -BeGreaterThan 0
        $zen.LocalAddress | Should -Be ([ipaddress]::Loopback)
        $zen.Service | Should -Be 'Zen'
        $zen.Architecture | Should -Be 'AsyncAwait'
        $zen.State | Should -Be 'Running'
        Get-TcpServer -Port $zen.LocalPort | Should -Be $zen
    }

    It 'answers a question up to its full stop' {
        $reply = Invoke-TcpConversation 127.0.0.1 $zen.LocalPort -Message 'Beautiful is better than?' -Delimiter '.'

        $reply.ReceivedText | Should -Be 'Ugly.'
    }

    It 'answers several questions on one connection, and an unknown one with an error reply' {
        $reply = Invoke-TcpConversation 127.0.0.1 $zen.LocalPort -Message 'Simple is better than?', 'Is this a question?' -Delimiter '.' -FrameCount 2

        $reply.Messages | Should -Be 'Complex', 'Error: unknown question'
    }

    It 'counts what it served' {
        $before = $zen.Requests
        $null = Invoke-TcpConversation 127.0.0.1 $zen.LocalPort -Message 'Now is better than?' -Delimiter '.'

        $zen.Requests | Should -Be ($before + 1)
        $zen.BytesReceived | Should -BeGreaterThan 0
        $zen.UptimeMs | Should -BeGreaterThan 0
    }
}

Describe 'Start-TcpServer: echo servers with the framings of Invoke-TcpConversation' {
    It 'echoes lines upper-cased over IPv6' {
        $server = Start-TcpServer UpperCaseEcho -LocalAddress ::1
        try {
            $reply = Invoke-TcpConversation ::1 $server.LocalPort -Message "hello`nworld`n" -LineCount 2

            $reply.Messages | Should -Be 'HELLO', 'WORLD'
        }
        finally {
            $server | Stop-TcpServer
        }
    }

    It 'echoes length-prefixed frames with their prefix' {
        $server = Start-TcpServer Echo -LengthPrefix 4
        try {
            $reply = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message 'one', 'two' -LengthPrefix 4 -FrameCount 2

            $reply.Messages | Should -Be 'one', 'two'
            $server.Framing | Should -Be 'LengthPrefix 4'
        }
        finally {
            $server | Stop-TcpServer
        }
    }
}

Describe 'Start-TcpServer: the book''s architectures' {
    It 'answers Zen questions with the <_> architecture' -ForEach 'AsyncAwait', 'Iterative', 'ThreadPerConnection' {
        $server = Start-TcpServer Zen -Architecture $_
        try {
            $reply = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message 'Simple is better than?', 'Now is better than?' -Delimiter '.' -FrameCount 2

            $server.Architecture | Should -Be $_
            $reply.Messages | Should -Be 'Complex', 'Never'
        }
        finally {
            $server | Stop-TcpServer
        }
        $server.ConnectionsOpen | Should -Be 0
        (Test-TcpPort 127.0.0.1 $server.LocalPort).Open | Should -BeFalse
    }
}

Describe 'Start-TcpServer: bounds on every connection' {
    It 'disconnects a client whose request is larger than -MaxRequestBytes, and says why' {
        $server = Start-TcpServer Echo -MaxRequestBytes 100
        try {
            $null = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message ('x' * 1000) -LineCount 1 -ErrorAction SilentlyContinue -ErrorVariable failed

            $failed | Should -Not -BeNullOrEmpty
            Wait-Until { $server.ConnectionsFailed -ge 1 }
            $server.ConnectionsFailed | Should -Be 1
            $server.GetErrors()[0].Kind | Should -Be 'ProtocolViolation'
        }
        finally {
            $server | Stop-TcpServer
        }
    }

    It 'disconnects a silent client after -TimeoutSeconds' {
        $server = Start-TcpServer Echo -TimeoutSeconds 0.5
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $reply = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -UntilClose -TimeoutSeconds 10

            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $reply.ReceivedBytes | Should -Be 0
            Wait-Until { $server.ConnectionsFailed -ge 1 }
            $server.ConnectionsFailed | Should -Be 1
            $server.GetErrors()[0].Kind | Should -Be 'Timeout'
        }
        finally {
            $server | Stop-TcpServer
        }
    }
}

Describe 'Stop-TcpServer' {
    It 'stops by port, frees it at once, and keeps the final counters' {
        $server = Start-TcpServer Discard
        $null = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message "dropped`n"

        $stopped = Stop-TcpServer -Port $server.LocalPort -PassThru

        $stopped | Should -Be $server
        $server.State | Should -Be 'Stopped'
        $server.ConnectionsOpen | Should -Be 0
        Get-TcpServer -Port $server.LocalPort | Should -BeNullOrEmpty
        (Test-TcpPort 127.0.0.1 $server.LocalPort).Open | Should -BeFalse
    }

    It 'says when no server listens on a port' {
        Stop-TcpServer -Port (Get-Random -Minimum 50000 -Maximum 60000) -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed.FullyQualifiedErrorId | Should -BeLike 'TcpServerNotFound,*'
    }

    It 'refuses a port that is taken, as an invalid request' {
        $server = Start-TcpServer Echo
        try {
            Start-TcpServer Echo -Port $server.LocalPort -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty

            $failed.FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        }
        finally {
            $server | Stop-TcpServer
        }
    }
}

Describe 'Measure-TcpServer: putting a server under load' {
    BeforeAll {
        $zen = Start-TcpServer Zen
    }

    AfterAll {
        $zen | Stop-TcpServer
    }

    It 'measures a sweep of connection counts and keeps it as CSV' {
        $path = Join-Path $TestDrive 'zen-load.csv'

        $zen | Measure-TcpServer -Zen -Connections 1, 4 -Count 200 | Export-Csv -Path $path -NoTypeInformation
        $rows = Import-Csv $path

        $rows.Count | Should -Be 2
        $rows.Connections | Should -Be '1', '4'
        $rows.Requests | Should -Be '200', '200'
        $rows.Errors | Should -Be '0', '0'
        foreach ($row in $rows) {
            [double] $row.RequestsPerSecond | Should -BeGreaterThan 0
            [double] $row.LatencyP99Ms | Should -BeGreaterOrEqual ([double] $row.LatencyP50Ms)
        }
    }

    It 'counts a server that is not there as errors of their kind, and says so' {
        $gone = Start-TcpServer Zen
        $gone | Stop-TcpServer

        $result = $gone | Measure-TcpServer -Zen -Connections 1 -Count 3 -WarningVariable warned -WarningAction SilentlyContinue

        $result.Requests | Should -Be 0
        $result.ErrorsByKind | Should -Be 'ConnectionRefused=3'
        $result.GetErrors()['ConnectionRefused'] | Should -Be 3
        $warned | Should -Match 'answered no request'
    }

    It 'measures from the scheduled time in the open loop, so a slow server shows its queue' {
        $slow = Start-TcpServer Zen -ReplyDelaySeconds 0.05
        try {
            $result = $slow | Measure-TcpServer -Zen -Connections 1 -Rate 100 -Count 20

            $result.TargetRate | Should -Be 100
            $result.Requests | Should -Be 20
            # 20 answers take a second at 50 ms each; the last was due at 0.19 s.
            $result.LatencyP99Ms | Should -BeGreaterThan 500
        }
        finally {
            $slow | Stop-TcpServer
        }
    }

    It 'sends the lines it is given to an echo server and converts to JSON' {
        $echo = Start-TcpServer Echo
        try {
            $result = Measure-TcpServer 127.0.0.1 $echo.LocalPort -Message "ping`n" -Connections 2 -Count 100

            $json = $result | ConvertTo-Json | ConvertFrom-Json
            $json.Requests | Should -Be 100
            $json.BytesReceived | Should -Be 500
            $json.LatencyP50Ms | Should -BeOfType [double]
        }
        finally {
            $echo | Stop-TcpServer
        }
    }
}
