# The NetFoundations half of bench/ssh.sh: times the SSH cmdlets inside one pwsh process after a warm-up (start-up and
# JIT not counted) and prints a "download <seconds>" and a "parallel <seconds>" line.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [int] $Port,
    [Parameter(Mandatory)] [string] $User,
    [Parameter(Mandatory)] [string] $KeyFile,
    [Parameter(Mandatory)] [string] $KnownHostsPath,
    # The file to download, on the server, and where the copy goes.
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Destination,
    [int] $Sessions = 20
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$credential = [pscredential]::new($User, [securestring]::new())
$connect = @{ Port = $Port; Credential = $credential; KeyFile = $KeyFile; KnownHostsPath = $KnownHostsPath }
$hosts = @('127.0.0.1') * $Sessions

function Receive-BenchFile($Session) {
    Remove-Item -LiteralPath $Destination -ErrorAction Ignore
    $null = Receive-SftpItem -Session $Session -Path $Path -Destination $Destination
}

$session = Connect-SshSession 127.0.0.1 @connect
# Warm-up: the runtime compiles the hot code again, optimized, once it has run a while (tiered compilation);
# the first gigabyte of a process went a third slower than the next ones.
Receive-BenchFile $session
Receive-BenchFile $session
$null = Invoke-SshCommand -ComputerName 127.0.0.1 @connect -Command true

Remove-Item -LiteralPath $Destination -ErrorAction Ignore
$watch = [Diagnostics.Stopwatch]::StartNew()
$null = Receive-SftpItem -Session $session -Path $Path -Destination $Destination
'download {0:F3}' -f $watch.Elapsed.TotalSeconds

$watch.Restart()
$results = @(Invoke-SshCommand -ComputerName $hosts @connect -Command true -ThrottleLimit $Sessions)
$watch.Stop()
if (@($results | Where-Object ExitStatus -EQ 0).Count -ne $Sessions) { throw 'not every parallel command succeeded' }
'parallel {0:F3}' -f $watch.Elapsed.TotalSeconds
Disconnect-SshSession -Session $session
