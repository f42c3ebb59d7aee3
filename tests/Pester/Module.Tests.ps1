# Checks of the module as a whole, as a user who just installed it would make them.
BeforeDiscovery {
    $manifest = Test-ModuleManifest -Path $env:NETFOUNDATIONS_MODULE -ErrorAction Stop
    $cmdletNames = @($manifest.ExportedCmdlets.Keys)
    # Data converters (ConvertTo-/ConvertFrom-) speak no protocol and keep no transcript; nor do the cmdlets whose work
    # is local: files, the system's resolver, a session's own state. They offer no -TranscriptPath.
    $localCmdlets = @('Disconnect-SshSession', 'Disconnect-FtpSession', 'Get-SshTunnel', 'Get-AddressInfo', 'Save-MailMessage', 'Save-MailAttachment',
        'Read-MailMessage', 'New-MailMessage', 'Start-TcpServer', 'Get-TcpServer', 'Stop-TcpServer', 'Start-InetdService', 'Start-HttpServer', 'Start-RpcServer',
        'Disconnect-Memcached', 'Measure-KeyDistribution', 'Select-Html', 'Get-HtmlForm', 'New-HttpSession',
        'New-MessageSocket', 'Get-MessageSocket', 'Close-MessageSocket')
    $protocolCmdlets = @($cmdletNames | Where-Object { $_ -notmatch '^Convert(To|From)-' -and $_ -notin $localCmdlets })
    # Every cmdlet that connects, asked to reach a port nothing listens on: it must still write what happened to its
    # -TranscriptPath. (The cmdlets that work in a session are checked with their sessions in the protocol's file.)
    $closedPort = 9   # discard: nothing listens on it in the tests' network namespace
    $user = [pscredential]::new('nobody', (ConvertTo-SecureString 'x' -AsPlainText -Force))
    $connecting = @(
        @{ Name = 'Test-TcpPort'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Invoke-TcpConversation'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Message = 'x' } }
        @{ Name = 'Measure-TcpServer'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Zen = $true; Count = 1 } }
        @{ Name = 'Test-TlsCertificate'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Test-TlsProtocol'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Test-SmtpServer'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Send-SmtpMail'; Arguments = @{ SmtpServer = '127.0.0.1'; Port = $closedPort; From = 'a@b.test'; To = 'c@d.test'; Body = 'x' } }
        @{ Name = 'Connect-Imap'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Get-Pop3Message'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Connect-SshSession'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user } }
        @{ Name = 'Connect-FtpSession'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Test-FtpServer'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Get-FtpChildItem'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Invoke-SshCommand'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user; Command = 'x' } }
        @{ Name = 'Get-SshHostKey'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort } }
        @{ Name = 'Invoke-TelnetCommand'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Credential = $user; Command = 'x' } }
        @{ Name = 'Send-UdpDatagram'; Arguments = @{ ComputerName = '127.0.0.1'; Port = $closedPort; Message = 'x' } }
        @{ Name = 'Resolve-DnsName2'; Arguments = @{ Name = 'example.test'; Server = "127.0.0.1:$closedPort"; Retries = 0 } }
        @{ Name = 'Invoke-XmlRpc'; Arguments = @{ Uri = "http://127.0.0.1:$closedPort/RPC2"; Method = 'x' } }
        @{ Name = 'Get-XmlRpcMethod'; Arguments = @{ Uri = "http://127.0.0.1:$closedPort/RPC2" } }
        @{ Name = 'Invoke-JsonRpc'; Arguments = @{ Uri = "http://127.0.0.1:$closedPort/"; Method = 'x' } }
        @{ Name = 'Invoke-HttpRequest'; Arguments = @{ Uri = "http://127.0.0.1:$closedPort/" } }
        @{ Name = 'Invoke-WebCrawl'; Arguments = @{ Uri = "http://127.0.0.1:$closedPort/" } }
        @{ Name = 'Connect-Memcached'; Arguments = @{ Server = "127.0.0.1:$closedPort" } }
    )

    # The module's own output types, by the cmdlets' [OutputType] (the .NET ones, bool, byte[], FileInfo, aside).
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    $outputTypes = @(Get-Command -Module NetFoundations | ForEach-Object OutputType | ForEach-Object Type |
        Where-Object { $_.FullName -like 'NetFoundations.*' } | Sort-Object FullName -Unique)
    $nameable = @($outputTypes | ForEach-Object { @{ Name = $_.FullName; Type = $_ } })
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

