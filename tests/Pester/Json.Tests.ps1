# Results written as JSON for logs and dashboards: `... | ConvertTo-Json` at its default depth must give readable
# records (addresses as text, durations as numbers in milliseconds, enums as names, no certificates or raw bytes),
# without a depth warning, small enough to log, and with the fields a dashboard reads after ConvertFrom-Json.
# The peers are the ones the other Pester files start (tests/peers; BIND, the TLS servers, Postfix and Dovecot, sshd and
# telnetd from tests/servers) on loopback.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $tcpEcho = Start-TestPeer tcp_echo.py
    $udpEcho = Start-TestPeer udp_echo.py '--until-killed'
    # The servers keep their state outside TestDrive: Pester empties TestDrive of what each Describe created, and a
    # server writes as it serves (Dovecot moves a mailbox's messages from new/ to cur/ on first look).
    $servers = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "nf-json-$(Get-Random)")).FullName
    $tlsFolder = Join-Path $servers 'tls-servers'
    $tlsPort = Start-TlsTestServers $tlsFolder
    $ca = Join-Path $tlsFolder 'ca.crt'
    $dns = Start-TestDnsServer (Join-Path $servers 'bind')
    $sshd = Start-TestSshd (Join-Path $servers 'sshd')
    $telnetd = Start-TestTelnetd (Join-Path $servers 'telnetd')
    $memcached = Start-TestMemcached
    $mailFolder = Join-Path $servers 'mail'
    bash (Join-Path $PSScriptRoot '..' 'servers' 'mail' 'start-servers.sh') $mailFolder
    if ($LASTEXITCODE -ne 0) { throw "start-servers.sh failed with exit code $LASTEXITCODE." }
    $mailPorts = Get-Content (Join-Path $mailFolder 'ports.env') -Raw | ConvertFrom-StringData
    $mailCa = Join-Path $mailFolder 'ca.crt'
    $alice = [pscredential]::new('alice@mail.test', (ConvertTo-SecureString 'alice-password' -AsPlainText -Force))
    $upload = Join-Path $TestDrive 'upload.txt'
    Set-Content $upload ('x' * 1000)

    # Converts one result as a user would, and returns the text, the warnings and the parsed record.
    function ConvertTo-CheckedJson($Result) {
        $warnings = @()
        $json = $Result | ConvertTo-Json -WarningVariable warnings -WarningAction SilentlyContinue
        [pscustomobject]@{ Json = $json; Warnings = $warnings; Record = $json | ConvertFrom-Json }
    }
}

AfterAll {
    $tcpEcho, $udpEcho | Stop-TestPeer
    Stop-TlsTestServers $tlsFolder
    Stop-TestDnsServer $dns
    Stop-TestSshd $sshd
    Stop-TestTelnetd $telnetd
    Stop-TestMemcached $memcached
    bash (Join-Path $PSScriptRoot '..' 'servers' 'mail' 'stop-servers.sh') $mailFolder
    Remove-Item -Recurse -Force $servers -ErrorAction Ignore
}

