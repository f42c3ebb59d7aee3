# UDP checks a user would write: an echo round trip, a stranger ignored, a server that answers, typed errors.
# The peers are Python scripts of tests/peers on loopback, on ports the system picks; in your own checks put your
# hosts and ports in their place.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
}

Describe 'Send-UdpDatagram' {
    BeforeAll {
        $echo = Start-TestPeer udp_echo.py '--until-killed'                                   # answers with what it got
        $stranger = Start-TestPeer udp_echo.py '--until-killed', '--mode', 'stranger'         # answers from another port
        $silent = Start-TestPeer udp_echo.py '--until-killed', '--mode', 'silent'             # never answers
        # Waits long enough for any loaded machine; a lost datagram is sent again after 1 s.
        $patient = @{ InitialDelay = 1; MaxDelay = 8 }
        # Gives up after three quick attempts.
        $hasty = @{ InitialDelay = 0.05; MaxDelay = 0.2 }
    }

    AfterAll {
        $echo, $stranger, $silent | Stop-TestPeer
    }

    It 'gets the message back from an echo server' {
        $reply = Send-UdpDatagram -ComputerName 127.0.0.1 -Port $echo.Port -Message 'héllo' @patient

        $reply | Should -BeOfType [NetFoundations.Core.Udp.UdpReply]
        $reply.Text | Should -BeExactly 'héllo'
        $reply.GetData() | Should -Be 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F   # UTF-8 unless -Encoding says otherwise
        $reply.ComputerName | Should -Be '127.0.0.1'
        $reply.RemoteAddress | Should -Be ([ipaddress]::Loopback)
        $reply.RemotePort | Should -Be $echo.Port
        $reply.LocalPort | Should -Not -Be 0
        $reply.Attempts | Should -Be 1
        $reply.RoundTripMs | Should -BeOfType [double]
    }

    It 'sends each piped message to each host as its own datagram' {
        $replies = 'one', 'two' | Send-UdpDatagram -ComputerName 127.0.0.1, localhost -Port $echo.Port -Encoding ASCII @patient

        $replies | ForEach-Object { "$($_.ComputerName) $($_.Text)" } |
            Should -Be '127.0.0.1 one', 'localhost one', '127.0.0.1 two', 'localhost two'
    }

    It 'takes the host and port of piped objects, by ComputerName and Port or RemoteAddress and RemotePort' {
        $targets = [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $echo.Port },
            [pscustomobject]@{ RemoteAddress = 'localhost'; RemotePort = $echo.Port }

        ($targets | Send-UdpDatagram -Message hi @patient).ComputerName | Should -Be '127.0.0.1', 'localhost'
    }

    It 'sends bytes without waiting for a reply with -NoReply' {
        $sent = Send-UdpDatagram 127.0.0.1 $silent.Port -Bytes 1, 2, 3 -NoReply

        $sent | Should -BeOfType [NetFoundations.Core.Udp.UdpSendResult]
        $sent.BytesSent | Should -Be 3
    }

    It 'ignores a reply that comes from another port, and says so under -Verbose' {
        $verbose = & {
            { Send-UdpDatagram 127.0.0.1 $stranger.Port -Message 'who' @hasty -Verbose -ErrorAction Stop } | Should -Throw -ErrorId 'OperationTimedOut,*'
        } 4>&1

        $shown = $verbose -join "`n"
        $shown | Should -Match 'ignored'
        $shown | Should -Match '<- \[13 bytes\] stranger: who'
    }

    It 'gives up on a silent server with a timeout that counts the attempts' {
        $failure = { Send-UdpDatagram 127.0.0.1 $silent.Port -Message 'anyone?' @hasty -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*' -ExpectedMessage '*after 3 attempts*' -PassThru

        $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failure.TargetObject | Should -Be "127.0.0.1:$($silent.Port)"
    }

    It 'records every datagram in the -TranscriptPath file' {
        $transcript = Join-Path $TestDrive 'udp-transcript.log'

        $null = Send-UdpDatagram 127.0.0.1 $echo.Port -Message logged @patient -TranscriptPath $transcript

        $lines = Get-Content $transcript -Raw
        $lines | Should -Match '(?m)-> \[6 bytes\] logged$'
        $lines | Should -Match '(?m)<- \[6 bytes\] logged$'
    }

    It 'keeps the start and the end of a long transcript, and says what it dropped' {
        # 2,500 datagrams make 5,000 entries: the file keeps the first and the last 1,000, so a flood cannot fill the disk.
        $transcript = Join-Path $TestDrive 'long-transcript.log'

        $null = 1..2500 | ForEach-Object { "m$_" } | Send-UdpDatagram 127.0.0.1 $echo.Port -NoReply -TranscriptPath $transcript

        $lines = Get-Content $transcript
        $lines | Should -HaveCount 2001
        $lines[1] | Should -Match '-> \[2 bytes\] m1$'
        $lines[1000] | Should -Be '== 3,000 entries dropped: the transcript keeps its first and last 1,000'
        $lines[-1] | Should -Match '-> \[5 bytes\] m2500$'
    }

    It 'reports a closed port as refused' {
        $failure = { Send-UdpDatagram 127.0.0.1 (Get-UnusedPort Udp) -Message 'hello?' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*' -PassThru

        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'goes on to the next host after a name that does not resolve' {
        $replies = Send-UdpDatagram ('a' * 64 + '.invalid'), 127.0.0.1 $echo.Port -Message x @patient -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NameResolutionFailed,*'
        $replies.Text | Should -Be 'x'
    }

    It 'refuses a datagram larger than UDP can carry, before sending anything' {
        $verbose = & {
            { Send-UdpDatagram 127.0.0.1 $echo.Port -Bytes ([byte[]]::new(65508)) -Verbose -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*65507*'
        } 4>&1

        $verbose -join "`n" | Should -Not -Match '->'
    }

    It 'rejects <Case>' -ForEach @(
        @{ Case = 'port 0'; Arguments = @{ Port = 0 } }
        @{ Case = 'port 70000'; Arguments = @{ Port = 70000 } }
        @{ Case = 'a first wait of 0'; Arguments = @{ Port = 7; InitialDelay = 0 } }
    ) {
        { Send-UdpDatagram -ComputerName 127.0.0.1 -Message x @Arguments } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Receive-UdpDatagram' {
    # udp_sender.py waits until the port is bound, sends its messages and prints each reply it gets ('REPLY …' or
    # 'NOREPLY'), then 'DONE'.
    It 'receives what a Python client sends and answers each with fixed text' {
        $port = Get-UnusedPort Udp
        $client = Start-TestClient udp_sender.py 127.0.0.1, $port, '--when-bound', 'one', 'two', '--replies'

        $datagrams = Receive-UdpDatagram -Port $port -LocalAddress 127.0.0.1 -Count 2 -TimeoutSeconds 30 -Reply 'got it'

        $datagrams.Text | Should -Be 'one', 'two'
        $datagrams[0] | Should -BeOfType [NetFoundations.Core.Udp.UdpDatagram]
        $datagrams[0].RemoteAddress | Should -Be ([ipaddress]::Loopback)
        "$($datagrams[0].LocalAddress):$($datagrams[0].LocalPort)" | Should -Be "127.0.0.1:$port"
        $datagrams[0].GetData() | Should -Be 0x6F, 0x6E, 0x65
        $datagrams[0].ReceivedAt | Should -BeOfType [DateTimeOffset]
        Receive-TestClientOutput $client | Should -Be 'REPLY got it', 'REPLY got it', 'DONE'
    }

    It 'answers with what a script block returns, run in the caller''s session' {
        $port = Get-UnusedPort Udp
        $client = Start-TestClient udp_sender.py 127.0.0.1, $port, '--when-bound', 'abc', 'fail', 'hello', '--replies', '--wait', '2'
        $prefix = 'Your data was'

        $datagrams = Receive-UdpDatagram -Port $port -LocalAddress 127.0.0.1 -Count 3 -TimeoutSeconds 30 -ErrorVariable failures -ErrorAction SilentlyContinue -ReplyScript {
            param($datagram)
            if ($_.Text -eq 'fail') { throw 'no reply for this one' }
            "$prefix $($datagram.Length) bytes long"
        }

        $datagrams | Should -HaveCount 3
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReplyScriptFailed,*'
        Receive-TestClientOutput $client | Should -Be 'REPLY Your data was 3 bytes long', 'NOREPLY', 'REPLY Your data was 5 bytes long', 'DONE'
    }

    It 'takes IPv4 datagrams too on ::, and shows their sender as an IPv4 address' {
        $port = Get-UnusedPort Udp
        $client = Start-TestClient udp_sender.py 127.0.0.1, $port, '--when-bound', 'over-IPv4', '--replies'

        $datagram = Receive-UdpDatagram -Port $port -LocalAddress :: -Count 1 -TimeoutSeconds 30 -Reply 'seen'

        $datagram.Text | Should -Be 'over-IPv4'
        $datagram.RemoteAddress | Should -Be ([ipaddress]::Loopback)
        Receive-TestClientOutput $client | Should -Be 'REPLY seen', 'DONE'
    }

    It 'ends quietly when nothing arrives in time' {
        $verbose = Receive-UdpDatagram -Port (Get-UnusedPort Udp) -LocalAddress 127.0.0.1 -Count 1 -TimeoutSeconds 0.3 -Verbose -ErrorVariable failures 4>&1

        $verbose | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
        $verbose -join "`n" | Should -Match 'stopped listening'
        $failures | Should -HaveCount 0
    }

    It 'says when the port is already in use' {
        $taken = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
        try {
            { Receive-UdpDatagram -Port $taken.Client.LocalEndPoint.Port -LocalAddress 127.0.0.1 -TimeoutSeconds 5 -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*already in use*'
        } finally {
            $taken.Dispose()
        }
    }

    It 'rejects port <_>' -ForEach 0, 70000 {
        { Receive-UdpDatagram -Port $_ } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Measure-PathMtu (UDP probes)' {
    It 'leaves 65507 bytes for a datagram over IPv4 loopback and 65488 over IPv6' -Skip:(-not $IsLinux) {
        $paths = '127.0.0.1', '::1' | Measure-PathMtu

        $paths | Should -HaveCount 2
        $paths[0] | Should -BeOfType [NetFoundations.Core.Udp.PathMtuResult]
        $paths[0].ComputerName | Should -Be '127.0.0.1'
        $paths[0].Mtu | Should -BeIn 65535, 65536
        $paths[0].MaxPayload | Should -Be 65507
        $paths[1].Mtu | Should -Be 65536
        $paths[1].MaxPayload | Should -Be 65488
    }

    It 'measures to the address a piped record carries, never resolving its name again' -Skip:(-not $IsLinux) {
        $record = [pscustomobject]@{ ComputerName = 'only-in-another-resolver.invalid'; Address = [ipaddress]'::1' }

        $path = $record | Measure-PathMtu

        $path.ComputerName | Should -Be 'only-in-another-resolver.invalid'
        $path.Address | Should -Be '::1'
        $path.MaxPayload | Should -Be 65488
    }

    It 'says when the name does not resolve' {
        { Measure-PathMtu ('a' * 64 + '.invalid') -ErrorAction Stop } | Should -Throw -ErrorId 'NameResolutionFailed,*'
    }

    It 'rejects port 0' {
        { Measure-PathMtu 127.0.0.1 -Port 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know; the echo listens
    # on 127.0.0.1 only, so the A record's address answers and the AAAA record's ::1 is refused.
    BeforeAll {
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
        $echo = Start-TestPeer udp_echo.py '--until-killed'
    }

    AfterAll {
        $echo | Stop-TestPeer
        Stop-TestDnsServer $dns
    }

    It 'Send-UdpDatagram sends to the A record''s address and is refused at the AAAA record''s' {
        $reply = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Send-UdpDatagram -Port $echo.Port -Message 'hello' -InitialDelay 1 -MaxDelay 8

        $reply.ComputerName | Should -Be 'loop.example.test'
        $reply.RemoteAddress | Should -Be ([ipaddress]::Loopback)
        $reply.Text | Should -BeExactly 'hello'
        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Send-UdpDatagram -Port $echo.Port -Message 'hello?' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}
