<#
.SYNOPSIS
    Builds, tests and packages NetFoundations, or opens a shell with it loaded.
.DESCRIPTION
    Runs under pwsh and under the repository's engine host (src/NetFoundations.Host) alike,
    so it uses only the language and .NET calls: the bare engine has no Copy-Item,
    Join-Path, Test-Path, Write-Host or Select-Object.

      Build    compile and assemble the module in out/NetFoundations/<version>/
      Test     Build, then every test: Core (xunit), cmdlets in the engine (xunit), tests/Pester
      Package  Build, then zip the module folder into out/
      Shell    Build, then an interactive session with the module imported
      Playground  -Action Start|Stop|Status|Shell: the example.com network of playground/ (Linux, root);
               Shell builds, then opens a session on its host h1
.EXAMPLE
    dotnet run --project src/NetFoundations.Host -c Release -- -File build.ps1 -Task Test
.EXAMPLE
    pwsh ./build.ps1 -Task Shell
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Shell', 'Playground')]
    [string] $Task = 'Build',

    # Playground: what to do with it.
    [ValidateSet('Start', 'Stop', 'Status', 'Shell')]
    [string] $Action = 'Status',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Which test kinds to run: Core, Cmdlets, Pester (default: all three; 'Core,Cmdlets' also works).
    [string[]] $TestKind = @('Core', 'Cmdlets', 'Pester'),

    # Runs only the tests whose names match (an xunit --filter expression and a Pester name wildcard).
    [string] $TestName,

    # Test: use the module and test assemblies already built (used when re-run inside the test namespace).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
