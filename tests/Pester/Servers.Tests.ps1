# Servers from the shell, as a user writes checks with them: start the fake peer a check needs in one line, talk to
# it, stop it. Everything here listens on loopback, on a port the system picks.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

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

    It 'takes -TimeoutSeconds and -MaxConnections as Start-HttpServer and Start-RpcServer do, with the same defaults' {
        $bounded = @(
            Start-TcpServer Echo -TimeoutSeconds 7 -MaxConnections 3
            Start-HttpServer -Route @{ 'GET /' = { 'x' } } -TimeoutSeconds 7 -MaxConnections 3 -MaxRunspaces 1
            (Start-RpcServer -Method @{ one = { 1 } } -TimeoutSeconds 7 -MaxConnections 3 -MaxRunspaces 1).Server
        )
        $defaults = @(
            Start-TcpServer Echo
            Start-HttpServer -Route @{ 'GET /' = { 'x' } } -MaxRunspaces 1
            (Start-RpcServer -Method @{ one = { 1 } } -MaxRunspaces 1).Server
        )
        try {
            $bounded.TimeoutSeconds | Should -Be 7, 7, 7
            $bounded.MaxConnections | Should -Be 3, 3, 3
            $defaults.TimeoutSeconds | Should -Be 30, 30, 30
            $defaults.MaxConnections | Should -Be 256, 256, 256
        }
        finally {
            $bounded + $defaults | Stop-TcpServer
        }
    }
}

