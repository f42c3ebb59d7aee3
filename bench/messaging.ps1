# The NetFoundations half of bench/messaging.sh: PUSH/PULL of Count messages of 64 bytes against pyzmq peers
# (bench/zmq_bench_peer.py), inside one pwsh process after an untimed warm-up of a tenth of the work. Prints
# "send-seconds receive-seconds pipeline-microseconds-per-message array-microseconds-per-message":
#   send:     Send-Message with the Count messages in one array (-InputObject), timed by the pyzmq PULL (first to last);
#   receive:  Receive-Message -Count from a pyzmq PUSH, timed here from the first message to the last;
#   pipeline: a tenth of the messages piped one by one into Send-Message, against the same tenth as one array.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Peer,
    [int] $Count = 1000000
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$body = [byte[]]::new(64)
$messages = [object[]]::new($Count)
for ($i = 0; $i -lt $Count; $i++) { $messages[$i] = $body }
$tenth = [Math]::Max(1, [int]($Count / 10))
$work = [IO.Path]::GetTempPath()

function Get-Port { $l = [Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0); $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p }

# Starts a pyzmq PULL for $n messages; returns the process and its output file once it is READY.
function Start-Puller([int] $n) {
    $endpoint = "tcp://127.0.0.1:$(Get-Port)"
    $output = Join-Path $work "nf-zmq-bench-$(New-Guid).out"
    $process = Start-Process /usr/bin/python3 -ArgumentList '-u', $Peer, 'pull', $endpoint, $n -RedirectStandardOutput $output -PassThru
    $deadline = (Get-Date).AddSeconds(20)
    while ((Get-Content $output -TotalCount 1 -ErrorAction Ignore) -ne 'READY') {
        if ($process.HasExited -or (Get-Date) -gt $deadline) { throw "The pyzmq PULL did not start ($output)." }
        Start-Sleep -Milliseconds 20
    }
    [pscustomobject]@{ Process = $process; Output = $output; Endpoint = $endpoint }
}

function Wait-Puller($puller, [int] $n) {
    $puller.Process | Wait-Process -Timeout 300
    $got, $seconds = (Get-Content $puller.Output | Select-Object -Last 1) -split ' '
    Remove-Item $puller.Output
    if ([int]$got -ne $n) { throw "The pyzmq PULL received $got of $n messages." }
    [double]$seconds
}

# Sends $n messages to a pyzmq PULL, as one array (or piped one by one); returns the PULL's seconds, first to last.
function Measure-Send([int] $n, [switch] $Piped) {
    $puller = Start-Puller $n
    $push = New-MessageSocket Push -Connect $puller.Endpoint
    $slice = if ($n -eq $Count) { $messages } else { $messages[0..($n - 1)] }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    if ($Piped) { $slice | Send-Message $push -TimeoutSeconds 60 } else { Send-Message $push -InputObject $slice -TimeoutSeconds 60 }
    $wall = $watch.Elapsed.TotalSeconds
    $seconds = Wait-Puller $puller $n
    Close-MessageSocket $push
    [Math]::Max($wall, $seconds)
}

# Receives $n messages from a pyzmq PUSH; seconds from the first message to the last.
function Measure-Receive([int] $n) {
    $endpoint = "tcp://127.0.0.1:$(Get-Port)"
    $pull = New-MessageSocket Pull -Bind $endpoint
    $pusher = Start-Process /usr/bin/python3 -ArgumentList '-u', $Peer, 'push', $endpoint, $n -PassThru
    $null = Receive-Message $pull -TimeoutSeconds 30
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $got = 1 + @(Receive-Message $pull -Count ($n - 1) -TimeoutSeconds 300).Count
    $seconds = $watch.Elapsed.TotalSeconds
    $pusher | Wait-Process -Timeout 60
    Close-MessageSocket $pull
    if ($got -ne $n) { throw "Receive-Message received $got of $n messages." }
    $seconds
}

# Warm-up (untimed): a tenth of each.
$null = Measure-Send $tenth
$null = Measure-Receive $tenth
$null = Measure-Send ([Math]::Max(1, [int]($tenth / 10))) -Piped

$send = Measure-Send $Count
$receive = Measure-Receive $Count
$piped = Measure-Send $tenth -Piped
$array = Measure-Send $tenth
'{0} {1} {2} {3}' -f $send, $receive, ($piped / $tenth * 1e6), ($array / $tenth * 1e6)
