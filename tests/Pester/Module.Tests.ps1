# Checks of the module as a whole, as a user who just installed it would make them.
BeforeDiscovery {
    $manifest = Test-ModuleManifest -Path $env:NETFOUNDATIONS_MODULE -ErrorAction Stop
    $cmdletNames = @($manifest.ExportedCmdlets.Keys)
    # Data converters (ConvertTo-/ConvertFrom-) speak no protocol and keep no transcript; nor do the cmdlets whose work
    # is local: files, the system's resolver, a session's own state. They offer no -TranscriptPath.
    $localCmdlets = @('Disconnect-SshSession', 'Get-SshTunnel', 'Get-AddressInfo', 'Save-MailMessage', 'Save-MailAttachment',
        'Read-MailMessage', 'New-MailMessage')
    $protocolCmdlets = @($cmdletNames | Where-Object { $_ -notmatch '^Convert(To|From)-' -and $_ -notin $localCmdlets })
    # Every cmdlet that connects, asked to reach a port nothing listens on: it must still write what happened to its
    # -TranscriptPath. (The cmdlets that work in a session are checked with their sessions in the protocol's file.)
    $closedPort = 9   # discard: nothing listens on it in the tests' network namespace
    $user = [pscredential]::new('nobody', (ConvertTo-SecureString 'x' -AsPlainText -Force))
    $connecting = @(
        @{ Name = 'Test-TcpPort'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Invoke-TcpConversation'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Message = 'x' } }
        @{ Name = 'Test-TlsCertificate'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Test-TlsProtocol'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Test-SmtpServer'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Send-SmtpMail'; Arguments = @{ SmtpServer = '127.0.0.1'; Port = $closedPort; From = 'a@b.test'; To = 'c@d.test'; Body = 'x' } }
        @{ Name = 'Connect-Imap'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Get-Pop3Message'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Connect-SshSession'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Invoke-SshCommand'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user; Command = 'x' } }
        @{ Name = 'Get-SshHostKey'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Invoke-TelnetCommand'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user; Command = 'x' } }
        @{ Name = 'Send-UdpDatagram'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Message = 'x' } }
        @{ Name = 'Resolve-DnsName2'; Arguments = @{ Name = 'example.test'; Server = "127.0.0.1:$closedPort"; Retries = 0 } }
    )
}

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
}

Describe 'The NetFoundations module' {
    It 'loads in this edition of PowerShell' {
        $module = Get-Module NetFoundations
        $module | Should -Not -BeNullOrEmpty
        $module.CompatiblePSEditions | Should -Contain $PSVersionTable.PSEdition
    }

    It 'has an about topic' {
        $topic = Get-Help about_NetFoundations
        "$topic" | Should -Match 'ConnectionRefused'
    }

    Context '<_>' -ForEach $cmdletNames {
        It 'is exported as a cmdlet' {
            (Get-Command $_ -Module NetFoundations).CommandType | Should -Be 'Cmdlet'
        }

        It 'has a synopsis and at least two examples' {
            $help = Get-Help $_ -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match ([regex]::Escape($_))   # says what it does, not its own name
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }

    }

    It '<_> takes -TranscriptPath like every protocol cmdlet, and its help says what it is' -ForEach $protocolCmdlets {
        (Get-Command $_).Parameters.Keys | Should -Contain 'TranscriptPath'
        (Get-Help $_ -Parameter TranscriptPath).description | Should -Not -BeNullOrEmpty
    }

    It '<_> records nothing, so offers no -TranscriptPath' -ForEach $localCmdlets {
        (Get-Command $_).Parameters.Keys | Should -Not -Contain 'TranscriptPath'
    }

    It '<Name> writes its -TranscriptPath also when nothing answers' -ForEach $connecting {
        $path = Join-Path $TestDrive "$Name.log"
        $null = & $Name @Arguments -TranscriptPath $path -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $path | Should -Exist
        (Get-Content $path -Raw) | Should -Not -BeNullOrEmpty
    }

    # The help a user reads first is the cmdlet's own, not a copy of another's.
    It '<Name> says in its synopsis that it <Phrase>' -ForEach @(
        @{ Name = 'Test-TcpPort'; Phrase = 'TCP ports accept connections' }
        @{ Name = 'Invoke-TcpConversation'; Phrase = 'receives the reply' }
        @{ Name = 'Send-UdpDatagram'; Phrase = 'waits for the reply' }
        @{ Name = 'Receive-UdpDatagram'; Phrase = 'Listens on a UDP port' }
        @{ Name = 'Measure-PathMtu'; Phrase = 'path MTU' }
        @{ Name = 'Resolve-DnsName2'; Phrase = 'typed object per record' }
        @{ Name = 'Resolve-MailExchange'; Phrase = 'mail exchangers in preference order' }
        @{ Name = 'Get-AddressInfo'; Phrase = 'getaddrinfo' }
        @{ Name = 'ConvertTo-PackedBytes'; Phrase = 'struct-style format' }
        @{ Name = 'ConvertFrom-PackedBytes'; Phrase = 'struct-style format' }
        @{ Name = 'Test-TlsCertificate'; Phrase = 'TLS certificate' }
        @{ Name = 'Test-TlsProtocol'; Phrase = 'TLS versions' }
    ) {
        $synopsis = (Get-Help $Name).Synopsis
        $synopsis | Should -BeLike "*$Phrase*"
        $synopsis.Length | Should -BeGreaterThan 40
    }

    It 'shows Test-TcpPort''s results filtered by Where-Object Open in its first example' {
        (Get-Help Test-TcpPort).Examples.Example[0].Code | Should -BeLike '*Where-Object Open*'
    }
}
