# The NetFoundations half of bench/rpc.sh, in two roles.
#   -Serve: starts our RPC servers — 'when' as a compiled cmdlet (Get-Date) and as a scriptblock, 'addtogether' as a
#           scriptblock — prints "SERVER kind uri" for each, then "READY", and serves until its standard input ends.
#   client: against the Python server at -Uri, times (after a warm-up) -Count calls of addtogether(1, 2) piped into one
#           Invoke-XmlRpc (one kept-alive connection), and one -Multicall of -MulticallCount calls (best of 3); prints
#           "RESULT client calls/s" and "RESULT multicall seconds".
param(
    [Parameter(Mandatory)] [string] $Module,
    [switch] $Serve,
    [string] $Uri,
    [int] $Count = 2000,
    [int] $MulticallCount = 1000
)
$ErrorActionPreference = 'Stop'
Import-Module $Module

if ($Serve) {
    $when = [datetime]'2026-12-06T04:51:55'
    $servers = @(
        Start-RpcServer -Method @{ when = 'Get-Date'; addtogether = { param($a, $b) $a + $b } } -MaxConnections 1024
        Start-RpcServer -Variable @{ When = $when } -Method @{ when = { $When }; addtogether = { param($a, $b) $a + $b } } -MaxConnections 1024
    )
    "SERVER cmdlet $($servers[0].Uri)"
    "SERVER scriptblock $($servers[1].Uri)"
    'READY'
    # Serves until bench/rpc.sh closes our standard input.
    while ($null -ne [Console]::In.ReadLine()) { }
    $servers | Stop-TcpServer
    return
}

$null = 1..200 | Invoke-XmlRpc $Uri addtogether -Argument 1
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = 1..$Count | Invoke-XmlRpc $Uri addtogether -Argument 1
$seconds = $clock.Elapsed.TotalSeconds
if ($results.Count -ne $Count -or $results[-1] -ne $Count + 1) { throw "The client bench got $($results.Count) results, the last $($results[-1])." }
"RESULT client $([math]::Round($Count / $seconds))"

$calls = foreach ($i in 0..($MulticallCount - 1)) { @{ methodName = 'addtogether'; params = @($i, $i) } }
$best = [double]::MaxValue
foreach ($round in 1..3) {
    $clock.Restart()
    $sums = Invoke-XmlRpc $Uri -Multicall $calls
    $best = [math]::Min($best, $clock.Elapsed.TotalSeconds)
    if ($sums.Count -ne $MulticallCount -or $sums[-1] -ne 2 * ($MulticallCount - 1)) { throw "The multicall got $($sums.Count) results." }
}
"RESULT multicall $best"
