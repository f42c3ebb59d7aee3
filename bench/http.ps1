# The NetFoundations half of bench/http.sh, inside one pwsh process after an untimed warm-up: Count GETs of a small
# file piped into one Invoke-HttpRequest on one session (one kept-alive connection), IwrCount GETs through an
# Invoke-WebRequest loop (PowerShell's own, a new connection each), and one download of BigUrl with -OutFile.
# Prints "small-seconds iwr-seconds big-seconds".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $SmallUrl,
    [Parameter(Mandatory)] [string] $BigUrl,
    [Parameter(Mandatory)] [string] $OutFile,
    [int] $Count = 10000,
    [int] $IwrCount = 300,
    [int] $WarmUp = 2000
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # Invoke-WebRequest's own progress bar would slow it tenfold
Import-Module $Module
$session = New-HttpSession
$urls = [string[]](1..$Count | ForEach-Object { "${SmallUrl}?$_" })

$null = $urls[0..($WarmUp - 1)] | Invoke-HttpRequest -Session $session -FailOnErrorStatus
$watch = [Diagnostics.Stopwatch]::StartNew()
$got = 0
$urls | Invoke-HttpRequest -Session $session -FailOnErrorStatus | ForEach-Object { $got++ }
$small = $watch.Elapsed.TotalSeconds
if ($got -ne $Count) { throw "$got of $Count GETs answered." }
if ($session.ConnectionsOpened -ne 1) { throw "The session opened $($session.ConnectionsOpened) connections, not one." }

foreach ($url in $urls[0..19]) { $null = Invoke-WebRequest $url }
$watch.Restart()
foreach ($url in $urls[0..($IwrCount - 1)]) { $null = Invoke-WebRequest $url }
$iwr = $watch.Elapsed.TotalSeconds

$watch.Restart()
$download = Invoke-HttpRequest $BigUrl -OutFile $OutFile -TimeoutSeconds 600 -FailOnErrorStatus
$big = $watch.Elapsed.TotalSeconds
if ($download.ContentLength -ne (Get-Item $OutFile).Length) { throw "The download is incomplete." }
Remove-Item $OutFile
"$small $iwr $big"