Describe 'Start-TcpServer -ScriptBlock: a fake peer in a few lines' {
    It 'answers each line with what the scriptblock outputs, and keeps state per connection' {
        $server = Start-TcpServer -ScriptBlock {
            param($Request, $Connection)
            $Connection.State.Count++
            "$($Connection.State.Count): $($Request.ToUpper())"
        }
        try {
            $first = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message "one`n", "two`n" -LineCount 2
            $second = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message "three`n" -LineCount 1

            $first.Messages | Should -Be '1: ONE', '2: TWO'
            $second.Messages | Should -Be '1: THREE'
            $server.Service | Should -Be 'Handler'
        }
        finally {
            $server | Stop-TcpServer
        }
    }

    It 'plays an SMTP server that Send-SmtpMail delivers to, and keeps what it received' {
        # The whole fake: a greeting, one reply per command, the message's lines gathered until the lone dot.
        $received = [hashtable]::Synchronized(@{})
        $smtp = Start-TcpServer -Greeting '220 fake.example ESMTP' -Variable @{ Received = $received } -ScriptBlock {
            param($Line, $Client)
            if ($Client.State.Data) {
                if ($Line -ne '.') { $Client.State.Body += @($Line); return }
                $Client.State.Data = $false
                $Received.Body = $Client.State.Body
                return '250 2.0.0 queued'
            }
            switch -Regex ($Line) {
                '^EHLO' { '250-fake.example'; '250 8BITMIME' }
                '^MAIL FROM:<(.*)>' { $Received.From = $Matches[1]; '250 2.1.0 ok' }
                '^RCPT TO:<(.*)>' { $Received.To += @($Matches[1]); '250 2.1.5 ok' }
                '^DATA' { $Client.State.Data = $true; $Client.State.Body = @(); '354 end with .' }
                '^QUIT' { '221 2.0.0 bye'; $Client.Close() }
                default { '502 5.5.2 not implemented' }
            }
        }
        try {
            Send-SmtpMail -SmtpServer 127.0.0.1 -Port $smtp.LocalPort -Security None -From 'alice@example.com' -To 'bob@example.com' -Subject 'Fake' -Body 'Hello from the check.'

            $received.From | Should -Be 'alice@example.com'
            $received.To | Should -Be 'bob@example.com'
            $received.Body | Should -Contain 'Subject: Fake'
            $received.Body | Should -Contain 'Hello from the check.'
        }
        finally {
            $smtp | Stop-TcpServer
        }
    }

    It 'gets bytes with -AsBytes and sends bytes back, framed by a length prefix' {
        $server = Start-TcpServer -LengthPrefix 2 -AsBytes -ScriptBlock { param([byte[]] $Request) , [byte[]]($Request | ForEach-Object { $_ -bxor 0xff }) }
        try {
            $reply = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Bytes (, [byte[]](0, 1, 254)) -LengthPrefix 2 -FrameCount 1

            $reply.GetFrames()[0] | Should -Be ([byte[]](255, 254, 1))
        }
        finally {
            $server | Stop-TcpServer
        }
    }

    It 'closes the connection of a request the scriptblock fails on, and keeps why' {
        $server = Start-TcpServer -ScriptBlock { param($Request) if ($Request -eq 'bad') { throw 'cannot answer that' } "ok $Request" }
        try {
            $reply = Invoke-TcpConversation 127.0.0.1 $server.LocalPort -Message "good`n", "bad`n" -UntilClose

            $reply.ReceivedText | Should -Be "ok good`n"
            Wait-Until { $server.ConnectionsFailed -ge 1 }
            $server.GetErrors()[0].Message | Should -BeLike '*cannot answer that*'
        }
        finally {
            $server | Stop-TcpServer
        }
    }

    It 'runs in the foreground with -Wait until its time is up, and is stopped then' {
        $port = Get-UnusedPort
        $client = Start-ThreadJob -ArgumentList $port, $env:NETFOUNDATIONS_MODULE {
            param($Port, $Module)
            Import-Module $Module
            foreach ($try in 1..50) {
                $reply = Invoke-TcpConversation 127.0.0.1 $Port -Message "ping`n" -LineCount 1 -ErrorAction SilentlyContinue
                if ($reply) { return $reply.Messages }
                Start-Sleep -Milliseconds 100
            }
        }
        try {
            $server = Start-TcpServer UpperCaseEcho -Port $port -Wait -TotalTimeoutSeconds 3 -ProgressAction SilentlyContinue

            $server.State | Should -Be 'Stopped'
            $server.Requests | Should -Be 1
            $client | Wait-Job -Timeout 10 | Receive-Job | Should -Be 'PING'
        }
        finally {
            $client | Remove-Job -Force
        }
    }

    It 'with -Wait, writes the error of the very first request, made as soon as the server is written' {
        # The request is made while the server object is still on its way down the pipeline: its error reaches the
        # output only if the server is started and served within one run of the command.
        $seen = Start-TcpServer -ScriptBlock { param($Request) Write-Error "cannot answer $Request"; 'sorry' } -Wait -TotalTimeoutSeconds 2 `
            -ProgressAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failed | ForEach-Object {
                (Invoke-TcpConversation 127.0.0.1 $_.LocalPort -Message "first`n" -LineCount 1).Messages | Should -Be 'sorry'
                $_
            }

        $seen.State | Should -Be 'Stopped'
        $seen.Requests | Should -Be 1
        $failed.Count | Should -Be 1
        "$($failed[0])" | Should -BeLike '*cannot answer first*'
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

Describe 'Start-TcpServer: the worker pool and the event loop' {
    It 'answers Zen questions with the <_> architecture and leaves no connection behind' -ForEach 'WorkerPool', 'EventLoop' {
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

    It 'starts -WorkerCount workers, and refuses a count for an architecture without workers' {
        $server = Start-TcpServer Echo -Architecture WorkerPool -WorkerCount 3
        try {
            $server.WorkerCount | Should -Be 3
        }
        finally {
            $server | Stop-TcpServer
        }

        Start-TcpServer Echo -WorkerCount 3 -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
    }
}

Describe 'Start-TcpServer: a TLS server' {
    BeforeAll {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        # The test CA and certificates of tests/servers/tls: valid.* is issued for localhost, client.* for a client.
        $pki = Join-Path $TestDrive 'pki'
        Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'make-pki.sh') $pki
        $ca = Join-Path $pki 'ca.crt'
        $zen = Start-TcpServer Zen -Certificate (Join-Path $pki 'valid.crt') -CertificateKey (Join-Path $pki 'valid.key')
    }

    AfterAll {
        $zen | Stop-TcpServer
    }

    It 'presents a certificate that a client trusts' {
        $check = Test-TlsCertificate localhost -Port $zen.LocalPort -CertificateAuthorityPath $ca

        $check.IsValid | Should -BeTrue
        $check.Thumbprint | Should -Be $zen.CertificateThumbprint
        $check.Protocol | Should -Be 'Tls13'
    }

    It 'answers a question over TLS' {
        $reply = Invoke-TcpConversation localhost $zen.LocalPort -Tls -CertificateAuthorityPath $ca -Message 'Beautiful is better than?' -Delimiter '.'

        $reply.ReceivedText | Should -Be 'Ugly.'
    }

    It 'says in its record that it speaks TLS, and with which certificate' {
        $zen.Tls | Should -BeTrue
        $zen.CertificateSubject | Should -Match 'CN=localhost'
        $zen.ClientCertificateMode | Should -Be 'None'
        $zen.GetCertificate().HasPrivateKey | Should -BeTrue
        $json = $zen | ConvertTo-Json -WarningAction Stop | ConvertFrom-Json
        $json.Tls | Should -BeTrue
        $json.CertificateThumbprint | Should -Be $zen.CertificateThumbprint
        $json.ClientCertificateMode | Should -Be 'None'
    }

    It 'starts from a PFX file with its password, and not with a wrong password' {
        $pfx = Join-Path $pki 'valid.pfx'
        $server = Start-TcpServer -Certificate $pfx -CertificatePassword (ConvertTo-SecureString 'test-password' -AsPlainText -Force) -TlsProtocol Tls13
        try {
            $server.TlsProtocol | Should -Be 'Tls13'
            (Invoke-TcpConversation localhost $server.LocalPort -Tls -CertificateAuthorityPath $ca -Message "hello`n" -LineCount 1).Messages | Should -Be 'hello'
        } finally {
            $server | Stop-TcpServer
        }

        { Start-TcpServer -Certificate $pfx -CertificatePassword (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } |
            Should -Throw -ErrorId 'InvalidRequest,NetFoundations.PowerShell.Servers.StartTcpServerCommand'
        { Start-TcpServer -Certificate (Join-Path $pki 'missing.pfx') } | Should -Throw -ErrorId 'PathNotFound*'
    }

    It 'turns away a client without a certificate when one is required, and says why' {
        $strict = Start-TcpServer -Certificate (Join-Path $pki 'valid.pfx') -CertificatePassword (ConvertTo-SecureString 'test-password' -AsPlainText -Force) `
            -ClientCertificateMode Required -CertificateAuthorityPath $ca
        try {
            { Invoke-TcpConversation localhost $strict.LocalPort -Tls -CertificateAuthorityPath $ca -Message "hello`n" -LineCount 1 -ErrorAction Stop } | Should -Throw
            Wait-Until { $strict.ConnectionsFailed -eq 1 }

            $strict.GetErrors()[0] | Should -BeOfType [NetFoundations.Core.CertificateRejectedException]
            $strict.GetErrors()[0].Message | Should -Match 'sent no client certificate'
        } finally {
            $strict | Stop-TcpServer
        }
    }
}

Describe 'Start-InetdService: a command serves the port, driven by ncat and socat' {
    BeforeAll {
        # Independent clients: ncat half-closes at the end of its input and prints what the service sent until it closes.
        function Invoke-Ncat([int] $Port, [string] $Text) { $Text | ncat 127.0.0.1 $Port }
        function Invoke-Socat([int] $Port, [string] $Text) { $Text | socat -t 10 - "TCP:127.0.0.1:$Port" }
        # The processes whose command line holds a marker no other process has.
        function Get-Marked([string] $Marker) { @(Get-Process | Where-Object { $_.CommandLine -like "*$Marker*" }) }
    }

    It 'runs a Python filter per connection, the connection as its standard input and output' {
        $upper = Start-InetdService /usr/bin/python3 '-c', 'import sys
for line in sys.stdin: print(line.rstrip("\n").upper(), flush=True)'
        try {
            $upper | Should -BeOfType [NetFoundations.Core.Servers.TcpServer]
            $upper.Service | Should -Be 'Command'
            $upper.Mode | Should -Be 'Nowait'
            $upper.Command | Should -BeLike '/usr/bin/python3 -c *'
            Get-TcpServer -Port $upper.LocalPort | Should -Be $upper

            Invoke-Ncat $upper.LocalPort "one`ntwo" | Should -Be 'ONE', 'TWO'
            Invoke-Socat $upper.LocalPort 'three' | Should -Be 'THREE'
        }
        finally {
            $upper | Stop-TcpServer
        }
    }

    It 'passes the client''s half-close to the program as the end of its input' {
        $count = Start-InetdService wc '-l'
        try {
            # wc answers only once its input has ended: ncat's half-close is that end.
            (Invoke-Ncat $count.LocalPort "a`nb`nc").Trim() | Should -Be '3'
        }
        finally {
            $count | Stop-TcpServer
        }
    }

    It 'serves many clients at once, at most -MaxConnections at a time' {
        $cat = Start-InetdService cat -MaxConnections 2
        try {
            $port = $cat.LocalPort
            $answers = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel { "client $_" | ncat 127.0.0.1 $using:port }

            $answers | Sort-Object | Should -Be (1..8 | ForEach-Object { "client $_" } | Sort-Object)
            Wait-Until { $cat.ConnectionsServed -eq 8 }
            $cat.ConnectionsServed | Should -Be 8
            $cat.MaxConnections | Should -Be 2
        }
        finally {
            $cat | Stop-TcpServer
        }
    }

    It 'runs a scriptblock per connection: lines in as they come, each output object back as a line' {
        $shout = Start-InetdService { process { "$($_.ToUpper())!" } } -Variable @{ Unused = 1 }
        $total = Start-InetdService { $lines = @($input); "$($lines.Count) lines from $($Connection.RemoteAddress)" }
        try {
            Invoke-Socat $shout.LocalPort "hey`nyou" | Should -Be 'HEY!', 'YOU!'
            Invoke-Ncat $total.LocalPort "a`nb`nc" | Should -Be '3 lines from 127.0.0.1'
            $shout.Framing | Should -Be 'Lines'
        }
        finally {
            $shout, $total | Stop-TcpServer
        }
    }

    It 'gives one Python program the listener in the wait form; it accepts clients in turn' {
        $wait = Start-InetdService -Mode Wait /usr/bin/python3 '-c', @'
import socket
listener = socket.fromfd(0, socket.AF_INET, socket.SOCK_STREAM)
for n in range(3):
    client, address = listener.accept()
    question = client.recv(100)
    client.sendall(b'%d %s' % (n, question.strip().upper()))
    client.shutdown(socket.SHUT_WR)
    client.recv(100)
    client.close()
'@
        try {
            $wait.Mode | Should -Be 'Wait'
            Invoke-Ncat $wait.LocalPort 'one' | Should -Be '0 ONE'
            Invoke-Socat $wait.LocalPort 'two' | Should -Be '1 TWO'
            Invoke-Ncat $wait.LocalPort 'three' | Should -Be '2 THREE'
            # That run has ended; the next client starts another.
            Invoke-Ncat $wait.LocalPort 'four' | Should -Be '0 FOUR'
            Wait-Until { $wait.ConnectionsServed -eq 1 }
            $wait.ConnectionsServed | Should -Be 1
        }
        finally {
            $wait | Stop-TcpServer
        }
    }

    It 'gives a scriptblock the listener in the wait form' {
        $wait = Start-InetdService -Mode Wait {
            foreach ($n in 1..2) {
                $client = $Listener.Accept()
                $null = $client.Send([Text.Encoding]::ASCII.GetBytes("accepted $n`n"))
                $client.Shutdown('Both')
                $client.Dispose()
            }
        }
        try {
            Invoke-Ncat $wait.LocalPort '' | Should -Be 'accepted 1'
            Invoke-Ncat $wait.LocalPort '' | Should -Be 'accepted 2'
            Invoke-Ncat $wait.LocalPort '' | Should -Be 'accepted 1'
        }
        finally {
            $wait | Stop-TcpServer
        }
    }

    It 'kills programs that never exit when it stops, and leaves no process or socket' {
        $marker = "inetd-pester-$(New-Guid)"
        $nowait = Start-InetdService /bin/sh '-c', "sleep 1000 # $marker"
        $wait = Start-InetdService -Mode Wait /bin/sh '-c', "sleep 1000 # $marker"
        $clients = foreach ($server in $nowait, $nowait, $wait) {
            $client = [System.Net.Sockets.TcpClient]::new()
            $client.Connect('127.0.0.1', $server.LocalPort)
            $client
        }
        Wait-Until { (Get-Marked $marker).Count -eq 3 }
        (Get-Marked $marker).Count | Should -Be 3

        $nowait, $wait | Stop-TcpServer

        $nowait.State | Should -Be 'Stopped'
        Wait-Until { (Get-Marked $marker).Count -eq 0 }
        Get-Marked $marker | Should -BeNullOrEmpty
        (Test-TcpPort 127.0.0.1 $nowait.LocalPort).Open | Should -BeFalse
        (Test-TcpPort 127.0.0.1 $wait.LocalPort).Open | Should -BeFalse
        Get-TcpServer -Port $nowait.LocalPort, $wait.LocalPort | Should -BeNullOrEmpty
        $clients | ForEach-Object Dispose
    }

    It 'closes a flood to a client that does not read at the idle timeout' {
        $flood = Start-InetdService yes -TimeoutSeconds 0.5
        try {
            $client = [System.Net.Sockets.TcpClient]::new()
            $client.Connect('127.0.0.1', $flood.LocalPort)
            Wait-Until { $flood.ConnectionsFailed -eq 1 }

            $flood.ConnectionsFailed | Should -Be 1
            $flood.GetErrors()[0] | Should -BeOfType [NetFoundations.Core.NetworkTimeoutException]
            $flood.ConnectionsOpen | Should -Be 0
            $client.Dispose()
        }
        finally {
            $flood | Stop-TcpServer
        }
    }

    It 'keeps a failing command''s exit code and standard error' {
        $failing = Start-InetdService /bin/sh '-c', 'echo half done; echo out of paper >&2; exit 4'
        $throwing = Start-InetdService { throw 'no more answers' }
        try {
            Invoke-Ncat $failing.LocalPort '' | Should -Be 'half done'
            $null = Invoke-Ncat $throwing.LocalPort 'question'
            Wait-Until { $failing.ConnectionsFailed -eq 1 -and $throwing.ConnectionsFailed -eq 1 }

            $failing.GetErrors()[0].ReplyCode | Should -Be '4'
            $failing.GetErrors()[0].Message | Should -BeLike '*exited with code 4: out of paper*'
            $failing.GetStandardError() | Should -BeLike '127.0.0.1:*: out of paper'
            $throwing.GetErrors()[0].Message | Should -BeLike '*no more answers*'
        }
        finally {
            $failing, $throwing | Stop-TcpServer
        }
    }

    It 'refuses a program that does not exist when it starts, as an invalid request' {
        Start-InetdService "no-such-program-$(New-Guid)" -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty

        $failed.FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        $failed.Exception.Message | Should -BeLike '*was not found*'
    }

    It 'converts to JSON with its mode and command' {
        $cat = Start-InetdService cat
        try {
            $json = $cat | ConvertTo-Json | ConvertFrom-Json

            $json.Mode | Should -Be 'Nowait'
            $json.Command | Should -Be (Get-Command cat -CommandType Application)[0].Source
            $json.LocalAddress | Should -Be '127.0.0.1'
        }
        finally {
            $cat | Stop-TcpServer
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

        $result | Should -BeOfType [NetFoundations.Core.Servers.TcpLoadResult]
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
