# The book's chapter 7 inetd services on ftp.example.com, served by the module's Start-InetdService: the Zen protocol
# on 1060 as "nowait" (a run of the program per connection, the connection as its standard input and output) and on
# 1061 as "wait" (one run of the program is handed the listening socket and accepts clients itself). start.sh runs
# this in the ftp host; it serves until the playground stops it.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Program
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$services = @(
    Start-InetdService -Port 1060 -LocalAddress :: -FilePath /usr/bin/python3 -ArgumentList $Program, 'stdio'
    Start-InetdService -Port 1061 -LocalAddress :: -Mode Wait -FilePath /usr/bin/python3 -ArgumentList $Program, 'listener'
)
$services | Format-Table | Out-String | Write-Host
while ($true) { Start-Sleep -Seconds 3600 }
