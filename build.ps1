<#
.SYNOPSIS
    Builds, tests and packages NetFoundations, or opens a shell with it imported.
.DESCRIPTION
    Build       compiles the module into out/NetFoundations/<version>/.
    Test        builds, then runs every test: Core against real servers (xunit), the cmdlets in a hosted
                engine (xunit), tests/Pester with the pinned Pester, and (as root on Linux) the playground's
                checks. Ends with "N passed, N failed"; the exit code is 1 when anything failed.
    Package     builds, then zips the module folder into out/.
    Docs        writes docs/cmdlets/<Cmdlet>.md, the page each cmdlet's HelpUri names, from its help (en-US/cmdlets).
    Shell       builds, then opens pwsh with the module imported.
    Playground  -Action Start|Stop|Status|Shell: the example.com network of playground/ (Linux, root).

    Pester is fetched from NuGet into out/tools/ (never the user's module path) at the pinned version.
.PARAMETER Task
    What to do: Build (the default), Test, Package, Docs, Shell or Playground.
.PARAMETER Action
    With -Task Playground: Start, Stop, Status (the default) or Shell (a pwsh on the playground's host h1).
.PARAMETER Configuration
    Release (the default) or Debug.
.PARAMETER TestKind
    The kinds of test to run: Core, Cmdlets, Pester (all three by default).
.PARAMETER TestName
    Runs only the tests whose names match: an xunit --filter expression, and a wildcard on Pester's full names.
.PARAMETER PesterVersion
    The Pester versions to run tests/Pester with, each in turn: 5.9.1 (the default), 6.2.0, or both (5.9.1,6.2.0, as CI does).
.PARAMETER NoBuild
    Uses the module and test assemblies already built (the test run re-enters itself this way inside its
    loopback-only network namespace).
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

    Builds and runs every test with the pwsh the repository pins.
.EXAMPLE
    ./build.ps1 -Task Test -TestKind Pester -TestName '*Test-TcpPort*' -PesterVersion 6.2.0

    Runs the Pester checks of Test-TcpPort under Pester 6.
.EXAMPLE
    ./build.ps1 -Task Shell

    Opens pwsh with the freshly built module imported.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Docs', 'Shell', 'Playground')]
    [string] $Task = 'Build',

    [ValidateSet('Start', 'Stop', 'Status', 'Shell')]
    [string] $Action = 'Status',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string[]] $TestKind = @('Core', 'Cmdlets', 'Pester'),

    [string] $TestName,

    [string[]] $PesterVersion = @('5.9.1'),

    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# From a command line (pwsh -File), 'Core,Cmdlets' arrives as one string.
$TestKind = @($TestKind -split ',' | Where-Object { $_ })
$PesterVersion = @($PesterVersion -split ',' | Where-Object { $_ })
foreach ($kind in $TestKind) { if ($kind -notin 'Core', 'Cmdlets', 'Pester') { throw "Unknown -TestKind '$kind': use Core, Cmdlets or Pester." } }
foreach ($pester in $PesterVersion) { if ($pester -notin '5.9.1', '6.2.0') { throw "Unknown -PesterVersion '$pester': use 5.9.1 or 6.2.0." } }

$version = (Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot 'NetFoundations.psd1')).ModuleVersion
$out = Join-Path $PSScriptRoot 'out'
$moduleFolder = Join-Path $out "NetFoundations/$version"
$moduleManifest = Join-Path $moduleFolder 'NetFoundations.psd1'
$isLinuxRoot = $IsLinux -and (& id -u) -eq '0'

function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

# The command that starts this same PowerShell again: the pwsh of the dotnet tool runs as 'dotnet pwsh.dll'.
function Get-PwshCommand {
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
        return @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
    }
    @([Environment]::ProcessPath)
}

function Get-BuildOutput([string] $Project, [string] $Framework) {
    Join-Path $PSScriptRoot "src/$Project/bin/$Configuration/$Framework"
}

function Merge-CmdletHelp([string] $Destination) {
    $merged = [xml]'<?xml version="1.0" encoding="utf-8"?><helpItems schema="maml" xmlns="http://msh"></helpItems>'
    foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot 'en-US/cmdlets') -Filter *.xml) {
        $fragment = [xml](Get-Content -Raw -LiteralPath $file.FullName)
        [void]$merged.DocumentElement.AppendChild($merged.ImportNode($fragment.DocumentElement, $true))
    }
    $merged.Save($Destination)
}