# Users name the output types in casts, typed parameters and Should -BeOfType: PowerShell 7 resolves type names only
# among the default load context's assemblies, so every output type lives in NetFoundations.Types, loaded there.
Describe 'The output types' {
    It '<Name> is in NetFoundations.Types, in the default load context, and resolves by its name' -ForEach $nameable {
        $Type.Assembly.GetName().Name | Should -Be 'NetFoundations.Types'
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($Type.Assembly).Name | Should -Be 'Default'
        $Name -as [type] | Should -Be $Type
    }

    It '<Name> is checked with Should -BeOfType on an object a cmdlet made, in tests/Pester' -ForEach $nameable {
        $checks = Select-String -Path (Join-Path $PSScriptRoot '*.Tests.ps1') -SimpleMatch "Should -BeOfType [$Name]"
        $checks | Should -Not -BeNullOrEmpty -Because 'each output type is tested as a user names it'
    }

    It 'NetFoundations.Types references no assembly but the framework''s, so loading it lets no library out' {
        $types = [NetFoundations.Core.Tcp.TcpPortResult].Assembly
        $types.GetName().Name | Should -Be 'NetFoundations.Types'
        @($types.GetReferencedAssemblies().Name) | Should -Be @('netstandard')
    }

    It 'works as a cast and as a typed parameter of a user''s function' {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            function Get-OpenPort {
                param([Parameter(Mandatory, ValueFromPipeline)] [NetFoundations.Core.Tcp.TcpPortResult] $Result)
                process { if ($Result.Open) { $Result.Port } }
            }

            $result = Test-TcpPort 127.0.0.1 -Port $port

            $result | Get-OpenPort | Should -Be $port
            ([NetFoundations.Core.Tcp.TcpPortResult]$result).Port | Should -Be $port
            [NetFoundations.Core.Tcp.TcpPortFailure]'Refused' | Should -Be ([NetFoundations.Core.Tcp.TcpPortFailure]::Refused)
            { Get-OpenPort -Result ([pscustomobject]@{ Open = $true; Port = 1 }) } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,Get-OpenPort'
        }
        finally {
            $listener.Stop()
        }
    }
}

# One name and one unit for "how long to wait" (-TimeoutSeconds, a [double]), and -TotalTimeoutSeconds where a second
# limit exists: a user learns it once, and the prefix -Timeout means the same on every cmdlet.
Describe 'Timeouts across the module' {
    BeforeDiscovery {
        Import-Module $env:NETFOUNDATIONS_MODULE
        $timedCmdlets = @(Get-Command -Module NetFoundations -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('TimeoutSeconds') } |
            ForEach-Object Name)
    }

    It 'no cmdlet has a parameter named Timeout, TimeoutMilliseconds or TotalTimeout' {
        $old = foreach ($command in Get-Command -Module NetFoundations -CommandType Cmdlet) {
            $command.Parameters.Keys | Where-Object { $_ -in 'Timeout', 'TimeoutMilliseconds', 'TotalTimeout' } | ForEach-Object { "$($command.Name) -$_" }
        }
        $old | Should -BeNullOrEmpty
    }

    It 'every parameter whose name holds "Timeout" is a [double] named TimeoutSeconds or TotalTimeoutSeconds' {
        $others = foreach ($command in Get-Command -Module NetFoundations -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values | Where-Object Name -Like '*Timeout*') {
                if ($parameter.Name -notin 'TimeoutSeconds', 'TotalTimeoutSeconds' -or $parameter.ParameterType -ne [double]) {
                    "$($command.Name) -$($parameter.Name) [$($parameter.ParameterType.Name)]"
                }
            }
        }
        $others | Should -BeNullOrEmpty
    }

    It 'a cmdlet with -TotalTimeoutSeconds also has -TimeoutSeconds' {
        Get-Command -Module NetFoundations -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('TotalTimeoutSeconds') } |
            Where-Object { -not $_.Parameters.ContainsKey('TimeoutSeconds') } | Should -BeNullOrEmpty
    }

    It '<_> binds -Timeout to -TimeoutSeconds' -ForEach $timedCmdlets {
        # The binder's own lookup: an ambiguous prefix (two parameters starting with Timeout) would throw here.
        (Get-Command $_).ResolveParameter('Timeout').Name | Should -Be 'TimeoutSeconds'
    }

    It '<_> says in its help how long -TimeoutSeconds waits, in the words every help uses' -ForEach $timedCmdlets {
        $description = (Get-Help $_ -Parameter TimeoutSeconds).description.Text -join ' '
        $description | Should -Match '^How long to wait, in seconds \(fractions allowed; default [0-9.]+, from [0-9.]+ to [0-9.]+\)\. It bounds '
        (Get-Help $_ -Parameter TimeoutSeconds).type.name | Should -BeLike '*Double'
    }

    It '<_> says in its help what -TotalTimeoutSeconds bounds, in the words every help uses' -ForEach @(
        $timedCmdlets | Where-Object { (Get-Command $_).Parameters.ContainsKey('TotalTimeoutSeconds') }) {
        $description = (Get-Help $_ -Parameter TotalTimeoutSeconds).description.Text -join ' '
        $description | Should -Match '^The second limit, in seconds \(default [0-9.]+, from [0-9.]+ to [0-9.]+(; 0 lifts it)?\)\. It bounds '
    }
}

