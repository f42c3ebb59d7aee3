# Checks of the playground (playground/, about_NetFoundations_Playground), made from its client h1.
# They run only inside h1: build.ps1 -Task Test (as root on Linux) starts the playground, runs this
# file there through playground/test.sh and stops it. The normal Pester pass leaves it out by its tag.
BeforeDiscovery {
    $hosts = @(
        @{ Name = 'backbone.example.com'; IPv4 = '10.1.1.1'; IPv6 = '2001:db8:1::1' }
        @{ Name = 'isp.example.com'; IPv4 = '10.25.1.1'; IPv6 = '2001:db8:25:1::1' }
        @{ Name = 'modemA.example.com'; IPv4 = '10.25.1.65'; IPv6 = '2001:db8:25:1::65' }
        @{ Name = 'modemB.example.com'; IPv4 = '10.25.1.66'; IPv6 = '2001:db8:25:1::66' }
        @{ Name = 'example.com'; IPv4 = '10.130.1.1'; IPv6 = '2001:db8:130:1::1' }
        @{ Name = 'ftp.example.com'; IPv4 = '10.130.1.2'; IPv6 = '2001:db8:130:1::2' }
        @{ Name = 'mail.example.com'; IPv4 = '10.130.1.3'; IPv6 = '2001:db8:130:1::3' }
        @{ Name = 'www.example.com'; IPv4 = '10.130.1.4'; IPv6 = '2001:db8:130:1::4' }
        @{ Name = 'h1.example.com'; IPv4 = '192.168.1.11'; IPv6 = '2001:db8:25:a::11' }
        @{ Name = 'h2.example.com'; IPv4 = '192.168.1.12'; IPv6 = '2001:db8:25:a::12' }
        @{ Name = 'h3.example.com'; IPv4 = '192.168.1.13'; IPv6 = '2001:db8:25:a::13' }
        @{ Name = 'h4.example.com'; IPv4 = '192.168.1.14'; IPv6 = '2001:db8:25:b::14' }
    )
    $services = @(
        @{ ComputerName = 'www.example.com'; Ports = @(22, 80, 443) }
        @{ ComputerName = 'mail.example.com'; Ports = @(22, 25, 110, 143, 587, 993, 995) }
        @{ ComputerName = 'ftp.example.com'; Ports = @(21, 22, 23) }
        @{ ComputerName = 'backbone.example.com'; Ports = @(22, 53) }
        @{ ComputerName = 'example.com'; Ports = @(22) }
        @{ ComputerName = 'isp.example.com'; Ports = @(22) }
        @{ ComputerName = 'modemA.example.com'; Ports = @(22) }
    )
    $tlsServices = @(
        @{ Name = 'www.example.com'; Port = 443 }
        @{ Name = 'mail.example.com'; Port = 993 }
        @{ Name = 'mail.example.com'; Port = 995 }
    )
    $startTlsServices = @(
        @{ Name = 'mail.example.com'; Port = 587; Protocol = 'smtp' }
        @{ Name = 'mail.example.com'; Port = 25; Protocol = 'smtp' }
        @{ Name = 'mail.example.com'; Port = 143; Protocol = 'imap' }
        @{ Name = 'ftp.example.com'; Port = 21; Protocol = 'ftp' }
    )
}

