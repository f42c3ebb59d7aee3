# FTP checks a user would write: anonymous and FTPS sessions, listings as objects, downloads and uploads that Python's
# ftplib agrees with byte for byte, resume, -Force and -WhatIf, and the errors by family. The server is vsftpd, and
# pyftpdlib and Pure-FTPd for another listing format (MLSD) and other behaviour, each started from the repository's
# tests/servers/ftp in a folder of TestDrive, on loopback.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $ftp = Start-TestFtpServer (Join-Path $TestDrive 'vsftpd')
    $port = $ftp.Port
    $credential = $ftp.Credential
    $ca = $ftp.CertificateAuthorityPath
    # The test user's login directory, and the anonymous area (pub/readme.txt), seen from this machine.
    $files = Join-Path $ftp.Folder 'files'
    # Named as its certificate names it, and reached at 127.0.0.1: .NET reuses the TLS session on the data connections,
    # which vsftpd requires, for a server named by its host name.
    $name = $ftp.Name
    $session = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -Security Explicit -CertificateAuthorityPath $ca

    # Python's ftplib, the independent peer, over plain FTP (it does not reuse TLS sessions, which vsftpd requires).
    function Invoke-Ftplib([string] $Script, [string[]] $Arguments) {
        $output = /usr/bin/python3 -c $Script $port $credential.UserName $credential.GetNetworkCredential().Password @Arguments
        if ($LASTEXITCODE -ne 0) { throw "python3 failed: $output" }
        $output
    }
    $store = @'
import ftplib, sys
port, user, password, remote, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
with open(path, 'rb') as data: f.storbinary('STOR ' + remote, data)
f.quit()
'@
    $retrieveHash = @'
import ftplib, hashlib, sys
port, user, password, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
h = hashlib.sha256(); f.retrbinary('RETR ' + remote, h.update); f.quit()
print(h.hexdigest().upper())
'@
    # Each file below a remote folder as "relative/path SHA256", sorted, as ftplib reads them (NLST, CWD to tell folders).
    $hashTree = @'
import ftplib, hashlib, sys
port, user, password, remote = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
lines = []
def walk(path, rel):
    f.cwd(path)
    for name in f.nlst():
        full = path + '/' + name
        try:
            f.cwd(full)
            walk(full, rel + name + '/')
        except ftplib.error_perm:
            h = hashlib.sha256(); f.retrbinary('RETR ' + full, h.update)
            lines.append(rel + name + ' ' + h.hexdigest().upper())
walk(f.pwd().rstrip('/') + '/' + remote, '')
f.quit()
for line in sorted(lines): print(line)
'@
    function New-RandomFile([string] $Path, [int] $Length) {
        $bytes = [byte[]]::new($Length)
        [Random]::new($Length).NextBytes($bytes)
        [IO.File]::WriteAllBytes($Path, $bytes)
        Get-Item $Path
    }
}

AfterAll {
    if ($session) { Disconnect-FtpSession $session }
    Stop-TestFtpServer $ftp
}