Describe 'ConvertTo-Json of <Type>' -ForEach @(
    @{ Type = 'TcpPortResult'; MaxBytes = 1KB; Make = { Test-TcpPort -ComputerName 127.0.0.1 -Port $tcpEcho.Port }
       Fields = @{ Address = '127.0.0.1'; Open = $true; FailureKind = 'None' }; Numbers = 'LatencyMs' }
    @{ Type = 'TcpPortResult (IPv6, refused)'; MaxBytes = 1KB; Make = { Test-TcpPort -ComputerName ::1 -Port (Get-UnusedPort) }
       Fields = @{ Address = '::1'; Open = $false; FailureKind = 'Refused' }; Numbers = 'LatencyMs' }
    @{ Type = 'TcpConversation'; MaxBytes = 2KB; Make = { Invoke-TcpConversation 127.0.0.1 $tcpEcho.Port -Message "hello`n" -LineCount 1 }
       Fields = @{ Address = '127.0.0.1'; LocalAddress = '127.0.0.1'; ReceivedBytes = 6 }; Numbers = 'ConnectMs', 'TotalMs', 'LocalPort' }
    @{ Type = 'TcpConversation over TLS'; MaxBytes = 3KB; Make = { Invoke-TcpConversation localhost $tlsPort.valid -Tls -CertificateAuthorityPath $ca -Message "HEAD / HTTP/1.0`r`nHost: localhost`r`n`r`n" -UntilClose }
       Fields = @{ Address = '127.0.0.1' }; Numbers = 'TotalMs' }
    @{ Type = 'UdpReply'; MaxBytes = 1KB; Make = { Send-UdpDatagram 127.0.0.1 $udpEcho.Port -Message 'hello' }
       Fields = @{ RemoteAddress = '127.0.0.1'; Text = 'hello'; Length = 5 }; Numbers = 'RoundTripMs' }
    @{ Type = 'UdpSendResult'; MaxBytes = 1KB; Make = { Send-UdpDatagram ::1 $udpEcho.Port -Message 'hello' -NoReply }
       Fields = @{ RemoteAddress = '::1'; BytesSent = 5 }; Numbers = 'LocalPort' }
    @{ Type = 'PathMtuResult'; MaxBytes = 1KB; Make = { Measure-PathMtu 127.0.0.1 }
       Fields = @{ Address = '127.0.0.1' }; Numbers = 'Mtu' }
    @{ Type = 'TlsCertificateResult'; MaxBytes = 6KB; Make = { Test-TlsCertificate localhost -Port $tlsPort.valid -CertificateAuthorityPath $ca }
       Fields = @{ Address = '127.0.0.1'; IsValid = $true; StartTls = 'None' }; Numbers = 'HandshakeMs', 'TotalMs', 'DaysRemaining' }
    @{ Type = 'TlsProtocolResult'; MaxBytes = 1KB; Make = { Test-TlsProtocol localhost -Port $tlsPort.valid -Protocol Tls12 }
       Fields = @{ Address = '127.0.0.1'; Protocol = 'Tls12'; Status = 'Supported' }; Numbers = 'Port' }
    @{ Type = 'DnsARecord'; MaxBytes = 1KB; Make = { Resolve-DnsName2 www.example.test -Server $dns.Server }
       Fields = @{ Address = '127.0.0.11'; Type = 'A'; Section = 'Answer'; ComputerName = 'www.example.test' }; Numbers = 'TTL' }
    @{ Type = 'DnsAaaaRecord'; MaxBytes = 1KB; Make = { Resolve-DnsName2 www.example.test -Type AAAA -Server $dns.Server6 }
       Fields = @{ Address = '::1'; Type = 'AAAA' }; Numbers = 'TTL' }
    @{ Type = 'DnsMxRecord'; MaxBytes = 1KB; Make = { Resolve-DnsName2 example.test -Type MX -Server $dns.Server | Sort-Object Preference }
       Fields = @{ Type = 'MX'; Exchange = 'mail1.example.test' }; Numbers = 'Preference', 'TTL' }
    @{ Type = 'DnsTxtRecord'; MaxBytes = 1KB; Make = { Resolve-DnsName2 example.test -Type TXT -Server $dns.Server }
       Fields = @{ Type = 'TXT'; Text = 'v=spf1 mx -all' }; Numbers = 'TTL' }
    @{ Type = 'DnsResponse'; MaxBytes = 4KB; Make = { Resolve-DnsName2 example.test -Type TXT -Server $dns.Server -Response }
       Fields = @{ ResponseCode = 'NOERROR'; Type = 'TXT'; IsAuthoritative = $true }; Numbers = 'DurationMs', 'MessageSize' }
    @{ Type = 'DnsResponse (addresses)'; MaxBytes = 4KB; Make = { Resolve-DnsName2 example.test -Type MX -Server $dns.Server -Response }
       Fields = @{ ResponseCode = 'NOERROR'; Type = 'MX' }; Numbers = 'DurationMs' }
    @{ Type = 'MailExchange'; MaxBytes = 1KB; Make = { Resolve-MailExchange example.test -Server $dns.Server }
       Fields = @{ Kind = 'Mx'; Exchange = 'mail1.example.test'; Addresses = '127.0.0.21', '::1'; ComputerName = 'mail1.example.test' }; Numbers = 'Preference', 'Port' }
    @{ Type = 'AddressInfo'; MaxBytes = 1KB; Make = { Get-AddressInfo ::1 smtp }
       Fields = @{ Address = '::1'; Family = 'InterNetworkV6'; SocketType = 'Stream'; Protocol = 'Tcp' }; Numbers = 'Port' }
    @{ Type = 'SshHostKey'; MaxBytes = 1KB; Make = { Get-SshHostKey -ComputerName 127.0.0.1 -Port $sshd.Port -KeyType ssh-ed25519 }
       Fields = @{ KeyType = 'ssh-ed25519'; ComputerName = '127.0.0.1' }; Numbers = 'Port' }
    @{ Type = 'SshCommandResult'; MaxBytes = 1KB; Make = { Invoke-SshCommand 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath -Command 'echo hello' }
       Fields = @{ Output = 'hello'; ExitStatus = 0; Succeeded = $true }; Numbers = 'DurationMs' }
    @{ Type = 'SftpTransferResult'; MaxBytes = 1KB
       Make = {
           $session = Connect-SshSession 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath
           try { Send-SftpItem -Session $session -Path $upload -Destination (Join-Path $servers 'sshd' 'files') } finally { Disconnect-SshSession $session }
       }
       Fields = @{ Direction = 'Upload'; Files = 1; Length = 1001 }; Numbers = 'DurationMs', 'BytesPerSecond' }
    @{ Type = 'ExpectResult'; MaxBytes = 2KB
       Make = { Invoke-TelnetShell 127.0.0.1 -Port $telnetd.Port -Credential $telnetd.Credential -Step @{ Send = 'echo v=$((40+2))' }, @{ Expect = 'v=(?<v>\d+)' } }
       Fields = @{ Match = 'v=42'; ComputerName = '127.0.0.1' }; Numbers = 'DurationMs', 'Port' }
    @{ Type = 'TelnetCommandResult'; MaxBytes = 1KB; Make = { Invoke-TelnetCommand 127.0.0.1 -Port $telnetd.Port -Credential $telnetd.Credential -Command 'echo hello' }
       Fields = @{ Output = 'hello'; Command = 'echo hello' }; Numbers = 'DurationMs' }
    @{ Type = 'SmtpServerResult'; MaxBytes = 2KB; Make = { Test-SmtpServer 127.0.0.1 -Port $mailPorts.smtp -CertificateAuthorityPath $mailCa }
       Fields = @{ Stage = 'Tls'; StartTlsOffered = $true; CertificateValid = $true }; Numbers = 'Port', 'MaxSize' }
    @{ Type = 'SmtpSendResult'; MaxBytes = 2KB; Make = { Send-SmtpMail 127.0.0.1 -Port $mailPorts.smtp -CertificateAuthorityPath $mailCa -From a@mail.test -To bob@mail.test -Subject json -Body hello }
       Fields = @{ Sent = $true; AcceptedRecipients = 'bob@mail.test'; Subject = 'json' }; Numbers = 'DurationMs', 'Port' }
    @{ Type = 'Pop3MessageInfo'; MaxBytes = 1KB; Make = { Get-Pop3Message 127.0.0.1 $alice -Port $mailPorts.pop3s -Security Tls -CertificateAuthorityPath $mailCa -Headers }
       Fields = @{ ComputerName = '127.0.0.1' }; Numbers = 'Number', 'Size' }
    @{ Type = 'MailPart'; MaxBytes = 1KB
       Make = {
           $path = Join-Path $TestDrive 'parts.eml'
           New-MailMessage -From a@mail.test -To b@mail.test -Subject parts -Body text -HtmlBody '<p>html</p>' | Save-MailMessage -Path $path | Out-Null
           Read-MailMessage $path -Structure | Select-Object -Last 1
       }
       Fields = @{ PartNumber = '2'; ContentType = 'text/html' }; Numbers = 'Depth', 'EncodedSize' }
    @{ Type = 'MemcachedWriteResult'; MaxBytes = 1KB; Make = { Set-MemcachedItem -Session (Connect-Memcached $memcached.Servers) -Key json-a -Value 'text' }
       Fields = @{ Operation = 'Set'; Reply = 'STORED'; Succeeded = $true; Key = 'json-a' }; Numbers = @() }
    @{ Type = 'MemcachedServerStats'; MaxBytes = 8KB; Make = { Get-MemcachedStat -Session (Connect-Memcached $memcached.Servers) }
       Fields = @{ Version = (memcached -V).Split(' ')[1] }; Numbers = 'LimitMaxBytes', 'CurrentConnections' }
    @{ Type = 'KeyDistributionReport'; MaxBytes = 2KB; Make = { Measure-KeyDistribution -Key (1..100) -Server a:1, b:1 -AddServer c:1 -Algorithm Ketama }
       Fields = @{ Algorithm = 'Ketama'; KeyCount = 100 }; Numbers = 'MovedKeys', 'MovedPercent', 'Imbalance' }
    # The objects that carry or are a session: a session's record is flat (its host key and tunnels are methods), so an
    # item that carries it still converts at the default depth.
    @{ Type = 'SshSession'; MaxBytes = 1KB; Make = { Connect-SshSession 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath }
       Fields = @{ ComputerName = '127.0.0.1'; HostKeyType = 'ssh-ed25519'; IsConnected = $true }; Numbers = 'Port' }
    @{ Type = 'SftpItem'; MaxBytes = 2KB
       Make = {
           $session = Connect-SshSession 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath
           $folder = Join-Path $servers 'sshd' 'files'
           $null = Send-SftpItem -Session $session -Path $upload -Destination $folder -Force
           Get-SftpItem -Session $session -Path $folder
       }
       Fields = @{ IsDirectory = $false }; Numbers = 'Length' }
    @{ Type = 'SshTunnel'; MaxBytes = 2KB
       Make = { Connect-SshSession 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath | New-SshTunnel -RemoteHost 127.0.0.1 -RemotePort $tcpEcho.Port }
       Fields = @{ Kind = 'Local'; DestinationHost = '127.0.0.1' }; Numbers = 'BoundPort' }
    @{ Type = 'ImapSession'; MaxBytes = 2KB; Make = { Connect-Imap 127.0.0.1 $alice -Port $mailPorts.imaps -Security Tls -CertificateAuthorityPath $mailCa }
       Fields = @{ ComputerName = '127.0.0.1'; UserName = 'alice@mail.test' }; Numbers = 'Port' }
    @{ Type = 'ImapFolderInfo'; MaxBytes = 3KB
       Make = { Get-ImapFolder -Session (Connect-Imap 127.0.0.1 $alice -Port $mailPorts.imaps -Security Tls -CertificateAuthorityPath $mailCa) -Name INBOX }
       Fields = @{ FullName = 'INBOX' }; Numbers = 'Count', 'UidValidity' }
    @{ Type = 'ImapMessageSummary'; MaxBytes = 3KB
       Make = { Get-ImapMessage -Session (Connect-Imap 127.0.0.1 $alice -Port $mailPorts.imaps -Security Tls -CertificateAuthorityPath $mailCa) -Subject Welcome }
       Fields = @{ Folder = 'INBOX'; Subject = 'Welcome' }; Numbers = 'Uid', 'Size' }
    @{ Type = 'MailMessage'; MaxBytes = 2KB; Make = { New-MailMessage -From a@mail.test -To b@mail.test -Subject built -Body text }
       Fields = @{ Subject = 'built'; From = 'a@mail.test'; TextBody = 'text' }; Numbers = 'Size' }
    @{ Type = 'TcpServer'; MaxBytes = 1KB
       Make = {
           $server = Start-TcpServer Zen -LocalAddress ::1
           $null = Invoke-TcpConversation ::1 $server.LocalPort -Message 'Now is better than?' -Delimiter '.'
           $server | Stop-TcpServer -PassThru
       }
       Fields = @{ LocalAddress = '::1'; Service = 'Zen'; Architecture = 'AsyncAwait'; State = 'Stopped'; Requests = 1 }; Numbers = 'UptimeMs', 'LocalPort', 'BytesSent' }
    @{ Type = 'SshOutputLine'; MaxBytes = 1KB; Make = { Invoke-SshCommand 127.0.0.1 -Port $sshd.Port -Credential $sshd.Credential -KnownHostsPath $sshd.KnownHostsPath -Command 'echo streamed' -Stream }
       Fields = @{ Line = 'streamed'; IsError = $false; ComputerName = '127.0.0.1' }; Numbers = @() }
    @{ Type = 'MemcachedSession'; MaxBytes = 1KB; Make = { Connect-Memcached $memcached.Servers -KeyDistribution Ketama }
       Fields = @{ KeyDistribution = 'Ketama'; Failover = $false; IsConnected = $true }; Numbers = 'Hits', 'Misses' }
    @{ Type = 'MemcachedItem'; MaxBytes = 2KB; Make = {
           $session = Connect-Memcached $memcached.Servers
           $null = Set-MemcachedItem -Session $session -Key json-b -Value 'cached text'
           Get-MemcachedItem -Session $session -Key json-b -Cas
       }
       Fields = @{ Key = 'json-b'; Value = 'cached text'; Format = 'Text' }; Numbers = 'Cas', 'Length', 'Flags' }
    @{ Type = 'MessageSocket'; MaxBytes = 1KB; Make = { New-MessageSocket Pull -Bind 'inproc://json-socket' }
       Fields = @{ Type = 'Pull'; Endpoint = 'inproc://json-socket'; IsClosed = $false }; Numbers = 'Sent', 'Dropped', 'SendHighWatermark' }
    @{ Type = 'MessageItem'; MaxBytes = 1KB; Make = {
           $pull = New-MessageSocket Pull -Bind 'inproc://json-item'
           $push = New-MessageSocket Push -Connect 'inproc://json-item'
           Send-Message $push -InputObject @{ Celsius = -3 }
           Receive-Message $pull -AsJson
       }
       Fields = @{ SocketType = 'Pull'; Text = '{"Celsius":-3}' }; Numbers = 'Length', 'FrameCount' }
    @{ Type = 'MessageSendResult'; MaxBytes = 1KB; Make = { Send-Message (New-MessageSocket Pub -Bind 'inproc://json-send') 'unheard' -PassThru }
       Fields = @{ SocketType = 'Pub'; Sent = 1; Dropped = 1; WhatIf = $false }; Numbers = 'DurationMs', 'Bytes' }
) {
    BeforeAll {
        $result = & $Make | Select-Object -First 1
        $converted = ConvertTo-CheckedJson $result
    }

    It 'converts at the default depth without a warning, and stays small' {
        $result | Should -Not -BeNullOrEmpty
        $converted.Warnings | Should -HaveCount 0
        [Text.Encoding]::UTF8.GetByteCount($converted.Json) | Should -BeLessThan $MaxBytes
    }

    It 'writes addresses as text, durations as numbers, enums as names' {
        $converted.Json | Should -Not -Match '"AddressFamily"|"Ticks"|"TotalMilliseconds"|"RawData"|"Transcript"'
        foreach ($field in $Fields.GetEnumerator()) {
            $converted.Record.($field.Key) | Should -Be $field.Value -Because $field.Key
        }
        foreach ($name in $Numbers) {
            $converted.Record.$name | Should -BeOfType [ValueType] -Because $name
        }
    }

    It 'keeps the rich values in the shell' {
        foreach ($name in 'Address', 'Addresses', 'RemoteAddress', 'LocalAddress') {
            if ($result.PSObject.Properties[$name]) { $result.$name | Should -BeOfType [ipaddress] -Because $name }
        }
    }
}

