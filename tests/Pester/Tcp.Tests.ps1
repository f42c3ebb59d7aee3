# TCP checks as a user writes them: is the port open, does the service answer what it should.
# The services here are the repository's Python peers (tests/peers) and TLS servers (tests/servers/tls) on loopback;
# in your own checks put your hosts and ports in their place.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $peers = @{
        Echo     = Start-TestPeer tcp_echo.py       # sends back what it reads
        Lines    = Start-TestPeer tcp_lines.py      # HELLO, each line in upper case, BYE on QUIT
        Blocks   = Start-TestPeer tcp_blocks.py     # length-prefixed blocks, answered in upper case
        Streamer = Start-TestPeer tcp_streamer.py   # reads to the end, then says how much it read
        Stall    = Start-TestPeer tcp_stall.py      # accepts and says nothing
        Endless  = Start-TestPeer tcp_endless.py    # never stops sending
        Trickle  = Start-TestPeer tcp_trickle.py    # one byte every 0.2 s, never a line end
    }
    $closedPort = Get-UnusedPort
}

AfterAll {
    $peers.Values | Stop-TestPeer
}

Describe 'Test-TcpPort' {
    It 'finds the listening port' {
        $open = Test-TcpPort -ComputerName 127.0.0.1 -Port $peers.Echo.Port | Where-Object Open

        $open | Should -HaveCount 1
        $open | Should -BeOfType [NetFoundations.Core.Tcp.TcpPortResult]
        $open.Port | Should -Be $peers.Echo.Port
        $open.Address | Should -Be ([ipaddress]::Loopback)
        $open.FailureKind | Should -Be 'None'
    }

    It 'reports a closed port as data, not as an error' {
        $result = Test-TcpPort -ComputerName 127.0.0.1 -Port $closedPort -ErrorVariable failures

        $result.Open | Should -BeFalse
        $result.FailureKind | Should -Be 'Refused'
        $failures | Should -HaveCount 0
    }

    It 'answers yes or no with -Quiet, in the order of the ports' {
        Test-TcpPort -ComputerName localhost -Port $peers.Echo.Port -Quiet | Should -BeTrue
        Test-TcpPort -ComputerName 127.0.0.1 -Port $peers.Echo.Port, $closedPort -Quiet | Should -Be $true, $false
    }

    It 'keeps the order of hosts, then ports' {
        $results = Test-TcpPort -ComputerName 127.0.0.1, localhost -Port $closedPort, $peers.Echo.Port

        $results | ForEach-Object { "$($_.ComputerName):$($_.Port)" } |
            Should -Be "127.0.0.1:$closedPort", "127.0.0.1:$($peers.Echo.Port)", "localhost:$closedPort", "localhost:$($peers.Echo.Port)"
        $results.Open | Should -Be $false, $true, $false, $true
        $results[3].Address | Should -Be ([ipaddress]::Loopback)   # the address localhost resolved to
    }

    It 'finds the listener in a range of ports' {
        $range = ($peers.Echo.Port - 300)..($peers.Echo.Port + 300) | Where-Object { $_ -le 65535 }

        (Test-TcpPort -ComputerName 127.0.0.1 -Port $range | Where-Object Open).Port | Should -Contain $peers.Echo.Port
    }

    It 'takes host names from the pipeline' {
        $results = '127.0.0.1', 'localhost' | Test-TcpPort -Port $peers.Echo.Port

        $results.ComputerName | Should -Be '127.0.0.1', 'localhost'
        $results.Open | Should -Be $true, $true
    }

    It 'takes objects with ComputerName and Port from the pipeline, in their order' {
        $targets = [pscustomobject]@{ ComputerName = 'localhost'; Port = $closedPort },
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $peers.Echo.Port }

        $results = $targets | Test-TcpPort

        $results.ComputerName | Should -Be 'localhost', '127.0.0.1'
        $results.Open | Should -Be $false, $true
    }

    It 'reports a name that does not resolve as NameResolution, with one warning' {
        $name = 'x' * 64 + '.invalid'

        $results = Test-TcpPort -ComputerName $name -Port 80, 443 -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures

        $results | Should -HaveCount 2
        $results.FailureKind | Should -Be 'NameResolution', 'NameResolution'
        $results.Open | Should -Be $false, $false
        $failures | Should -HaveCount 0
        $warnings | Should -HaveCount 1
        "$warnings" | Should -BeLike "*$name*"
    }

    It 'says what it found for each port under -Verbose' {
        $verbose = Test-TcpPort 127.0.0.1 $peers.Echo.Port, $closedPort -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose | Should -HaveCount 2
        $verbose[0].Message | Should -BeLike '*open*'
        $verbose[1].Message | Should -BeLike '*Refused*'
    }

    It 'rejects <Case>' -ForEach @(
        @{ Case = 'port 0'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 0 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Case = 'a throttle limit of 0'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 80; ThrottleLimit = 0 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Case = 'a blank host name'; Arguments = @{ ComputerName = ' '; Port = 80 }; ErrorId = 'InvalidArgument' }
    ) {
        { Test-TcpPort @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    Context 'a port that does not answer' {
        BeforeAll {
            $silent = New-SilentListener
            $silentPort = $silent.Port
        }

        AfterAll {
            $silent.Sockets | ForEach-Object Dispose
        }

        It 'waits <Given> for it as <Seconds> s, like every timeout of the module' -ForEach @(
            @{ Given = '-TimeoutSeconds 0.5'; Timeouts = @{ TimeoutSeconds = 0.5 }; Seconds = 0.5 }
            @{ Given = '-Timeout 1 (a prefix of -TimeoutSeconds)'; Timeouts = @{ Timeout = 1 }; Seconds = 1 }
        ) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = Test-TcpPort -ComputerName 127.0.0.1 -Port $silentPort @Timeouts
            $watch.Stop()

            $result.FailureKind | Should -Be 'Timeout'
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual ($Seconds - 0.05)
            $watch.Elapsed.TotalSeconds | Should -BeLessThan ($Seconds + 2)
        }
    }
}

