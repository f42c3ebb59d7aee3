# TLS checks a user would write: is the certificate valid for the name, for how long yet, from which CA, and
# which protocol versions does the server take. The servers here are the repository's (tests/servers/tls): nginx and
# openssl s_server with certificates of a test CA, Postfix, Dovecot and vsftpd for STARTTLS, all on loopback.
# In your own checks put your hosts and ports in their place, and leave out -CAFile to trust the system's CAs.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $tlsFolder = Join-Path $TestDrive 'tls-servers'
    $port = Start-TlsTestServers $tlsFolder
    $ca = Join-Path $tlsFolder 'ca.crt'
    $closedPort = Get-UnusedPort
}

AfterAll {
    Stop-TlsTestServers $tlsFolder
}

Describe 'Test-TlsCertificate' {
    It 'finds the web server certificate valid for its name' {
        $result = Test-TlsCertificate localhost -Port $port.valid -CertificateAuthorityPath $ca

        $result | Should -BeOfType [NetFoundations.Core.Tls.TlsCertificateResult]
        $result.IsValid | Should -BeTrue
        $result.NameMatches | Should -BeTrue
        $result.SubjectAlternativeNames | Should -Contain 'localhost'
    }

    It 'finds more than 30 days left' {
        Test-TlsCertificate localhost -Port $port.valid -CAFile $ca -MinimumDaysRemaining 30 -Quiet | Should -BeTrue
        (Test-TlsCertificate localhost -Port $port.valid -CAFile $ca).DaysRemaining | Should -BeGreaterThan 30
    }

    It 'fails a certificate that expires within 30 days' {
        Test-TlsCertificate localhost -Port $port.short -CAFile $ca -MinimumDaysRemaining 30 -Quiet | Should -BeFalse
    }

    It 'reports the <Server> certificate as invalid because it is <Reason>' -ForEach @(
        @{ Server = 'expired'; Reason = 'expired on' }
        @{ Server = 'notyet'; Reason = 'not valid before' }
        @{ Server = 'wrongname'; Reason = 'does not match' }
        @{ Server = 'selfsigned'; Reason = 'not trusted' }
        @{ Server = 'untrusted'; Reason = 'not trusted' }
    ) {
        # A bad certificate is data with its reasons, not an error.
        $result = Test-TlsCertificate localhost -Port $port[$Server] -CAFile $ca -ErrorVariable failures

        $result.IsValid | Should -BeFalse
        $result.Problems -join ' ' | Should -Match $Reason
        $failures | Should -HaveCount 0
    }

    It 'does not trust the test CA without the bundle' {
        (Test-TlsCertificate localhost -Port $port.valid).IsTrusted | Should -BeFalse
    }

    It 'follows a chain through the intermediate to the root, and saves what the server sent' {
        $saved = Join-Path $TestDrive 'chain.pem'

        $result = Test-TlsCertificate localhost -Port $port.chain -CAFile $ca -OutFile $saved

        $result.IsValid | Should -BeTrue
        $result.Chain | Should -HaveCount 3
        # The server sends its own certificate and the intermediate; the root comes from the CA file.
        (Select-String -Path $saved -Pattern '-----BEGIN CERTIFICATE-----' -SimpleMatch) | Should -HaveCount 2
    }

    It 'tests but writes no file under -WhatIf' {
        $saved = Join-Path $TestDrive 'whatif.pem'

        $result = Test-TlsCertificate localhost -Port $port.chain -CAFile $ca -OutFile $saved -WhatIf

        $result.IsValid | Should -BeTrue
        $saved | Should -Not -Exist
    }

    It 'picks the wildcard certificate by server name' {
        $result = Test-TlsCertificate 127.0.0.1 -Port $port.sni -ServerName www.tls.test -CAFile $ca

        $result.Subject | Should -Be 'CN=*.tls.test'
        $result.IsValid | Should -BeTrue
    }

    It 'takes port test results from the pipeline' {
        $open = [pscustomobject]@{ ComputerName = 'localhost'; Address = [ipaddress]::Loopback; Port = $port.valid; Open = $true }

        $result = $open | Where-Object Open | Test-TlsCertificate -CAFile $ca

        $result.IsValid | Should -BeTrue
        $result.ServerName | Should -Be 'localhost'
        $result.Address | Should -Be ([ipaddress]::Loopback)
        $result.Port | Should -Be $port.valid
    }

    It 'takes DNS records from the pipeline, checking the certificate against their name' {
        $record = [pscustomobject]@{ Name = 'www.tls.test'; ComputerName = 'www.tls.test'; Address = [ipaddress]::Loopback }

        $result = $record | Test-TlsCertificate -Port $port.sni -CAFile $ca

        $result.Subject | Should -Be 'CN=*.tls.test'
        $result.IsValid | Should -BeTrue
    }

    It 'takes host names from the pipeline' {
        ('127.0.0.1', 'localhost' | Test-TlsCertificate -Port $port.valid -CAFile $ca).ServerName | Should -Be '127.0.0.1', 'localhost'
    }

    It 'finds the <_> server certificate valid after STARTTLS, and shows the conversation before it' -ForEach 'Smtp', 'Imap', 'Pop3', 'Ftp' {
        $verbose = Test-TlsCertificate localhost -Port $port[$_.ToLowerInvariant()] -StartTls $_ -CAFile $ca -Verbose 4>&1
        $result = $verbose | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }

        $result.IsValid | Should -BeTrue
        $result.StartTls | Should -Be $_
        $result.GetStartTlsTranscript().Count | Should -BeGreaterOrEqual 3
        $shown = $verbose -join "`n"
        $shown | Should -Match ' -> '
        $shown | Should -Match ' <- '
    }

    It 'says when a server does not offer STARTTLS' {
        { Test-TlsCertificate localhost -Port $port.smtpplain -StartTls Smtp -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*does not offer STARTTLS*'
    }

    It 'says when nothing listens, also with -Quiet' {
        { Test-TlsCertificate 127.0.0.1 -Port $closedPort -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'

        # -Quiet answers only $false, as Test-TcpPort -Quiet does; -Verbose says why.
        $answer = Test-TlsCertificate 127.0.0.1 -Port $closedPort -Quiet -ErrorVariable failures -Verbose 4>&1
        $answer | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] } | Should -BeExactly $false
        $failures | Should -HaveCount 0
        ($answer | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) -join "`n" | Should -Match 'ConnectionRefused'
    }

    It 'goes on to the next host after a name that does not resolve' {
        $results = ('x' * 64 + '.invalid'), 'localhost' | Test-TlsCertificate -Port $port.valid -CAFile $ca -ErrorVariable failures -ErrorAction SilentlyContinue

        $results | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NameResolutionFailed,*'
    }

    It 'reports <Case> as <ErrorId>' -ForEach @(
        @{ Case = 'a missing CA file'; Arguments = @{ CAFile = 'nothing.pem' }; ErrorId = 'PathNotFound' }
        @{ Case = 'a CA file that is a key'; Arguments = @{ CAFile = 'client.key' }; ErrorId = 'InvalidRequest' }
        @{ Case = 'port 70000'; Arguments = @{ Port = 70000 }; ErrorId = 'ParameterArgumentValidationError' }
    ) {
        $options = @{ ComputerName = 'localhost'; Port = $port.valid }
        foreach ($name in $Arguments.Keys) {
            $options[$name] = if ($name -eq 'CAFile') { Join-Path $tlsFolder $Arguments[$name] } else { $Arguments[$name] }
        }
        { Test-TlsCertificate @options -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'sends a client certificate from a PFX file opened with a credential' {
        $pfx = Join-Path $tlsFolder 'client.pfx'
        $right = [pscredential]::new('client', (ConvertTo-SecureString 'test-password' -AsPlainText -Force))
        $wrong = [pscredential]::new('client', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))

        $result = Test-TlsCertificate localhost -Port $port.clientcert -CAFile $ca -Protocol Tls12 -ClientCertificate $pfx -ClientCertificateCredential $right

        $result.ClientCertificateSent | Should -BeTrue
        $result.HandshakeError | Should -BeNullOrEmpty
        { Test-TlsCertificate localhost -Port $port.clientcert -ClientCertificate $pfx -ClientCertificateCredential $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*'
    }

    It 'sends a client certificate from PEM files, the key in a file of its own' {
        $result = Test-TlsCertificate localhost -Port $port.clientcert -CAFile $ca -Protocol Tls12 `
            -ClientCertificate (Join-Path $tlsFolder 'client.crt') -ClientCertificateKey (Join-Path $tlsFolder 'client.key')

        $result.ClientCertificateSent | Should -BeTrue
        $result.HandshakeError | Should -BeNullOrEmpty
    }

    It 'shows five columns in its table and the outcome under -Verbose' {
        $verbose = Test-TlsCertificate localhost -Port $port.expired -CAFile $ca -Verbose 4>&1
        $result = $verbose | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }
        $header = ($result | Format-Table | Out-String -Width 300) -split '\r?\n' | Where-Object { $_ -match '\S' } | Select-Object -First 1

        $header -split '\s+' | Where-Object { $_ } | Should -Be 'ComputerName', 'Port', 'Subject', 'DaysRemaining', 'IsValid'
        $shown = $verbose -join "`n"
        $shown | Should -Match 'Connected to 127\.0\.0\.1'
        $shown | Should -Match 'expired on'
    }
}

Describe 'Test-TlsProtocol' {
    It 'finds TLS 1.2 accepted and TLS 1.3 refused by a TLS 1.2 server' {
        $results = Test-TlsProtocol localhost -Port $port.tls12 -Protocol Tls12, Tls13

        $results | Should -BeOfType [NetFoundations.Core.Tls.TlsProtocolResult]
        ($results | Where-Object Protocol -EQ 'Tls12').Status | Should -Be 'Supported'
        ($results | Where-Object Protocol -EQ 'Tls13').Status | Should -Be 'NotSupported'
    }

    It 'takes the host and port of piped objects' {
        $results = [pscustomobject]@{ ComputerName = 'localhost'; Port = $port.tls12 } | Test-TlsProtocol -Protocol Tls12, Tls13

        $results | Should -HaveCount 2
        ($results | Where-Object Protocol -EQ 'Tls12').Status | Should -Be 'Supported'
    }

    It 'tests the versions behind STARTTLS' {
        (Test-TlsProtocol localhost -Port $port.pop3 -StartTls Pop3 -Protocol Tls12, Tls13).Status | Should -Be 'Supported', 'Supported'
    }

    It 'says when nothing listens' {
        { Test-TlsProtocol 127.0.0.1 -Port $closedPort -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'says when the server does not speak TLS, rather than that it refuses the version, in the error and the transcript' {
        $lines = Start-TestPeer tcp_lines.py   # greets with HELLO, as a plain-text service does
        try {
            $transcript = Join-Path $TestDrive 'not-tls.log'

            { Test-TlsProtocol 127.0.0.1 -Port $lines.Port -Protocol Tls12 -TranscriptPath $transcript -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProtocolViolation,*' -ExpectedMessage '*does not speak TLS here: it answered "HELLO*'

            Get-Content $transcript | Select-Object -Last 1 | Should -BeLike '* `*`*`* *does not speak TLS here*'
        }
        finally {
            $lines | Stop-TestPeer
        }
    }

    Context 'TLS 1.0, which this machine''s OpenSSL may not offer' {
        BeforeAll {
            # Each case runs in a pwsh of its own (a job), because OpenSSL reads its configuration once per process.
            function Get-Tls10Status([string] $OpenSslConfig) {
                $saved = $env:OPENSSL_CONF
                $env:OPENSSL_CONF = $OpenSslConfig   # an empty value removes the variable
                try {
                    $job = Start-Job {
                        Import-Module $using:env:NETFOUNDATIONS_MODULE
                        foreach ($server in $using:port.legacy, $using:port.tls12) {
                            "$((Test-TlsProtocol 127.0.0.1 -Port $server -Protocol Tls10).Status)"
                        }
                    }
                } finally {
                    $env:OPENSSL_CONF = $saved
                }
                $job | Wait-Job -Timeout 120 | Receive-Job -ErrorAction Stop
                $job | Remove-Job -Force
            }
        }

        It 'is taken by the legacy server and refused by the TLS 1.2 one where OpenSSL may offer it' {
            # openssl-legacy.cnf lowers OpenSSL's security level so that TLS 1.0 can be offered at all.
            Get-Tls10Status (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'openssl-legacy.cnf') | Should -Be 'Supported', 'NotSupported'
        }

        It 'is NotTestableHere, never a refusal, where OpenSSL cannot offer it' {
            Get-Tls10Status '' | Should -Be 'NotTestableHere', 'NotTestableHere'
        }
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know. The test servers
    # listen on 127.0.0.1 only; one more, started here, on ::1 only. The certificate is checked against the record's
    # name wherever the address leads.
    BeforeAll {
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
        $port6 = Get-UnusedPort
        $server6 = Start-Process openssl -ArgumentList 's_server', '-accept', "[::1]:$port6", '-cert', (Join-Path $tlsFolder 'valid.crt'),
            '-key', (Join-Path $tlsFolder 'valid.key'), '-www', '-quiet' -RedirectStandardOutput (Join-Path $TestDrive 's_server6.log') -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Test-TcpPort ::1 -Port $port6 -Quiet)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "openssl s_server did not listen on [::1]:$port6." }
            Start-Sleep -Milliseconds 100
        }
    }

    AfterAll {
        $server6 | Stop-Process -ErrorAction Ignore
        Stop-TestDnsServer $dns
    }

    It 'Test-TlsCertificate reaches the record''s address after Test-TcpPort (README: Resolve-DnsName2 | Test-TcpPort | Where-Object Open | Test-TlsCertificate)' {
        $result = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Test-TcpPort -Port $port.valid | Where-Object Open |
            Test-TlsCertificate -CAFile $ca

        $result.Address | Should -Be ([ipaddress]::Loopback)
        $result.ServerName | Should -Be 'loop.example.test'
        $result.NameMatches | Should -BeFalse
        $result.SubjectAlternativeNames | Should -Contain 'localhost'
    }

    It 'Test-TlsCertificate connects to ::1 where ::1 listens and 127.0.0.1 refuses, and fails on 127.0.0.1' {
        $result = Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-TlsCertificate -Port $port6 -CAFile $ca
        $result.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $result.ServerName | Should -Be 'loop.example.test'

        { Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Test-TlsCertificate -Port $port6 -CAFile $ca -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'Test-TlsCertificate tries the addresses of a mail exchange in order' {
        $result = Resolve-MailExchange loopmail.example.test -Server $dns.Server | Test-TlsCertificate -Port $port6 -CAFile $ca

        $result.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $result.ServerName | Should -Be 'loop.example.test'
    }

    It 'Test-TlsProtocol tests the record''s address: 127.0.0.1 listens, ::1 refuses' {
        $results = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Test-TlsProtocol -Port $port.tls12 -Protocol Tls12
        ($results | Where-Object Protocol -EQ 'Tls12').Status | Should -Be 'Supported'
        $results[0].Address | Should -Be ([ipaddress]::Loopback)

        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-TlsProtocol -Port $port.tls12 -Protocol Tls12 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}
