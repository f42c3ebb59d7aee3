# The NetFoundations half of bench/dns.sh: resolves the names WarmUp times untimed, then once timed, inside one
# pwsh process (start-up, module loading and JIT not counted), and prints
# "answers seconds cpu-seconds first-pass-seconds".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $NamesPath,
    [Parameter(Mandatory)] [string] $Server,
    [int] $ThrottleLimit = 64,
    # The runtime compiles hot code again, optimized, only after it has run a while (tiered compilation).
    [int] $WarmUp = 10
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$names = [IO.File]::ReadAllLines($NamesPath)

$watch = [Diagnostics.Stopwatch]::StartNew()
$null = $names | Resolve-DnsName2 -Server $Server -ThrottleLimit $ThrottleLimit
$first = $watch.Elapsed.TotalSeconds
for ($pass = 2; $pass -le $WarmUp; $pass++) {
    $null = $names | Resolve-DnsName2 -Server $Server -ThrottleLimit $ThrottleLimit
}

$process = [Diagnostics.Process]::GetCurrentProcess()
$cpu = $process.TotalProcessorTime
$watch.Restart()
$records = $names | Resolve-DnsName2 -Server $Server -ThrottleLimit $ThrottleLimit
$watch.Stop()
$process.Refresh()
"$(@($records).Count) $($watch.Elapsed.TotalSeconds) $(($process.TotalProcessorTime - $cpu).TotalSeconds) $first"
