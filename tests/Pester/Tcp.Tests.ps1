# TCP checks as a user writes them: is the port open, does the service answer what it should.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force

    # Starts a tests/peers/tcp_*.py peer on an ephemeral loopback port; returns the process and the port.
    function Start-TcpPeer([string] $Script, [string] $Arguments = '') {
        $path = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'peers', $Script))
        $start = [Diagnostics.ProcessStartInfo]::new('python3', "-u `"$path`" $Arguments")
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($start)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^PORT (\d+)$') { $process.Kill($true); throw "$Script did not start: $line" }
        [pscustomobject]@{ Process = $process; Port = [int]$Matches[1] }
    }

    function Get-ClosedPort {
        $socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
        try {
            $socket.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
            $socket.LocalEndPoint.Port
        } finally { $socket.Dispose() }
    }

    $peers = @{
        Echo     = Start-TcpPeer 'tcp_echo.py'
        Lines    = Start-TcpPeer 'tcp_lines.py'
        Blocks   = Start-TcpPeer 'tcp_blocks.py'
        Streamer = Start-TcpPeer 'tcp_streamer.py'
        Stall    = Start-TcpPeer 'tcp_stall.py'
        Endless  = Start-TcpPeer 'tcp_endless.py'
    }
    $closedPort = Get-ClosedPort
}

AfterAll {
    foreach ($peer in $peers.Values) {
        $peer.Process.Kill($true)
        [void]$peer.Process.WaitForExit(5000)
    }
}

Describe 'Test-TcpPort' {
    It 'finds the listening port' {
        $open = Test-TcpPort -ComputerName 127.0.0.1 -Port $peers.Echo.Port | Where-Object Open
        $open | Should -HaveCount 1
        $open.Port | Should -Be $peers.Echo.Port
        $open.FailureKind | Should -Be 'None'
    }

    It 'reports a closed port as data, not as an error' {
        $result = Test-TcpPort -ComputerName 127.0.0.1 -Port $closedPort -ErrorVariable failures
        $result.Open | Should -BeFalse
        $result.FailureKind | Should -Be 'Refused'
        $failures | Should -HaveCount 0
    }

    It 'answers yes or no with -Quiet' {
        Test-TcpPort -ComputerName localhost -Port $peers.Echo.Port -Quiet | Should -BeTrue
        Test-TcpPort -ComputerName localhost -Port $closedPort -Quiet | Should -BeFalse
    }

    It 'keeps the order of hosts, then ports' {
        $results = Test-TcpPort -ComputerName 127.0.0.1, localhost -Port $closedPort, $peers.Echo.Port
        ($results | ForEach-Object { "$($_.ComputerName):$($_.Port)" }) -join ' ' |
            Should -Be "127.0.0.1:$closedPort 127.0.0.1:$($peers.Echo.Port) localhost:$closedPort localhost:$($peers.Echo.Port)"
    }

    It 'reports a name that does not resolve as NameResolution' {
        $result = Test-TcpPort -ComputerName xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.invalid -Port 80 -WarningAction SilentlyContinue
        $result.Open | Should -BeFalse
        $result.FailureKind | Should -Be 'NameResolution'
    }

    It 'rejects port 0' {
        { Test-TcpPort -ComputerName 127.0.0.1 -Port 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Invoke-TcpConversation' {
    It 'reads the lines a line server answers' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Lines.Port -Message "hello`r`n", "QUIT`r`n" -LineCount 3
        $reply.Messages -join ',' | Should -Be 'HELLO,HELLO,BYE'
        $reply.Sent | Should -Be 13
    }

    It 'talks to a port that Test-TcpPort found open' {
        $reply = Test-TcpPort -ComputerName localhost -Port $peers.Echo.Port | Where-Object Open |
            Invoke-TcpConversation -Message 'ping|' -Delimiter '|'
        $reply.Messages | Should -Be 'ping'
    }

    It 'frames blocks with a length prefix both ways' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Blocks.Port -LengthPrefix 4 -Message 'one', 'two', ''
        $reply.Messages -join ',' | Should -Be 'ONE,TWO'
    }

    It 'half-closes so the streamer answers' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Streamer.Port -Bytes ([byte[]]::new(100000)) -HalfClose -UntilClose
        $reply.ReceivedText | Should -Match 'RECEIVED 100000'
    }

    It 'echoes megabytes both ways without a deadlock' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Echo.Port -Bytes ([byte[]]::new(4MB)) -HalfClose -UntilClose
        $reply.Received.Length | Should -Be 4MB
    }

    It 'fails with ConnectionRefused on a closed port' {
        { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $closedPort -UntilClose -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'fails with OperationTimedOut when the peer stalls' {
        { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Stall.Port -LineCount 1 -TimeoutSeconds 0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }

    It 'fails with ProtocolViolation when the peer never stops' {
        { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Endless.Port -UntilClose -MaxReceiveBytes 1MB -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProtocolViolation,*'
    }
}

Describe 'Invoke-TcpConversation -Tls' {
    # The repository's TLS test servers (tests/servers/tls): nginx with the test CA's certificates on loopback.
    BeforeAll {
        $scripts = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'tls'))
        $script:tlsStop = [IO.Path]::Combine($scripts, 'stop-servers.sh')
        $script:tlsDir = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'nf-tcptls-pester-' + [Guid]::NewGuid().ToString('N'))
        $start = [Diagnostics.Process]::Start('bash', @([IO.Path]::Combine($scripts, 'start-servers.sh'), $tlsDir))
        if (-not $start.WaitForExit(120000) -or $start.ExitCode -ne 0) { throw 'The TLS test servers (tests/servers/tls/start-servers.sh) did not start.' }
        $script:tlsPort = @{}
        foreach ($line in [IO.File]::ReadAllLines([IO.Path]::Combine($tlsDir, 'ports.env'))) {
            $name, $number = $line -split '='
            $tlsPort[$name] = [int]$number
        }
        $script:tlsCa = [IO.Path]::Combine($tlsDir, 'ca.crt')
    }

    AfterAll {
        $stop = [Diagnostics.Process]::Start('bash', @($tlsStop, $tlsDir))
        [void]$stop.WaitForExit(30000)
        if ([IO.Directory]::Exists($tlsDir)) { [IO.Directory]::Delete($tlsDir, $true) }
    }

    It 'sends an HTTPS request to a server whose certificate the CA file vouches for' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile $tlsCa -Message "HEAD / HTTP/1.0`r`nHost: localhost`r`n`r`n" -UntilClose
        $reply.ReceivedText | Should -Match '^HTTP/1.1 200'
        $reply.Tls.Protocol | Should -BeIn 'Tls12', 'Tls13'
    }

    It 'refuses a certificate for another name' {
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.wrongname -Tls -CAFile $tlsCa -Message "HEAD / HTTP/1.0`r`n`r`n" -UntilClose -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateRejected,*'
    }
}
