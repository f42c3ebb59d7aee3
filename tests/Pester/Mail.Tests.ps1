# E-mail against the repository's Postfix and Dovecot (tests/servers/mail), started for this file.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    $script:folder = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'nf-mail-pester-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    $scripts = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'mail'))
    $start = [Diagnostics.Process]::Start('bash', @([IO.Path]::Combine($scripts, 'start-servers.sh'), $script:folder))
    $start.WaitForExit(120000) | Out-Null
    $script:ports = @{}
    foreach ($line in [IO.File]::ReadAllLines([IO.Path]::Combine($script:folder, 'ports.env'))) {
        $pair = $line -split '='
        $script:ports[$pair[0]] = [int]$pair[1]
    }
    $script:ca = [IO.Path]::Combine($script:folder, 'ca.crt')
    $script:bob = [pscredential]::new('bob@mail.test', [Net.NetworkCredential]::new('', 'bob-password').SecurePassword)
    $script:stop = [IO.Path]::Combine($scripts, 'stop-servers.sh')
}

AfterAll {
    $stopping = [Diagnostics.Process]::Start('bash', @($script:stop, $script:folder))
    $stopping.WaitForExit(60000) | Out-Null
    [IO.Directory]::Delete($script:folder, $true)
}

Describe 'Mail' {
    It 'offers STARTTLS on SMTP with a valid certificate' {
        $result = Test-SmtpServer 127.0.0.1 -Port $script:ports.smtp -CertificateAuthorityPath $script:ca
        $result.StartTlsOffered | Should -BeTrue
        $result.CertificateValid | Should -BeTrue
    }

    It 'refuses a wrong password' {
        $bad = [pscredential]::new('bob@mail.test', [Net.NetworkCredential]::new('', 'wrong').SecurePassword)
        { Test-SmtpServer 127.0.0.1 -Port $script:ports.submission -Security StartTls -Credential $bad -CertificateAuthorityPath $script:ca -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*'
    }

    It 'delivers a sent message that IMAP then finds' {
        $subject = 'Pester ' + [Guid]::NewGuid().ToString('N')
        $sent = New-MailMessage -From bob@mail.test -To bob@mail.test -Subject $subject -Body 'Hallo' |
            Send-SmtpMail -SmtpServer 127.0.0.1 -Port $script:ports.submission -Security StartTls -Credential $script:bob -CertificateAuthorityPath $script:ca
        $sent.Sent | Should -BeTrue
        $session = Connect-Imap 127.0.0.1 $script:bob -Port $script:ports.imaps -Security Tls -CertificateAuthorityPath $script:ca
        $found = $null
        foreach ($i in 1..50) {
            $found = Get-ImapMessage -Session $session -Subject $subject
            if ($found) { break }
            [Threading.Thread]::Sleep(200)
        }
        $found | Should -HaveCount 1
        ($found | Read-ImapMessage).Body.Trim() | Should -Be 'Hallo'
        Disconnect-Imap -Session $session
    }

    It 'lists and retrieves the seeded mailbox over POP3 with TLS' {
        $alice = [pscredential]::new('alice@mail.test', [Net.NetworkCredential]::new('', 'alice-password').SecurePassword)
        $listed = Get-Pop3Message 127.0.0.1 $alice -Port $script:ports.pop3s -Security Tls -CertificateAuthorityPath $script:ca -Headers
        $listed.Subject | Should -Contain 'Quarterly report'
        $report = $listed | Where-Object Subject -eq 'Quarterly report' |
            Read-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $script:ca
        $report.Attachments[0].FileName | Should -Be 'report.pdf'
    }

    It 'logs in with APOP where the server offers it' {
        $alice = [pscredential]::new('alice@mail.test', [Net.NetworkCredential]::new('', 'alice-password').SecurePassword)
        $listed = Get-Pop3Message 127.0.0.1 $alice -Port $script:ports.pop3 -Security StartTls -CertificateAuthorityPath $script:ca -Apop -Headers
        $listed.Subject | Should -Contain 'Welcome'
    }

    It 'waits for mail by polling where IDLE is not offered' {
        $session = Connect-Imap 127.0.0.2 $script:bob -Port $script:ports.imapnoidle -Security None
        $session.Capabilities | Should -Not -Contain 'Idle'
        @(Wait-ImapMessage -Session $session -WaitSeconds 1.5 -PollSeconds 1) | Should -HaveCount 0
        Disconnect-Imap -Session $session
    }

    It 'builds an inline image as multipart/related with a cid reference' {
        $folder = [IO.Directory]::CreateTempSubdirectory('nf-inline-').FullName
        $png = [IO.Path]::Combine($folder, 'logo.png')
        [IO.File]::WriteAllBytes($png, [byte[]](137, 80, 78, 71, 13, 10, 26, 10))
        $path = [IO.Path]::Combine($folder, 'logo.eml')
        New-MailMessage -From bob@mail.test -To bob@mail.test -Subject Logo -HtmlBody '<img src="cid:logo.png">' -InlineImage $png |
            Save-MailMessage -Path $path | Out-Null
        $parts = Read-MailMessage $path -Structure
        $parts.ContentType | Should -Contain 'multipart/related'
        ($parts | Where-Object ContentType -eq 'image/png').ContentId | Should -Be 'logo.png'
        [IO.Directory]::Delete($folder, $true)
    }

    It 'keeps a non-ASCII subject through an .eml file' {
        $path = [IO.Path]::Combine([IO.Path]::GetTempPath(), [Guid]::NewGuid().ToString() + '.eml')
        New-MailMessage -From 'Jürgen <j@mail.test>' -To bob@mail.test -Subject 'Grüße ☕' -Body 'Hallo' | Save-MailMessage -Path $path | Out-Null
        (Read-MailMessage $path).Subject | Should -Be 'Grüße ☕'
        [IO.File]::Delete($path)
    }
}
