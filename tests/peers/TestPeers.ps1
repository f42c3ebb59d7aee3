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

# Starts OpenSSH's sshd from tests/servers/ssh/start-sshd.sh with its keys in Folder, and waits (30 s at most) until
# it listens. Returns Port, Credential, KnownHostsPath (a known_hosts file that trusts its ed25519 key) and the Process
# to stop with Stop-TestSshd.
function Start-TestSshd {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = New-Item $Folder -ItemType Directory -Force
    $settingsFile = "$Folder.env"
    $logFile = "$Folder.log"
    $process = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'ssh' 'start-sshd.sh'), $Folder `
        -RedirectStandardOutput $settingsFile -RedirectStandardError $logFile -PassThru
    foreach ($i in 1..300) {
        if ($process.HasExited -or (Select-String -Path $logFile -Pattern 'Server listening' -Quiet)) { break }
        Start-Sleep -Milliseconds 100
    }
    if (-not (Select-String -Path $logFile -Pattern 'Server listening' -Quiet)) { throw "sshd did not start: $(Get-Content $logFile -Raw)" }
    $settings = Get-Content $settingsFile -Raw | ConvertFrom-StringData
    $knownHosts = "$Folder.known_hosts"
    $type, $key, $null = (Get-Content (Join-Path $Folder 'host_ed25519_key.pub')) -split ' '
    "[127.0.0.1]:$($settings.PORT) $type $key" | Set-Content $knownHosts
    [pscustomobject]@{
        Process = $process; Port = [int]$settings.PORT; KnownHostsPath = $knownHosts
        Credential = [pscredential]::new($settings.USER, (ConvertTo-SecureString $settings.PASSWORD -AsPlainText -Force))
    }
}

# sshd serves each connection in a child process: Kill($true) ends those too, where Stop-Process would not.
function Stop-TestSshd {
    param([Parameter(Mandatory)] $Sshd)
    $Sshd.Process.Kill($true)
    $Sshd.Process | Wait-Process -Timeout 10
}

# Starts an FTP server from tests/servers/ftp in Folder and waits for it to listen: vsftpd (start-vsftpd.sh: plain and
# explicit FTPS on Port, implicit FTPS on ImplicitPort; anonymous read-only in anon/, the test user read-write in files/)
# or pyftpdlib (start-pyftpdlib.sh: the same on Port, listing with MLSD, the user's files/ seen as "/") or Pure-FTPd
# (start-pure-ftpd.sh: as pyftpdlib, without anonymous). Returns Port,
# ImplicitPort, Name (its certificate's name: connect to it with -Address 127.0.0.1), Credential, CertificateAuthorityPath,
# Folder and the Process to stop with Stop-TestFtpServer.
function Start-TestFtpServer {
    param([Parameter(Mandatory)] [string] $Folder, [ValidateSet('start-vsftpd.sh', 'start-pyftpdlib.sh', 'start-pure-ftpd.sh')] [string] $Script = 'start-vsftpd.sh')
    $null = New-Item $Folder -ItemType Directory -Force
    $settingsFile = "$Folder.env"
    $logFile = "$Folder.log"
    $process = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'ftp' $Script), $Folder `
        -RedirectStandardOutput $settingsFile -RedirectStandardError $logFile -PassThru
    foreach ($i in 1..600) {
        if ($process.HasExited -or (Select-String -Path $settingsFile -Pattern '^READY=' -Quiet)) { break }
        Start-Sleep -Milliseconds 100
    }
    if (-not (Select-String -Path $settingsFile -Pattern '^READY=' -Quiet)) { throw "$Script did not start: $(Get-Content $logFile -Raw)" }
    $settings = Get-Content $settingsFile -Raw | ConvertFrom-StringData
    [pscustomobject]@{
        Process = $process; Port = [int]$settings.PORT; ImplicitPort = [int]$settings.IMPLICIT_PORT; Folder = $Folder; Name = $settings.NAME
        CertificateAuthorityPath = $settings.CA
        Credential = [pscredential]::new($settings.USER, (ConvertTo-SecureString $settings.PASSWORD -AsPlainText -Force))
    }
}

