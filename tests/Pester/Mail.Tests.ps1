# E-mail checks a user would write: is the server up with a valid certificate, does mail get through, what sits in a
# mailbox, how messages are built and read, and what a misbehaving server gets. The servers are the repository's
# Postfix and Dovecot (tests/servers/mail/start-servers.sh), on 127.0.0.1 in a folder of TestDrive.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    # The script starts Postfix and Dovecot on free ports and writes them to ports.env (smtp=…, imaps=…) once every one
    # takes connections; its header says what each port offers. alice's INBOX holds "Welcome" and "Quarterly report".
    $servers = Join-Path $PSScriptRoot '..' 'servers' 'mail'
    $folder = Join-Path $TestDrive 'mail'
    bash (Join-Path $servers 'start-servers.sh') $folder
    if ($LASTEXITCODE -ne 0) { throw "start-servers.sh failed with exit code $LASTEXITCODE." }
    $ports = Get-Content (Join-Path $folder 'ports.env') -Raw | ConvertFrom-StringData

    # The test CA that signed the servers' certificate (for localhost and 127.0.0.1).
    $ca = Join-Path $folder 'ca.crt'
    $alice = [pscredential]::new('alice@mail.test', (ConvertTo-SecureString 'alice-password' -AsPlainText -Force))
    $bob = [pscredential]::new('bob@mail.test', (ConvertTo-SecureString 'bob-password' -AsPlainText -Force))
}

AfterAll {
    bash (Join-Path $servers 'stop-servers.sh') $folder
}

