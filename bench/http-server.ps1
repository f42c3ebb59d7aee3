# Part of bench/http-server.sh: hosts one Start-HttpServer in a pwsh process of its own (so the server's CPU time is
# its own, not wrk's), with a scriptblock route and a static folder. Prints "PORT <port>", then "READY", and serves
# until its standard input ends.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Site
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$server = Start-HttpServer -StaticPath $Site -MaxConnections 256 -Route @{
    'GET /time' = { [datetime]::UtcNow.ToString('ddd MMM d HH:mm:ss yyyy', [cultureinfo]::InvariantCulture) }
}
[Console]::Out.WriteLine("PORT $($server.LocalPort)")
[Console]::Out.WriteLine('READY')
$null = [Console]::In.ReadToEnd()
$server | Stop-TcpServer