function Invoke-Build {
    Write-Host "== Build ($Configuration)"
    Invoke-Dotnet build (Join-Path $PSScriptRoot 'NetFoundations.slnx') -c $Configuration --nologo -v quiet '-clp:ErrorsOnly'

    if (Test-Path $moduleFolder) { Remove-Item $moduleFolder -Recurse -Force }
    $dependencies = Join-Path $moduleFolder 'dependencies'
    $net8Dependencies = Join-Path $dependencies 'net8.0'
    $null = New-Item -ItemType Directory -Force -Path $net8Dependencies, (Join-Path $moduleFolder 'en-US')

    # The cmdlets are built for netstandard2.0; their dependencies go beside them for Windows PowerShell.
    # The cmdlets and the public types users name (NetFoundations.Types) load in the default context, from the
    # module's root; everything else from dependencies/, in the module's own context (docs/architecture.md).
    $cmdletOutput = Get-BuildOutput 'NetFoundations.PowerShell' 'netstandard2.0'
    foreach ($file in Get-ChildItem $cmdletOutput -File | Where-Object Extension -In '.dll', '.pdb') {
        $destination = if ($file.BaseName -in 'NetFoundations.PowerShell', 'NetFoundations.Types') { $moduleFolder } else { $dependencies }
        Copy-Item $file.FullName $destination
    }

    # PowerShell 7 loads the dependencies' net8.0 builds (NetFoundations.Loader), NetFoundations.Core's own among them
    # (its HTTP client's per-hop timings need net8.0). A package with a build per operating system (under runtimes/)
    # keeps its netstandard2.0 build, which runs everywhere.
    $net8Output = Get-BuildOutput 'NetFoundations.Net8Dependencies' 'net8.0'
    $perSystem = @(Get-ChildItem (Join-Path $net8Output 'runtimes') -Recurse -Filter *.dll -ErrorAction Ignore).Name
    Get-ChildItem $net8Output -Filter *.dll |
        Where-Object { ($_.Name -notlike 'NetFoundations.*' -or $_.Name -eq 'NetFoundations.Core.dll') -and $_.Name -notin $perSystem } |
        Copy-Item -Destination $net8Dependencies

    Copy-Item (Join-Path (Get-BuildOutput 'NetFoundations.Bootstrap' 'netstandard2.0') 'NetFoundations.Bootstrap.dll') $moduleFolder
    Copy-Item (Join-Path (Get-BuildOutput 'NetFoundations.Loader' 'net8.0') 'NetFoundations.Loader.dll') $moduleFolder
    Get-ChildItem (Join-Path $PSScriptRoot 'src/NetFoundations.PowerShell') -Recurse -Filter *.Format.ps1xml | Copy-Item -Destination $moduleFolder
    Copy-Item (Join-Path $PSScriptRoot 'src/NetFoundations.PowerShell/Common/NetFoundations.Types.ps1xml') -Destination $moduleFolder
    Copy-Item (Join-Path $PSScriptRoot 'en-US/about_*.help.txt') (Join-Path $moduleFolder 'en-US')
    Merge-CmdletHelp (Join-Path $moduleFolder 'en-US/NetFoundations.PowerShell.dll-Help.xml')
    Copy-Item (Join-Path $PSScriptRoot 'NetFoundations.psd1'), (Join-Path $PSScriptRoot 'LICENSE') $moduleFolder

    $manifest = Test-ModuleManifest -Path $moduleManifest
    Write-Host "Module $($manifest.Name) $($manifest.Version) in $moduleFolder"
}

# Fetches the pinned Pester from NuGet into out/tools/ (a PackageDownload; the module is the package's tools/ folder)
# and returns the path of its manifest.
function Get-PesterModule([string] $Version) {
    $packages = Join-Path $out 'tools/packages'
    $manifest = Join-Path $packages "pester/$Version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        $project = Join-Path $out "tools/pester-$Version/PesterDownload.proj"
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $project)
        Set-Content -LiteralPath $project -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$Version]" /></ItemGroup>
</Project>
"@
        Write-Host "== Fetching Pester $Version"
        Invoke-Dotnet restore $project --packages $packages --nologo -v quiet
    }
    $manifest
}

