# The NetFoundations half of bench/servers.sh: in one pwsh process (module imported, warmed up), Measure-TcpServer
# drives the Zen server of every architecture (hosted by bench/servers-host.ps1 in a process of its own), the two
# Python Zen servers and nginx, the same load each, and reads each server process's CPU time (/proc/<pid>/stat) before
# and after, and its own (the load cmdlet's). Prints the table, then "RESULT kind name requests/s p99-ms
# server-cpu-us-per-request client-cpu-us-per-request" lines for the ratios.
param(
    [Parameter(Mandatory)] [string] $Module,
    # "architecture=port" for each server bench/servers-host.ps1 started, and that process's id.
    [Parameter(Mandatory)] [string[]] $Architectures,
    [Parameter(Mandatory)] [int] $HostPid,
    [Parameter(Mandatory)] [int] $AsyncioPort,
    [Parameter(Mandatory)] [int] $AsyncioPid,
    [Parameter(Mandatory)] [int] $ThreadedPort,
    [Parameter(Mandatory)] [int] $ThreadedPid,
    [Parameter(Mandatory)] [int] $NginxPort,
    [Parameter(Mandatory)] [int] $NginxPid,
    [double] $Seconds = 5,
    [int] $Connections = 100
)
$ErrorActionPreference = 'Stop'
Import-Module $Module

# CPU seconds (user + system) a process and its reaped children have used: nginx's workers are its children.
function Get-CpuSeconds([int] $ProcessId) {
    $fields = (Get-Content "/proc/$ProcessId/stat" -Raw) -replace '^.*\) ', '' -split ' '
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based, as proc(5) counts).
    ([double] $fields[11] + [double] $fields[12] + [double] $fields[13] + [double] $fields[14]) / 100
}

function Measure-Point([string] $Kind, [string] $Name, [int[]] $ProcessIds, [scriptblock] $Measure) {
    $before = ($ProcessIds | ForEach-Object { Get-CpuSeconds $_ } | Measure-Object -Sum).Sum
    $clientBefore = Get-CpuSeconds $PID
    $result = & $Measure
    $client = (Get-CpuSeconds $PID) - $clientBefore
    $cpu = ($ProcessIds | ForEach-Object { Get-CpuSeconds $_ } | Measure-Object -Sum).Sum - $before
    [pscustomobject]@{
        Kind              = $Kind
        Server            = $Name
        Connections       = $result.Connections
        Requests          = $result.Requests
        Errors            = $result.Errors
        ErrorsByKind      = $result.ErrorsByKind
        RequestsPerSecond = [math]::Round($result.RequestsPerSecond)
        LatencyP50Ms      = [math]::Round($result.LatencyP50Ms, 3)
        LatencyP90Ms      = [math]::Round($result.LatencyP90Ms, 3)
        LatencyP99Ms      = [math]::Round($result.LatencyP99Ms, 3)
        LatencyMaxMs      = [math]::Round($result.LatencyMaxMs, 3)
        ServerCpuUsPerRequest = if ($result.Requests) { [math]::Round($cpu * 1e6 / $result.Requests, 1) } else { 0 }
        ClientCpuUsPerRequest = if ($result.Requests) { [math]::Round($client * 1e6 / $result.Requests, 1) } else { 0 }
    }
}

$ports = [ordered]@{}
foreach ($pair in $Architectures -split ',') { $name, $port = $pair -split '='; $ports[$name] = [int] $port }
# nginx's workers are its children, not reaped while it runs: their CPU is read from each.
$nginxPids = @($NginxPid) + @(Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$' | Where-Object {
        $stat = Get-Content "/proc/$($_.Name)/stat" -Raw -ErrorAction SilentlyContinue
        $stat -and (($stat -replace '^.*\) ', '' -split ' ')[1] -eq "$NginxPid")
    } | ForEach-Object { [int] $_.Name })

# Warm-up, untimed: the load cmdlet and the servers' code reach the runtime's optimized (tiered) compilation.
foreach ($port in $ports.Values) { $null = Measure-TcpServer 127.0.0.1 $port -Zen -Connections 10 -DurationSeconds 1 }

$rows = [Collections.Generic.List[object]]::new()
foreach ($name in @($ports.Keys)) {
    $rows.Add((Measure-Point 'ARCH' $name $HostPid { Measure-TcpServer 127.0.0.1 $ports[$name] -Zen -Connections $Connections -DurationSeconds $Seconds }))
}
$rows.Add((Measure-Point 'PYTHON' 'asyncio' $AsyncioPid { Measure-TcpServer 127.0.0.1 $AsyncioPort -Zen -Connections $Connections -DurationSeconds $Seconds }))
$rows.Add((Measure-Point 'PYTHON' 'threaded' $ThreadedPid { Measure-TcpServer 127.0.0.1 $ThreadedPort -Zen -Connections $Connections -DurationSeconds $Seconds }))
# The same request wrk sends (HTTP/1.1, keep-alive); nginx's reply ends with its body, "Ugly.".
$http = "GET / HTTP/1.1`r`nHost: 127.0.0.1:$NginxPort`r`n`r`n"
$rows.Add((Measure-Point 'NGINX' 'nginx' $nginxPids { Measure-TcpServer 127.0.0.1 $NginxPort -Message $http -Delimiter 'Ugly.' -Connections $Connections -DurationSeconds $Seconds }))

$rows | Format-Table Kind, Server, Connections, Requests, Errors, RequestsPerSecond, LatencyP50Ms, LatencyP90Ms, LatencyP99Ms, LatencyMaxMs,
    @{ n = 'ServerCpuUs/req'; e = { $_.ServerCpuUsPerRequest } }, @{ n = 'ClientCpuUs/req'; e = { $_.ClientCpuUsPerRequest } }, ErrorsByKind |
    Out-String -Width 200 | ForEach-Object { [Console]::Out.Write($_) }
foreach ($row in $rows) {
    [Console]::Out.WriteLine("RESULT $($row.Kind) $($row.Server) $($row.RequestsPerSecond) $($row.LatencyP99Ms) $($row.ServerCpuUsPerRequest) $($row.ClientCpuUsPerRequest)")
}
