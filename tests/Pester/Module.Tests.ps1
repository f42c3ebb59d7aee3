# Checks of the module as a whole, as a user who just installed it would make them.
BeforeDiscovery {
    $manifest = Test-ModuleManifest -Path $env:NETFOUNDATIONS_MODULE -ErrorAction Stop
    $cmdletNames = @($manifest.ExportedCmdlets.Keys)
    # Data converters (ConvertTo-/ConvertFrom-) speak no protocol and keep no transcript.
    $protocolCmdlets = @($cmdletNames | Where-Object { $_ -notmatch '^Convert(To|From)-' })
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

    It 'says in its about topic how to use it beside Posh-SSH and Mailozaurr' {
        $topic = "$(Get-Help about_NetFoundations)"

        $topic | Should -Match 'Posh-SSH\s+Get-SSHHostKey, Invoke-SSHCommand'
        $topic | Should -Match 'Mailozaurr\s+Connect-IMAP'
        $topic | Should -Match 'NetFoundations\\Invoke-SshCommand'
        $topic | Should -Match 'Import-Module NetFoundations -Prefix NF'
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
