# The NetFoundations half of bench/caching.sh: Count sets (one Set-MemcachedItem each), Count gets (one
# Get-MemcachedItem each), one multi-get of the same keys (piped into one Get-MemcachedItem, which asks 100 keys a
# command) and one multi-set (the items, made beforehand, piped into one Set-MemcachedItem, which pipelines 100 a
# write), inside one pwsh process after WarmUp untimed passes of a tenth of the work; prints
# "set-seconds get-seconds multiget-seconds multiset-seconds".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Server,
    [int] $Count = 100000,
    [int] $WarmUp = 2
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$session = Connect-Memcached $Server
$keys = [string[]](0..($Count - 1) | ForEach-Object { "nf-bench-$_" })
$value = 'v' * 32

function Invoke-Pass([string[]] $Keys) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    foreach ($key in $Keys) { $null = Set-MemcachedItem -Session $session -Key $key -Value $value }
    $set = $watch.Elapsed.TotalSeconds
    $watch.Restart()
    foreach ($key in $Keys) { $null = Get-MemcachedItem -Session $session -Key $key }
    $get = $watch.Elapsed.TotalSeconds
    $watch.Restart()
    $found = @($Keys | Get-MemcachedItem -Session $session).Count
    $many = $watch.Elapsed.TotalSeconds
    if ($found -ne $Keys.Count) { throw "The multi-get found $found of $($Keys.Count) keys." }
    $items = foreach ($key in $Keys) { [pscustomobject]@{ Key = $key; Value = $value } }
    $watch.Restart()
    $stored = @($items | Set-MemcachedItem -Session $session).Count
    $setMany = $watch.Elapsed.TotalSeconds
    if ($stored -ne $Keys.Count) { throw "The piped set stored $stored of $($Keys.Count) items." }
    $set, $get, $many, $setMany
}

$tenth = $keys[0..([Math]::Max(0, [int]($Count / 10) - 1))]
for ($pass = 1; $pass -le $WarmUp; $pass++) { $null = Invoke-Pass $tenth }
(Invoke-Pass $keys) -join ' '
