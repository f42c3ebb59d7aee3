# Part of bench/servers.sh: hosts one Zen server per ServerArchitecture (every value of the enum, so architectures
# added later are measured too) in a pwsh process of its own, so the server's CPU time is its own and not the load
# cmdlet's. Prints "SERVER <architecture> <port>" for each, then "READY", and serves until its standard input ends.
param(
    [Parameter(Mandatory)] [string] $Module,
    [int] $MaxConnections = 256
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
foreach ($architecture in [enum]::GetValues([NetFoundations.Core.Servers.ServerArchitecture])) {
    # The server's own bound on connections served at once must not be what the table measures.
    $server = Start-TcpServer Zen -Architecture $architecture -MaxConnections $MaxConnections
    [Console]::Out.WriteLine("SERVER $architecture $($server.LocalPort)")
}
[Console]::Out.WriteLine('READY')
$null = [Console]::In.ReadToEnd()
Get-TcpServer | Stop-TcpServer