function Read-TrxCounts([string] $Path) {
    $run = ([xml](Get-Content -Raw -LiteralPath $Path)).TestRun
    # A run that matched no test has no Results element.
    foreach ($result in $run.GetElementsByTagName('UnitTestResult') | Where-Object outcome -EQ 'Failed') {
        Write-Host "FAILED $($result.testName)"
        Write-Host "  $($result.Output.ErrorInfo.Message)"
    }
    $counters = $run.ResultSummary.Counters
    [pscustomobject]@{
        Passed = [int]$counters.passed
        Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
}

function Invoke-XunitTests([string] $Project) {
    Write-Host "== $Project"
    $results = Join-Path $out 'test-results'
    $trx = Join-Path $results "$Project.trx"
    Remove-Item $trx -ErrorAction Ignore
    $arguments = @('test', (Join-Path $PSScriptRoot "tests/$Project"), '-c', $Configuration, '--no-build', '--nologo',
        '--logger', "trx;LogFileName=$Project.trx", '--results-directory', $results)
    # The name goes as a quoted expression: pwsh on Unix expands wildcards in bare and splatted native arguments.
    if ($TestName) { & dotnet @arguments --filter "$TestName" | Out-Host } else { & dotnet @arguments | Out-Host }
    if (-not (Test-Path $trx)) { throw "$Project produced no test results (dotnet test exit code $LASTEXITCODE)." }
    Read-TrxCounts $trx
}

# Each Pester version runs in a pwsh of its own (tests/run-pester.ps1), so that two versions never share a session.
function Invoke-PesterTests([string] $Version) {
    Write-Host "== tests/Pester with Pester $Version"
    $env:NETFOUNDATIONS_MODULE = $moduleManifest
    $pwsh = Get-PwshCommand
    # Playground.Tests.ps1 runs inside the playground only: Invoke-PlaygroundTests.
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'tests/run-pester.ps1'),
        '-Pester', (Get-PesterModule $Version), '-Path', (Join-Path $PSScriptRoot 'tests/Pester'), '-ExcludeTag', 'Playground')
    $last = ''
    # The name goes as a quoted expression: pwsh on Unix expands wildcards in bare and splatted native arguments.
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) @arguments -TestName "$TestName" | ForEach-Object { Write-Host $_; $last = "$_" }
    Read-SummaryLine $last
}

