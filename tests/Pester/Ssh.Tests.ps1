# SSH checks a user would write: trust a host, run commands, script a shell, move files over SFTP, tunnels, typed errors.
# The server is OpenSSH's sshd, started from the repository's tests/servers/ssh/start-sshd.sh in a folder of TestDrive.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    # The script makes host keys and the test user, prints PORT=, USER=, PASSWORD= and PASSPHRASE=, then runs sshd on
    # 127.0.0.1 until it is stopped; sshd says on standard error when it listens.
    $folder = Join-Path $TestDrive 'sshd'
    $null = New-Item $folder -ItemType Directory
    $settingsFile = Join-Path $TestDrive 'sshd.env'
    $logFile = Join-Path $TestDrive 'sshd.log'
    $sshd = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'ssh' 'start-sshd.sh'), $folder `
        -RedirectStandardOutput $settingsFile -RedirectStandardError $logFile -PassThru
    foreach ($i in 1..300) {
        if ($sshd.HasExited -or (Select-String -Path $logFile -Pattern 'Server listening' -Quiet)) { break }
        Start-Sleep -Milliseconds 100
    }
    if (-not (Select-String -Path $logFile -Pattern 'Server listening' -Quiet)) { throw "sshd did not start: $(Get-Content $logFile -Raw)" }
    $settings = Get-Content $settingsFile -Raw | ConvertFrom-StringData
    $port = [int]$settings.PORT
    $credential = [pscredential]::new($settings.USER, (ConvertTo-SecureString $settings.PASSWORD -AsPlainText -Force))
    # The folder the test user may write to.
    $files = Join-Path $folder 'files'

    # sshd serves each connection in a child process of the listener, with its helpers (sftp-server …) below it: the
    # child that appears when a connection opens serves it. Stopping that tree (kill -STOP) plays a server that hangs.
    function Get-ChildProcess([int] $Id) { (ps -o pid= --ppid $Id) | ForEach-Object { [int]$_.Trim() } }
    function Get-ProcessTree([int] $Id) {
        $tree = @($Id)
        for ($i = 0; $i -lt $tree.Count -and $i -lt 20; $i++) { $tree += Get-ChildProcess $tree[$i] }
        $tree
    }

    # The known_hosts line for one of the server's keys, as ssh-keyscan writes it.
    function Get-KnownHostsLine([string] $KeyFile = 'host_ed25519_key') {
        $type, $key, $null = (Get-Content (Join-Path $folder "$KeyFile.pub")) -split ' '
        "[127.0.0.1]:$port $type $key"
    }

    # A known_hosts file that trusts the server, for the checks that are not about trust.
    $trusted = Join-Path $TestDrive 'trusted_known_hosts'
    Get-KnownHostsLine | Set-Content $trusted
}

AfterAll {
    # sshd serves each connection in a child process: Kill($true) ends those too, where Stop-Process would not.
    $sshd.Kill($true)
    $sshd | Wait-Process -Timeout 10
}

Describe 'Trusting an SSH host' {
    It 'refuses a host that is not in known_hosts and says how to trust it' {
        $unknown = Join-Path $TestDrive 'empty_known_hosts'

        $failure = { Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $unknown -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyRejected,*' -ExpectedMessage '*Get-SshHostKey*' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
    }

    It 'shows the host key before logging in, in the form known_hosts takes' {
        $key = Get-SshHostKey -ComputerName 127.0.0.1 -Port $port -KeyType ssh-ed25519

        $key | Should -BeOfType [NetFoundations.Core.Ssh.SshHostKey]
        $key.FingerprintSHA256 | Should -Match '^SHA256:[A-Za-z0-9+/]{43}$'
        $key.KnownHostsLine | Should -BeExactly (Get-KnownHostsLine)
    }

    It 'records a new host under TrustOnFirstUse, then trusts it strictly' {
        $knownHosts = Join-Path $TestDrive 'first_use_known_hosts'

        $first = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
        Disconnect-SshSession $first
        $again = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts

        $first | Should -BeOfType [NetFoundations.Core.Ssh.SshSession]
        $first.IsConnected | Should -BeFalse
        Get-Content $knownHosts | Should -BeExactly (Get-KnownHostsLine)
        $again.IsConnected | Should -BeTrue
        $again.HostKeyFingerprint | Should -Be $first.HostKeyFingerprint
        $again.GetHostKey().FingerprintSHA256 | Should -Be $first.HostKeyFingerprint
        Disconnect-SshSession $again
    }

    It 'trusts a fingerprint pinned from Get-SshHostKey, on several hosts at once' {
        $key = Get-SshHostKey -ComputerName 127.0.0.1 -Port $port -KeyType ssh-ed25519

        $results = Invoke-SshCommand -ComputerName 127.0.0.1, localhost -Port $port -Credential $credential -HostKeyFingerprint $key.FingerprintSHA256 `
            -Command 'echo hi' -ThrottleLimit 2

        $results.ComputerName | Sort-Object | Should -Be '127.0.0.1', 'localhost'
        $results.Output | Should -Be 'hi', 'hi'
    }

    It 'refuses a changed key, naming both fingerprints' {
        $changed = Join-Path $TestDrive 'changed_known_hosts'
        Get-KnownHostsLine 'alt_host_key' | Set-Content $changed

        { Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $changed -TrustPolicy TrustOnFirstUse -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyRejected,*' -ExpectedMessage '*CHANGED*'
    }

    It 'connects to any host under the Insecure policy, with a warning' {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath (Join-Path $TestDrive 'none_known_hosts') `
            -TrustPolicy Insecure -WarningVariable warnings -WarningAction SilentlyContinue

        $session.HostKeyType | Should -Be 'ssh-ed25519'
        $warnings | Should -HaveCount 1
        $warnings[0] | Should -BeLike '*Insecure*'
        Disconnect-SshSession $session
    }

    It 'refuses a wrong password' {
        $wrong = [pscredential]::new($credential.UserName, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))

        $failure = { Connect-SshSession 127.0.0.1 -Port $port -Credential $wrong -KnownHostsPath $trusted -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }
}

Describe 'Invoke-SshCommand' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
    }

    AfterAll {
        Disconnect-SshSession $session
    }

    It 'returns output, error and exit status as data' {
        $result = $session | Invoke-SshCommand -Command 'echo hello; echo oops >&2; exit 5'

        $result | Should -BeOfType [NetFoundations.Core.Ssh.SshCommandResult]
        $result.ComputerName | Should -Be '127.0.0.1'
        $result.Output | Should -BeExactly 'hello'
        $result.Error | Should -BeExactly 'oops'
        $result.ExitStatus | Should -Be 5
        $result.DurationMs | Should -BeOfType [double]
    }

    It 'runs several commands at once, one result each' {
        $results = Invoke-SshCommand -Session $session -Command 'echo a', 'echo b', 'echo c'

        $results | Should -HaveCount 3
        $results.Output | Should -Contain 'b'
    }

    It 'treats a non-zero exit status as an error only with -ErrorOnNonZeroExit' {
        $result = Invoke-SshCommand -Session $session -Command 'exit 2' -ErrorVariable failures
        $result.ExitStatus | Should -Be 2
        $failures | Should -BeNullOrEmpty

        { Invoke-SshCommand -Session $session -Command 'exit 2' -ErrorOnNonZeroExit -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
    }

    It 'writes each line as it comes with -Stream, then the result' {
        $output = Invoke-SshCommand -Session $session -Command 'echo alive' -Stream

        $output | Should -HaveCount 2
        $output[0] | Should -BeOfType [NetFoundations.Core.Ssh.SshOutputLine]
        $output[0].Line | Should -BeExactly 'alive'
        $output[1].Output | Should -BeExactly 'alive'
    }

    It 'times out a command that hangs, and the session goes on' {
        { Invoke-SshCommand -Session $session -Command 'sleep 60' -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -ErrorId 'OperationTimedOut,*'

        (Invoke-SshCommand -Session $session -Command 'echo alive').Output | Should -BeExactly 'alive'
    }

    It 'shows how many of many hosts are done' {
        $progress = Get-ProgressRecord {
            param($Port, $Credential, $KnownHosts)
            Invoke-SshCommand -ComputerName 127.0.0.1, 127.0.0.1, 127.0.0.1 -Port $Port -Credential $Credential -KnownHostsPath $KnownHosts -Command 'sleep 1'
        } @{ Port = $port; Credential = $credential; KnownHosts = $trusted }

        $progress | Where-Object StatusDescription -Match '^\d of 3 hosts$' | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'always has a deadline: -TimeoutSeconds 0 is refused' {
        { Invoke-SshCommand -Session $session -Command 'true' -TimeoutSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'SFTP over SSH' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
    }

    AfterAll {
        Disconnect-SshSession $session
    }

    It 'uploads, lists, downloads and removes a file' {
        $source = Join-Path $TestDrive 'report.txt'
        Set-Content $source 'quarterly numbers' -NoNewline

        $upload = Send-SftpItem -Session $session -Path $source -Destination $files
        $listed = Get-SftpItem -Session $session -Path $files -Filter 'report*'
        $download = $listed | Receive-SftpItem -Destination (Join-Path $TestDrive 'copy.txt')
        $listed | Remove-SftpItem -Confirm:$false

        $upload | Should -BeOfType [NetFoundations.Core.Ssh.SftpTransferResult]
        $upload.Length | Should -Be 17
        $listed | Should -BeOfType [NetFoundations.Core.Ssh.SftpItem]
        $listed.Name | Should -Be 'report.txt'
        Get-Content $download.LocalPath -Raw | Should -BeExactly 'quarterly numbers'
        Join-Path $files 'report.txt' | Should -Not -Exist
    }

    It 'downloads nothing under -WhatIf' {
        $remote = Join-Path $files 'whatif.txt'
        Set-Content $remote 'stays there' -NoNewline
        $local = Join-Path $TestDrive 'whatif.txt'

        Receive-SftpItem -Session $session -Path $remote -Destination $local -WhatIf | Should -BeNullOrEmpty

        $local | Should -Not -Exist
    }

    It 'downloads what a filter lists into a folder, and -WhatIf removes nothing' {
        $remote = Join-Path $files 'logs'
        $null = New-Item $remote -ItemType Directory
        Set-Content (Join-Path $remote 'keep.txt') 'keep' -NoNewline
        Set-Content (Join-Path $remote 'get.log') 'got it' -NoNewline
        $local = Join-Path $TestDrive 'downloads'
        $null = New-Item $local -ItemType Directory

        $transfer = Get-SftpItem -Session $session -Path $remote -Filter *.log | Receive-SftpItem -Destination $local
        Get-SftpItem -Session $session -Path $remote | Remove-SftpItem -WhatIf

        $transfer | Should -HaveCount 1
        $transfer.Length | Should -Be 6
        Get-Content (Join-Path $local 'get.log') -Raw | Should -BeExactly 'got it'
        Join-Path $remote 'keep.txt' | Should -Exist
        Join-Path $remote 'get.log' | Should -Exist
    }

    It 'ends a download from a server frozen mid-transfer with OperationTimedOut within -TimeoutSeconds, leaving no file' {
        $source = Join-Path $files 'frozen.bin'
        $stream = [IO.File]::Create($source)
        $stream.SetLength(200MB)
        $stream.Dispose()
        $destination = Join-Path $TestDrive 'frozen.bin'
        # sshd serves each connection in a child process of the listener: the one that appears when the SFTP
        # connection opens serves it, with sftp-server below it.
        function Get-Children([int] $Id) { (ps -o pid= --ppid $Id) | ForEach-Object { [int]$_.Trim() } }
        $frozen = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
        $before = Get-Children $sshd.Id
        $null = Get-SftpItem -Session $frozen -Path $files
        $connection = Get-Children $sshd.Id | Where-Object { $_ -notin $before }
        $connection | Should -HaveCount 1
        $tree = @($connection)
        for ($i = 0; $i -lt $tree.Count -and $i -lt 20; $i++) { $tree += Get-Children $tree[$i] }
        # Stops the connection's processes once the first megabyte has arrived, and notes when.
        $frozenAt = Join-Path $TestDrive 'frozen-at'
        $freezerScript = Join-Path $TestDrive 'freeze.sh'
        Set-Content $freezerScript @"
for i in `$(seq 1000); do
    if [ -n "`$(find '$TestDrive' -maxdepth 1 -name '.frozen.bin.*.partial' -size +1M)" ]; then
        kill -STOP $($tree -join ' ')
        date +%s.%N > '$frozenAt'
        exit 0
    fi
    sleep 0.01
done
exit 1
"@
        $freezer = Start-Process bash -ArgumentList $freezerScript -PassThru
        try {
            $failure = { Receive-SftpItem -Session $frozen -Path $source -Destination $destination -TimeoutSeconds 3 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OperationTimedOut,*' -PassThru
            $ended = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000
            $freezer | Wait-Process -Timeout 15
            $frozenAt | Should -Exist

            $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $ended - [double](Get-Content $frozenAt) | Should -BeLessThan 5
            $destination | Should -Not -Exist
            Get-ChildItem $TestDrive -Filter '*.partial' -Force | Should -BeNullOrEmpty
        }
        finally {
            kill -CONT @tree
            Disconnect-SshSession $frozen
            Remove-Item $source
        }
    }

    It 'reports a missing remote path as not found' {
        $failure = { Get-SftpItem -Session $session -Path '/no/such/path' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Invoke-SshShell' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
        # The test user's login shell prompts with "$ ".
        $prompt = @{ Expect = '\$ $' }
    }

    AfterAll {
        Disconnect-SshSession $session
    }

    It 'runs commands in the shell and returns what each printed' {
        $results = $session | Invoke-SshShell -Step $prompt, @{ Send = 'echo hello-$((6*7))' }, @{ Expect = '\$ $'; Timeout = 5 }, @{ Send = 'echo $TERM' }, $prompt

        $results | Should -HaveCount 3
        $results | Should -BeOfType [NetFoundations.Core.Expect.ExpectResult]
        $results[1].Output | Should -BeExactly 'hello-42'
        $results[1].Command | Should -BeExactly 'echo hello-$((6*7))'
        $results[1].ComputerName | Should -Be '127.0.0.1'
        $results[1].DurationMs | Should -BeOfType [double]
        $results[2].Output | Should -BeExactly 'dumb'
        $session.IsConnected | Should -BeTrue
    }

    It 'captures named groups of the match' {
        $results = Invoke-SshShell -Session $session -Step $prompt, @{ Send = 'echo v=$((40+2))' }, @{ Expect = 'v=(?<v>\d+)' }

        $results[1].Groups.v | Should -Be '42'
    }

    It 'connects for one run and sends a secret that the verbose view does not show' {
        $secret = [pscredential]::new('x', (ConvertTo-SecureString 'Hidden-Word-77' -AsPlainText -Force))

        $output = Invoke-SshShell -ComputerName 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted -Verbose -Step @(
            $prompt
            @{ Send = 'stty -echo; printf "%s: " Word; read -r w; echo "len=${#w}"' }
            @{ Expect = 'Word: $' }
            @{ SendSecret = $secret }
            @{ Expect = 'len=(\d+)' }) 4>&1
        $results = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"

        $results[-1].Groups['1'] | Should -Be '14'
        $results[-1].Command | Should -Be '(secret)'
        $verbose | Should -BeLike '*(secret not shown)*'
        $verbose | Should -Not -BeLike '*Hidden-Word-77*'
    }

    It 'times out an expect that never matches, after the results before it, naming the pattern and what came' {
        $results = Invoke-SshShell -Session $session -Step $prompt, @{ Send = 'echo tail-$((2*3))' }, @{ Expect = 'never-printed'; Timeout = 1 } `
            -ErrorAction SilentlyContinue -ErrorVariable failures

        $results | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failures[0].Exception.Message | Should -BeLike "*'never-printed'*"
        $failures[0].Exception.Message | Should -BeLike '*tail-6*'
    }

    It 'refuses a malformed step: <Message>' -ForEach @(
        @{ Step = @(@{ Expect = 'x' }, @{ Sned = 'ls' }); Message = "Step 2: 'Sned' is not a key" }
        @{ Step = @(@{ Send = 'ls'; Expect = 'x' }); Message = 'Step 1: A step has exactly one of Send, SendSecret or Expect' }
        @{ Step = @(@{ SendSecret = 'plain' }); Message = 'Step 1: SendSecret takes a PSCredential' }
        @{ Step = @(@{ Expect = '(' }); Message = "Step 1: '(' is not a valid regular expression" }
        @{ Step = @(@{ Expect = 'x'; Timeout = 0 }); Message = 'Step 1: Timeout is more than 0' }
        @{ Step = @(@{ Send = 'ls'; Timeout = 3 }); Message = 'Step 1: Timeout belongs to an Expect step' }
        @{ Step = @('ls'); Message = 'Step 1: String is not a step' }
    ) {
        { Invoke-SshShell -Session $session -Step $Step } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*' -ExpectedMessage "*$Message*"
    }
}

Describe 'SSH tunnels' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted

        # An echo service on this machine (tests/peers/tcp_echo.py): it prints "PORT <n>" when it listens.
        $echoOutput = Join-Path $TestDrive 'tcp_echo.out'
        $echo = Start-Process python3 -ArgumentList '-u', (Join-Path $PSScriptRoot '..' 'peers' 'tcp_echo.py') -RedirectStandardOutput $echoOutput -PassThru
        foreach ($i in 1..100) {
            if ((Get-Content $echoOutput -TotalCount 1 -ErrorAction Ignore) -match '^PORT (\d+)$') { break }
            Start-Sleep -Milliseconds 100
        }
        $echoPort = [int]$Matches[1]
    }

    AfterAll {
        Disconnect-SshSession $session
        $echo | Stop-Process
    }

    It 'carries a local port to a service the server reaches, until removed' {
        $tunnel = $session | New-SshTunnel -RemoteHost 127.0.0.1 -RemotePort $echoPort
        $reply = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort 'ping|' -Delimiter '|' -FrameCount 1
        Remove-SshTunnel $tunnel

        $tunnel | Should -BeOfType [NetFoundations.Core.Ssh.SshTunnel]
        $tunnel.Kind | Should -Be 'Local'
        $tunnel.ComputerName | Should -Be '127.0.0.1'
        $tunnel.BoundHost | Should -Be '127.0.0.1'
        $tunnel.BoundPort | Should -BeGreaterThan 0
        $tunnel.DestinationPort | Should -Be $echoPort
        $reply.Messages | Should -Be 'ping'
        $tunnel.Connections | Should -Be 1
        $tunnel.IsStarted | Should -BeFalse
    }

    It 'lets the server reach a service on this machine' {
        $tunnel = New-SshTunnel -Session $session -Remote -LocalPort $echoPort
        $reply = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort 'pong|' -Delimiter '|' -FrameCount 1
        Remove-SshTunnel $tunnel

        $tunnel.Kind | Should -Be 'Remote'
        $tunnel.BoundHost | Should -Be '127.0.0.1'
        $tunnel.BoundPort | Should -BeGreaterThan 0
        $tunnel.DestinationPort | Should -Be $echoPort
        $reply.Messages | Should -Be 'pong'
        $tunnel.Connections | Should -Be 1
        $tunnel.IsStarted | Should -BeFalse
    }

    It 'lists the tunnels of a session until they are removed' {
        $null = New-SshTunnel -Session $session -Dynamic
        $null = New-SshTunnel -Session $session -RemoteHost 127.0.0.1 -RemotePort $echoPort

        $listed = Get-SshTunnel $session
        $verbose = $listed | Remove-SshTunnel -Verbose 4>&1

        $listed | Should -HaveCount 2
        $listed.Kind | Should -Contain 'Dynamic'
        @($verbose.Message -like '*tunnel stopped*') | Should -HaveCount 2
        Get-SshTunnel $session | Should -BeNullOrEmpty
    }

    It 'starts nothing under -WhatIf' {
        New-SshTunnel -Session $session -Dynamic -WhatIf

        Get-SshTunnel $session | Should -BeNullOrEmpty
    }

    It 'stops the tunnels of a session when it disconnects' {
        $other = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
        $tunnel = $other | New-SshTunnel -Dynamic
        $tunnel.IsStarted | Should -BeTrue

        Disconnect-SshSession $other

        $tunnel.IsStarted | Should -BeFalse
        Get-SshTunnel $other | Should -BeNullOrEmpty
        (Test-TcpPort -ComputerName 127.0.0.1 -Port $tunnel.BoundPort).FailureKind | Should -Be 'Refused'
    }

    It 'refuses a local port that is already in use' {
        $failure = { New-SshTunnel -Session $session -RemoteHost 127.0.0.1 -RemotePort 22 -LocalPort $echoPort -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*in use*' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'

        $first = New-SshTunnel -Session $session -Dynamic
        { New-SshTunnel -Session $session -Dynamic -LocalPort $first.BoundPort -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*in use*'
        Remove-SshTunnel $first
    }

    It 'reports a port the server refuses as a remote error' {
        { New-SshTunnel -Session $session -Remote -RemotePort 1 -LocalPort $echoPort -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
    }

    It 'removes a tunnel and disconnects within -TimeoutSeconds when the server hangs' {
        # Stopping a remote tunnel waits for the server's answer, which a hung server never sends.
        $hung = foreach ($i in 1..2) {
            $before = Get-ChildProcess $sshd.Id
            $hungSession = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $trusted
            $connection = Get-ChildProcess $sshd.Id | Where-Object { $_ -notin $before }
            $connection | Should -HaveCount 1
            @{ Session = $hungSession; Tunnel = New-SshTunnel -Session $hungSession -Remote -LocalPort $echoPort; Tree = Get-ProcessTree $connection }
        }
        $tree = $hung.Tree
        kill -STOP @tree
        try {
            $removing = [Diagnostics.Stopwatch]::StartNew()
            Remove-SshTunnel $hung[0].Tunnel -TimeoutSeconds 0.5 -ErrorAction SilentlyContinue -ErrorVariable removeFailed
            $removing.Stop()
            $disconnecting = [Diagnostics.Stopwatch]::StartNew()
            Disconnect-SshSession $hung[1].Session -TimeoutSeconds 0.5 -ErrorAction SilentlyContinue -ErrorVariable disconnectFailed
            $disconnecting.Stop()
        }
        finally {
            kill -CONT @tree
            Disconnect-SshSession $hung[0].Session
        }

        # The timeout, then at most the 2 s every cmdlet gives work that does not end when cancelled.
        $removing.Elapsed.TotalSeconds | Should -BeLessThan 3.5
        $disconnecting.Elapsed.TotalSeconds | Should -BeLessThan 3.5
        $removeFailed.FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $disconnectFailed.FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $hung.Tunnel.IsStarted | Should -Be $false, $false
        $hung[1].Session.IsConnected | Should -BeFalse
        Get-SshTunnel $hung[1].Session | Should -BeNullOrEmpty
    }

    It 'says a tunnel removed twice is already removed' {
        $tunnel = New-SshTunnel -Session $session -Dynamic
        Remove-SshTunnel $tunnel

        $failure = { Remove-SshTunnel $tunnel -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*already removed*' -PassThru
        $failure.TargetObject | Should -BeOfType [NetFoundations.Core.Ssh.SshTunnel]
        Get-SshTunnel $session | Should -BeNullOrEmpty
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know; sshd listens on
    # 127.0.0.1 only, so the A record's address connects and the AAAA record's ::1 is refused. The host key is
    # known by the record's name.
    BeforeAll {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
        $key = Get-SshHostKey -ComputerName 127.0.0.1 -Port $port -KeyType ssh-ed25519
    }

    AfterAll {
        Stop-TestDnsServer $dns
    }

    It 'Get-SshHostKey scans the A record''s address and is refused at the AAAA record''s' {
        $found = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server | Get-SshHostKey -Port $port -KeyType ssh-ed25519

        $found.ComputerName | Should -Be 'loop.example.test'
        $found.FingerprintSHA256 | Should -Be $key.FingerprintSHA256
        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server | Get-SshHostKey -Port $port -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }

    It 'Connect-SshSession and Invoke-SshCommand log in at the A record''s address and are refused at the AAAA record''s' {
        $session = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Connect-SshSession -Port $port -Credential $credential -HostKeyFingerprint $key.FingerprintSHA256
        try {
            $session.ComputerName | Should -Be 'loop.example.test'
        } finally {
            Disconnect-SshSession $session
        }
        $result = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Invoke-SshCommand -Port $port -Credential $credential -HostKeyFingerprint $key.FingerprintSHA256 -Command 'echo hi'
        $result.Output | Should -Be 'hi'

        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server |
            Connect-SshSession -Port $port -Credential $credential -HostKeyFingerprint $key.FingerprintSHA256 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}