# From a command line without pwsh's array syntax, 'Core,Cmdlets' arrives as one string.
$TestKind = @($TestKind | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
foreach ($kind in $TestKind) {
    if ($kind -notin 'Core', 'Cmdlets', 'Pester') { throw "Unknown -TestKind '$kind': use Core, Cmdlets or Pester." }
}
function Get-RepoPath([string[]] $Parts) { [IO.Path]::GetFullPath([IO.Path]::Combine([string[]](@($root) + $Parts))) }
function Say([string] $Text) { [Console]::Out.WriteLine($Text) }

$manifestText = [IO.File]::ReadAllText((Get-RepoPath 'NetFoundations.psd1'))
if ($manifestText -notmatch "ModuleVersion\s*=\s*'([^']+)'") { throw 'NetFoundations.psd1 has no ModuleVersion.' }
$version = $Matches[1]
$moduleFolder = Get-RepoPath 'out', 'NetFoundations', $version
$hostPath = Get-RepoPath 'src', 'NetFoundations.Host', 'bin', $Configuration, 'net10.0', 'nfhost.dll'

function Invoke-Dotnet([string[]] $Arguments) {
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Copy-File([string] $Source, [string] $Folder) {
    [void][IO.Directory]::CreateDirectory($Folder)
    [IO.File]::Copy($Source, [IO.Path]::Combine($Folder, [IO.Path]::GetFileName($Source)), $true)
}

function Merge-CmdletHelp([string] $Destination) {
    $merged = [xml]'<?xml version="1.0" encoding="utf-8"?><helpItems schema="maml" xmlns="http://msh"></helpItems>'
    $folder = Get-RepoPath 'en-US', 'cmdlets'
    $files = if ([IO.Directory]::Exists($folder)) { [IO.Directory]::GetFiles($folder, '*.xml') } else { @() }
    foreach ($file in $files) {
        $fragment = [xml][IO.File]::ReadAllText($file)
        [void]$merged.DocumentElement.AppendChild($merged.ImportNode($fragment.DocumentElement, $true))
    }
    $merged.Save($Destination)
}

# PowerShell 7 loads the dependencies' net8.0 builds from dependencies/net8.0 (NetFoundations.Loader), Windows PowerShell
# the netstandard2.0 builds. A package with a build per operating system (under runtimes/) keeps its netstandard2.0 build,
# which runs everywhere.
function Copy-Net8Dependencies([string] $Destination) {
    $output = Get-RepoPath 'src', 'NetFoundations.Net8Dependencies', 'bin', $Configuration, 'net8.0'
    $perSystem = @{}
    $runtimes = [IO.Path]::Combine($output, 'runtimes')
    if ([IO.Directory]::Exists($runtimes)) {
        foreach ($file in [IO.Directory]::GetFiles($runtimes, '*.dll', 'AllDirectories')) { $perSystem[[IO.Path]::GetFileName($file)] = $true }
    }
    foreach ($file in [IO.Directory]::GetFiles($output, '*.dll')) {
        $name = [IO.Path]::GetFileName($file)
        if ($name -notlike 'NetFoundations.*' -and -not $perSystem.ContainsKey($name)) { Copy-File $file $Destination }
    }
}

function Invoke-Build {
    Say "== Build ($Configuration)"
    Invoke-Dotnet @('build', (Get-RepoPath 'NetFoundations.slnx'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')

    if ([IO.Directory]::Exists($moduleFolder)) { [IO.Directory]::Delete($moduleFolder, $true) }
    $dependencies = [IO.Path]::Combine($moduleFolder, 'dependencies')
    $cmdletOutput = Get-RepoPath 'src', 'NetFoundations.PowerShell', 'bin', $Configuration, 'netstandard2.0'
    foreach ($file in [IO.Directory]::GetFiles($cmdletOutput)) {
        $name = [IO.Path]::GetFileName($file)
        if ($name -like 'NetFoundations.PowerShell.dll' -or $name -like 'NetFoundations.PowerShell.pdb') { Copy-File $file $moduleFolder }
        elseif ($name -like '*.dll' -or $name -like '*.pdb') { Copy-File $file $dependencies }
    }
    Copy-Net8Dependencies ([IO.Path]::Combine($dependencies, 'net8.0'))
    Copy-File (Get-RepoPath 'src', 'NetFoundations.Bootstrap', 'bin', $Configuration, 'netstandard2.0', 'NetFoundations.Bootstrap.dll') $moduleFolder
    Copy-File (Get-RepoPath 'src', 'NetFoundations.Loader', 'bin', $Configuration, 'net8.0', 'NetFoundations.Loader.dll') $moduleFolder
    foreach ($format in [IO.Directory]::GetFiles((Get-RepoPath 'src', 'NetFoundations.PowerShell'), '*.Format.ps1xml', 'AllDirectories')) {
        Copy-File $format $moduleFolder
    }
    $help = [IO.Path]::Combine($moduleFolder, 'en-US')
    foreach ($topic in [IO.Directory]::GetFiles((Get-RepoPath 'en-US'), 'about_*.help.txt')) { Copy-File $topic $help }
    [void][IO.Directory]::CreateDirectory($help)
    Merge-CmdletHelp ([IO.Path]::Combine($help, 'NetFoundations.PowerShell.dll-Help.xml'))
    Copy-File (Get-RepoPath 'NetFoundations.psd1') $moduleFolder
    Copy-File (Get-RepoPath 'LICENSE') $moduleFolder

    $manifest = Test-ModuleManifest -Path ([IO.Path]::Combine($moduleFolder, 'NetFoundations.psd1'))
    Say "Module $($manifest.Name) $($manifest.Version) in $moduleFolder"
}

function Read-TrxCounts([string] $Path) {
    $trx = [xml][IO.File]::ReadAllText($Path)
    $counters = $trx.TestRun.ResultSummary.Counters
    foreach ($result in $trx.TestRun.Results.UnitTestResult) {
        if ($result.outcome -eq 'Failed') {
            Say "FAILED $($result.testName)"
            Say "  $($result.Output.ErrorInfo.Message)"
        }
    }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

function Invoke-XunitTests([string] $Project) {
    Say "== $Project"
    $results = Get-RepoPath 'out', 'test-results'
    $trxName = "$Project.trx"
    $trxPath = [IO.Path]::Combine($results, $trxName)
    if ([IO.File]::Exists($trxPath)) { [IO.File]::Delete($trxPath) }
    $arguments = @('test', (Get-RepoPath 'tests', $Project), '-c', $Configuration, '--no-build', '--nologo',
        '--logger', "trx;LogFileName=$trxName", '--results-directory', $results)
    if ($TestName) { $arguments += @('--filter', $TestName) }
    & dotnet @arguments
    if (-not [IO.File]::Exists($trxPath)) { throw "$Project produced no test results (dotnet test exit code $LASTEXITCODE)." }
    Read-TrxCounts $trxPath
}

function Invoke-PesterTests {
    Say '== tests/Pester'
    $env:NETFOUNDATIONS_MODULE = [IO.Path]::Combine($moduleFolder, 'NetFoundations.psd1')
    $path = Get-RepoPath 'tests', 'Pester'
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 }
    if ($pester) {
        Import-Module Pester -MinimumVersion 5.0
        $configuration = New-PesterConfiguration
        $configuration.Run.Path = $path
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'Detailed'
        $configuration.Filter.ExcludeTag = 'Playground'   # runs inside the playground only: Invoke-PlaygroundTests
        if ($TestName) { $configuration.Filter.FullName = "*$TestName*" }
        $run = Invoke-Pester -Configuration $configuration
        return [pscustomobject]@{ Passed = $run.PassedCount; Failed = $run.FailedCount }
    }
    Say '(Pester 5 is not installed: running the files with tests/PesterSubset)'
    Import-Module (Get-RepoPath 'tests', 'PesterSubset', 'PesterSubset.psm1') -Force
    $run = Invoke-PesterSubset -Path $path -FullNameFilter $TestName -ExcludeTag Playground
    [pscustomobject]@{ Passed = $run.PassedCount; Failed = $run.FailedCount }
}

function Install-TestServers {
    # The real servers the tests start come from Debian's packages (Linux only).
    if ([IO.Path]::DirectorySeparatorChar -ne '/' -or -not [IO.File]::Exists('/usr/bin/dpkg-query')) { return }
    & bash (Get-RepoPath 'tests', 'servers', 'install.sh')
    if ($LASTEXITCODE -ne 0) { throw 'Installing the test servers failed (tests/servers/install.sh).' }
    # Before the tests move into their loopback-only namespace, where no package can be fetched.
    if ((Test-LinuxRoot) -and $TestKind -contains 'Pester') {
        & bash (Get-RepoPath 'playground', 'install.sh')
        if ($LASTEXITCODE -ne 0) { throw 'Installing the playground failed (playground/install.sh).' }
    }
}

# Tests may talk only to loopback. On Linux as root the test run is confined to a fresh network
# namespace that has nothing but lo, so a mistake in a test cannot send anything off the machine.
function Invoke-TestIsolated {
    if ($env:NETFOUNDATIONS_TEST_NAMESPACE -or [IO.Path]::DirectorySeparatorChar -ne '/') { return $false }
    if (-not [IO.File]::Exists('/usr/bin/unshare') -or -not ([IO.File]::Exists('/usr/sbin/ip') -or [IO.File]::Exists('/usr/bin/ip'))) { return $false }
    if ((& id -u) -ne '0') { return $false }
    $env:NETFOUNDATIONS_TEST_NAMESPACE = 'loopback-only'
    $self = [IO.Path]::Combine($root, 'build.ps1')
    $kinds = $TestKind -join ','
    $inner = "ip link set lo up && exec dotnet '$hostPath' -File '$self' -Task Test -NoBuild -Configuration $Configuration -TestKind $kinds"
    if ($TestName) { $inner += " -TestName '$($TestName.Replace("'", "'\''"))'" }
    Say '== Running the tests in a loopback-only network namespace'
    & unshare --net -- sh -c $inner
    exit $LASTEXITCODE
}

function Test-LinuxRoot {
    [Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([Runtime.InteropServices.OSPlatform]::Linux) -and (& id -u) -eq '0'
}

# tests/Pester/Playground.Tests.ps1 runs inside the playground's host h1: playground/test.sh starts
# the playground, checks its safety, runs the file there and stops it. Its last line is "N passed, N failed".
function Invoke-PlaygroundTests {
    Say '== The playground (tests/Pester/Playground.Tests.ps1 inside h1)'
    $last = ''
    & bash (Get-RepoPath 'playground', 'test.sh') $hostPath ([IO.Path]::Combine($moduleFolder, 'NetFoundations.psd1')) $TestName |
        ForEach-Object { Say $_; $last = $_ }
    if ($last -notmatch '^(\d+) passed, (\d+) failed$') { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    [pscustomobject]@{ Passed = [int]$Matches[1]; Failed = [int]$Matches[2] }
}

function Invoke-Test {
    if (-not $NoBuild) {
        Install-TestServers
        Invoke-Build
        Invoke-TestIsolated
    }
    $passed = 0; $failed = 0
    $kinds = @{ Core = 'NetFoundations.Core.Tests'; Cmdlets = 'NetFoundations.PowerShell.Tests' }
    foreach ($kind in $TestKind) {
        $counts = if ($kind -eq 'Pester') { Invoke-PesterTests } else { Invoke-XunitTests $kinds[$kind] }
        Say "-- ${kind}: $($counts.Passed) passed, $($counts.Failed) failed"
        $passed += $counts.Passed; $failed += $counts.Failed
    }
    # -TestName narrows the playground's step too; it runs only when the name is empty or names it.
    if ($TestKind -contains 'Pester' -and (Test-LinuxRoot) -and (-not $TestName -or $TestName -match 'Playground')) {
        $counts = Invoke-PlaygroundTests
        Say "-- Playground: $($counts.Passed) passed, $($counts.Failed) failed"
        $passed += $counts.Passed; $failed += $counts.Failed
    }
    Say "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = Get-RepoPath 'out', "NetFoundations-$version.zip"
    if ([IO.File]::Exists($zip)) { [IO.File]::Delete($zip) }
    [IO.Compression.ZipFile]::CreateFromDirectory([IO.Path]::GetDirectoryName($moduleFolder), $zip)
    Say "Package: $zip"
}

function Start-Shell {
    Invoke-Build
    $import = "Import-Module '$([IO.Path]::Combine($moduleFolder, 'NetFoundations.psd1'))'"
    if ($PSVersionTable.PSEdition -eq 'Desktop') {
        & powershell.exe -NoExit -NoLogo -Command $import
        exit $LASTEXITCODE
    }
    $pwsh = Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue
    if ($pwsh) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0].Source)
    } else {
        Say '(pwsh is not installed: the engine host stands in for it)'
        $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
        $start.ArgumentList.Add($hostPath)
    }
    foreach ($argument in '-NoExit', '-Command', $import) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $shell = [Diagnostics.Process]::Start($start)
    $shell.WaitForExit()
    exit $shell.ExitCode
}

function Invoke-Playground {
    if (-not (Test-LinuxRoot)) { throw 'The playground is made of Linux network namespaces: run it on Linux as root.' }
    if ($Action -eq 'Shell') { Invoke-Build }
    # Started as a process of its own so that the shell on h1 gets this console.
    $start = [Diagnostics.ProcessStartInfo]::new('bash')
    $start.ArgumentList.Add((Get-RepoPath 'playground', "$($Action.ToLowerInvariant()).sh"))
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $process.WaitForExit()
    exit $process.ExitCode
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Shell' { Start-Shell }
    'Playground' { Invoke-Playground }
}