Describe 'The playground, seen from h1' -Tag 'Playground' {
    BeforeAll {
        # Refuse before anything touches the network: the playground's addresses mean something only
        # inside it. `ip netns exec h1` mounts the playground's resolv.conf, which names the host.
        $resolvConf = if ([IO.File]::Exists('/etc/resolv.conf')) { [IO.File]::ReadAllText('/etc/resolv.conf') } else { '' }
        $addresses = @([Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
            ForEach-Object { $_.GetIPProperties().UnicastAddresses } | ForEach-Object { $_.Address.ToString() })
        if ($resolvConf -notmatch '(?m)^# NetFoundations playground host h1$' -or $addresses -notcontains '192.168.1.11') {
            throw 'The Playground tests run only inside the playground''s host h1, and this is not it. Run them with build.ps1 -Task Test as root on Linux, or open a shell on h1 with build.ps1 -Task Playground -Action Shell.'
        }
        Import-Module $env:NETFOUNDATIONS_MODULE

        $caFile = '/etc/ssl/certs/ca-certificates.crt'   # in h1: the playground CA alone

        function Get-Text([string] $Url, [Net.Http.HttpClientHandler] $Handler = [Net.Http.HttpClientHandler]::new()) {
            $client = [Net.Http.HttpClient]::new($Handler)
            $client.Timeout = [TimeSpan]::FromSeconds(10)
            try {
                $response = $client.GetAsync($Url).GetAwaiter().GetResult()
                [pscustomobject]@{
                    Status = [int]$response.StatusCode
                    Url    = $response.RequestMessage.RequestUri.AbsoluteUri
                    Text   = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
                }
            } finally { $client.Dispose() }
        }

        function Get-JsonValue([string] $Json, [string] $Property) {
            [Text.Json.JsonDocument]::Parse($Json).RootElement.GetProperty($Property).ToString()
        }

        # The certificate a TLS server presents, after .NET has checked it (chain and name) against
        # h1's trust store; throws when the check fails.
        function Get-ServerCertificate([string] $ComputerName, [int] $Port, [string] $ExpectedName = $ComputerName) {
            $client = [Net.Sockets.TcpClient]::new()
            try {
                if (-not $client.ConnectAsync($ComputerName, $Port).Wait(5000)) { throw "No connection to ${ComputerName}:$Port." }
                $client.ReceiveTimeout = 5000
                $tls = [Net.Security.SslStream]::new($client.GetStream(), $false)
                $tls.AuthenticateAsClient($ExpectedName)
                [Security.Cryptography.X509Certificates.X509Certificate2]::new($tls.RemoteCertificate)
            } finally { $client.Dispose() }
        }

        function Get-DnsNames([Security.Cryptography.X509Certificates.X509Certificate2] $Certificate) {
            foreach ($extension in $Certificate.Extensions) {
                if ($extension.Oid.Value -eq '2.5.29.17') {
                    [Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension]::new($extension.RawData, $false).EnumerateDnsNames()
                }
            }
        }

        # Runs a program with nothing on its input and returns what it wrote (output and errors).
        function Invoke-Native([string] $Program, [string[]] $Arguments) {
            $start = [Diagnostics.ProcessStartInfo]::new($Program)
            foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $process = [Diagnostics.Process]::Start($start)
            try {
                $process.StandardInput.Close()
                $errors = $process.StandardError.ReadToEndAsync()
                $output = $process.StandardOutput.ReadToEndAsync()
                if (-not $process.WaitForExit(30000)) { $process.Kill(); throw "$Program did not finish within 30 seconds." }
                $output.Result + $errors.Result
            } finally { $process.Dispose() }
        }

        # The hops of a traceroute, as addresses.
        function Get-Hops([string[]] $Arguments) {
            $lines = (Invoke-Native traceroute (@('-n', '-q', '1', '-w', '2') + $Arguments)) -split "`n"
            @($lines | ForEach-Object { if ($_ -match '^\s*\d+\s+(\S+)') { $Matches[1] } })
        }
    }

    Context 'DNS' {
        It 'resolves <Name> to <IPv4>' -ForEach $hosts {
            $records = @(Resolve-DnsName2 $Name -Type A | Where-Object { "$($_.Type)" -eq 'A' })
            $records | Should -HaveCount 1
            $records[0].Address.ToString() | Should -Be $IPv4
        }

        It 'resolves <Name> to <IPv6>' -ForEach $hosts {
            $records = @(Resolve-DnsName2 $Name -Type AAAA | Where-Object { "$($_.Type)" -eq 'AAAA' })
            $records | Should -HaveCount 1
            $records[0].Address.ToString() | Should -Be $IPv6
        }

        It 'names <IPv4> <Name> (reverse)' -ForEach $hosts {
            $records = @(Resolve-DnsName2 $IPv4 | Where-Object { "$($_.Type)" -eq 'PTR' })
            $records | Should -HaveCount 1
            $records[0].NameHost.TrimEnd('.') | Should -Be $Name
        }

        It 'names <IPv6> <Name> (reverse)' -ForEach $hosts {
            $records = @(Resolve-DnsName2 $IPv6 | Where-Object { "$($_.Type)" -eq 'PTR' })
            $records | Should -HaveCount 1
            $records[0].NameHost.TrimEnd('.') | Should -Be $Name
        }

        It 'sends mail for example.com to mail.example.com' {
            $mx = @(Resolve-DnsName2 example.com -Type MX | Where-Object { "$($_.Type)" -eq 'MX' })
            $mx | Should -HaveCount 1
            $mx[0].Exchange.TrimEnd('.') | Should -Be 'mail.example.com'
        }

        It 'sends mail for www.example.com to smtp.example.com, another name of mail.example.com' {
            $mx = @(Resolve-DnsName2 www.example.com -Type MX | Where-Object { "$($_.Type)" -eq 'MX' })
            $mx | Should -HaveCount 1
            $mx[0].Exchange.TrimEnd('.') | Should -Be 'smtp.example.com'
            $alias = @(Resolve-DnsName2 smtp.example.com -Type CNAME | Where-Object { "$($_.Type)" -eq 'CNAME' })
            $alias | Should -HaveCount 1
            $alias[0].NameHost.TrimEnd('.') | Should -Be 'mail.example.com'
        }

        It 'finds short names in the search domain example.com' {
            $addresses = @([Net.Dns]::GetHostAddresses('www') | ForEach-Object { $_.ToString() })
            $addresses | Should -Contain '10.130.1.4'
        }

        It 'answers only for the playground (no recursion)' {
            $answer = Invoke-Native dig '+time=2', '+tries=1', 'www.example.org', 'A'
            $answer | Should -Match 'status: REFUSED'
        }
    }

    Context 'Services' {
        It '<ComputerName> answers on <Ports>' -ForEach $services {
            $results = @(Test-TcpPort -ComputerName $ComputerName -Port $Ports -TimeoutMilliseconds 3000)
            $results | Should -HaveCount $Ports.Count
            @($results | Where-Object { -not $_.Open } | ForEach-Object { $_.Port }) | Should -BeNullOrEmpty
        }

        It 'www serves its home page' {
            $page = Get-Text 'http://www.example.com/'
            $page.Status | Should -Be 200
            $page.Text | Should -Match 'Welcome to www.example.com'
        }

        It 'www follows a chain of three redirects to /echo' {
            $page = Get-Text 'https://www.example.com/redirect/3'
            $page.Status | Should -Be 200
            $page.Url | Should -Be 'https://www.example.com/echo'
        }

        It 'www asks for basic authentication and accepts the test user' {
            (Get-Text 'http://www.example.com/basic-auth').Status | Should -Be 401
            $handler = [Net.Http.HttpClientHandler]::new()
            $handler.Credentials = [Net.NetworkCredential]::new('brandon', 'abc123')
            $page = Get-Text 'http://www.example.com/basic-auth' $handler
            $page.Status | Should -Be 200
            Get-JsonValue $page.Text 'user' | Should -Be 'brandon'
        }

        It 'www sets cookies and reads them back' {
            $handler = [Net.Http.HttpClientHandler]::new()
            $handler.CookieContainer = [Net.CookieContainer]::new()
            $page = Get-Text 'http://www.example.com/cookies/set?flavor=oatmeal' $handler
            $page.Url | Should -Be 'http://www.example.com/cookies'
            $page.Text | Should -Match '"flavor": "oatmeal"'
        }
    }

    Context 'NAT' {
        It 'www sees h1''s IPv4 connections coming from modemA (10.25.1.65)' {
            $page = Get-Text 'http://10.130.1.4/echo'
            Get-JsonValue $page.Text 'remoteAddress' | Should -Be '10.25.1.65'
        }

        It 'www sees h1''s own address over IPv6, which is routed, not translated' {
            $page = Get-Text 'http://[2001:db8:130:1::4]/echo'
            Get-JsonValue $page.Text 'remoteAddress' | Should -Be '2001:db8:25:a::11'
        }

        It 'h4, behind modemB, cannot be reached from h1 while modemB itself can' {
            (Test-TcpPort -ComputerName 10.25.1.66 -Port 22).Open | Should -BeTrue
            $private = Test-TcpPort -ComputerName 192.168.1.14 -Port 22 -TimeoutMilliseconds 2000
            $private.Open | Should -BeFalse
            $routed = Test-TcpPort -ComputerName 2001:db8:25:b::14 -Port 22 -TimeoutMilliseconds 2000
            $routed.Open | Should -BeFalse
        }
    }

    Context 'TLS' {
        It '<Name>:<Port> presents a certificate for its name from the playground CA' -ForEach $tlsServices {
            $certificate = Get-ServerCertificate $Name $Port
            $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::new($caFile)
            $certificate.Issuer | Should -Be $ca.Subject
            @(Get-DnsNames $certificate) | Should -Contain $Name
        }

        It '<Name>:<Port> offers STARTTLS (<Protocol>) with a certificate valid for its name' -ForEach $startTlsServices {
            $output = Invoke-Native openssl 's_client', '-starttls', $Protocol, '-connect', "${Name}:$Port", '-servername', $Name,
                '-CAfile', $caFile, '-verify_hostname', $Name, '-verify_return_error'
            $output | Should -Match 'Verify return code: 0 \(ok\)'
            $output | Should -Match "subject=.*CN = $([regex]::Escape($Name))"
        }

        It 'rejects www''s certificate for another name' {
            { Get-ServerCertificate www.example.com 443 mail.example.com } | Should -Throw
        }

        It 'passes the whole pipe: DNS record, open port, valid certificate' {
            $results = @(Resolve-DnsName2 www.example.com -Type A | Test-TcpPort -Port 443 | Where-Object Open | Test-TlsCertificate)
            $results | Should -HaveCount 1
            $results[0].IsValid | Should -BeTrue
            $results[0].NameMatches | Should -BeTrue
            $results[0].DaysRemaining | Should -BeGreaterThan 7   # the playground CA signs for 30 days
        }

        It 'Test-TlsCertificate -StartTls <Protocol> finds a valid certificate on <Name>:<Port>' -ForEach $startTlsServices {
            $result = Test-TlsCertificate -ComputerName $Name -Port $Port -StartTls $Protocol
            $result.IsValid | Should -BeTrue
            $result.Subject | Should -Match ([regex]::Escape($Name))
        }
    }

    Context 'SSH' {
        BeforeAll {
            $folder = if ($env:NETFOUNDATIONS_PLAYGROUND_DIR) { $env:NETFOUNDATIONS_PLAYGROUND_DIR } else { '/tmp/netfoundations-playground' }
            $knownHosts = "$folder/ssh/known_hosts"
            $credential = [pscredential]::new('brandon', [Net.NetworkCredential]::new('', 'abc123').SecurePassword)
        }

        It 'runs a command on www as the test user, trusting only the playground''s known_hosts' {
            $result = Invoke-SshCommand -ComputerName www.example.com -Command 'hostname; id -un' -Credential $credential -KnownHostsPath $knownHosts
            $result.ExitStatus | Should -Be 0
            $result.Output | Should -Match '^www'
            $result.Output | Should -Match 'brandon'
        }

        It 'tunnels from h1 through www to the IMAP port of mail, named as www resolves it' {
            $session = Connect-SshSession www.example.com -Credential $credential -KnownHostsPath $knownHosts
            try {
                $tunnel = $session | New-SshTunnel -RemoteHost mail.example.com -RemotePort 143
                $greeting = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort -LineCount 1
                $greeting.ReceivedText | Should -Match '^\* OK'
                $tunnel.Connections | Should -Be 1
            } finally { Disconnect-SshSession -Session $session }
        }

        It 'drives a shell on www with expect steps' {
            $prompt = @{ Expect = '\$ $' }
            $results = @(Invoke-SshShell -ComputerName www.example.com -Credential $credential -KnownHostsPath $knownHosts -Step $prompt, @{ Send = 'hostname' }, $prompt)
            $results[-1].Output | Should -Match '^www'
        }
    }

    Context 'Mail' {
        BeforeAll {
            $brandon = [pscredential]::new('brandon', [Net.NetworkCredential]::new('', 'abc123').SecurePassword)
            $seeded = @('Welcome to example.com!', 'Introduction to e-mail', 'Your file, with a MIME attachment')

            # The INBOX messages with this subject, waiting up to ten seconds for delivery.
            function Wait-Delivered([object] $Session, [string] $Subject) {
                foreach ($attempt in 1..50) {
                    $found = @(Get-ImapMessage -Session $Session -Subject $Subject)
                    if ($found.Count) { return $found }
                    [Threading.Thread]::Sleep(200)
                }
            }
        }

        It 'the mail exchanger of example.com takes SMTP connections from h1' {
            $open = @(Resolve-MailExchange example.com | Test-TcpPort -Port 25 | Where-Object Open)
            $open | Should -Not -BeNullOrEmpty
            $open[0].ComputerName | Should -Be 'mail.example.com'
        }

        It 'holds the three seeded messages for the test user, read over IMAPS' {
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $messages = @(Get-ImapMessage -Session $session)
                foreach ($subject in $seeded) { $messages.Subject | Should -Contain $subject }
                $attachment = $messages | Where-Object Subject -eq 'Your file, with a MIME attachment' | Read-ImapMessage
                $attachment.Attachments | Should -Not -BeNullOrEmpty
            } finally { Disconnect-Imap -Session $session }
        }

        It 'lists the seeded messages over POP3 with TLS (995)' {
            $listed = @(Get-Pop3Message mail.example.com $brandon -Security Tls -Headers)
            foreach ($subject in $seeded) { $listed.Subject | Should -Contain $subject }
        }

        It 'takes mail from h1 for example.com at its exchanger on port 25, which IMAP then finds' {
            $subject = 'Through the MX ' + [Guid]::NewGuid().ToString('N')
            $sent = Resolve-MailExchange example.com |
                Send-SmtpMail -From 'h1@example.com' -To 'brandon@example.com' -Subject $subject -Body 'Hello over port 25' -Security StartTls
            $sent.Sent | Should -BeTrue
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $found = Wait-Delivered $session $subject
                $found | Should -HaveCount 1
                ($found | Read-ImapMessage).Body.Trim() | Should -Be 'Hello over port 25'
                $found | Remove-ImapMessage -Confirm:$false
            } finally { Disconnect-Imap -Session $session }
        }

        It 'submits mail on 587 only after STARTTLS and AUTH, and delivers it' {
            $server = Test-SmtpServer mail.example.com -Port 587 -Security StartTls -Credential $brandon
            $server.StartTlsOffered | Should -BeTrue
            $server.CertificateValid | Should -BeTrue
            $server.Authenticated | Should -BeTrue
            $subject = 'Submitted ' + [Guid]::NewGuid().ToString('N')
            $sent = New-MailMessage -From 'brandon@example.com' -To 'brandon@example.com' -Subject $subject -Body 'Hello over 587' |
                Send-SmtpMail -SmtpServer mail.example.com -Port 587 -Security StartTls -Credential $brandon
            $sent.Sent | Should -BeTrue
            $sent.TlsProtocol | Should -Not -BeNullOrEmpty
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $found = Wait-Delivered $session $subject
                $found | Should -HaveCount 1
                $found | Remove-ImapMessage -Confirm:$false
            } finally { Disconnect-Imap -Session $session }
        }
    }

    Context 'Routing' {
        It 'reaches www.example.com in 5 hops: modemA, isp, backbone, example.com, www' {
            (Get-Hops www.example.com) -join ' ' | Should -Be '192.168.1.1 10.25.1.1 10.1.1.1 10.130.1.1 10.130.1.4'
        }

        It 'reaches www.example.com over IPv6 through the same routers' {
            (Get-Hops '-6', 'www.example.com') -join ' ' |
                Should -Be '2001:db8:25:a::1 2001:db8:25:1::1 2001:db8:1::1 2001:db8:130:1::1 2001:db8:130:1::4'
        }

        It 'reaches nothing outside the playground' {
            $outside = Test-TcpPort -ComputerName 198.51.100.1 -Port 80 -TimeoutMilliseconds 3000
            $outside.Open | Should -BeFalse
            "$($outside.FailureKind)" | Should -Be 'Unreachable'
        }
    }
}
