# What the Pester files of tests/Pester share to stand up the repository's own peers and servers on loopback.
# Dot-source it in a BeforeAll: . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
# Output files go to Pester's TestDrive, so nothing is left behind.

# Starts a Python peer of this folder (tcp_*.py, udp_*.py) and returns its process and the port it bound,
# which the peer prints on its first line of output ("PORT 40123" or "40123").
function Start-TestPeer {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [string[]] $ArgumentList = @()
    )
    $output = Join-Path $TestDrive "$Name-$(New-Guid).out"
    $script = Join-Path $PSScriptRoot $Name
    $process = Start-Process python3 -ArgumentList (@('-u', "`"$script`"") + $ArgumentList) -RedirectStandardOutput $output -PassThru
    $deadline = (Get-Date).AddSeconds(10)
    while (-not ((Get-Content $output -TotalCount 1 -ErrorAction Ignore) -match '(\d+)$')) {
        if ($process.HasExited -or (Get-Date) -gt $deadline) {
            $process | Stop-Process -ErrorAction Ignore
            throw "The peer $Name did not start (see $output)."
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Name = $Name; Process = $process; Port = [int]$Matches[1]; OutputPath = $output }
}

# Starts a Python peer of this folder that does its work, ends its output with 'DONE' and exits (udp_sender.py).
function Start-TestClient {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [string[]] $ArgumentList = @()
    )
    $output = Join-Path $TestDrive "$Name-$(New-Guid).out"
    $process = Start-Process python3 -ArgumentList (@('-u', "`"$(Join-Path $PSScriptRoot $Name)`"") + $ArgumentList) -RedirectStandardOutput $output -PassThru
    [pscustomobject]@{ Name = $Name; Process = $process; OutputPath = $output }
}

# The lines a client wrote, once it has written its last line, 'DONE' (within the timeout). The last line is waited
# for, not only the end of the process: Start-Process copies the output into the file after the process wrote it.
function Receive-TestClientOutput {
    param([Parameter(Mandatory)] $Client, [int] $TimeoutSeconds = 30)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Content $Client.OutputPath -Tail 1 -ErrorAction Ignore) -ne 'DONE' -and (Get-Date) -lt $deadline) {
        Start-Sleep -Milliseconds 50
    }
    $Client.Process | Stop-Process -ErrorAction Ignore
    Get-Content $Client.OutputPath
}

function Stop-TestPeer {
    param([Parameter(ValueFromPipeline)] $Peer)
    process {
        if ($Peer) {
            $Peer.Process | Stop-Process -ErrorAction Ignore
            $Peer.Process | Wait-Process -Timeout 5 -ErrorAction Ignore
        }
    }
}

# A port nothing listens on: the system hands out a free one and it is let go at once.
function Get-UnusedPort {
    param([ValidateSet('Tcp', 'Udp')] [string] $Protocol = 'Tcp')
    $socket = if ($Protocol -eq 'Tcp') { [Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0) } else { [Net.Sockets.UdpClient]::new(0) }
    try {
        if ($Protocol -eq 'Tcp') { $socket.Start(); $socket.LocalEndpoint.Port } else { $socket.Client.LocalEndPoint.Port }
    } finally {
        if ($Protocol -eq 'Tcp') { $socket.Stop() } else { $socket.Dispose() }
    }
}

# Runs a start or stop script of tests/servers (bash), waits at most TimeoutSeconds and fails with its output.
function Invoke-TestServerScript {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 120
    )
    $log = Join-Path $TestDrive "$(Split-Path $Path -Leaf)-$(New-Guid).log"
    $process = Start-Process bash -ArgumentList (@("`"$Path`"") + $ArgumentList) -RedirectStandardOutput $log -RedirectStandardError "$log.err" -PassThru
    $process | Wait-Process -Timeout $TimeoutSeconds -ErrorAction Ignore
    if (-not $process.HasExited) {
        $process | Stop-Process
        throw "$Path did not finish within $TimeoutSeconds s."
    }
    if ($process.ExitCode -ne 0) {
        throw "$Path failed ($($process.ExitCode)): $(Get-Content $log, "$log.err" -Raw -ErrorAction Ignore)"
    }
}

# Starts the TLS test servers of tests/servers/tls in Folder and returns their ports by name (valid, expired, smtp …).
function Start-TlsTestServers {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = New-Item -ItemType Directory -Path $Folder -Force
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'start-servers.sh') $Folder
    $ports = @{}
    foreach ($line in Get-Content (Join-Path $Folder 'ports.env')) {
        $name, $number = $line -split '='
        $ports[$name] = [int]$number
    }
    $ports
}

function Stop-TlsTestServers {
    param([Parameter(Mandatory)] [string] $Folder)
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'stop-servers.sh') $Folder -TimeoutSeconds 30
}

# The progress records a script writes. A test cannot read the progress stream of its own session, so the script runs
# in a PowerShell of its own (in this process) that imports the module; $Arguments are its parameters.
function Get-ProgressRecord([scriptblock] $Script, [hashtable] $Arguments = @{}) {
    $shell = [powershell]::Create()
    try {
        $null = $shell.AddCommand('Import-Module').AddParameter('Name', $env:NETFOUNDATIONS_MODULE).AddStatement()
        $null = $shell.AddScript($Script.ToString()).AddParameters($Arguments)
        $null = $shell.Invoke()
        $shell.Streams.Progress
    } finally {
        $shell.Dispose()
    }
}

# Starts the repository's BIND (tests/servers/dns, zones example.test …) on 127.0.0.1 and ::1 in Folder: a resolver
# the system does not use, so a name from it connects only through the address its record carries. Returns the server
# as Resolve-DnsName2 -Server takes it (Server, Server6) and the Folder to stop it with Stop-TestDnsServer.
function Start-TestDnsServer {
    param([Parameter(Mandatory)] [string] $Folder)
    $port = Get-UnusedPort
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'dns' 'start.sh') $port, $Folder -TimeoutSeconds 30
    [pscustomobject]@{ Server = "127.0.0.1:$port"; Server6 = "[::1]:$port"; Folder = $Folder }
}

function Stop-TestDnsServer {
    param([Parameter(Mandatory)] $Dns)
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'dns' 'stop.sh') $Dns.Folder -TimeoutSeconds 10
}
