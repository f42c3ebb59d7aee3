@{
    RootModule           = 'NetFoundations.PowerShell.dll'
    # The public types (results, enums, sessions, errors), in the default load context where PowerShell resolves type
    # names: [NetFoundations.Core.Tcp.TcpPortResult] and Should -BeOfType work.
    RequiredAssemblies   = @('NetFoundations.Types.dll')
    # Loaded first: it lets the cmdlets find NetFoundations.Core in the module's own load context.
    NestedModules        = @('NetFoundations.Bootstrap.dll')
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '6f4b8f0e-2d7c-4c57-9a0e-5b1f3f1a8c21'
    Author               = 'NetFoundations contributors'
    CompanyName          = 'NetFoundations'
    Copyright            = '(c) NetFoundations contributors. MIT License.'
    Description          = 'Network programming from the shell: UDP, TCP, DNS, TLS, e-mail (MIME, SMTP, POP3, IMAP), SSH, SFTP and Telnet as cmdlets whose objects pipe into each other. Built for PowerShell 7.4+ and Windows PowerShell 5.1; tested in PowerShell 7.6 on Linux.'
    # 5.1 for Windows PowerShell; on PowerShell 7 the import itself refuses 7.0 to 7.3 (their .NET cannot run the
    # isolating loader, built for .NET 8), since a manifest has one minimum for both editions.
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # The cmdlets' pages (docs/cmdlets, written from the MAML help); each cmdlet's HelpUri names its own.
    HelpInfoURI          = 'https://github.com/netfoundations/NetFoundations/tree/main/docs/cmdlets'
    TypesToProcess       = @('NetFoundations.Types.ps1xml')
    FormatsToProcess     = @(
        'Common.Format.ps1xml'
        'Udp.Format.ps1xml'
        'Tcp.Format.ps1xml'
        'Dns.Format.ps1xml'
        'Tls.Format.ps1xml'
        'Ssh.Format.ps1xml'
        'Ftp.Format.ps1xml'
        'Telnet.Format.ps1xml'
        'Mail.Format.ps1xml'
        'Expect.Format.ps1xml'
        'Servers.Format.ps1xml'
        'Rpc.Format.ps1xml'
        'Caching.Format.ps1xml'
    )
    CmdletsToExport      = @(
        'Send-UdpDatagram'
        'Receive-UdpDatagram'
        'Measure-PathMtu'
        'Invoke-TcpConversation'
        'Test-TcpPort'
        'Resolve-DnsName2'
        'Resolve-MailExchange'
        'Get-AddressInfo'
        'ConvertTo-PackedBytes'
        'ConvertFrom-PackedBytes'
        'Test-TlsCertificate'
        'Test-TlsProtocol'
        'Connect-SshSession'
        'Disconnect-SshSession'
        'Get-SshHostKey'
        'Invoke-SshCommand'
        'Get-SftpItem'
        'Receive-SftpItem'
        'Send-SftpItem'
        'Remove-SftpItem'
        'New-SftpDirectory'
        'Rename-SftpItem'
        'Connect-FtpSession'
        'Disconnect-FtpSession'
        'Get-FtpChildItem'
        'Receive-FtpItem'
        'Send-FtpItem'
        'Remove-FtpItem'
        'Rename-FtpItem'
        'New-FtpDirectory'
        'New-SshTunnel'
        'Get-SshTunnel'
        'Remove-SshTunnel'
        'Invoke-TelnetCommand'
        'New-MailMessage'
        'Read-MailMessage'
        'Save-MailMessage'
        'Save-MailAttachment'
        'Send-SmtpMail'
        'Test-SmtpServer'
        'Connect-Imap'
        'Disconnect-Imap'
        'Get-ImapFolder'
        'Get-ImapMessage'
        'Read-ImapMessage'
        'Set-ImapMessageFlag'
        'Move-ImapMessage'
        'Remove-ImapMessage'
        'Wait-ImapMessage'
        'New-ImapFolder'
        'Rename-ImapFolder'
        'Remove-ImapFolder'
        'Get-Pop3Message'
        'Read-Pop3Message'
        'Remove-Pop3Message'
        'Invoke-SshShell'
        'Invoke-TelnetShell'
        'Start-TcpServer'
        'Get-TcpServer'
        'Stop-TcpServer'
        'Start-InetdService'
        'Measure-TcpServer'
        'Invoke-XmlRpc'
        'Get-XmlRpcMethod'
        'Invoke-JsonRpc'
        'Connect-Memcached'
        'Disconnect-Memcached'
        'Get-MemcachedItem'
        'Set-MemcachedItem'
        'Remove-MemcachedItem'
        'Update-MemcachedCounter'
        'Get-MemcachedStat'
        'Use-MemcachedItem'
        'Measure-KeyDistribution'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Network', 'UDP', 'TCP', 'DNS', 'TLS', 'SMTP', 'IMAP', 'POP3', 'SSH', 'SFTP', 'Telnet', 'Sockets', 'Pester', 'Linux', 'Windows', 'PSEdition_Desktop', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/netfoundations/NetFoundations'
            LicenseUri   = 'https://github.com/netfoundations/NetFoundations/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: UDP, TCP (port tests, conversations with framing and TLS), DNS (records, MX, getaddrinfo, packed bytes), TLS certificate and protocol tests with STARTTLS, e-mail (build, read, SMTP, POP3, IMAP), SSH (commands, shells, SFTP, tunnels, host-key trust), Telnet with expect steps; transcripts, typed errors, isolated dependencies. Tested in PowerShell 7.6.10 with Pester 5.9.1 and 6.2.0; Windows PowerShell 5.1 is built for, not tested.'
        }
    }
}
