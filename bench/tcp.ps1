# The NetFoundations half of bench/run.sh: times the cmdlets inside one pwsh process (module already
# imported and warmed up, so runtime start-up is not counted) and prints "NAME seconds detail".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [int] $SinkPort,
    [int] $Megabytes = 200,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $Module

# Warm-up: JIT the cmdlets and PowerShell's pipeline once, untimed.
$null = Test-TcpPort -ComputerName 127.0.0.1 -Port (1..2000)

$clock = [Diagnostics.Stopwatch]::new()
for ($run = 1; $run -le $Runs; $run++) {
    $clock.Restart()
    $results = Test-TcpPort -ComputerName 127.0.0.1 -Port (1..65535)
    $clock.Stop()
    $open = @($results | Where-Object Open).Count
    [Console]::Out.WriteLine("SCAN $($clock.Elapsed.TotalSeconds) $($results.Count) results, $open open")
}

# The payload exists before the transfer, as a file read into memory would: filling it touches every
# page, so the kernel's first-touch page faults are not charged to the transfer.
$data = [byte[]]::new($Megabytes * 1MB)
[Random]::new(1).NextBytes($data)
# The first large transfer of a process is slow on both ends (python's own client too): warm up with one.
$null = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $SinkPort -Bytes $data -HalfClose -UntilClose -TimeoutSeconds 60
for ($run = 1; $run -le $Runs; $run++) {
    $clock.Restart()
    $reply = Invoke-TcpConversation -ComputerName 127.0.0.1 -Port $SinkPort -Bytes $data -HalfClose -UntilClose -TimeoutSeconds 60
    $clock.Stop()
    [Console]::Out.WriteLine("BULK $($clock.Elapsed.TotalSeconds) sink says $($reply.ReceivedText.Trim())")
}
