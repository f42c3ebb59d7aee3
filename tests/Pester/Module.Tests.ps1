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

    Context '<_>' -ForEach $cmdletNames {
        It 'is exported as a cmdlet' {
            (Get-Command $_ -Module NetFoundations).CommandType | Should -Be 'Cmdlet'
        }

        It 'has a synopsis and at least two examples' {
            $help = Get-Help $_ -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match "^$_"
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }

    }

    It '<_> takes -TranscriptPath like every protocol cmdlet' -ForEach $protocolCmdlets {
        (Get-Command $_).Parameters.Keys | Should -Contain 'TranscriptPath'
    }
}
