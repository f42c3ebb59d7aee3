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