# Get-Help -Online opens the cmdlet's page in the repository, written from the same MAML that Get-Help shows.
Describe 'Help' {
    BeforeDiscovery {
        Import-Module $env:NETFOUNDATIONS_MODULE
        $cmdletNames = @((Test-ModuleManifest -Path $env:NETFOUNDATIONS_MODULE -ErrorAction Stop).ExportedCmdlets.Keys)
        $examples = foreach ($name in $cmdletNames) {
            $number = 0
            foreach ($example in (Get-Help $name -Examples).examples.example) {
                $number++
                @{ Name = $name; Number = $number; Code = $example.code }
            }
        }
    }

    BeforeAll {
        $repository = Resolve-Path (Join-Path $PSScriptRoot '../..')
        $projectUri = (Get-Module NetFoundations).ProjectUri.AbsoluteUri
    }

    It 'the manifest has a HelpInfoURI in the project''s repository' {
        (Get-Module NetFoundations).HelpInfoUri | Should -BeLike "$projectUri/*/docs/cmdlets"
    }

    It '<_> has a HelpUri whose page exists in the repository and is written from its help' -ForEach $cmdletNames {
        $helpUri = (Get-Command $_).HelpUri
        $helpUri | Should -Be "$projectUri/blob/main/docs/cmdlets/$_.md"
        $page = Join-Path $repository "docs/cmdlets/$_.md"
        $page | Should -Exist
        $written = & (Join-Path $repository 'docs/ConvertTo-CmdletPage.ps1') -Path (Join-Path $repository "en-US/cmdlets/$_.xml")
        # Out of date: run ./build.ps1 -Task Docs.
        [System.IO.File]::ReadAllText($page) | Should -BeExactly $written
    }

    It '<_> has a syntax in its help for each parameter set, as the cmdlet declares it' -ForEach $cmdletNames {
        $declared = foreach ($set in (Get-Command $_).ParameterSets) {
            (@($set.Parameters | Where-Object Name -notin ([System.Management.Automation.Cmdlet]::CommonParameters + 'WhatIf', 'Confirm') |
                ForEach-Object { "$($_.Name):$($_.IsMandatory):$($_.Position)" } | Sort-Object) -join ' ')
        }
        $helped = foreach ($item in (Get-Help $_).syntax.syntaxItem) {
            (@($item.parameter | Where-Object Name -notin 'WhatIf', 'Confirm' |
                ForEach-Object { "$($_.name):$($_.required):$(if ($_.position -eq 'named') { -2147483648 } else { $_.position })" } | Sort-Object) -join ' ')
        }
        # Out of date: run ./build.ps1 -Task Docs, which writes the syntax from the cmdlet.
        @($helped | Sort-Object) | Should -Be @($declared | Sort-Object)
    }

    It '<Name> example <Number> is code that parses, with no prompt and no sample output in it' -ForEach $examples {
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
        $errors | ForEach-Object Message | Should -BeNullOrEmpty
        $Code | Should -Not -Match '(?m)^\s*PS( [A-Z]:\\)?>'
    }
}

# The manifest says PowerShell 5.1 for both editions; PowerShell 7 before 7.4 runs on a .NET the loader cannot use.
Describe 'The runtimes the module loads on' {
    It 'refuses PowerShell <PowerShell> on .NET <Runtime> with a message that names what it needs' -ForEach @(
        @{ PowerShell = '7.0.13'; Runtime = '3.1.32' }
        @{ PowerShell = '7.2.24'; Runtime = '6.0.36' }
        @{ PowerShell = '7.3.12'; Runtime = '7.0.20' }
    ) {
        $problem = [NetFoundations.Bootstrap.RuntimeRequirement]::Problem($true, [version]$Runtime, [version]$PowerShell)
        $problem | Should -BeLike "*needs PowerShell 7.4 or later*Windows PowerShell 5.1*PowerShell $PowerShell runs on .NET $(([version]$Runtime).ToString(2))*"
    }

    It 'loads on <Name>' -ForEach @(
        @{ Name = 'PowerShell 7.4 (.NET 8)'; CoreClr = $true; Runtime = '8.0.11'; PowerShell = '7.4.6' }
        @{ Name = 'PowerShell 7.6 (.NET 10)'; CoreClr = $true; Runtime = '10.0.0'; PowerShell = '7.6.10' }
        @{ Name = 'Windows PowerShell 5.1 (.NET Framework 4)'; CoreClr = $false; Runtime = '4.0.30319.42000'; PowerShell = '5.1.19041' }
    ) {
        [NetFoundations.Bootstrap.RuntimeRequirement]::Problem($CoreClr, [version]$Runtime, [version]$PowerShell) | Should -BeNullOrEmpty
    }

    It 'loads on this PowerShell, which the check accepts' {
        [NetFoundations.Bootstrap.RuntimeRequirement]::Problem($PSVersionTable.PSEdition -eq 'Core', [Environment]::Version, $PSVersionTable.PSVersion) |
            Should -BeNullOrEmpty
    }
}