Describe 'Invoke-TcpConversation' {
    It 'reads the lines a line server answers' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Lines.Port -Message "hello`r`n", "QUIT`r`n" -LineCount 3

        $reply | Should -BeOfType [NetFoundations.Core.Tcp.TcpConversation]
        $reply.Messages | Should -Be 'HELLO', 'HELLO', 'BYE'
        $reply.ComputerName | Should -Be '127.0.0.1'
        $reply.Port | Should -Be $peers.Lines.Port
        $reply.Sent | Should -Be 13
        $reply.GetTranscript().Marker | Should -Contain '<-'   # what was received, as the transcript shows it
    }

    It 'talks to a port that Test-TcpPort found open' {
        $reply = Test-TcpPort -ComputerName localhost -Port $peers.Echo.Port | Where-Object Open |
            Invoke-TcpConversation -Message 'ping|' -Delimiter '|'

        $reply.Messages | Should -Be 'ping'
    }

    It 'cuts the reply at a delimiter of text or of bytes' {
        (Invoke-TcpConversation 127.0.0.1 $peers.Echo.Port 'a|b|' -Delimiter '|' -FrameCount 2).Messages | Should -Be 'a', 'b'

        $frames = (Invoke-TcpConversation 127.0.0.1 $peers.Echo.Port -Bytes ([byte[]](1, 0, 2, 0)) -Delimiter ([byte[]]0) -FrameCount 2).GetFrames()
        $frames | Should -HaveCount 2
        $frames[0] | Should -Be 1
        $frames[1] | Should -Be 2
    }

    It 'frames messages with a length prefix both ways' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Blocks.Port -LengthPrefix 4 -Message 'one', 'two', ''

        $reply.Messages | Should -Be 'ONE', 'TWO'
    }

    It 'sends one byte array as one message and several as several' {
        $one = Invoke-TcpConversation 127.0.0.1 $peers.Blocks.Port -Bytes ([byte[]](97, 98, 99)) -LengthPrefix 4 -HalfClose
        $several = Invoke-TcpConversation 127.0.0.1 $peers.Blocks.Port -Bytes ([byte[]](97, 98)), ([byte[]](99)) -LengthPrefix 4 -HalfClose

        $one.Messages | Should -Be 'ABC'
        $several.Messages | Should -Be 'AB', 'C'
    }

    It 'reads an exact number of bytes' {
        (Invoke-TcpConversation 127.0.0.1 $peers.Echo.Port -Message 'abcdef' -ByteCount 3).ReceivedText | Should -BeExactly 'abc'
    }

    It 'half-closes so the streamer answers, and reads until it closes' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Streamer.Port -Bytes ([byte[]]::new(100000)) -HalfClose -UntilClose

        $reply.ReceivedText | Should -BeExactly "RECEIVED 100000`n"
    }

    It 'echoes megabytes both ways without a deadlock' {
        $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Echo.Port -Bytes ([byte[]]::new(6MB)) -HalfClose -UntilClose

        $reply.Sent | Should -Be 6MB
        $reply.ReceivedBytes | Should -Be 6MB
    }

    It 'fails with ConnectionRefused on a closed port, naming the target' {
        $failure = { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $closedPort -UntilClose -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*' -PassThru

        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.TargetObject | Should -Be "127.0.0.1:$closedPort"
    }

    It 'fails with NameResolutionFailed on a name that does not resolve' {
        { Invoke-TcpConversation -ComputerName ('x' * 64 + '.invalid') -Port 80 -ErrorAction Stop } | Should -Throw -ErrorId 'NameResolutionFailed,*'
    }

    It 'fails with OperationTimedOut when the peer stalls' {
        { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Stall.Port -Message 'hello' -LineCount 1 -TimeoutSeconds 0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }

    It 'ends a conversation a peer keeps alive a byte at a time when -TotalTimeoutSeconds passes' {
        # Each byte is progress, so -TimeoutSeconds alone would wait for ever: the whole conversation has its own bound.
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $failure = { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Trickle.Port -LineCount 1 -TimeoutSeconds 1 -TotalTimeoutSeconds 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*' -PassThru

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 4   # the bound, plus at most the 2 s the module allows work to end
        $failure.TargetObject | Should -Be "127.0.0.1:$($peers.Trickle.Port)"
    }

    Context 'a host that does not answer the connect' {
        BeforeAll {
            $silent = New-SilentListener
            $silentPort = $silent.Port
        }

        AfterAll {
            $silent.Sockets | ForEach-Object Dispose
        }

        It 'says in the transcript that the connect did not complete within <Case>' -ForEach @(
            @{ Case = '-TimeoutSeconds'; Timeouts = @{ TimeoutSeconds = 1 }; Said = 'took longer than 1 s' }
            @{ Case = '-TotalTimeoutSeconds'; Timeouts = @{ TimeoutSeconds = 30; TotalTimeoutSeconds = 1 }; Said = 'did not complete: stopped after' }
        ) {
            $transcript = Join-Path $TestDrive "silent-$($Timeouts.Count).log"

            { Invoke-TcpConversation 127.0.0.1 $silentPort -LineCount 1 @Timeouts -TranscriptPath $transcript -ErrorAction Stop } |
                Should -Throw -ErrorId 'OperationTimedOut,*'

            Get-Content $transcript | Should -BeLike "* `*`*`* Connecting to 127.0.0.1:$silentPort $Said*"
        }
    }

    It 'fails with ProtocolViolation when the peer never stops' {
        { Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $peers.Endless.Port -UntilClose -MaxReceiveBytes 1MB -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProtocolViolation,*'
    }

    It 'goes on to the next piped target after one fails' {
        $targets = [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $closedPort },
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $peers.Lines.Port }

        $replies = $targets | Invoke-TcpConversation -LineCount 1 -ErrorVariable failures -ErrorAction SilentlyContinue

        $replies | Should -HaveCount 1
        $replies.Messages | Should -Be 'HELLO'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionRefused,*'
    }

    It 'rejects <Case>' -ForEach @(
        @{ Case = 'a message and bytes together'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 80; Message = 'a'; Bytes = 1 }; ErrorId = 'MessageAndBytes' }
        @{ Case = 'port 70000'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 70000 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Case = 'a 3-byte length prefix'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 80; LengthPrefix = 3 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Case = 'two ways to end the reply'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 80; LineCount = 1; UntilClose = $true }; ErrorId = 'AmbiguousParameterSet' }
        @{ Case = 'an empty delimiter'; Arguments = @{ ComputerName = '127.0.0.1'; Port = 80; Delimiter = '' }; ErrorId = 'ParameterArgumentValidationError' }
    ) {
        { Invoke-TcpConversation @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'shows the conversation on the wire with -Verbose and -TranscriptPath' {
        $transcript = Join-Path $TestDrive 'tcp-transcript.log'

        $verbose = Invoke-TcpConversation 127.0.0.1 $peers.Lines.Port -Message "QUIT`r`n" -LineCount 2 -Verbose -TranscriptPath $transcript 4>&1 |
            Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $shown = $verbose.Message -join "`n"
        $shown | Should -Match '-> \[6 bytes\] QUIT\\r\\n'   # what was sent, control characters escaped
        $shown | Should -Match '<-.*HELLO'
        Get-Content $transcript -Raw | Should -BeLike '*QUIT\r\n*'
    }

    It 'says when the transcript''s folder does not exist, before connecting' {
        $transcript = Join-Path $TestDrive 'no-such-folder' 'tcp.log'

        $failure = { Invoke-TcpConversation 127.0.0.1 $closedPort -UntilClose -TranscriptPath $transcript -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,*' -PassThru

        $failure.TargetObject | Should -Be $transcript
        Join-Path $TestDrive 'no-such-folder' | Should -Not -Exist
    }
}

Describe 'Invoke-TcpConversation -Tls' {
    # The repository's TLS test servers: nginx with certificates of a test CA, one server per kind of certificate.
    BeforeAll {
        $tlsFolder = Join-Path $TestDrive 'tls-servers'
        $tlsPort = Start-TlsTestServers $tlsFolder
        $ca = Join-Path $tlsFolder 'ca.crt'
        $head = @{ Message = "HEAD / HTTP/1.0`r`nHost: localhost`r`n`r`n"; UntilClose = $true }
    }

    AfterAll {
        Stop-TlsTestServers $tlsFolder
    }

    It 'sends an HTTPS request to a server whose certificate the CA file vouches for' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile $ca @head

        $reply.ReceivedText | Should -Match '^HTTP/1.1 200'
        $reply.Tls.Protocol | Should -BeIn 'Tls12', 'Tls13'
        $reply.Tls.IsValid | Should -BeTrue
        # Inside TLS the transcript marks the directions ~> and <~, never the plain ->.
        $reply.GetTranscript().Marker | Should -Contain '~>'
        $reply.GetTranscript().Marker | Should -Contain '<~'
        $reply.GetTranscript().Marker | Should -Not -Contain '->'
    }

    It 'shows the TLS protocol in the table view' {
        $table = Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile $ca @head | Format-Table | Out-String -Width 300
        $header, $row = $table -split '\r?\n' | Where-Object { $_ -match '\S' -and $_ -notmatch '^[- ]+$' }

        $header -split '\s+' | Should -Contain 'Tls'
        $row | Should -Match '\bTls1[23]\b'
    }

    It 'sends the server name and checks the certificate against it' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.sni -Tls -ServerName www.tls.test -CertificateAuthorityPath $ca @head

        $reply.Tls.GetCertificate().Subject | Should -Be 'CN=*.tls.test'
    }

    It 'refuses the <_> certificate' -ForEach 'wrongname', 'expired', 'untrusted' {
        $failure = { Invoke-TcpConversation 127.0.0.1 $tlsPort[$_] -Tls -CAFile $ca @head -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateRejected,*' -PassThru

        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
    }

    It 'does not trust the test CA from the system store alone' {
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls @head -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'
    }

    It 'goes on without a certificate check when told to, with a warning' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.untrusted -Tls -SkipCertificateCheck @head -WarningVariable warnings -WarningAction SilentlyContinue

        "$warnings" | Should -BeLike '*not verified*'
        $reply.Tls.CertificateCheckSkipped | Should -BeTrue
        $reply.ReceivedText | Should -Match '^HTTP/1.1 200'
    }

    It 'shows a client certificate to a server that asks for one: PEM with its key beside it, or PFX' {
        $get = @{ Message = "GET / HTTP/1.0`r`n`r`n"; UntilClose = $true }
        $pem = Invoke-TcpConversation 127.0.0.1 $tlsPort.clientcert -Tls -CAFile $ca @get `
            -ClientCertificate (Join-Path $tlsFolder 'client.crt') -ClientCertificateKey (Join-Path $tlsFolder 'client.key')
        $password = [pscredential]::new('client', (ConvertTo-SecureString 'test-password' -AsPlainText -Force))
        $pfx = Invoke-TcpConversation 127.0.0.1 $tlsPort.clientcert -Tls -CAFile $ca @get `
            -ClientCertificate (Join-Path $tlsFolder 'client.pfx') -ClientCertificateCredential $password

        # openssl s_server -www describes the client certificate it was shown.
        foreach ($reply in $pem, $pfx) {
            $reply.ReceivedText | Should -Match '^HTTP/1.0 200'
            $reply.ReceivedText | Should -Match 'Client certificate'
        }
    }

    It 'gets no answer from that server without a client certificate' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.clientcert -Tls -CAFile $ca -Message "GET / HTTP/1.0`r`n`r`n" -UntilClose `
            -ErrorVariable failed -ErrorAction SilentlyContinue

        $reply.ReceivedText | Should -Not -Match 'HTTP/1.0 200'
        $failed | Should -Not -BeNullOrEmpty
    }

    It 'has no TLS session in a plain conversation' {
        $reply = Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Message "GET / HTTP/1.0`r`n`r`n" -UntilClose

        $reply.Tls | Should -BeNullOrEmpty
    }

    It 'rejects -<Parameter> without -Tls' -ForEach @(
        @{ Parameter = 'ServerName'; Value = 'localhost' }
        @{ Parameter = 'CAFile'; Value = 'ca.crt' }
        @{ Parameter = 'SkipCertificateCheck'; Value = $true }
        @{ Parameter = 'ClientCertificate'; Value = 'client.pfx' }
    ) {
        $option = @{ $Parameter = $Value }
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.valid @option @head -ErrorAction Stop } | Should -Throw -ErrorId 'TlsParameterWithoutTls,*'
    }

    It 'rejects a client certificate''s key or password without the certificate' {
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile $ca -ClientCertificateKey (Join-Path $tlsFolder 'client.key') @head -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClientCertificateMissing,*'
    }

    It 'says when the CA file is missing or is not a certificate' {
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile (Join-Path $tlsFolder 'nothing.pem') @head -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,*'
        { Invoke-TcpConversation 127.0.0.1 $tlsPort.valid -Tls -CAFile (Join-Path $tlsFolder 'valid.key') @head -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*'
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know: a command that
    # resolved the name again could not connect at all. One echo listens on ::1 only, the other on 127.0.0.1 only.
    BeforeAll {
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
        $echo6 = Start-TestPeer tcp_echo.py '::1'
    }

    AfterAll {
        $echo6 | Stop-TestPeer
        Stop-TestDnsServer $dns
    }

    It 'Test-TcpPort tests the AAAA record''s ::1 where ::1 listens and 127.0.0.1 refuses' {
        $aaaa = Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-TcpPort -Port $echo6.Port
        $a = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Test-TcpPort -Port $echo6.Port

        $aaaa.ComputerName | Should -Be 'loop.example.test'
        $aaaa.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $aaaa.Open | Should -BeTrue
        $a.Address | Should -Be ([ipaddress]::Loopback)
        $a.FailureKind | Should -Be 'Refused'
    }

    It 'Test-TcpPort tests the A record''s 127.0.0.1 where 127.0.0.1 listens and ::1 refuses' {
        $a = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Test-TcpPort -Port $peers.Echo.Port
        $aaaa = Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-TcpPort -Port $peers.Echo.Port

        $a.Address | Should -Be ([ipaddress]::Loopback)
        $a.Open | Should -BeTrue
        $aaaa.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $aaaa.FailureKind | Should -Be 'Refused'
    }

    It 'Test-TcpPort tests every address of a mail exchange (Resolve-MailExchange | Test-TcpPort)' {
        $results = Resolve-MailExchange loopmail.example.test -Server $dns.Server | Test-TcpPort -Port $echo6.Port

        $results.ComputerName | Should -Be 'loop.example.test', 'loop.example.test'
        # ForEach-Object: on an array, .Address is the array's own Address method.
        $results | ForEach-Object Address | Should -Be ([ipaddress]::Loopback), ([ipaddress]::IPv6Loopback)
        $results.Open | Should -Be $false, $true
    }

    It 'Invoke-TcpConversation talks to the address Test-TcpPort found open' {
        $reply = Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-TcpPort -Port $echo6.Port | Where-Object Open |
            Invoke-TcpConversation -Message 'ping|' -Delimiter '|'

        $reply.ComputerName | Should -Be 'loop.example.test'
        $reply.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $reply.Messages | Should -Be 'ping'
    }

    It 'Invoke-TcpConversation connects to the address of a record piped straight in, and fails on the refusing one' {
        $reply = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Invoke-TcpConversation -Port $peers.Echo.Port -Message 'ping|' -Delimiter '|'
        $reply.Address | Should -Be ([ipaddress]::Loopback)

        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server |
            Invoke-TcpConversation -Port $peers.Echo.Port -Message 'ping|' -Delimiter '|' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'takes an Address column beside the name, as from a CSV file' {
        $result = [pscustomobject]@{ ComputerName = 'db.example.test'; Port = $echo6.Port; Address = '::1' } | Test-TcpPort

        $result.ComputerName | Should -Be 'db.example.test'
        $result.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $result.Open | Should -BeTrue
    }

    It 'refuses addresses given with several names' {
        { Test-TcpPort -ComputerName a.example.test, b.example.test -Address ::1 -Port $echo6.Port -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressWithSeveralNames,*'
    }
}