Describe 'SMTP' {
    It 'offers STARTTLS with a certificate the CA vouches for' {
        $result = Test-SmtpServer 127.0.0.1 -Port $ports.smtp -CertificateAuthorityPath $ca

        $result | Should -BeOfType [NetFoundations.Core.Mail.SmtpServerResult]
        $result.StartTlsOffered | Should -BeTrue
        $result.CertificateValid | Should -BeTrue
    }

    It 'rejects the certificate without the CA that signed it' {
        { Test-SmtpServer 127.0.0.1 -Port $ports.smtp -Security StartTls -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'
    }

    It 'refuses a wrong password' {
        $wrong = [pscredential]::new('bob@mail.test', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))

        { Test-SmtpServer 127.0.0.1 -Port $ports.submission -Security StartTls -Credential $wrong -CertificateAuthorityPath $ca -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*'
    }

    It 'sends nothing when a server without STARTTLS is asked for it' {
        $transcript = Join-Path $TestDrive 'no-starttls.log'

        { Send-SmtpMail 127.0.0.1 -Port $ports.smtpplain -Security StartTls -From a@mail.test -To bob@mail.test -Subject x -Body y -TranscriptPath $transcript -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProtocolViolation,*' -ExpectedMessage '*STARTTLS*'
        $transcript | Should -FileContentMatch 'EHLO'
        $transcript | Should -Not -FileContentMatch 'MAIL FROM'
    }

    It 'says "not sent" under -WhatIf, and that no one was rejected' {
        $result = Send-SmtpMail 127.0.0.1 -Port $ports.smtp -From a@mail.test -To bob@mail.test -Subject x -Body y -WhatIf

        $result | Should -HaveCount 1
        $result.Sent | Should -BeFalse
        $result.RejectedRecipients | Should -BeNullOrEmpty
        $result.AcceptedRecipients | Should -BeNullOrEmpty
        $result.Recipients.Address | Should -Be 'bob@mail.test'
        $result.Recipients.Rejected | Should -BeFalse
        $result | Out-String -Width 200 | Should -Match '\(not sent\)'
    }
}

Describe 'A message through SMTP and IMAP' {
    BeforeAll {
        # A subject of its own finds this message among others; the attachment is 256 bytes.
        $subject = "Grüße $(New-Guid)"
        $attachment = Join-Path $TestDrive 'bytes.bin'
        Set-Content $attachment -Value ([byte[]](0..255)) -AsByteStream
        $sent = New-MailMessage -From 'Alice <alice@mail.test>' -To bob@mail.test, nobody@mail.test -Subject $subject -Body 'Hallo' -HtmlBody '<b>Hallo</b>' -Attachment $attachment |
            Send-SmtpMail -SmtpServer 127.0.0.1 -Port $ports.submission -Security StartTls -Credential $bob -CertificateAuthorityPath $ca

        $session = Connect-Imap 127.0.0.1 $bob -Port $ports.imap -Security StartTls -CertificateAuthorityPath $ca
        # Delivery (Postfix, then LMTP into Dovecot) takes a moment.
        foreach ($i in 1..50) {
            $found = Get-ImapMessage -Session $session -Subject $subject
            if ($found) { break }
            Start-Sleep -Milliseconds 200
        }
    }

    AfterAll {
        Disconnect-Imap -Session $session
    }

    It 'is sent to the known recipient and refused for the unknown one' {
        $sent | Should -BeOfType [NetFoundations.Core.Mail.SmtpSendResult]
        $sent.Sent | Should -BeTrue
        $sent.AcceptedRecipients | Should -Be 'bob@mail.test'
        $sent.RejectedRecipients | Should -Be 'nobody@mail.test'
        ($sent.Recipients | Where-Object Address -EQ 'nobody@mail.test').Rejected | Should -BeTrue
    }

    It 'is found by its subject, unread' {
        $found | Should -HaveCount 1
        $found | Should -BeOfType [NetFoundations.Core.Mail.ImapMessageSummary]
        $found.Session | Should -BeOfType [NetFoundations.Core.Mail.ImapSession]
        $found.Subject | Should -Be $subject
        $found.Flags | Should -Not -Contain 'Seen'
    }

    It 'reads with its body and attachment' {
        $message = $found | Read-ImapMessage

        $message | Should -BeOfType [NetFoundations.Core.Mail.MailMessage]
        $message.Body | Should -Be 'Hallo'
        $message.Attachments | Should -HaveCount 1
        $message.Attachments[0].DecodedSize | Should -Be 256
    }

    It 'is flagged, moved to Archive and deleted' {
        $flagged = $found | Set-ImapMessageFlag -Add Flagged, Seen
        $moved = $flagged | Move-ImapMessage -Destination Archive
        $moved | Remove-ImapMessage -Confirm:$false

        $flagged.Flags | Should -Contain 'Flagged'
        $moved.Folder | Should -Be 'Archive'
        Get-ImapMessage -Session $session -Folder Archive -Subject $subject | Should -BeNullOrEmpty
    }
}

Describe 'IMAP' {
    It 'logs in with -Security <Security> on the <Port> port and lists the INBOX' -ForEach @(
        @{ Port = 'imap'; Security = 'StartTls' }
        @{ Port = 'imaps'; Security = 'Tls' }
    ) {
        $session = Connect-Imap 127.0.0.1 $alice -Port $ports[$Port] -Security $Security -CertificateAuthorityPath $ca

        (Get-ImapMessage -Session $session).Subject | Should -Contain 'Welcome'
        Disconnect-Imap -Session $session
    }

    Context 'with a session' {
        BeforeAll {
            $session = Connect-Imap 127.0.0.1 $alice -Port $ports.imaps -Security Tls -CertificateAuthorityPath $ca
        }

        AfterAll {
            Disconnect-Imap -Session $session
        }

        It 'creates, renames and removes a folder, and -WhatIf removes nothing' {
            $name = "Pester$(Get-Random)"

            $renamed = New-ImapFolder -Session $session -Name $name | Rename-ImapFolder -Session $session -NewName "Archive/$name"
            Get-ImapFolder -Session $session -Name "Archive/$name" | Remove-ImapFolder -Session $session -WhatIf
            $afterWhatIf = Get-ImapFolder -Session $session -Name "Archive/$name"
            Remove-ImapFolder -Session $session -Name "Archive/$name" -Confirm:$false

            $renamed | Should -BeOfType [NetFoundations.Core.Mail.ImapFolderInfo]
            $renamed.FullName | Should -Be "Archive/$name"
            $afterWhatIf | Should -HaveCount 1
            Get-ImapFolder -Session $session -Name "Archive/$name" | Should -BeNullOrEmpty
        }

        It 'completes folder names the session knows, kept current as folders come and go' {
            $name = "Tab$(Get-Random)"
            $complete = { param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }

            $archive = & $complete 'Get-ImapMessage -Session $session -Folder Arc'
            $null = New-ImapFolder -Session $session -Name $name
            $created = & $complete 'Move-ImapMessage -Session $session -Destination Tab'
            Remove-ImapFolder -Session $session -Name $name -Confirm:$false
            $removed = & $complete 'Get-ImapMessage -Session $session -Folder Tab'

            $archive | Should -Contain 'Archive'
            $created | Should -Contain $name
            $removed | Should -Not -Contain $name
        }

        It 'pipes folders on without -Session: they carry their session (Get-ImapFolder | Get-ImapMessage, Rename, Remove)' {
            $name = "Piped$(Get-Random)"
            $null = New-ImapFolder -Session $session -Name $name

            $inbox = Get-ImapFolder -Session $session -Name INBOX
            $inbox.Session | Should -Be $session
            ($inbox | Get-ImapMessage).Subject | Should -Contain 'Welcome'
            $renamed = Get-ImapFolder -Session $session -Name $name | Rename-ImapFolder -NewName "$name-renamed"
            $renamed.FullName | Should -Be "$name-renamed"
            $renamed | Remove-ImapFolder -Confirm:$false
            Get-ImapFolder -Session $session -Name "$name*" | Should -BeNullOrEmpty
        }

        It 'reports a folder that does not exist as not found' {
            $failure = { Get-ImapMessage -Session $session -Folder NoSuchFolder -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*' -PassThru
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'waits for new mail with IDLE and writes nothing when none comes' {
            Wait-ImapMessage -Session $session -WaitSeconds 0.5 | Should -BeNullOrEmpty
        }
    }

    It 'waits for mail by polling with NOOP where IDLE is not offered' {
        # The imapnoidle port (on 127.0.0.2) leaves IDLE out of its capabilities. It is plain text, so bob's password
        # crosses in clear: -Security None says that is wanted, and the cmdlet warns.
        $transcript = Join-Path $TestDrive 'noidle.log'
        $session = Connect-Imap 127.0.0.2 $bob -Port $ports.imapnoidle -Security None -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings | Should -HaveCount 1
        $warnings[0] | Should -BeLike '*-Security None*in clear*'
        $session.Capabilities | Should -Not -Contain 'Idle'
        Wait-ImapMessage -Session $session -WaitSeconds 2.5 -PollSeconds 1 -TranscriptPath $transcript | Should -BeNullOrEmpty
        $transcript | Should -FileContentMatch ' NOOP'
        Disconnect-Imap -Session $session
    }
}

Describe 'POP3' {
    It 'lists and retrieves the seeded mailbox over TLS' {
        $listed = Get-Pop3Message 127.0.0.1 $alice -Port $ports.pop3s -Security Tls -CertificateAuthorityPath $ca -Headers
        $report = $listed | Where-Object Subject -EQ 'Quarterly report' |
            Read-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $ca

        $listed | Should -BeOfType [NetFoundations.Core.Mail.Pop3MessageInfo]
        $listed.Subject | Should -Contain 'Quarterly report'
        $report.Attachments[0].FileName | Should -Be 'report.pdf'
    }

    It 'reads and removes a message that SMTP delivered' {
        $subject = "POP3 $(New-Guid)"
        $null = Send-SmtpMail 127.0.0.1 -Port $ports.smtp -CertificateAuthorityPath $ca -From a@mail.test -To alice@mail.test -Subject $subject -Body 'über POP3'
        foreach ($i in 1..50) {
            $listed = Get-Pop3Message 127.0.0.1 $alice -Port $ports.pop3s -Security Tls -CertificateAuthorityPath $ca -Headers | Where-Object Subject -EQ $subject
            if ($listed) { break }
            Start-Sleep -Milliseconds 200
        }

        $message = $listed | Read-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $ca
        $listed | Remove-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $ca -Confirm:$false

        $listed | Should -HaveCount 1
        $message.Body.Trim() | Should -Be 'über POP3'
        Get-Pop3Message 127.0.0.1 $alice -Port $ports.pop3 -Security StartTls -CertificateAuthorityPath $ca |
            Where-Object Uid -EQ $listed.Uid | Should -BeNullOrEmpty
    }

    It 'logs in with APOP where the server offers it, never sending the password' {
        $transcript = Join-Path $TestDrive 'apop.log'

        $listed = Get-Pop3Message 127.0.0.1 $alice -Port $ports.pop3 -Security StartTls -CertificateAuthorityPath $ca -Apop -Headers -TranscriptPath $transcript

        $listed.Subject | Should -Contain 'Welcome'
        $transcript | Should -FileContentMatchExactly 'APOP \*{8}'
        $transcript | Should -Not -FileContentMatch 'USER |AUTH '
    }

    It 'refuses a wrong password under APOP' {
        $wrong = [pscredential]::new('alice@mail.test', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $transcript = Join-Path $TestDrive 'apop-wrong.log'

        { Get-Pop3Message 127.0.0.1 $wrong -Port $ports.pop3s -Security Tls -CertificateAuthorityPath $ca -Apop -TranscriptPath $transcript -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*'
        $transcript | Should -FileContentMatchExactly 'APOP \*{8}'
        $transcript | Should -Not -FileContentMatch 'USER |AUTH '
    }
}

Describe 'Servers that misbehave' {
    BeforeAll {
        # Starts tests/peers/mail_scripted.py as one of its servers; it prints "PORT <n>", then "C: <line>" for each
        # line a client sends.
        function Start-ScriptedServer([string[]] $Arguments) {
            $output = Join-Path $TestDrive "$($Arguments[0]).out"
            $process = Start-Process python3 -ArgumentList (@('-u', (Join-Path $PSScriptRoot '..' 'peers' 'mail_scripted.py')) + $Arguments) `
                -RedirectStandardOutput $output -PassThru
            foreach ($i in 1..100) {
                if ((Get-Content $output -TotalCount 1 -ErrorAction Ignore) -match '^PORT (\d+)$') { break }
                Start-Sleep -Milliseconds 100
            }
            [pscustomobject]@{ Process = $process; Port = [int]$Matches[1]; Output = $output }
        }

        $noApop = Start-ScriptedServer 'pop3-without-apop'
        # With the mail servers' certificate, which the test CA signed.
        $stall = Start-ScriptedServer 'imap-stall', (Join-Path $folder 'valid.fullchain.pem'), (Join-Path $folder 'valid.key')
    }

    AfterAll {
        $noApop.Process, $stall.Process | Stop-Process
    }

    It 'says so when -Apop is asked of a POP3 server that does not offer it, before sending any login' {
        $listed = Get-Pop3Message 127.0.0.1 $alice -Port $noApop.Port -Security None -Apop -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failures

        $listed | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProtocolViolation,*'
        $failures[0].Exception.Message | Should -BeLike '*does not offer APOP*'
        $noApop.Output | Should -FileContentMatchExactly '^C: CAPA$'
        $noApop.Output | Should -Not -FileContentMatch '^C: (USER|PASS|APOP|AUTH)'
    }

    It 'ends a fetch the server stalls in at -TimeoutSeconds, over TLS too, and the transcript shows where' {
        $carol = [pscredential]::new('carol@old.test', (ConvertTo-SecureString 'carol-password' -AsPlainText -Force))
        $transcript = Join-Path $TestDrive 'stall.log'
        $session = Connect-Imap 127.0.0.1 $carol -Port $stall.Port -Security Tls -CertificateAuthorityPath $ca

        { Get-ImapMessage -Session $session -TimeoutSeconds 1 -TranscriptPath $transcript -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*' -ExpectedMessage '*did not finish within 1 s*'

        # The fetch ran on the session's second connection, which is closed; the session itself goes on.
        $session.IsConnected | Should -BeTrue
        $transcript | Should -FileContentMatch ([regex]::Escape('UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)'))
        $transcript | Should -FileContentMatch 'second connection'
        Disconnect-Imap -Session $session
    }

    It 'shows how many summaries of how many a slow fetch has read' {
        $progress = Get-ProgressRecord {
            param($Port, $Ca)
            $carol = [pscredential]::new('carol@old.test', (ConvertTo-SecureString 'carol-password' -AsPlainText -Force))
            $session = Connect-Imap 127.0.0.1 $carol -Port $Port -Security Tls -CertificateAuthorityPath $Ca
            Get-ImapMessage -Session $session -TimeoutSeconds 1 -ErrorAction SilentlyContinue
            Disconnect-Imap -Session $session
        } @{ Port = $stall.Port; Ca = $ca }

        # The folder holds three messages; the server stalls before the first summary is whole.
        $progress | Where-Object StatusDescription -EQ '0 of 3 messages' | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Messages and .eml files' {
    It 'keeps a non-ASCII subject through an .eml file' {
        $path = Join-Path $TestDrive 'grüße.eml'

        New-MailMessage -From 'Jürgen <j@mail.test>' -To bob@mail.test -Subject 'Grüße ☕' -Body 'Hallo' | Save-MailMessage -Path $path | Out-Null

        (Read-MailMessage $path).Subject | Should -Be 'Grüße ☕'
    }

    It 'numbers the parts of a message with a text and an HTML body' {
        $path = Join-Path $TestDrive 'alternative.eml'
        New-MailMessage -From a@mail.test -To b@mail.test -Subject Köln -Body text -HtmlBody '<p>html</p>' | Save-MailMessage -Path $path | Out-Null

        $parts = Read-MailMessage $path -Structure

        $parts | Should -BeOfType [NetFoundations.Core.Mail.MailPart]
        $parts | ForEach-Object { "$($_.PartNumber) $($_.ContentType)" } | Should -Be ' multipart/alternative', '1 text/plain', '2 text/html'
    }

    It 'builds an inline image as multipart/related with a cid reference' {
        $png = Join-Path $TestDrive 'logo.png'
        Set-Content $png -Value ([byte[]](137, 80, 78, 71, 13, 10, 26, 10) + [byte[]](0..99)) -AsByteStream
        $path = Join-Path $TestDrive 'logo.eml'
        New-MailMessage -From a@mail.test -To b@mail.test -Subject Logo -Body text -HtmlBody '<img src="cid:logo.png">' -InlineImage $png |
            Save-MailMessage -Path $path | Out-Null

        $parts = Read-MailMessage $path -Structure
        $image = $parts | Where-Object ContentType -EQ 'image/png'

        $parts.ContentType | Should -Be 'multipart/alternative', 'text/plain', 'multipart/related', 'text/html', 'image/png'
        $image.PartNumber | Should -Be '2.2'
        $image.Disposition | Should -Be 'inline'
        # A Content-ID is a msg-id (RFC 2392, RFC 5322: id-left@id-right), and the HTML's cid: names it whole.
        $image.ContentId | Should -Be 'logo.png@mail.test'
        (Read-MailMessage $path).HtmlBody | Should -BeExactly '<img src="cid:logo.png@mail.test">'
    }

    It 'names the encoded size of a part and the decoded size of an attachment apart' {
        $data = Join-Path $TestDrive 'data.bin'
        Set-Content $data -Value ([byte[]](0..255) * 4) -AsByteStream
        $path = Join-Path $TestDrive 'sizes.eml'
        New-MailMessage -From a@mail.test -To b@mail.test -Subject Sizes -Body text -Attachment $data | Save-MailMessage -Path $path | Out-Null

        $part = Read-MailMessage $path -Structure | Where-Object FileName -EQ 'data.bin'
        $attachment = (Read-MailMessage $path).Attachments | Where-Object FileName -EQ 'data.bin'

        # Base64 makes 1,024 bytes into at least 1,368 characters.
        $attachment.DecodedSize | Should -Be 1024
        $part.EncodedSize | Should -BeGreaterThan 1360
        $part.PSObject.Properties.Name + $attachment.PSObject.Properties.Name | Should -Not -Contain 'Size'
        Read-MailMessage $path -Structure | Out-String -Width 200 | Should -Match 'EncodedSize'
    }

    It 'leaves the Bcc header out of a saved .eml unless -IncludeBcc asks for it' {
        $message = New-MailMessage -From a@mail.test -To b@mail.test -Bcc hidden@mail.test -Subject Bcc -Body text
        $plain = Join-Path $TestDrive 'no-bcc.eml'
        $withBcc = Join-Path $TestDrive 'with-bcc.eml'

        $message | Save-MailMessage -Path $plain | Out-Null
        $message | Save-MailMessage -Path $withBcc -IncludeBcc | Out-Null

        $text = [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($plain))
        $text | Should -Not -Match 'hidden@mail\.test'
        $text | Should -Match '(?m)^To: b@mail\.test\r$'
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($withBcc)) | Should -Match '(?m)^Bcc: hidden@mail\.test\r$'
    }

    It 'writes no file under -WhatIf, and shows a saved file with its folder and size' {
        $folder = Join-Path $TestDrive 'saved'
        $null = New-Item $folder -ItemType Directory
        $path = Join-Path $folder 'note.eml'
        $message = New-MailMessage -From a@mail.test -To b@mail.test -Subject Note -Body text

        $message | Save-MailMessage -Path $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
        $saved = $message | Save-MailMessage -Path $path
        $shown = $saved | Out-String

        $saved.FullName | Should -Be $path
        $saved.PSParentPath | Should -Not -BeNullOrEmpty
        $shown | Should -Match "Directory: $([regex]::Escape($folder))"
        $shown | Should -Match "\b$((Get-Item $path).Length)\s+note\.eml"
    }

    It 'writes no attachment under -WhatIf, and shows the attachments it saved' {
        $data = Join-Path $TestDrive 'whatif.bin'
        Set-Content $data -Value ([byte[]](1..100)) -AsByteStream
        $message = New-MailMessage -From a@mail.test -To b@mail.test -Subject Files -Body text -Attachment $data
        $folder = Join-Path $TestDrive 'attachments-whatif'

        $message | Save-MailAttachment -Path $folder -WhatIf | Should -BeNullOrEmpty
        $folder | Should -Not -Exist
        $saved = $message | Save-MailAttachment -Path $folder

        $saved.FullName | Should -Be (Join-Path $folder 'whatif.bin')
        $saved | Out-String | Should -Match "Directory: $([regex]::Escape($folder))[\s\S]*\b100\s+whatif\.bin"
    }

    It 'attaches an .eml file as a message under its file name, and saves it back' {
        $inner = Join-Path $TestDrive 'forwarded.eml'
        New-MailMessage -From c@mail.test -To a@mail.test -Subject 'The original' -Body 'first' | Save-MailMessage -Path $inner | Out-Null
        $message = New-MailMessage -From a@mail.test -To b@mail.test -Subject 'Fwd' -Body 'see attached' -Attachment $inner
        $folder = Join-Path $TestDrive 'forwarded-out'

        $saved = $message | Save-MailAttachment -Path $folder

        $message.Attachments.FileName | Should -Be 'forwarded.eml'
        $message.Attachments.ContentType | Should -Be 'message/rfc822'
        $saved.Name | Should -Be 'forwarded.eml'
        (Read-MailMessage $saved.FullName).Subject | Should -Be 'The original'
    }

    It 'refuses bytes that are not a message' {
        { Read-MailMessage -Bytes ([byte[]](0, 1, 2)) -ErrorAction Stop } | Should -Throw -ErrorId 'ProtocolViolation,*'
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know; Postfix and Dovecot
    # listen on 127.0.0.1 only, so the A record's address connects and the AAAA record's ::1 is refused. The
    # certificate (for localhost and 127.0.0.1) is checked against the record's name, wherever the address leads.
    BeforeAll {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
    }

    AfterAll {
        Stop-TestDnsServer $dns
    }

    It 'Test-SmtpServer connects to the exchange''s first address and checks the certificate against its name (Resolve-MailExchange | Test-SmtpServer)' {
        { Resolve-MailExchange loopmail.example.test -Server $dns.Server | Test-SmtpServer -Port $ports.smtp -CertificateAuthorityPath $ca -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateRejected,*'

        $result = Resolve-MailExchange loopmail.example.test -Server $dns.Server | Test-SmtpServer -Port $ports.smtp -SkipCertificateCheck -WarningAction SilentlyContinue
        $result.StartTlsOffered | Should -BeTrue
    }

    It 'Test-SmtpServer is refused at the AAAA record''s ::1' {
        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Test-SmtpServer -Port $ports.smtp -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'Send-SmtpMail delivers through the exchange piped in' {
        $result = Resolve-MailExchange loopmail.example.test -Server $dns.Server |
            Send-SmtpMail -Port $ports.smtp -SkipCertificateCheck -WarningAction SilentlyContinue -From a@mail.test -To alice@mail.test -Subject "MX $(New-Guid)" -Body 'x'

        $result.Sent | Should -BeTrue
    }

    It 'Connect-Imap logs in at the A record''s address and is refused at the AAAA record''s' {
        $session = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Connect-Imap -Credential $alice -Port $ports.imaps -Security Tls -SkipCertificateCheck -WarningAction SilentlyContinue
        try {
            $session.ComputerName | Should -Be 'loop.example.test'
            (Get-ImapFolder -Session $session -Name INBOX).FullName | Should -Be 'INBOX'
        } finally {
            Disconnect-Imap -Session $session
        }

        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server |
            Connect-Imap -Credential $alice -Port $ports.imaps -Security Tls -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'Get-Pop3Message lists the mailbox at the A record''s address and is refused at the AAAA record''s' {
        # What the mailbox holds by now depends on the tests before; that the listing comes without an error is the point.
        { Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Get-Pop3Message -Credential $alice -Port $ports.pop3s -Security Tls -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Not -Throw

        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server |
            Get-Pop3Message -Credential $alice -Port $ports.pop3s -Security Tls -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}