# "N passed, N failed", the last line of tests/run-pester.ps1 and playground/test.sh, as counts.
function Read-SummaryLine([string] $Line) {
    if ($Line -notmatch '^(\d+) passed, (\d+) failed$') { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    [pscustomobject]@{ Passed = [int]$Matches[1]; Failed = [int]$Matches[2] }
}

function Install-TestServers {
    # The real servers the tests start come from Debian's packages.
    if (-not $IsLinux -or -not (Test-Path /usr/bin/dpkg-query)) { return }
    & bash (Join-Path $PSScriptRoot 'tests/servers/install.sh')
    if ($LASTEXITCODE -ne 0) { throw 'Installing the test servers failed (tests/servers/install.sh).' }
    # Before the tests move into their loopback-only namespace, where no package can be fetched.
    if ($isLinuxRoot -and $TestKind -contains 'Pester') {
        & bash (Join-Path $PSScriptRoot 'playground/install.sh')
        if ($LASTEXITCODE -ne 0) { throw 'Installing the playground failed (playground/install.sh).' }
    }
}

# Tests may talk only to loopback. On Linux as root the test run re-enters itself in a fresh network namespace that
# has nothing but lo, so a mistake in a test cannot send anything off the machine.
function Invoke-TestIsolated {
    if ($env:NETFOUNDATIONS_TEST_NAMESPACE -or -not $isLinuxRoot) { return }
    if (-not (Get-Command unshare, ip -CommandType Application -ErrorAction Ignore)) { return }
    $env:NETFOUNDATIONS_TEST_NAMESPACE = 'loopback-only'
    $quote = { param($text) "'" + $text.Replace("'", "'\''") + "'" }
    $pwsh = (Get-PwshCommand | ForEach-Object { & $quote $_ }) -join ' '
    $inner = "ip link set lo up && exec $pwsh -NoProfile -File $(& $quote $PSCommandPath) -Task Test -NoBuild" +
        " -Configuration $Configuration -TestKind $($TestKind -join ',') -PesterVersion $($PesterVersion -join ',')"
    if ($TestName) { $inner += " -TestName $(& $quote $TestName)" }
    Write-Host '== Running the tests in a loopback-only network namespace'
    & unshare --net -- sh -c $inner
    exit $LASTEXITCODE
}

# tests/Pester/Playground.Tests.ps1 runs inside the playground's host h1: playground/test.sh starts the playground,
# checks its safety, runs the file there and stops it.
function Invoke-PlaygroundTests {
    Write-Host '== The playground (tests/Pester/Playground.Tests.ps1 inside h1)'
    $env:NETFOUNDATIONS_PWSH = (Get-PwshCommand) -join ' '
    $last = ''
    & bash (Join-Path $PSScriptRoot 'playground/test.sh') $moduleManifest (Get-PesterModule $PesterVersion[0]) "$TestName" |
        ForEach-Object { Write-Host $_; $last = "$_" }
    Read-SummaryLine $last
}

function Invoke-Test {
    if (-not $NoBuild) {
        Install-TestServers
        Invoke-Build
        # Pester is fetched before the tests lose the network.
        foreach ($pester in $PesterVersion) { $null = Get-PesterModule $pester }
        Invoke-TestIsolated
    }
    $total = [pscustomobject]@{ Passed = 0; Failed = 0 }
    function Add-Counts([string] $Name, $Counts) {
        Write-Host "-- ${Name}: $($Counts.Passed) passed, $($Counts.Failed) failed"
        $total.Passed += $Counts.Passed
        $total.Failed += $Counts.Failed
    }
    foreach ($kind in $TestKind) {
        switch ($kind) {
            'Core' { Add-Counts $kind (Invoke-XunitTests 'NetFoundations.Core.Tests') }
            'Cmdlets' { Add-Counts $kind (Invoke-XunitTests 'NetFoundations.PowerShell.Tests') }
            'Pester' { foreach ($pester in $PesterVersion) { Add-Counts "Pester $pester" (Invoke-PesterTests $pester) } }
        }
    }
    # The playground's step runs only when -TestName is empty or names it.
    if ($TestKind -contains 'Pester' -and $isLinuxRoot -and (-not $TestName -or $TestName -match 'Playground')) {
        Add-Counts 'Playground' (Invoke-PlaygroundTests)
    }
    Write-Host "$($total.Passed) passed, $($total.Failed) failed"
    if ($total.Failed -gt 0 -or $total.Passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $zip = Join-Path $out "NetFoundations-$version.zip"
    Compress-Archive -Path (Join-Path $out 'NetFoundations') -DestinationPath $zip -Force
    Write-Host "Package: $zip"
}

# One page per cmdlet, from its MAML help: the help is written once, in en-US/cmdlets.
function Invoke-Docs {
    Invoke-Build
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $PSScriptRoot 'docs/Update-MamlSyntax.ps1') -ModulePath $moduleManifest -HelpPath (Join-Path $PSScriptRoot 'en-US/cmdlets')
    if ($LASTEXITCODE -ne 0) { throw 'Writing the syntax of the help failed.' }
    $pages = Join-Path $PSScriptRoot 'docs/cmdlets'
    $null = New-Item -ItemType Directory -Force -Path $pages
    Get-ChildItem $pages -Filter *.md | Remove-Item
    foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot 'en-US/cmdlets') -Filter *.xml) {
        $page = & (Join-Path $PSScriptRoot 'docs/ConvertTo-CmdletPage.ps1') -Path $file.FullName
        [System.IO.File]::WriteAllText((Join-Path $pages "$($file.BaseName).md"), $page)
    }
    Write-Host "Docs: $(@(Get-ChildItem $pages -Filter *.md).Count) pages in $pages"
}

function Start-Shell {
    Invoke-Build
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoExit -Command "Import-Module '$moduleManifest'"
    exit $LASTEXITCODE
}

function Invoke-Playground {
    if (-not $isLinuxRoot) { throw 'The playground is made of Linux network namespaces: run it on Linux as root.' }
    # The playground serves some services with the module itself (playground/conf/module-services.ps1).
    if ($Action -in 'Start', 'Shell') { Invoke-Build }
    $env:NETFOUNDATIONS_PWSH = (Get-PwshCommand) -join ' '   # playground/shell.sh opens this pwsh on h1
    & bash (Join-Path $PSScriptRoot "playground/$($Action.ToLowerInvariant()).sh")
    exit $LASTEXITCODE
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Docs' { Invoke-Docs }
    'Shell' { Start-Shell }
    'Playground' { Invoke-Playground }
}
