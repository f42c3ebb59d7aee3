# The services the module itself serves on ftp.example.com; start.sh runs this in the ftp host, and it serves until
# the playground stops it:
#  - the book's chapter 7 inetd services, by Start-InetdService: the Zen protocol on 1060 as "nowait" (a run of the
#    program per connection, the connection as its standard input and output) and on 1061 as "wait" (one run of the
#    program is handed the listening socket and accepts clients itself);
#  - chapter 6's lesson on client certificates, by Start-TcpServer: TLS on 1062 that serves only a client showing a
#    certificate from the playground CA (brandon has one in his home), answers its first line with who that client
#    is, and closes;
#  - chapter 2's UDP server, by Receive-UdpDatagram, on UDP 1060: it answers each datagram with the address and port
#    it came from, so a client behind NAT sees what the server sees.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $ZenProgram,
    [Parameter(Mandatory)] [string] $CertificateFolder
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$services = @(
    Start-InetdService -Port 1060 -LocalAddress :: -FilePath /usr/bin/python3 -ArgumentList $ZenProgram, 'stdio'
    Start-InetdService -Port 1061 -LocalAddress :: -Mode Wait -FilePath /usr/bin/python3 -ArgumentList $ZenProgram, 'listener'
    Start-TcpServer -Port 1062 -LocalAddress :: -Certificate (Join-Path $CertificateFolder 'ftp.crt') -CertificateKey (Join-Path $CertificateFolder 'ftp.key') `
        -ClientCertificateMode Required -CertificateAuthorityPath (Join-Path $CertificateFolder 'ca.crt') `
        -ScriptBlock { param($Line, $Client) "$($Client.ClientCertificateSubject) says: $Line"; $Client.Close() }
)
$services | Format-Table | Out-String | Write-Host
# In the foreground, until the playground stops (no count, no time limit): the other servers run meanwhile.
Receive-UdpDatagram -Port 1060 -LocalAddress :: -TimeoutSeconds 0 -ReplyScript { "$($_.RemoteAddress) $($_.RemotePort)" } | Out-Null