Describe 'Shell and JSON views of one result' {
    It 'gives the address object in the shell and text in JSON, and binds it by property name' {
        $result = Test-TcpPort -ComputerName ::1 -Port $tcpEcho.Port

        $result.Address.AddressFamily | Should -Be 'InterNetworkV6'
        ($result | ConvertTo-Json | ConvertFrom-Json).Address | Should -Be '::1'
        function Get-BoundAddress { param([Parameter(ValueFromPipelineByPropertyName)][ipaddress] $Address) process { $Address } }
        ($result | Get-BoundAddress).AddressFamily | Should -Be 'InterNetworkV6'
    }

    It 'writes a response''s answers as records with text addresses, which the shell gives as IPAddress' {
        $response = Resolve-DnsName2 www.example.test -Type AAAA -Server $dns.Server -Response

        $response.Answers[0].Address.AddressFamily | Should -Be 'InterNetworkV6'
        ($response | ConvertTo-Json | ConvertFrom-Json).Answers[0].Address | Should -Be '::1'
    }

    It 'keeps a TXT record''s character-strings one call away, and quoted in Data' {
        $txt = Resolve-DnsName2 long.example.test -Type TXT -Server $dns.Server

        $txt.GetStrings() | Should -HaveCount 8
        ($txt | ConvertTo-Json | ConvertFrom-Json).Data | Should -BeLike '"0123*" "1123*'
    }

    It 'keeps an SMTP conversation out of JSON but one call away' {
        $result = Test-SmtpServer 127.0.0.1 -Port $mailPorts.smtp -CertificateAuthorityPath $mailCa

        $result.GetTranscript().Text -join "`n" | Should -Match 'EHLO'
        $result | ConvertTo-Json | Should -Not -Match 'EHLO'
    }

    It 'keeps the certificate out of JSON but one call away' {
        $result = Test-TlsCertificate localhost -Port $tlsPort.valid -CertificateAuthorityPath $ca

        $result.GetCertificate().Subject | Should -Be $result.Subject
        $result.GetPresentedCertificates().Count | Should -BeGreaterThan 0
        $result | ConvertTo-Json | Should -Not -Match 'BEGIN CERTIFICATE|"RawData"|"PublicKey"'
    }
}
