# UDP checks a user would write: an echo round trip, a stranger ignored, typed errors.
# Peers are Python scripts from tests/peers on loopback, on ports the system picks.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    $peerFolder = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'peers'))

    function Start-Peer([string] $Script, [string[]] $Arguments) {
        $start = [Diagnostics.ProcessStartInfo]::new('python3')
        $start.ArgumentList.Add([IO.Path]::Combine($peerFolder, $Script))
        foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
        $start.UseShellExecute = $false
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        [Diagnostics.Process]::Start($start)
    }

    # udp_echo.py prints the port it bound on its first line.
    function Start-EchoPeer([string[]] $Arguments) {
        $process = Start-Peer 'udp_echo.py' $Arguments
        [pscustomobject]@{ Process = $process; Port = [int]$process.StandardOutput.ReadLine() }
    }

    function Stop-Peer($Peer) {
        if (-not $Peer.Process.HasExited) { $Peer.Process.Kill() }
        $Peer.Process.Dispose()
    }

    function Get-FreeUdpPort {
        $socket = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
        try {
            $socket.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
            $socket.LocalEndPoint.Port
        } finally {
            $socket.Dispose()
        }
    }
}

Describe 'Send-UdpDatagram' {
    BeforeAll {
        $echo = Start-EchoPeer @()
        $stranger = Start-EchoPeer @('--mode', 'stranger')
        $silent = Start-EchoPeer @('--mode', 'silent')
    }

    AfterAll {
        Stop-Peer $echo
        Stop-Peer $stranger
        Stop-Peer $silent
    }

    It 'gets the message back from an echo server' {
        $reply = Send-UdpDatagram -ComputerName 127.0.0.1 -Port $echo.Port -Message 'Hello, UDP' -InitialDelay 1 -MaxDelay 8

        $reply.Text | Should -BeExactly 'Hello, UDP'
        $reply.RemotePort | Should -Be $echo.Port
        $reply.Attempts | Should -Be 1
        $reply.Data | Should -HaveCount 10
    }

    It 'sends each piped message as its own datagram' {
        $replies = 'one', 'two', 'three' | Send-UdpDatagram 127.0.0.1 $echo.Port -InitialDelay 1 -MaxDelay 8

        $replies | Should -HaveCount 3
        $replies[2].Text | Should -Be 'three'
    }

    It 'ignores a reply that comes from another port' {
        { Send-UdpDatagram 127.0.0.1 $stranger.Port -Message 'who is there?' -InitialDelay 0.05 -MaxDelay 0.2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }

    It 'gives up on a silent server with a timeout that counts the attempts' {
        { Send-UdpDatagram 127.0.0.1 $silent.Port -Message 'anyone?' -InitialDelay 0.05 -MaxDelay 0.2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*' -ExpectedMessage '*after 3 attempts*'
    }

    It 'reports a closed port as refused' {
        { Send-UdpDatagram 127.0.0.1 (Get-FreeUdpPort) -Message 'hello?' -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'refuses a datagram larger than UDP can carry' {
        { Send-UdpDatagram 127.0.0.1 $echo.Port -Bytes ([byte[]]::new(65508)) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*'
    }

    It 'rejects port <Port>' -ForEach @(@{ Port = 0 }, @{ Port = 70000 }) {
        { Send-UdpDatagram 127.0.0.1 $Port -Message 'x' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Receive-UdpDatagram' {
    It 'receives what a Python client sends and answers it' {
        $port = Get-FreeUdpPort
        $client = Start-Peer 'udp_sender.py' @('127.0.0.1', "$port", 'ping', '--replies', '--when-bound')
        try {
            $datagram = Receive-UdpDatagram -Port $port -LocalAddress 127.0.0.1 -Count 1 -TimeoutSeconds 30 -ReplyScript { param($datagram) $datagram.Text.ToUpper() }

            $datagram.Text | Should -Be 'ping'
            $datagram.RemoteAddress.ToString() | Should -Be '127.0.0.1'
            $client.StandardOutput.ReadLine() | Should -Be 'REPLY PING'
        } finally {
            $client.Kill()
            $client.Dispose()
        }
    }

    It 'ends quietly when nothing arrives in time' {
        $received = Receive-UdpDatagram -Port (Get-FreeUdpPort) -LocalAddress 127.0.0.1 -Count 1 -TimeoutSeconds 0.3

        $received | Should -BeNullOrEmpty
    }
}

Describe 'Measure-PathMtu (UDP probes)' {
    It 'leaves 65507 bytes for a datagram over IPv4 loopback' -Skip:(-not $IsLinux) {
        $path = Measure-PathMtu 127.0.0.1

        $path.Mtu | Should -BeGreaterThan 65534
        $path.MaxPayload | Should -Be 65507
    }
}
