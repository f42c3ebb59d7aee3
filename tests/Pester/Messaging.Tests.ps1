# ZeroMQ checks a user would write: sockets of each pattern against pyzmq (Debian's python3-zmq, the independent peer)
# both ways, the slow joiner and its ready handshake, high-water marks and drops, bounded waits, hostile peers, and the
# book's Monte-Carlo π pipeline (queuepi.py) run with the cmdlets in thread jobs.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE

    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
    $zmqPeer = Join-Path $PSScriptRoot '..' 'peers' 'zmq_peer.py'

    # Starts tests/peers/zmq_peer.py under /usr/bin/python3 (where Debian's pyzmq is) and waits for its READY line.
    function Start-ZmqPeer {
        param([string] $Mode, [string] $How, [string] $Endpoint, [int] $Count, [string] $Topic)
        $arguments = @('-u', "`"$zmqPeer`"", $Mode, $How, $Endpoint, $Count) + @(if ($Topic) { $Topic })
        $output = Join-Path $TestDrive "zmq-$Mode-$(New-Guid).out"
        $process = Start-Process /usr/bin/python3 -ArgumentList $arguments -RedirectStandardOutput $output -PassThru
        $deadline = (Get-Date).AddSeconds(10)
        while (-not ((Get-Content $output -TotalCount 1 -ErrorAction Ignore) -match '^READY (\S+)')) {
            if ($process.HasExited -or (Get-Date) -gt $deadline) {
                $process | Stop-Process -ErrorAction Ignore
                throw "zmq_peer.py $Mode did not start (see $output)."
            }
            Start-Sleep -Milliseconds 50
        }
        [pscustomobject]@{ Process = $process; Endpoint = $Matches[1]; OutputPath = $output }
    }

    # What the peer received (its lines between READY and DONE), once it has finished.
    function Receive-ZmqPeerOutput($Peer) {
        @(Receive-TestClientOutput $Peer -TimeoutSeconds 20 | Select-Object -Skip 1 | Where-Object { $_ -ne 'DONE' })
    }
}

AfterAll {
    Get-MessageSocket | Close-MessageSocket
}

Describe 'New-MessageSocket' {
    It 'binds a port the system chooses and says which' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'

        $pull | Should -BeOfType [NetFoundations.Core.Messaging.MessageSocket]
        $pull.Type | Should -Be 'Pull'
        $pull.Endpoint | Should -Match '^tcp://127\.0\.0\.1:\d+$'
        $pull.Endpoint | Should -Not -BeLike '*:0'
        Get-MessageSocket -Id $pull.Id | Should -Be $pull
        Close-MessageSocket $pull
        $pull.IsClosed | Should -BeTrue
        Get-MessageSocket -Id $pull.Id | Should -BeNullOrEmpty
    }

    It 'refuses an endpoint that is not tcp:// or inproc://, and a port already bound' {
        { New-MessageSocket Pull -Bind 'udp://127.0.0.1:5' -ErrorAction Stop } | Should -Throw '*not an endpoint*'
        $first = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'
        New-MessageSocket Pull -Bind $first.Endpoint -ErrorVariable inUse -ErrorAction SilentlyContinue
        $inUse[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        Close-MessageSocket $first
    }
}

Describe 'PUSH/PULL with pyzmq' {
    It 'sends to a pyzmq PULL' {
        $peer = Start-ZmqPeer pull bind 'tcp://127.0.0.1:0' 3
        $push = New-MessageSocket Push -Connect $peer.Endpoint

        $result = 'one', 'two', 'drei' | Send-Message $push -PassThru

        Receive-ZmqPeerOutput $peer | Should -Be 'one', 'two', 'drei'
        $result | Should -BeOfType [NetFoundations.Core.Messaging.MessageSendResult]
        $result.Sent | Should -Be 3
        $result.Dropped | Should -Be 0
        Close-MessageSocket $push
    }

    It 'receives from a pyzmq PUSH' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'
        $peer = Start-ZmqPeer push connect $pull.Endpoint 5

        $messages = Receive-Message $pull -Count 5 -TimeoutSeconds 10

        $messages | Should -HaveCount 5
        $messages[0] | Should -BeOfType [NetFoundations.Core.Messaging.MessageItem]
        $messages.Text | Should -Be (0..4 | ForEach-Object { "message $_" })
        $messages[4].ReceivedAt | Should -BeGreaterThan (Get-Date).AddMinutes(-1)
        $pull.Received | Should -Be 5
        $null = Receive-ZmqPeerOutput $peer
        Close-MessageSocket $pull
    }
}

Describe 'Send-Message -WhatIf' {
    It 'sends nothing and says so' {
        $pull = New-MessageSocket Pull -Bind 'inproc://whatif'
        $push = New-MessageSocket Push -Connect 'inproc://whatif'

        $result = Send-Message $push 'not really' -WhatIf -PassThru

        $result.WhatIf | Should -BeTrue
        $result.Sent | Should -Be 0
        Receive-Message $pull -Count 0 -TimeoutSeconds 0.3 | Should -BeNullOrEmpty
        Close-MessageSocket $push, $pull
    }
}

Describe 'PUB/SUB with pyzmq' {
    It 'publishes to a pyzmq SUB once it has subscribed (the ready handshake), topic frame first' {
        $pub = New-MessageSocket Pub -Bind 'tcp://127.0.0.1:0'
        $peer = Start-ZmqPeer sub connect $pub.Endpoint 2 'weather'

        Wait-MessageSubscriber $pub -Topic 'weather' -TimeoutSeconds 10
        $sent = Send-Message $pub -Topic 'weather' -InputObject 'sunny' -PassThru
        $null = Send-Message $pub -InputObject 'sports: not subscribed'
        $null = Send-Message $pub -InputObject 'weather: rain'

        Receive-ZmqPeerOutput $peer | Should -Be 'weather|sunny', 'weather: rain'
        $sent.Dropped | Should -Be 0
        $pub.Dropped | Should -Be 1
        $pub.SubscriberTopics | Should -Be 'weather'
        Close-MessageSocket $pub
    }

    It 'subscribes to a pyzmq PUB, with the topic of each message' {
        $peer = Start-ZmqPeer pub bind 'tcp://127.0.0.1:0' 3 'news'
        $sub = New-MessageSocket Sub -Connect $peer.Endpoint -Subscribe 'news'

        $messages = Receive-Message $sub -Count 6 -TimeoutSeconds 10

        $messages.Topic | Should -Be (@('news') * 6)
        $messages[0].Text | Should -Be 'body 0'
        $messages[0].FrameCount | Should -Be 2
        $messages[5].Text | Should -Be 'news-2'
        $null = Receive-ZmqPeerOutput $peer
        Close-MessageSocket $sub
    }

    It 'counts what a PUB sends before anyone subscribed (the slow joiner) as dropped' {
        $pub = New-MessageSocket Pub -Bind 'tcp://127.0.0.1:0'
        $result = 1..5 | ForEach-Object { "early $_" } | Send-Message $pub -PassThru

        $result.Sent | Should -Be 5
        $result.Dropped | Should -Be 5
        Close-MessageSocket $pub
    }
}

Describe 'REQ/REP with pyzmq' {
    It 'asks a pyzmq REP (JSON both ways, as queuepi.py''s pythagoras)' {
        $peer = Start-ZmqPeer rep bind 'tcp://127.0.0.1:0' 2
        $req = New-MessageSocket Req -Connect $peer.Endpoint

        Send-Message $req -InputObject @(3, 4) -AsJson
        $first = Receive-Message $req -AsJson -TimeoutSeconds 10
        Send-Message $req -InputObject @(5, 12) -AsJson
        $second = Receive-Message $req -AsJson -TimeoutSeconds 10

        $first.Value | Should -Be 25
        $second.Value | Should -Be 169
        $null = Receive-ZmqPeerOutput $peer
        Close-MessageSocket $req
    }

    It 'answers a pyzmq REQ from a pipeline: receive, compute, send' {
        $rep = New-MessageSocket Rep -Bind 'tcp://127.0.0.1:0'
        $peer = Start-ZmqPeer req connect $rep.Endpoint 3

        Receive-Message $rep -Count 3 -AsJson -TimeoutSeconds 10 | ForEach-Object {
            $sum = 0; foreach ($n in $_.Value) { $sum += $n * $n }
            Send-Message $rep -InputObject $sum -AsJson
        }

        Receive-ZmqPeerOutput $peer | Should -Be '1', '5', '13'
        Close-MessageSocket $rep
    }

    It 'says a REQ socket must receive its reply before it asks again' {
        $req = New-MessageSocket Req -Connect "tcp://127.0.0.1:$(Get-UnusedPort)"
        Send-Message $req 'first' -TimeoutSeconds 1 -ErrorAction SilentlyContinue
        Send-Message $req 'second' -TimeoutSeconds 1 -ErrorVariable twice -ErrorAction SilentlyContinue
        $twice[0].Exception.Message | Should -BeLike '*must receive its reply*'
        Close-MessageSocket $req
    }
}

Describe 'Bounded waits' {
    It 'ends a receive with no sender by its timeout, with OperationTimedOut' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'
        $clock = [Diagnostics.Stopwatch]::StartNew()

        Receive-Message $pull -TimeoutSeconds 1 -ErrorVariable late -ErrorAction SilentlyContinue

        $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
        $late[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $late[0].Exception.Message | Should -BeLike '*0 of 1 messages*'
        Close-MessageSocket $pull
    }

    It 'listens quietly for a while with -Count 0' {
        $sub = New-MessageSocket Sub -Connect 'tcp://127.0.0.1:1'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Receive-Message $sub -Count 0 -TimeoutSeconds 0.5 -ErrorVariable failed | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2.5
        Close-MessageSocket $sub
    }

    It 'gives up a PUSH send past the high-water marks at the deadline, counting the dropped messages' {
        $pull = New-MessageSocket Pull -Bind 'inproc://full' -ReceiveHighWatermark 5
        $push = New-MessageSocket Push -Connect 'inproc://full' -SendHighWatermark 5
        $clock = [Diagnostics.Stopwatch]::StartNew()

        Send-Message $push -InputObject (1..100 | ForEach-Object { "m$_" }) -TimeoutSeconds 1 -ErrorVariable full -ErrorAction SilentlyContinue

        $clock.Elapsed.TotalSeconds | Should -BeLessThan 3.5
        $full[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $full[0].Exception.Message | Should -BeLike '*high-water mark*'
        $push.Sent | Should -BeLessThan 100
        $push.Sent + $push.Dropped | Should -Be 100
        (Receive-Message $pull -Count 0 -TimeoutSeconds 0.5).Count | Should -Be $push.Sent
        Close-MessageSocket $push, $pull
    }
}

Describe 'Hostile peers' {
    It 'drops a message of more frames than the bound, with a ProtocolViolation naming it, and goes on' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'
        $peer = Start-ZmqPeer frames connect $pull.Endpoint 100

        Receive-Message $pull -Count 1 -TimeoutSeconds 10 -ErrorVariable violation -ErrorAction SilentlyContinue |
            Select-Object -ExpandProperty Text | Should -Be 'after'

        $violation[0].FullyQualifiedErrorId | Should -BeLike 'ProtocolViolation,*'
        $violation[0].Exception.Message | Should -BeLike '*more than 64 frames*'
        $null = Receive-ZmqPeerOutput $peer
        Close-MessageSocket $pull
    }

    It 'disconnects a peer that sends a message larger than -MaxMessageBytes' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0' -MaxMessageBytes 1024
        $peer = Start-ZmqPeer big connect $pull.Endpoint 4096

        Receive-Message $pull -TimeoutSeconds 2 -ErrorVariable nothing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $nothing[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $peer.Process | Stop-Process -ErrorAction Ignore
        $small = Start-ZmqPeer push connect $pull.Endpoint 1
        (Receive-Message $pull -TimeoutSeconds 10).Text | Should -Be 'message 0'
        $null = Receive-ZmqPeerOutput $small
        Close-MessageSocket $pull
    }

    It 'survives garbage and a frame header that claims 2^56 bytes from a raw TCP peer, with bounded memory, and still hears an honest one' {
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0' -MaxMessageBytes 65536
        $port = [int]($pull.Endpoint -replace '.*:')
        $before = [GC]::GetTotalMemory($true)

        $garbage = [Net.Sockets.TcpClient]::new('127.0.0.1', $port)
        $noise = [byte[]]::new(65536); [Random]::new(1).NextBytes($noise)
        try { $garbage.GetStream().Write($noise, 0, $noise.Length) } catch { }   # NetMQ may hang up at once
        $garbage.Dispose()

        # A ZMTP 3.0 greeting (NULL mechanism), READY as a PUSH peer, then one frame whose 8-byte length says 2^56.
        $greeting = [byte[]]::new(64); $greeting[0] = 0xFF; $greeting[8] = 1; $greeting[9] = 0x7F; $greeting[10] = 3
        [Text.Encoding]::ASCII.GetBytes('NULL').CopyTo($greeting, 12)
        $ready = [byte[]](0x04, 26, 5) + [Text.Encoding]::ASCII.GetBytes('READY') + [byte[]](11) +
            [Text.Encoding]::ASCII.GetBytes('Socket-Type') + [byte[]](0, 0, 0, 4) + [Text.Encoding]::ASCII.GetBytes('PUSH')
        $huge = [byte[]](0x02, 0x01, 0, 0, 0, 0, 0, 0, 0)
        $liar = [Net.Sockets.TcpClient]::new('127.0.0.1', $port)
        $stream = $liar.GetStream()
        $written = 0
        try {
            $stream.Write($greeting, 0, 64)
            $stream.Write($ready, 0, $ready.Length)
            $stream.Write($huge, 0, $huge.Length)
            $chunk = [byte[]]::new(1MB)
            for ($i = 0; $i -lt 32; $i++) { $stream.Write($chunk, 0, $chunk.Length); $written += $chunk.Length }
        } catch {
            # The connection was dropped: what a bounded reader does.
        }
        $liar.Dispose()

        # NetMQ still speaks ZMTP 1.0, which has no greeting to check: noise can read as a few short messages, which
        # come out as such (bounded in size and frames), before the honest peer's.
        $honest = Start-ZmqPeer push connect $pull.Endpoint 1
        $texts = Receive-Message $pull -Count 0 -TimeoutSeconds 3 -ErrorAction SilentlyContinue | ForEach-Object Text
        $texts | Should -Contain 'message 0'
        $null = Receive-ZmqPeerOutput $honest
        ([GC]::GetTotalMemory($true) - $before) | Should -BeLessThan 16MB
        $written | Should -BeLessThan 32MB   # NetMQ hung up at the header, not after reading the body
        Close-MessageSocket $pull
    }
}

Describe 'The Monte-Carlo estimate of pi (queuepi.py)' {
    It 'runs the bit source, two judges, pythagoras and the tally in thread jobs, and converges toward pi' {
        $pub = New-MessageSocket Pub -Bind 'tcp://127.0.0.1:0'     # bitsource
        $rep = New-MessageSocket Rep -Bind 'tcp://127.0.0.1:0'     # pythagoras
        $pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'   # tally
        $module = $env:NETFOUNDATIONS_MODULE

        $pythagoras = Start-ThreadJob -ArgumentList $module, $rep {
            param($module, $rep)
            Import-Module $module
            Receive-Message $rep -Count 0 -AsJson -TimeoutSeconds 60 | ForEach-Object {
                $sum = [bigint]0
                foreach ($n in $_.Value) { $sum += [bigint]$n * $n }
                Send-Message $rep -InputObject $sum -AsJson
            }
        }
        $judges = foreach ($role in 'always_yes', 'judge') {
            Start-ThreadJob -ArgumentList $module, $pub.Endpoint, $rep.Endpoint, $pull.Endpoint, $role {
                param($module, $bits, $pythagoras, $tally, $role)
                Import-Module $module
                $prefixes = if ($role -eq 'always_yes') { '00' } else { '01', '10', '11' }
                $in = New-MessageSocket Sub -Connect $bits -Subscribe $prefixes
                $out = New-MessageSocket Push -Connect $tally
                $req = New-MessageSocket Req -Connect $pythagoras
                $unit = [bigint]::Pow(2, 64)
                Receive-Message $in -Count 0 -TimeoutSeconds 60 | ForEach-Object {
                    if ($role -eq 'always_yes') { Send-Message $out 'Y'; return }   # the lower-left quadrant is inside
                    $bits = $_.Text
                    $even = [char[]]::new(32); $odd = [char[]]::new(32)
                    for ($i = 0; $i -lt 32; $i++) { $even[$i] = $bits[2 * $i]; $odd[$i] = $bits[2 * $i + 1] }
                    $n = [Convert]::ToInt64([string]::new($even), 2)
                    $m = [Convert]::ToInt64([string]::new($odd), 2)
                    Send-Message $req -InputObject @($n, $m) -AsJson
                    $sumsquares = [bigint](Receive-Message $req -AsJson -TimeoutSeconds 10).Value
                    Send-Message $out $(if ($sumsquares -lt $unit) { 'Y' } else { 'N' })
                }
            }
        }
        try {
            # The ready handshake: no point is published before both judges subscribed.
            Wait-MessageSubscriber $pub -Topic '00', '01', '10', '11' -TimeoutSeconds 30
            $random = [Random]::new()
            $points = foreach ($i in 1..1000) { [Convert]::ToString($random.NextInt64(), 2).PadLeft(63, '0') + $random.Next(2) }
            $sent = Send-Message $pub -InputObject $points -PassThru

            $decisions = @(Receive-Message $pull -Count 1000 -TimeoutSeconds 90)
            $running = [Collections.Generic.List[double]]::new()
            $yes = 0
            foreach ($decision in $decisions) { if ($decision.Text -eq 'Y') { $yes++ }; $running.Add(4 * $yes / ($running.Count + 1)) }

            $sent.Dropped | Should -Be 0
            $decisions | Should -HaveCount 1000
            ($decisions.Text | Sort-Object -Unique) | Should -Be 'N', 'Y'
            [math]::Abs($running[999] - [math]::PI) | Should -BeLessThan 0.25
            $rep.Received | Should -BeGreaterThan 600   # the three quarters that are not 00 went to pythagoras
        } finally {
            $jobs = @($pythagoras) + $judges
            $jobs | Stop-Job
            $jobs | Receive-Job -ErrorAction SilentlyContinue | Out-Null
            $jobs | Remove-Job -Force
            Close-MessageSocket $pub, $rep, $pull
        }
        # The judges' sockets closed with their runspaces.
        Get-MessageSocket -Type Sub, Req | Should -BeNullOrEmpty
    }
}

Describe 'Stopping and cleaning up' {
    It 'stops a receive waiting in a thread job at once (Ctrl+C, Stop-Job)' {
        $sub = New-MessageSocket Sub -Connect "tcp://127.0.0.1:$(Get-UnusedPort)"
        $job = Start-ThreadJob -ArgumentList $env:NETFOUNDATIONS_MODULE, $sub {
            param($module, $sub)
            Import-Module $module
            Receive-Message $sub -Count 0 -TimeoutSeconds 600
        }
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()

        $job | Stop-Job

        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $job.State | Should -Be 'Stopped'
        $job | Remove-Job
        Close-MessageSocket $sub
    }

    It 'closes every socket when the module is removed, and the process then exits at once' {
        $script = Join-Path $TestDrive 'exit.ps1'
        Set-Content -LiteralPath $script -Value @'
param($module)
Import-Module $module
$pull = New-MessageSocket Pull -Bind 'tcp://127.0.0.1:0'
$push = New-MessageSocket Push -Connect $pull.Endpoint -LingerSeconds 60
$sub = New-MessageSocket Sub -Connect 'tcp://127.0.0.1:1'
Send-Message $push 'still queued somewhere'
$job = Start-ThreadJob -ArgumentList $sub { param($s) Receive-Message $s -Count 0 -TimeoutSeconds 600 }
Start-Sleep -Seconds 1
Remove-Module NetFoundations
"closed: $($pull.IsClosed) $($push.IsClosed) $($sub.IsClosed)"
"ended at $([DateTime]::UtcNow.ToString('o'))"
'@
        $pwsh = if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
        $output = Join-Path $TestDrive 'exit.out'
        $process = Start-Process $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-File', $script, $env:NETFOUNDATIONS_MODULE) -RedirectStandardOutput $output -PassThru

        $process | Wait-Process -Timeout 90 -ErrorAction SilentlyContinue
        $process.HasExited | Should -BeTrue
        $lines = Get-Content $output
        $lines | Should -Contain 'closed: True True True'
        $ended = [DateTime]::Parse(($lines | Where-Object { $_ -like 'ended at *' }).Substring(9), $null, 'RoundtripKind')
        ($process.ExitTime.ToUniversalTime() - $ended).TotalSeconds | Should -BeLessThan 5
    }
}