Describe 'FTP sessions' {
    It 'logs in anonymously over plain FTP and lists the public area' {
        $anonymous = Connect-FtpSession $name -Address 127.0.0.1 -Port $port
        try {
            $anonymous | Should -BeOfType [NetFoundations.Core.Ftp.FtpSession]
            $anonymous.UserName | Should -Be 'anonymous'
            $anonymous.Security | Should -Be 'None'
            $anonymous.Banner | Should -BeLike '*vsFTPd*'

            $readme = Get-FtpChildItem -Session $anonymous -Path /pub
            $readme | Should -BeOfType [NetFoundations.Core.Ftp.FtpItem]
            $readme.Name | Should -Be 'readme.txt'
            $readme.Path | Should -Be '/pub/readme.txt'
            $readme.Type | Should -Be 'File'
            $readme.Modified.Kind | Should -Be 'Utc'
        }
        finally { Disconnect-FtpSession $anonymous }
        $anonymous.IsConnected | Should -BeFalse
    }

    It 'sets up explicit FTPS with a certificate the test CA signed' {
        $session.Security | Should -Be 'Explicit'
        $session.TlsProtocol | Should -BeLike 'Tls1*'
        $session.CertificateIsValid | Should -BeTrue
        $session.SystemType | Should -BeLike 'UNIX*'
        $session.GetFeatures() | Should -Contain 'SIZE'
    }

    It 'speaks implicit FTPS on its own port' {
        $implicit = Connect-FtpSession $name -Address 127.0.0.1 -Port $ftp.ImplicitPort -Credential $credential -Security Implicit -CertificateAuthorityPath $ca
        try { $implicit.Security | Should -Be 'Implicit' } finally { Disconnect-FtpSession $implicit }
    }

    It 'rejects a certificate that no trusted authority signed, and goes on with -SkipCertificateCheck and a warning' {
        $failure = { Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -Security Explicit -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateRejected,*' -PassThru
        $failure.Exception.Message | Should -BeLike '*-CertificateAuthorityPath*'

        $skipped = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -Security Explicit -SkipCertificateCheck -WarningVariable warnings -WarningAction SilentlyContinue
        try {
            $warnings | Should -BeLike '*-SkipCertificateCheck*'
            $skipped.CertificateIsValid | Should -BeFalse
        }
        finally { Disconnect-FtpSession $skipped }
    }

    It 'will not send a password in clear unless told so by name' {
        { Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*-AllowUnencryptedAuthentication*'

        $clear = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -AllowUnencryptedAuthentication -WarningVariable warnings -WarningAction SilentlyContinue
        try {
            $warnings | Should -BeLike '*in clear*'
            $clear.UserName | Should -Be $credential.UserName
        }
        finally { Disconnect-FtpSession $clear }
    }

    It 'reports a wrong password as an authentication failure with the reply code' {
        $wrong = [pscredential]::new($credential.UserName, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $failure = { Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $wrong -Security Explicit -CertificateAuthorityPath $ca -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*' -PassThru
        $failure.Exception.ReplyCode | Should -Be '530'
    }

    It 'converts a session to a flat JSON record' {
        $record = $session | ConvertTo-Json -WarningVariable warnings | ConvertFrom-Json
        $warnings | Should -BeNullOrEmpty
        $record.Security | Should -Be 'Explicit'
        $record.CertificateIsValid | Should -BeTrue
        $record.Features | Should -BeLike '*SIZE*'
    }

    It 'keeps the password out of its transcript' {
        $transcript = Join-Path $TestDrive 'ftp-login.log'
        $logged = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -Security Explicit -CertificateAuthorityPath $ca -TranscriptPath $transcript
        Disconnect-FtpSession $logged

        $text = Get-Content $transcript -Raw
        $text | Should -Match 'AUTH TLS'
        $text | Should -Match 'PASS \*\*\*\*'
        $text | Should -Not -Match ([regex]::Escape($credential.GetNetworkCredential().Password))
    }
}

Describe 'FTP listings' {
    BeforeAll {
        $tree = Join-Path $files 'tree'
        $null = New-Item -ItemType Directory (Join-Path $tree 'sub' 'deeper') -Force
        Set-Content (Join-Path $tree 'a.txt') 'a'
        Set-Content (Join-Path $tree 'sub' 'b.log') 'b'
        Set-Content (Join-Path $tree 'sub' 'deeper' 'c.txt') 'c'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'loop') -Target $tree
    }

    It 'walks a tree once, not through links, to the depth asked' {
        $all = Get-FtpChildItem -Session $session -Path tree -Recurse
        $shallow = Get-FtpChildItem -Session $session -Path tree -Depth 0

        $all.Name | Should -Be 'a.txt', 'loop', 'sub', 'b.log', 'deeper', 'c.txt'
        ($all | Where-Object Name -eq 'loop').Type | Should -Be 'Link'
        $shallow.Name | Should -Be 'a.txt', 'loop', 'sub'
    }

    It 'filters by name and pipes the entries into a download' {
        $into = New-Item -ItemType Directory (Join-Path $TestDrive 'texts')

        $results = Get-FtpChildItem -Session $session -Path tree -Recurse -Filter '*.txt' | Receive-FtpItem -Destination $into

        $results | Should -BeOfType [NetFoundations.Core.Ftp.FtpTransferResult]
        (Get-ChildItem $into).Name | Sort-Object | Should -Be 'a.txt', 'c.txt'
    }

    It 'says which path does not exist' {
        { Get-FtpChildItem -Session $session -Path no-such-dir -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,*' -ExpectedMessage '*no-such-dir*'
    }

    It 'converts an entry to JSON at the default depth without a warning' {
        $json = Get-FtpChildItem -Session $session -Path tree -Filter a.txt | ConvertTo-Json -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        ($json | ConvertFrom-Json).Type | Should -Be 'File'
        ($json | ConvertFrom-Json).Session.Security | Should -Be 'Explicit'
    }
}

Describe 'FTP transfers' {
    It 'downloads, byte for byte, what Python''s ftplib uploaded' {
        $source = New-RandomFile (Join-Path $TestDrive 'python-made.bin') 1234567
        Invoke-Ftplib $store 'python-made.bin', $source.FullName
        $destination = Join-Path $TestDrive 'downloaded.bin'

        $result = Receive-FtpItem -Session $session -Path python-made.bin -Destination $destination

        $result.Length | Should -Be 1234567
        (Get-FileHash $destination).Hash | Should -Be (Get-FileHash $source).Hash
        $record = $result | ConvertTo-Json -WarningVariable warnings | ConvertFrom-Json
        $warnings | Should -BeNullOrEmpty
        $record.Direction | Should -Be 'Download'
        $record.DurationMs | Should -BeGreaterThan 0
    }

    It 'uploads what Python''s ftplib reads back byte for byte, leaving no partial file' {
        $source = New-RandomFile (Join-Path $TestDrive 'ours.bin') 765432

        $result = Send-FtpItem -Session $session -Path $source -Destination .

        $result.Direction | Should -Be 'Upload'
        Invoke-Ftplib $retrieveHash 'ours.bin' | Should -Be (Get-FileHash $source).Hash
        Get-ChildItem $files -Force -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite without -Force, either way' {
        Set-Content (Join-Path $files 'kept.txt') 'remote'
        $local = Join-Path $TestDrive 'kept.txt'
        Set-Content $local 'local'

        { Send-FtpItem -Session $session -Path $local -Destination kept.txt -ErrorAction Stop } | Should -Throw -ErrorId 'FileError,*' -ExpectedMessage '*-Force*'
        { Receive-FtpItem -Session $session -Path kept.txt -Destination $local -ErrorAction Stop } | Should -Throw -ErrorId 'FileError,*' -ExpectedMessage '*-Force*'
        Get-Content $local | Should -Be 'local'

        Receive-FtpItem -Session $session -Path kept.txt -Destination $local -Force
        Get-Content $local | Should -Be 'remote'
    }

    It 'resumes a download from its partial file without reading a byte twice' {
        $source = New-RandomFile (Join-Path $files 'resume.bin') 500000
        $destination = Join-Path $TestDrive 'resume.bin'
        # What an interrupted download left behind: the first 200,000 bytes under the partial name.
        $bytes = [IO.File]::ReadAllBytes($source)
        [IO.File]::WriteAllBytes((Join-Path $TestDrive '.resume.bin.partial'), $bytes[0..199999])

        $result = Receive-FtpItem -Session $session -Path resume.bin -Destination $destination -Resume

        $result.ResumedFrom | Should -Be 200000
        $result.BytesTransferred | Should -Be 300000
        (Get-FileHash $destination).Hash | Should -Be (Get-FileHash $source).Hash
        Join-Path $TestDrive '.resume.bin.partial' | Should -Not -Exist
    }

    It 'downloads over an active data connection when asked' {
        $source = New-RandomFile (Join-Path $files 'active.bin') 100000
        $active = Connect-FtpSession $name -Address 127.0.0.1 -Port $port -Credential $credential -Security Explicit -CertificateAuthorityPath $ca -ActiveMode
        try {
            $null = Receive-FtpItem -Session $active -Path active.bin -Destination (Join-Path $TestDrive 'active.bin')
        }
        finally { Disconnect-FtpSession $active }
        (Get-FileHash (Join-Path $TestDrive 'active.bin')).Hash | Should -Be (Get-FileHash $source).Hash
    }

    It 'moves text with -Ascii, with line endings converted both ways' {
        $text = Join-Path $TestDrive 'crlf.txt'
        [IO.File]::WriteAllText($text, "first`r`nsecond`r`n")

        $null = Send-FtpItem -Session $session -Path $text -Destination . -Ascii
        [IO.File]::ReadAllText((Join-Path $files 'crlf.txt')) | Should -Be "first`nsecond`n"
        $result = Receive-FtpItem -Session $session -Path crlf.txt -Destination (Join-Path $TestDrive 'back.txt') -Ascii

        $result.BytesTransferred | Should -Be 15   # CRLF on the wire
        [IO.File]::ReadAllText((Join-Path $TestDrive 'back.txt')) | Should -Be "first$([Environment]::NewLine)second$([Environment]::NewLine)"
    }

    It 'sends nothing with -WhatIf' {
        $local = Join-Path $TestDrive 'whatif.txt'
        Set-Content $local 'x'

        Send-FtpItem -Session $session -Path $local -Destination . -WhatIf

        Join-Path $files 'whatif.txt' | Should -Not -Exist
    }

    It 'says an anonymous user may not upload' {
        $anonymous = Connect-FtpSession $name -Address 127.0.0.1 -Port $port
        try {
            $local = Join-Path $TestDrive 'nope.txt'
            Set-Content $local 'x'
            { Send-FtpItem -Session $anonymous -Path $local -Destination /pub -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,*'
        }
        finally { Disconnect-FtpSession $anonymous }
    }
}

Describe 'Changing the remote tree over FTP' {
    It 'makes, renames and removes, and asks first with -WhatIf' {
        $folder = New-FtpDirectory -Session $session -Path made
        $folder.Type | Should -Be 'Directory'
        Set-Content (Join-Path $files 'made' 'one.txt') '1'

        $renamed = Rename-FtpItem -Session $session -Path made/one.txt -NewName two.txt
        $renamed.Path | Should -BeLike '*/made/two.txt'

        Remove-FtpItem -Session $session -Path made -Recurse -WhatIf
        Join-Path $files 'made' 'two.txt' | Should -Exist
        { Remove-FtpItem -Session $session -Path made -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
        Remove-FtpItem -Session $session -Path made -Recurse
        Join-Path $files 'made' | Should -Not -Exist
    }

    It 'never renames over an existing file' {
        Set-Content (Join-Path $files 'x1.txt') '1'
        Set-Content (Join-Path $files 'x2.txt') '2'
        { Rename-FtpItem -Session $session -Path x1.txt -NewName x2.txt -ErrorAction Stop } | Should -Throw -ErrorId 'FileError,*'
        Get-Content (Join-Path $files 'x2.txt') | Should -Be '2'
    }
}

Describe 'One-shot FTP connections: the FTP cmdlets with -ComputerName instead of -Session' {
    BeforeAll {
        # Connect-FtpSession's parameters, given to each cmdlet: explicit FTPS checked against the test CA.
        $oneShot = @{ ComputerName = $name; Address = '127.0.0.1'; Port = $port; Credential = $credential; Security = 'Explicit'; CertificateAuthorityPath = $ca }
        # Our control connections to vsftpd that are open now (ss, as the kernel sees them): each one-shot command must
        # leave this count as it found it, which it cannot if it forgets its QUIT and close.
        function Get-OpenControlConnection {
            foreach ($i in 1..20) {
                $count = @(ss -Htn state established "( dport = :$port )").Count
                if ($count -le $script:connectionsBefore) { break }
                Start-Sleep -Milliseconds 100
            }
            $count
        }
        function Set-File([string] $Path, [string] $Text) {
            $null = New-Item -ItemType Directory (Split-Path $Path) -Force
            [IO.File]::WriteAllText($Path, $Text)
        }
    }

    BeforeEach {
        $script:connectionsBefore = @(ss -Htn state established "( dport = :$port )").Count
    }

    AfterEach {
        Get-OpenControlConnection | Should -Be $script:connectionsBefore -Because 'a one-shot connection is closed when its command ends'
    }

    It 'makes a folder, uploads, lists, downloads, renames and removes, each command over a connection of its own' {
        $source = New-RandomFile (Join-Path $TestDrive 'oneshot.bin') 100003
        $back = Join-Path $TestDrive 'oneshot-back.bin'

        (New-FtpDirectory @oneShot -Path oneshot).Type | Should -Be 'Directory'
        (Send-FtpItem @oneShot -Path $source -Destination oneshot).BytesTransferred | Should -Be 100003
        Invoke-Ftplib $retrieveHash 'oneshot/oneshot.bin' | Should -Be (Get-FileHash $source).Hash
        $listed = Get-FtpChildItem @oneShot -Path oneshot
        $listed.Name | Should -Be 'oneshot.bin'
        $listed.Session.Security | Should -Be 'Explicit'
        $listed.Session.CertificateIsValid | Should -BeTrue
        $listed.Session.IsConnected | Should -BeFalse -Because 'the entry carries the command''s own session, closed at its end'
        $null = Receive-FtpItem @oneShot -Path oneshot/oneshot.bin -Destination $back
        (Get-FileHash $back).Hash | Should -Be (Get-FileHash $source).Hash
        (Rename-FtpItem @oneShot -Path oneshot/oneshot.bin -NewName renamed.bin).Name | Should -Be 'renamed.bin'
        Join-Path $files 'oneshot' 'renamed.bin' | Should -Exist
        Remove-FtpItem @oneShot -Path oneshot -Recurse -Confirm:$false
        Join-Path $files 'oneshot' | Should -Not -Exist
    }

    It 'opens one connection for all the piped inputs, which take it over the sessions their entries carry' {
        foreach ($n in 1..3) { Set-File (Join-Path $TestDrive 'oneshot-piped' "f$n.txt") "file $n" }
        $null = New-FtpDirectory @oneShot -Path oneshot-piped
        $sent = Get-ChildItem (Join-Path $TestDrive 'oneshot-piped') | Send-FtpItem @oneShot -Destination oneshot-piped
        $sent.Count | Should -Be 3
        $transcript = Join-Path $TestDrive 'oneshot-piped.log'

        Get-FtpChildItem @oneShot -Path oneshot-piped | Remove-FtpItem @oneShot -TranscriptPath $transcript -Confirm:$false

        Get-ChildItem (Join-Path $files 'oneshot-piped') | Should -BeNullOrEmpty
        $text = Get-Content $transcript -Raw
        ([regex]::Matches($text, 'AUTH TLS')).Count | Should -Be 1
        ([regex]::Matches($text, 'DELE ')).Count | Should -Be 3
    }

    It 'downloads and uploads trees over -ThrottleLimit connections opened like the one-shot one' {
        foreach ($n in 1..6) { Set-File (Join-Path $files 'oneshot-tree' "d$($n % 2)" "f$n.txt") ("x" * $n) }
        $into = Join-Path $TestDrive 'oneshot-tree'

        $tree = Receive-FtpItem @oneShot -Path oneshot-tree -Destination $into -Recurse -ThrottleLimit 3 | Select-Object -Last 1
        $tree.Transferred | Should -Be 6
        $tree.Connections | Should -Be 3
        Get-Content (Join-Path $into 'd0' 'f6.txt') | Should -Be 'xxxxxx'

        $up = Send-FtpItem @oneShot -Path $into -Destination oneshot-tree-up -Recurse -ThrottleLimit 2 | Select-Object -Last 1
        $up.Transferred | Should -Be 6
        Invoke-Ftplib $hashTree 'oneshot-tree-up' | Should -Be (Invoke-Ftplib $hashTree 'oneshot-tree')
    }

    It 'compares and mirrors, also acting on a plan from a one-shot Compare-FtpItem' {
        $local = Join-Path $TestDrive 'oneshot-mirror'
        Set-File (Join-Path $local 'a.txt') 'first'
        Set-File (Join-Path $local 'sub' 'b.txt') 'second'

        $plan = Compare-FtpItem @oneShot -Path oneshot-mirror -LocalPath $local -Direction Upload
        $plan.Reason | Should -Be 'Missing', 'Missing'
        $result = Sync-FtpItem @oneShot -Path oneshot-mirror -LocalPath $local -Direction Upload -ThrottleLimit 2 | Select-Object -Last 1
        $result.Transferred | Should -Be 2
        Get-Content (Join-Path $files 'oneshot-mirror' 'sub' 'b.txt') | Should -Be 'second'

        Set-File (Join-Path $local 'a.txt') 'first, longer now'
        # The plan's session closes when Compare-FtpItem ends; Sync-FtpItem -ComputerName carries it out over its own.
        $synced = Compare-FtpItem @oneShot -Path oneshot-mirror -LocalPath $local -Direction Upload | Sync-FtpItem @oneShot | Select-Object -Last 1
        $synced.Transferred | Should -Be 1
        Get-Content (Join-Path $files 'oneshot-mirror' 'a.txt') | Should -Be 'first, longer now'
        Compare-FtpItem @oneShot -Path oneshot-mirror -LocalPath $local -Direction Upload | Should -BeNullOrEmpty
    }

    It 'logs in anonymously without -Credential, over plain FTP' {
        $readme = Get-FtpChildItem -ComputerName $name -Address 127.0.0.1 -Port $port -Path /pub

        $readme.Name | Should -Be 'readme.txt'
        $readme.Session.UserName | Should -Be 'anonymous'
        $readme.Session.Security | Should -Be 'None'
        $null = Receive-FtpItem -ComputerName $name -Address 127.0.0.1 -Port $port -Path /pub/readme.txt -Destination (Join-Path $TestDrive 'oneshot-readme.txt')
        Join-Path $TestDrive 'oneshot-readme.txt' | Should -Exist
    }

    It 'writes the connect''s error once: a wrong password, an untrusted certificate, a password in clear' {
        $wrong = [pscredential]::new($credential.UserName, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $bad = $oneShot.Clone()
        $bad.Credential = $wrong
        $null = 'a.txt', 'b.txt' | Remove-FtpItem @bad -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        $failures[0].Exception.ReplyCode | Should -Be '530'

        $untrusted = $oneShot.Clone()
        $untrusted.Remove('CertificateAuthorityPath')
        { Get-FtpChildItem @untrusted -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'
        { Get-FtpChildItem -ComputerName $name -Address 127.0.0.1 -Port $port -Credential $credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*-AllowUnencryptedAuthentication*'
    }

    It 'closes its connection when the command stops on an error, and when it is stopped (Ctrl+C) between inputs' {
        { 'no-such-file-1', 'no-such-file-2' | Remove-FtpItem @oneShot -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*'
        Get-OpenControlConnection | Should -Be $script:connectionsBefore

        # A pipeline whose first input is listed, then waits: stopped there, as Ctrl+C stops it.
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Module, $Connection) Import-Module $Module; & { "."; Start-Sleep 60 } | Get-FtpChildItem @Connection').
            AddArgument($env:NETFOUNDATIONS_MODULE).AddArgument($oneShot)
        try {
            $running = $ps.BeginInvoke()
            foreach ($i in 1..200) {
                if (@(ss -Htn state established "( dport = :$port )").Count -gt $script:connectionsBefore) { break }
                Start-Sleep -Milliseconds 100
            }
            @(ss -Htn state established "( dport = :$port )").Count | Should -Be ($script:connectionsBefore + 1) -Because 'the one-shot connection is open while the pipeline waits'
            Start-Sleep -Milliseconds 500
            $ps.Stop()
            $running.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
    }

    It 'takes either -Session or -ComputerName, and the connection parameters only with -ComputerName' {
        { Get-FtpChildItem -Session $session @oneShot -ErrorAction Stop } | Should -Throw -ErrorId 'SessionWithComputerName,*'
        { Get-FtpChildItem -Session $session -Credential $credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionParameterWithoutComputerName,*' -ExpectedMessage '*-Credential*'
        { Get-FtpChildItem -Path / -ErrorAction Stop } | Should -Throw -ErrorId 'NoFtpSession,*'
    }

    It 'works against <Label> too' -ForEach @(
        @{ Label = 'pyftpdlib'; Script = 'start-pyftpdlib.sh' }
        @{ Label = 'Pure-FTPd'; Script = 'start-pure-ftpd.sh' }
    ) {
        $second = Start-TestFtpServer (Join-Path $TestDrive "$Label-oneshot") -Script $Script
        try {
            Set-File (Join-Path $second.Folder 'files' 'pyone' 'x.txt') 'x'
            $entry = Get-FtpChildItem -ComputerName $second.Name -Address 127.0.0.1 -Port $second.Port -Credential $second.Credential `
                -Security Explicit -CertificateAuthorityPath $second.CertificateAuthorityPath -Path /pyone
            $entry.Name | Should -Be 'x.txt'
            $entry.Session.IsConnected | Should -BeFalse
            @(ss -Htn state established "( dport = :$($second.Port) )").Count | Should -Be 0
        }
        finally { Stop-TestFtpServer $second }
    }
}

Describe 'FTP against <Label>, which lists with MLSD' -ForEach @(
    @{ Label = 'pyftpdlib'; Script = 'start-pyftpdlib.sh' }
    @{ Label = 'Pure-FTPd'; Script = 'start-pure-ftpd.sh' }
) {
    BeforeAll {
        $second = Start-TestFtpServer (Join-Path $TestDrive $Label) -Script $Script
        $other = Connect-FtpSession $second.Name -Address 127.0.0.1 -Port $second.Port -Credential $second.Credential -Security Explicit -CertificateAuthorityPath $second.CertificateAuthorityPath
        # Made through the server, so that the account it serves files as (Pure-FTPd's is not root) may write there.
        $null = New-FtpDirectory -Session $other -Path /docs
        Set-Content (Join-Path $second.Folder 'files' 'docs' 'note.txt') 'hello'
        [IO.File]::SetLastWriteTimeUtc((Join-Path $second.Folder 'files' 'docs' 'note.txt'), [datetime]::new(2022, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
    }

    AfterAll {
        if ($other) { Disconnect-FtpSession $other }
        Stop-TestFtpServer $second
    }

    It 'lists with MLSD: exact sizes and UTC times, paths from the user''s own root' {
        $other.GetFeatures() | Should -Contain 'MLST'

        $note = Get-FtpChildItem -Session $other -Path /docs

        $note.Path | Should -Be '/docs/note.txt'
        $note.Size | Should -Be 6
        $note.Modified | Should -Be ([datetime]::new(2022, 1, 2, 3, 4, 5, [DateTimeKind]::Utc))
    }

    It 'moves a file up and down unchanged' {
        $source = New-RandomFile (Join-Path $TestDrive 'second.bin') 300001
        $back = Join-Path $TestDrive 'second-back.bin'

        $null = Send-FtpItem -Session $other -Path $source -Destination /docs
        $null = Get-FtpChildItem -Session $other -Path /docs -Filter second.bin | Receive-FtpItem -Destination $back

        (Get-FileHash $back).Hash | Should -Be (Get-FileHash $source).Hash
        (Get-FileHash (Join-Path $second.Folder 'files' 'docs' 'second.bin')).Hash | Should -Be (Get-FileHash $source).Hash
    }

    It 'shows its clock to Test-FtpServer -MeasureClockSkew: the same machine''s, so zero within the uncertainty' {
        $result = Test-FtpServer $second.Name -Address 127.0.0.1 -Port $second.Port -Credential $second.Credential -Security Explicit `
            -CertificateAuthorityPath $second.CertificateAuthorityPath -MeasureClockSkew

        $result.ClockSkewError | Should -BeNullOrEmpty
        [math]::Abs($result.ClockSkew.TotalSeconds) | Should -BeLessOrEqual ($result.ClockSkewUncertainty.TotalSeconds + 0.5)
        Get-ChildItem (Join-Path $second.Folder 'files') -Force -Recurse -Filter '.netfoundations-clock-*' | Should -BeNullOrEmpty
    }

    It 'mirrors a tree up and back down, and then sees no difference either way' {
        $source = Join-Path $TestDrive "$Label-tree"
        $null = New-Item -ItemType Directory (Join-Path $source 'sub') -Force
        $null = New-RandomFile (Join-Path $source 'a.bin') 70001
        $null = New-RandomFile (Join-Path $source 'sub' 'b.bin') 5003
        $copy = Join-Path $TestDrive "$Label-copy"

        (Sync-FtpItem -Session $other -Path /tree -LocalPath $source -Direction Upload).Transferred | Should -Be 2
        (Sync-FtpItem -Session $other -Path /tree -LocalPath $copy).Transferred | Should -Be 2

        (Get-FileHash (Join-Path $copy 'sub' 'b.bin')).Hash | Should -Be (Get-FileHash (Join-Path $source 'sub' 'b.bin')).Hash
        (Get-FileHash (Join-Path $copy 'a.bin')).Hash | Should -Be (Get-FileHash (Join-Path $source 'a.bin')).Hash
        Compare-FtpItem -Session $other -Path /tree -LocalPath $source -Direction Upload | Should -BeNullOrEmpty
        Compare-FtpItem -Session $other -Path /tree -LocalPath $copy | Should -BeNullOrEmpty
    }
}

Describe 'Test-FtpServer' {
    It 'reports the greeting, the features and an anonymous login over plain FTP' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port
        $result | Should -BeOfType [NetFoundations.Core.Ftp.FtpServerResult]
        $result.Stage | Should -Be 'Login'
        $result.Banner | Should -BeLike '*vsFTPd*'
        $result.Features | Should -Contain 'REST STREAM'
        $result.RestStream | Should -BeTrue
        $result.Size | Should -BeTrue
        $result.Mdtm | Should -BeTrue
        $result.Epsv | Should -BeTrue
        # vsftpd 3 has no MLSD and no HASH.
        $result.Mlsd | Should -BeFalse
        $result.Hash | Should -BeFalse
        $result.TlsProtocol | Should -BeNullOrEmpty
        $result.CertificateValid | Should -BeNullOrEmpty
        $result.UserName | Should -Be 'anonymous'
        $result.LoginSucceeded | Should -BeTrue
        $result.LoginReply | Should -BeLike '230*'
        ($result | Format-Table | Out-String) | Should -Match 'Login'
    }

    It 'sets up explicit FTPS, verifies the certificate with the test CA and logs the user in' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -CertificateAuthorityPath $ca -Credential $credential
        $result.Stage | Should -Be 'Login'
        $result.TlsOffered | Should -BeTrue
        $result.TlsProtocol | Should -BeLike 'Tls1*'
        $result.CertificateValid | Should -BeTrue
        $result.CertificateSubject | Should -BeLike "*CN=$name*"
        $result.UserName | Should -Be $credential.UserName
        $result.LoginSucceeded | Should -BeTrue
        # The password never reaches the transcript.
        $conversation = $result.GetTranscript().Text -join "`n"
        $conversation | Should -Match 'PASS \*+'
        $conversation | Should -Not -Match ([regex]::Escape($credential.GetNetworkCredential().Password))
    }

    It 'reports a refused login rather than failing' {
        $wrong = [pscredential]::new($credential.UserName, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -CertificateAuthorityPath $ca -Credential $wrong -ErrorAction Stop
        $result.Stage | Should -Be 'Login'
        $result.LoginSucceeded | Should -BeFalse
        $result.LoginReply | Should -BeLike '530*'
    }

    It 'stops at -Stage Connect: no TLS and no login' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -Credential $credential -Stage Connect -Verbose 4>&1
        $report = $result | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpServerResult] }
        $verbose = ($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $report.Stage | Should -Be 'Connect'
        $report.Banner | Should -BeLike '*vsFTPd*'
        $report.Features | Should -Contain 'SIZE'
        $report.TlsProtocol | Should -BeNullOrEmpty
        $report.LoginSucceeded | Should -BeNullOrEmpty
        $report.UserName | Should -BeNullOrEmpty
        $verbose | Should -Match 'FEAT'
        $verbose | Should -Not -Match 'USER |PASS |AUTH TLS'
    }

    It 'stops at -Stage Tls with the certificate problems shown under -SkipCertificateCheck' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -Stage Tls -SkipCertificateCheck -WarningAction SilentlyContinue
        $result.Stage | Should -Be 'Tls'
        $result.TlsProtocol | Should -BeLike 'Tls1*'
        $result.CertificateValid | Should -BeFalse
        $result.CertificateProblems | Should -Not -BeNullOrEmpty
        $result.LoginSucceeded | Should -BeNullOrEmpty
    }

    It 'measures the clock skew with -MeasureClockSkew: the same machine''s clock, so within its uncertainty of zero, and no file left' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -CertificateAuthorityPath $ca -Credential $credential -MeasureClockSkew

        $result.ClockSkewError | Should -BeNullOrEmpty
        $result.ClockSkew | Should -BeOfType [timespan]
        $result.ClockSkewUncertainty.TotalSeconds | Should -BeGreaterOrEqual 1
        [math]::Abs($result.ClockSkew.TotalSeconds) | Should -BeLessOrEqual ($result.ClockSkewUncertainty.TotalSeconds + 0.5)
        Get-ChildItem $files -Force -Recurse -Filter '.netfoundations-clock-*' | Should -BeNullOrEmpty
        $conversation = $result.GetTranscript().Text -join "`n"
        $conversation | Should -Match 'STOR .*\.netfoundations-clock-'
        $conversation | Should -Match 'MDTM '
        $conversation | Should -Match 'DELE '
        ($result | Format-Table | Out-String -Width 160) | Should -Match '[+-]\d+\.\d s ±\d'
    }

    It 'reports a refused upload as ClockSkewError, not as a failure: anonymous is read-only' {
        $result = Test-FtpServer $name -Address 127.0.0.1 -Port $port -MeasureClockSkew -ClockSkewPath /pub -ErrorAction Stop

        $result.LoginSucceeded | Should -BeTrue
        $result.ClockSkew | Should -BeNullOrEmpty
        $result.ClockSkewError | Should -Match '55\d'
    }

    It 'writes nothing without -MeasureClockSkew or under -WhatIf, and needs the login stage' {
        $plain = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -CertificateAuthorityPath $ca -Credential $credential
        $skipped = Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -CertificateAuthorityPath $ca -Credential $credential -MeasureClockSkew -WhatIf

        foreach ($result in $plain, $skipped) {
            $result.ClockSkew | Should -BeNullOrEmpty
            $result.ClockSkewError | Should -BeNullOrEmpty
            $result.GetTranscript().Text -join "`n" | Should -Not -Match 'STOR '
        }
        { Test-FtpServer $name -Address 127.0.0.1 -Port $port -Stage Connect -MeasureClockSkew -ErrorAction Stop } | Should -Throw -ErrorId 'ClockSkewBeforeLogin,*'
    }

    It 'fails as Connect-FtpSession does: an untrusted certificate, a clear-text credential, a closed port' {
        { Test-FtpServer $name -Address 127.0.0.1 -Port $port -Security Explicit -Stage Tls -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateRejected,*'
        { Test-FtpServer $name -Address 127.0.0.1 -Port $port -Credential $credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*-AllowUnencryptedAuthentication*'
        { Test-FtpServer 127.0.0.1 -Port 9 -TimeoutSeconds 5 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}

Describe 'The book''s ch17 listings: nlst.py and dir.py' {
    BeforeAll {
        $ch17 = Join-Path $files 'ch17'
        $null = New-Item -ItemType Directory (Join-Path $ch17 'kernel') -Force
        Set-Content (Join-Path $ch17 'README') 'r'
        Set-Content (Join-Path $ch17 'with space.txt') 's'
        # nlst.py and dir.py: change to the directory, then NLST / LIST with no argument.
        $listing = @'
import ftplib, sys
port, user, password, folder, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
f.cwd(folder)
lines = f.nlst() if kind == 'nlst' else []
if kind == 'dir': f.dir(lines.append)
f.quit()
for line in lines: print(line)
'@
    }

    It 'gives with -Name the names ftplib''s nlst gives, as strings' {
        $names = Get-FtpChildItem -Session $session -Path ch17 -Name
        $expected = Invoke-Ftplib $listing ch17, nlst

        $names | ForEach-Object { $_ | Should -BeOfType [string] }
        @($names).Count | Should -Be 3
        ($names | Sort-Object) | Should -Be ($expected | Sort-Object)
        ($names | Sort-Object) | Should -Be 'kernel', 'README', 'with space.txt'
        # An absolute path: vsftpd then puts it before each name, which -Name takes off.
        $absolute = (Get-FtpChildItem -Session $session -Filter ch17).Path
        $absolute | Should -BeLike '/*ch17'
        Get-FtpChildItem -Session $session -Path $absolute -Name | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'gives with -Raw the LIST lines as ftplib''s dir gives them, their names the NLST names' {
        $lines = Get-FtpChildItem -Session $session -Path ch17 -Raw
        $expected = Invoke-Ftplib $listing ch17, dir

        $lines | ForEach-Object { $_ | Should -BeOfType [string] }
        $lines | Should -Be $expected
        $lines | Where-Object { $_ -match '^d' } | Should -Match ' kernel$'
        # The name is what follows the time (or year) field of a UNIX listing line.
        $fromLines = $lines | ForEach-Object { ($_ -split '\s+', 9)[8] }
        ($fromLines | Sort-Object) | Should -Be ((Get-FtpChildItem -Session $session -Path ch17 -Name) | Sort-Object)
    }

    It 'reports a missing directory as PathNotFound for both' {
        { Get-FtpChildItem -Session $session -Path no-such-dir -Name -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*'
        { Get-FtpChildItem -Session $session -Path no-such-dir -Raw -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*'
    }

    It 'keeps -Name and -Raw apart from each other and from -Recurse' {
        { Get-FtpChildItem -Session $session -Path ch17 -Name -Raw -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { Get-FtpChildItem -Session $session -Path ch17 -Name -Recurse -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}

Describe 'FTP trees: Receive-FtpItem and Send-FtpItem -Recurse' {
    BeforeAll {
        # A local tree of random files in nested folders, one of them empty, and a folder link back to the top (a loop).
        function New-RandomTree([string] $Root) {
            $null = New-Item -ItemType Directory (Join-Path $Root 'a' 'b') -Force
            $null = New-Item -ItemType Directory (Join-Path $Root 'empty') -Force
            $i = 0
            foreach ($relative in 'top.bin', 'a/one.bin', 'a/two.bin', 'a/b/three.bin', 'a/b/four.bin', 'a/b/five.bin') {
                $i++
                $null = New-RandomFile (Join-Path $Root $relative) (1000 * $i * $i + $i)
            }
            $Root
        }
        # Each file below a folder as "relative/path HASH", sorted: what both sides are compared by.
        function Get-TreeHashes([string] $Root) {
            $full = (Resolve-Path $Root).Path
            Get-ChildItem $full -Recurse -File -Force | Where-Object { $_.Name -notlike '*.partial' } | ForEach-Object {
                '{0} {1}' -f ($_.FullName.Substring($full.Length + 1) -replace '\\', '/'), (Get-FileHash $_.FullName).Hash
            } | Sort-Object
        }
        $storeTree = @'
import ftplib, os, sys
port, user, password, remote, local = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20); f.login(user, password)
f.mkd(remote)
for folder, dirs, names in os.walk(local):
    rel = os.path.relpath(folder, local)
    base = remote if rel == '.' else remote + '/' + rel.replace(os.sep, '/')
    for d in dirs:
        f.mkd(base + '/' + d)
    for n in names:
        with open(os.path.join(folder, n), 'rb') as data: f.storbinary('STOR ' + base + '/' + n, data)
f.quit()
'@
        # A remote tree with a link back to its top, as the listings' tests have.
        $loopTree = Join-Path $files 'looptree'
        $null = New-Item -ItemType Directory (Join-Path $loopTree 'sub' 'deeper') -Force
        Set-Content (Join-Path $loopTree 'a.txt') 'a'
        Set-Content (Join-Path $loopTree 'sub' 'b.log') 'b'
        Set-Content (Join-Path $loopTree 'sub' 'deeper' 'c.txt') 'c'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $loopTree 'loop') -Target $loopTree
    }

    It 'downloads over 3 connections, byte for byte, a tree that Python''s ftplib uploaded' {
        $source = New-RandomTree (Join-Path $TestDrive 'tree-source')
        Invoke-Ftplib $storeTree 'pytree', $source
        $into = Join-Path $TestDrive 'tree-down'

        $output = Receive-FtpItem -Session $session -Path pytree -Destination $into -Recurse -ThrottleLimit 3

        $results = $output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTransferResult] }
        $summary = $output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }
        $summary | Should -BeOfType [NetFoundations.Core.Ftp.FtpTreeResult]
        $results | Should -BeOfType [NetFoundations.Core.Ftp.FtpTransferResult]
        @($results).Count | Should -Be 6
        $summary.Files | Should -Be 6
        $summary.Transferred | Should -Be 6
        $summary.Failed | Should -Be 0
        $summary.Connections | Should -Be 3
        $summary.BytesTransferred | Should -Be ($results | Measure-Object Length -Sum).Sum
        Get-TreeHashes $into | Should -Be (Get-TreeHashes $source)
        Join-Path $into 'empty' | Should -Exist
        ($output | Format-Table | Out-String) | Should -Match 'Transferred'
        # The session's own connection is still there; the others were closed.
        $session.IsConnected | Should -BeTrue
    }

    It 'uploads over 2 connections a tree that Python''s ftplib reads back byte for byte, not through a folder link' {
        $source = New-RandomTree (Join-Path $TestDrive 'tree-up')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $source 'a' 'loop') -Target $source

        $output = Send-FtpItem -Session $session -Path $source -Destination uptree -Recurse -ThrottleLimit 2

        $summary = $output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }
        $summary.Transferred | Should -Be 6
        $summary.Connections | Should -Be 2
        $summary.FoldersCreated | Should -Be 4   # uptree, a, a/b, empty (the link is left out)
        Invoke-Ftplib $hashTree 'uptree' | Sort-Object | Should -Be (Get-TreeHashes (Join-Path $TestDrive 'tree-up') | Where-Object { $_ -notlike 'a/loop*' })
        Join-Path $files 'uptree' 'a' 'loop' | Should -Not -Exist
        Get-ChildItem (Join-Path $files 'uptree') -Recurse -Force -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'downloads a tree with a link loop once, leaving the link out' {
        $into = Join-Path $TestDrive 'loop-down'
        $output = Receive-FtpItem -Session $session -Path looptree -Destination $into -Recurse
        ($output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }).Transferred | Should -Be 3
        (Get-ChildItem $into -Recurse -File).Name | Sort-Object | Should -Be 'a.txt', 'b.log', 'c.txt'
    }

    It 'refuses each existing file without -Force and goes on with the others; replaces them with -Force' {
        $into = Join-Path $TestDrive 'force-down'
        $null = New-Item -ItemType Directory (Join-Path $into 'sub') -Force
        Set-Content (Join-Path $into 'sub' 'b.log') 'mine'

        $output = Receive-FtpItem -Session $session -Path looptree -Destination $into -Recurse -ErrorVariable failures -ErrorAction SilentlyContinue

        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'FileError,*'
        $failures[0].Exception.Message | Should -BeLike '*-Force*'
        $summary = $output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }
        $summary.Failed | Should -Be 1
        $summary.Transferred | Should -Be 2
        $summary.Succeeded | Should -BeFalse
        Get-Content (Join-Path $into 'sub' 'b.log') | Should -Be 'mine'

        $again = Receive-FtpItem -Session $session -Path looptree -Destination $into -Recurse -Force
        ($again | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }).Transferred | Should -Be 3
        Get-Content (Join-Path $into 'sub' 'b.log') | Should -Be 'b'
    }

    It 'moves nothing with -WhatIf, and says a file is not a tree' {
        Receive-FtpItem -Session $session -Path looptree -Destination (Join-Path $TestDrive 'whatif-tree') -Recurse -WhatIf
        Join-Path $TestDrive 'whatif-tree' | Should -Not -Exist
        { Receive-FtpItem -Session $session -Path looptree/a.txt -Destination $TestDrive -Recurse -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*without -Recurse*'
        { Receive-FtpItem -Session $session -Path looptree -Destination $TestDrive -Recurse -Resume -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}

Describe 'An FTP mirror: Compare-FtpItem and Sync-FtpItem' {
    BeforeAll {
        $old = [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $new = [datetime]::new(2024, 6, 1, 0, 0, 0, [DateTimeKind]::Utc)
        function Set-File([string] $Path, [string] $Text, [datetime] $Modified) {
            $null = New-Item -ItemType Directory (Split-Path $Path) -Force
            [IO.File]::WriteAllText($Path, $Text)
            [IO.File]::SetLastWriteTimeUtc($Path, $Modified)
        }
        # The remote folder (as the server's disk holds it) and a local copy that has drifted from it.
        $remote = Join-Path $files 'mirror'
        Set-File (Join-Path $remote 'same.txt') 'same' $old
        Set-File (Join-Path $remote 'changed.bin') 'twenty bytes of text' $old
        Set-File (Join-Path $remote 'newer.txt') 'newer' $new
        Set-File (Join-Path $remote 'sub' 'only-remote.txt') 'only remote' $old
        $here = Join-Path $TestDrive 'mirror-local'
        Set-File (Join-Path $here 'same.txt') 'same' $old
        Set-File (Join-Path $here 'changed.bin') 'ten bytes!' $old
        Set-File (Join-Path $here 'newer.txt') 'older' $old
        Set-File (Join-Path $here 'extra.txt') 'extra' $old
        Set-File (Join-Path $here 'extra2.txt') 'extra' $old
    }

    It 'lists each difference with its reason, in both directions' {
        $plan = Compare-FtpItem -Session $session -Path mirror -LocalPath $here

        $plan | Should -BeOfType [NetFoundations.Core.Ftp.FtpDifference]
        $plan.RelativePath | Should -Be 'changed.bin', 'extra.txt', 'extra2.txt', 'newer.txt', 'sub/only-remote.txt'
        $plan.Reason | Should -Be 'SizeDiffers', 'Extra', 'Extra', 'Newer', 'Missing'
        $plan.Action | Should -Be 'Download', 'Delete', 'Delete', 'Download', 'Download'
        $plan[0].SourceSize | Should -Be 20
        $plan[0].DestinationSize | Should -Be 10
        $plan[0].Detail | Should -BeLike '*20 bytes*10*'
        $plan[0].SourceFiles | Should -Be 4
        $plan[0].DestinationFiles | Should -Be 5
        ($plan | Format-Table | Out-String) | Should -Match 'SizeDiffers'

        $up = Compare-FtpItem -Session $session -Path mirror -LocalPath $here -Direction Upload
        $up.Reason | Should -Be 'SizeDiffers', 'Missing', 'Missing', 'Extra'
        $up.Action | Should -Be 'Upload', 'Upload', 'Upload', 'Delete'
        ($up | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | ConvertFrom-Json)[0].Reason | Should -Be 'SizeDiffers'
    }

    It 'does nothing with -WhatIf' {
        Compare-FtpItem -Session $session -Path mirror -LocalPath $here | Sync-FtpItem -DeleteExtra -WhatIf
        [IO.File]::ReadAllText((Join-Path $here 'changed.bin')) | Should -Be 'ten bytes!'
        Join-Path $here 'extra.txt' | Should -Exist
    }

    It 'acts on a piped plan, keeping the extra files without -DeleteExtra, then deletes them when asked' {
        $output = Compare-FtpItem -Session $session -Path mirror -LocalPath $here | Sync-FtpItem -ThrottleLimit 2

        $summary = $output | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }
        $summary.Transferred | Should -Be 3
        $summary.Deleted | Should -Be 0
        [IO.File]::ReadAllText((Join-Path $here 'changed.bin')) | Should -Be 'twenty bytes of text'
        [IO.File]::ReadAllText((Join-Path $here 'newer.txt')) | Should -Be 'newer'
        [IO.File]::ReadAllText((Join-Path $here 'sub' 'only-remote.txt')) | Should -Be 'only remote'
        (Compare-FtpItem -Session $session -Path mirror -LocalPath $here).Reason | Should -Be 'Extra', 'Extra'

        $deleted = Sync-FtpItem -Session $session -Path mirror -LocalPath $here -DeleteExtra
        $deleted.Deleted | Should -Be 2
        Join-Path $here 'extra.txt' | Should -Not -Exist
        Compare-FtpItem -Session $session -Path mirror -LocalPath $here | Should -BeNullOrEmpty
        Compare-FtpItem -Session $session -Path mirror -LocalPath $here -Direction Upload | Should -BeNullOrEmpty
    }

    It 'uploads a tree that Python''s ftplib reads back byte for byte, and mirrors a deletion' {
        $source = New-Item -ItemType Directory (Join-Path $TestDrive 'mirror-up') -Force
        foreach ($name in 'one.bin', 'two.bin', 'three.bin') { $null = New-RandomFile (Join-Path $source $name) (40000 + $name.Length) }
        $null = New-Item -ItemType Directory (Join-Path $source 'deep' 'er') -Force
        $null = New-RandomFile (Join-Path $source 'deep' 'er' 'four.bin') 123457

        $summary = Sync-FtpItem -Session $session -Path mirror-up -LocalPath $source -Direction Upload
        $summary.Transferred | Should -Be 4
        Invoke-Ftplib $hashTree 'mirror-up' | Sort-Object | Should -Be (Get-ChildItem $source -Recurse -File | ForEach-Object {
            '{0} {1}' -f ($_.FullName.Substring($source.FullName.Length + 1) -replace '\\', '/'), (Get-FileHash $_.FullName).Hash } | Sort-Object)

        Remove-Item (Join-Path $source 'two.bin')
        $gone = Sync-FtpItem -Session $session -Path mirror-up -LocalPath $source -Direction Upload -DeleteExtra
        $gone.Deleted | Should -Be 1
        Join-Path $files 'mirror-up' 'two.bin' | Should -Not -Exist
        # The uploads took the local files' times (MDTM), so neither direction sees a difference now.
        Compare-FtpItem -Session $session -Path mirror-up -LocalPath $source -Direction Upload | Should -BeNullOrEmpty
        Compare-FtpItem -Session $session -Path mirror-up -LocalPath $source | Should -BeNullOrEmpty
    }

    It 'refuses to delete when the source listed nothing, or when too much of the destination would go' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'mirror-empty') -Force
        $failure = { Sync-FtpItem -Session $session -Path mirror -LocalPath $empty -Direction Upload -DeleteExtra -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -PassThru
        $failure.Exception.Message | Should -BeLike '*listed no files*-IgnoreDeleteLimit*'
        Join-Path $remote 'same.txt' | Should -Exist

        $one = New-Item -ItemType Directory (Join-Path $TestDrive 'mirror-one') -Force
        Set-Content (Join-Path $one 'same.txt') 'same'
        { Sync-FtpItem -Session $session -Path mirror -LocalPath $one -Direction Upload -DeleteExtra -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*-MaximumDeletePercent*'
        Join-Path $remote 'newer.txt' | Should -Exist

        # Allowed by name: -WhatIf shows the deletions and does none.
        Sync-FtpItem -Session $session -Path mirror -LocalPath $empty -Direction Upload -DeleteExtra -IgnoreDeleteLimit -WhatIf
        Join-Path $remote 'same.txt' | Should -Exist
    }
}

Describe 'The book''s ch17 listings: connect.py, asciidl.py, dirparse.py, recursedl.py' {
    BeforeAll {
        # A tree for recursedl.py and dirparse.py, and a text file with UNIX line endings for asciidl.py.
        $book = Join-Path $files 'book'
        $null = New-Item -ItemType Directory (Join-Path $book 'dists' 'stable' 'main'), (Join-Path $book 'dists' 'testing'), (Join-Path $book 'pool') -Force
        foreach ($relative in 'README', 'dists/Release', 'dists/stable/main/Packages', 'dists/testing/Packages', 'pool/a.deb') {
            $null = New-RandomFile (Join-Path $book $relative) (3000 + $relative.Length)
        }
        [IO.File]::WriteAllText((Join-Path $book 'README.txt'), "line one`nline two`n`nlast line`n")
        $book17 = @'
import ftplib, os, sys
port, user, password, kind, arg = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
f = ftplib.FTP(); f.connect('127.0.0.1', port, timeout=20)
if kind == 'connect':      # connect.py: the welcome, an anonymous login, the working directory
    print(f.getwelcome()); f.login(); print(f.pwd())
elif kind == 'asciidl':    # asciidl.py: retrlines, each line written with this system's line ending
    f.login(user, password)
    with open(sys.argv[6], 'w') as out:
        f.retrlines('RETR ' + arg, lambda line: out.write(line + os.linesep))
elif kind == 'dirparse':   # dirparse.py: the directories among the LIST lines, by their first letter
    f.login(user, password); f.cwd(arg)
    entries = []; f.dir(entries.append)
    for line in entries:
        if line.startswith('d'): print(line.split(None, 8)[8])
elif kind == 'recursedl':  # recursedl.py: every directory below one, by CWD and NLST
    f.login(user, password)
    def walk_dir(path):
        original = f.pwd()
        try: f.cwd(path)
        except ftplib.error_perm: return
        print(path)
        for name in sorted(f.nlst()): walk_dir(path + '/' + name)
        f.cwd(original)
    walk_dir(f.pwd().rstrip('/') + '/' + arg)
f.quit()
'@
        function Invoke-Book17([string] $Kind, [string] $Argument, [string] $Extra = '') {
            $arguments = @($Kind, $Argument) + @($Extra | Where-Object { $_ })
            Invoke-Ftplib $book17 $arguments
        }
    }

    It 'connect.py: logs in anonymously, with the welcome ftplib gets' {
        $welcome, $directory = Invoke-Book17 connect x
        $anonymous = Connect-FtpSession $name -Address 127.0.0.1 -Port $port
        try {
            $anonymous.UserName | Should -Be 'anonymous'
            $welcome | Should -BeLike "220*$($anonymous.Banner)"
            $directory | Should -Be '/'
            (Get-FtpChildItem -Session $anonymous).Path | Should -Be '/pub'
        }
        finally { Disconnect-FtpSession $anonymous }
    }

    It 'asciidl.py: an ASCII download writes the bytes ftplib''s retrlines writes' {
        $theirs = Join-Path $TestDrive 'asciidl-python.txt'
        $ours = Join-Path $TestDrive 'asciidl-ours.txt'
        Invoke-Book17 asciidl book/README.txt $theirs

        $result = Receive-FtpItem -Session $session -Path book/README.txt -Destination $ours -Ascii

        $result.VerifiedBy | Should -Be 'Reply'
        [IO.File]::ReadAllBytes($ours) | Should -Be ([IO.File]::ReadAllBytes($theirs))
        [IO.File]::ReadAllText($ours) | Should -Be ("line one", "line two", "", "last line", "" -join [Environment]::NewLine)
    }

    It 'dirparse.py: the directories are those ftplib finds in the LIST lines' {
        $expected = Invoke-Book17 dirparse book
        (Get-FtpChildItem -Session $session -Path book | Where-Object IsDirectory).Name | Should -Be ($expected | Sort-Object)
    }

    It 'recursedl.py: -Recurse finds the directories ftplib walks, and a tree download gets the files ftplib reads' {
        $walked = Invoke-Book17 recursedl book
        $root = $walked | Select-Object -First 1
        $ours = Get-FtpChildItem -Session $session -Path book -Recurse | Where-Object IsDirectory
        ($ours.Path | Sort-Object) | Should -Be ($walked | Select-Object -Skip 1 | Sort-Object)
        $ours[0].Path | Should -BeLike "$root/*"

        $into = Join-Path $TestDrive 'book-down'
        $summary = Receive-FtpItem -Session $session -Path book -Destination $into -Recurse -ThrottleLimit 2 | Select-Object -Last 1
        $summary.Transferred | Should -Be 6
        $local = Get-ChildItem $into -Recurse -File | ForEach-Object {
            '{0} {1}' -f ($_.FullName.Substring($into.Length + 1) -replace '\\', '/'), (Get-FileHash $_.FullName).Hash } | Sort-Object
        $local | Should -Be (Invoke-Ftplib $hashTree 'book' | Sort-Object)
    }
}

Describe 'FTP over IPv6' {
    BeforeAll {
        # The same vsftpd set-up, listening on ::1 only.
        $env:NF_FTP_LISTEN = '::1'
        try { $six = Start-TestFtpServer (Join-Path $TestDrive 'vsftpd6') } finally { Remove-Item Env:NF_FTP_LISTEN }
    }

    AfterAll { Stop-TestFtpServer $six }

    It 'connects to ::1 and moves files both ways over EPSV data connections, under explicit FTPS' {
        $log = Join-Path $TestDrive 'ipv6.log'
        $v6 = Connect-FtpSession $six.Name -Address ::1 -Port $six.Port -Credential $six.Credential -Security Explicit -CertificateAuthorityPath $six.CertificateAuthorityPath -TranscriptPath $log
        try {
            $v6.Address | Should -Be '::1'
            $source = New-RandomFile (Join-Path $TestDrive 'six.bin') 222222
            $null = Send-FtpItem -Session $v6 -Path $source -Destination . -TranscriptPath $log
            $null = Receive-FtpItem -Session $v6 -Path six.bin -Destination (Join-Path $TestDrive 'six-back.bin') -TranscriptPath $log
            (Get-FtpChildItem -Session $v6 -TranscriptPath $log).Name | Should -Contain 'six.bin'
        }
        finally { Disconnect-FtpSession $v6 }

        (Get-FileHash (Join-Path $TestDrive 'six-back.bin')).Hash | Should -Be (Get-FileHash $source).Hash
        (Get-FileHash (Join-Path $six.Folder 'files' 'six.bin')).Hash | Should -Be (Get-FileHash $source).Hash
        $conversation = Get-Content $log -Raw
        $conversation | Should -Match 'EPSV'
        $conversation | Should -Not -Match '(?m)PASV\s*$'
    }
}