# vsftpd and Pure-FTPd serve each connection in a child process: Kill($true) ends those too.
function Stop-TestFtpServer {
    param([Parameter(Mandatory)] $Server)
    $Server.Process.Kill($true)
    $Server.Process | Wait-Process -Timeout 10
}

# Starts Debian's telnetd under socat from tests/servers/telnet/start-telnetd.sh, and waits (10 s at most each) for its
# settings and for its port to take connections. Returns Port, Credential and the Process to stop with Stop-TestTelnetd.
function Start-TestTelnetd {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = New-Item $Folder -ItemType Directory -Force
    $settingsFile = Join-Path $Folder 'telnetd.env'
    $errorFile = Join-Path $Folder 'telnetd.err'
    $process = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'telnet' 'start-telnetd.sh') `
        -RedirectStandardOutput $settingsFile -RedirectStandardError $errorFile -PassThru
    foreach ($i in 1..100) {
        if (@(Get-Content $settingsFile -ErrorAction Ignore).Count -ge 3) { break }
        Start-Sleep -Milliseconds 100
    }
    $settings = Get-Content $settingsFile -Raw | ConvertFrom-StringData
    if (-not $settings.PORT) { throw "start-telnetd.sh did not start: $(Get-Content $errorFile -Raw)" }
    foreach ($i in 1..100) {
        if (Test-TcpPort -ComputerName 127.0.0.1 -Port $settings.PORT -Quiet) { break }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{
        Process = $process; Port = [int]$settings.PORT
        Credential = [pscredential]::new($settings.USER, (ConvertTo-SecureString $settings.PASSWORD -AsPlainText -Force))
    }
}

# socat serves each connection in a child process: Kill($true) ends those too.
function Stop-TestTelnetd {
    param([Parameter(Mandatory)] $Telnetd)
    $Telnetd.Process.Kill($true)
}

# A listener on 127.0.0.1 whose accept queue is full: Linux drops further connection requests, as a firewall does, so a
# connect to Port neither succeeds nor is refused. Dispose every one of Sockets when done.
function New-SilentListener {
    $silent = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
    $silent.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
    $silent.Listen(0)
    $fillers = 1..3 | ForEach-Object {
        $filler = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
        $null = $filler.ConnectAsync($silent.LocalEndPoint)
        $filler
    }
    Start-Sleep -Milliseconds 200
    [pscustomobject]@{ Port = $silent.LocalEndPoint.Port; Sockets = @($fillers) + $silent }
}

# Starts Count instances of Debian's memcached from tests/servers/memcached/start-memcached.sh and waits (10 s at most)
# for their ports. Returns Servers ('127.0.0.1:port' each), Ports and the Process to stop with Stop-TestMemcached.
function Start-TestMemcached {
    param([int] $Count = 1)
    $settingsFile = Join-Path $TestDrive "memcached-$(New-Guid).env"
    $process = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'memcached' 'start-memcached.sh'), $Count `
        -RedirectStandardOutput $settingsFile -RedirectStandardError "$settingsFile.err" -PassThru
    foreach ($i in 1..100) {
        if ((Get-Content $settingsFile -ErrorAction Ignore) -match '^PORT=') { break }
        Start-Sleep -Milliseconds 100
    }
    $line = @(Get-Content $settingsFile) -match '^PORT=' | Select-Object -First 1
    if (-not $line) { throw "start-memcached.sh did not start: $(Get-Content "$settingsFile.err" -Raw)" }
    $ports = @(($line -replace '^PORT=') -split ',' | ForEach-Object { [int]$_ })
    [pscustomobject]@{ Process = $process; Ports = $ports; Servers = @($ports | ForEach-Object { "127.0.0.1:$_" }) }
}

# The script's instances are its children: Kill($true) ends them too.
function Stop-TestMemcached {
    param([Parameter(Mandatory)] $Memcached)
    $Memcached.Process.Kill($true)
    $Memcached.Process | Wait-Process -Timeout 10 -ErrorAction Ignore
}
