# TLS checks a user would write, against the repository's test servers (tests/servers/tls): nginx and
# openssl s_server with the test CA's certificates, Postfix, Dovecot and vsftpd for STARTTLS, all on loopback.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE

    $scripts = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'tls'))
    $script:stopScript = [IO.Path]::Combine($scripts, 'stop-servers.sh')
    $script:workDir = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'nf-tls-pester-' + [Guid]::NewGuid().ToString('N'))
    $start = [Diagnostics.Process]::Start('bash', @([IO.Path]::Combine($scripts, 'start-servers.sh'), $workDir))
    if (-not $start.WaitForExit(120000) -or $start.ExitCode -ne 0) { throw 'The TLS test servers (tests/servers/tls/start-servers.sh) did not start.' }
    $script:port = @{}
    foreach ($line in [IO.File]::ReadAllLines([IO.Path]::Combine($workDir, 'ports.env'))) {
        $name, $number = $line -split '='
        $port[$name] = [int]$number
    }
    $script:ca = [IO.Path]::Combine($workDir, 'ca.crt')
}

AfterAll {
    $stop = [Diagnostics.Process]::Start('bash', @($stopScript, $workDir))
    [void]$stop.WaitForExit(30000)
    if ([IO.Directory]::Exists($workDir)) { [IO.Directory]::Delete($workDir, $true) }
}

Describe 'Test-TlsCertificate' {
    It 'finds the web server certificate valid for its name' {
        $result = Test-TlsCertificate localhost -Port $port.valid -CertificateAuthorityPath $ca
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

    It 'reports <Server> as invalid because <Reason>' -ForEach @(
        @{ Server = 'expired'; Reason = 'expired on' }
        @{ Server = 'notyet'; Reason = 'not valid before' }
        @{ Server = 'wrongname'; Reason = 'does not match' }
        @{ Server = 'selfsigned'; Reason = 'not trusted' }
        @{ Server = 'untrusted'; Reason = 'not trusted' }
    ) {
        $result = Test-TlsCertificate localhost -Port $port[$Server] -CAFile $ca
        $result.IsValid | Should -BeFalse
        $result.Problems -join ' ' | Should -Match $Reason
    }

    It 'does not trust the test CA without the bundle' {
        (Test-TlsCertificate localhost -Port $port.valid).IsTrusted | Should -BeFalse
    }

    It 'follows a chain through the intermediate to the root' {
        $result = Test-TlsCertificate localhost -Port $port.chain -CAFile $ca
        $result.IsValid | Should -BeTrue
        $result.Chain | Should -HaveCount 3
    }

    It 'picks the wildcard certificate by server name' {
        $result = Test-TlsCertificate 127.0.0.1 -Port $port.sni -ServerName www.tls.test -CAFile $ca
        $result.Subject | Should -Be 'CN=*.tls.test'
        $result.IsValid | Should -BeTrue
    }

    It 'takes port test results from the pipeline' {
        $open = [pscustomobject]@{ ComputerName = 'localhost'; Address = [Net.IPAddress]::Loopback; Port = $port.valid; Open = $true }
        ($open | Where-Object Open | Test-TlsCertificate -CAFile $ca).IsValid | Should -BeTrue
    }

    It 'finds the <_> server certificate valid after STARTTLS' -ForEach @('Smtp', 'Imap', 'Pop3', 'Ftp') {
        Test-TlsCertificate localhost -Port $port[$_.ToLowerInvariant()] -StartTls $_ -CAFile $ca -Quiet | Should -BeTrue
    }

    It 'says when a server does not offer STARTTLS' {
        { Test-TlsCertificate localhost -Port $port.smtpplain -StartTls Smtp -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest*'
    }

    It 'says when nothing listens' {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start()
        $closed = $probe.LocalEndpoint.Port
        $probe.Stop()
        { Test-TlsCertificate 127.0.0.1 -Port $closed -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused*'
    }
}

Describe 'Test-TlsProtocol' {
    It 'finds TLS 1.2 accepted and TLS 1.3 refused by a TLS 1.2 server' {
        $results = Test-TlsProtocol localhost -Port $port.tls12 -Protocol Tls12, Tls13
        ($results | Where-Object Protocol -EQ 'Tls12').Status | Should -Be 'Supported'
        ($results | Where-Object Protocol -EQ 'Tls13').Status | Should -Be 'NotSupported'
    }

    It 'finds TLS 1.0 refused, or says it cannot be tested here' {
        $result = Test-TlsProtocol localhost -Port $port.tls12 -Protocol Tls10
        $result.IsSupported | Should -Not -BeTrue
        "$($result.Status)" | Should -BeIn @('NotSupported', 'NotTestableHere')
    }
}
