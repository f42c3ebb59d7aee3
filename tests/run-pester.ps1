<#
.SYNOPSIS
    Runs Pester files with one given Pester module and ends with the line "N passed, N failed".
.DESCRIPTION
    build.ps1 and playground/test.sh run tests/Pester through this script, each time in a pwsh of its own, so that two
    Pester versions never share a session. The exit code is 0 when every test passed and at least one ran.
.EXAMPLE
    pwsh -File tests/run-pester.ps1 -Pester out/tools/packages/pester/5.9.1/tools/Pester.psd1 -Path tests/Pester/Tcp.Tests.ps1
#>
param(
    # The Pester manifest to import (build.ps1 fetches the pinned versions into out/tools/).
    [Parameter(Mandatory)] [string] $Pester,
    # Files or folders of *.Tests.ps1.
    [Parameter(Mandatory)] [string[]] $Path,
    # Runs only the tests whose full name contains this text (wildcards allowed).
    [string] $TestName,
    [string[]] $ExcludeTag = @()
)
$ErrorActionPreference = 'Stop'
# From a command line (pwsh -File), 'a.Tests.ps1,b.Tests.ps1' arrives as one string.
$Path = @($Path -split ',' | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ })
Import-Module $Pester -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
# Colour codes only where a person reads a terminal, not in a log.
if ([Console]::IsOutputRedirected) { $configuration.Output.RenderMode = 'Plaintext' }
$configuration.Filter.ExcludeTag = $ExcludeTag
if ($TestName) { $configuration.Filter.FullName = "*$TestName*" }
$run = Invoke-Pester -Configuration $configuration
if (-not $run) { '0 passed, 1 failed'; exit 1 }   # Pester could not start (a path that does not exist)
# A failure in a BeforeAll or a file that does not parse fails its block or container, not a test: count those too.
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
"$($run.PassedCount) passed, $failed failed"
exit [int]($failed -gt 0 -or $run.PassedCount -eq 0)
