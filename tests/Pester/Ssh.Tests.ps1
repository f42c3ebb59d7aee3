# SSH checks a user would write: trust a host, run commands, move files over SFTP, tunnels, typed errors.
# The server is OpenSSH's sshd from tests/servers/ssh/start-sshd.sh on 127.0.0.1, in a temporary folder.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    $script = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'ssh', 'start-sshd.sh'))
    $folder = [IO.Directory]::CreateTempSubdirectory('nf-sshd-pester-').FullName
    $start = [Diagnostics.ProcessStartInfo]::new('bash')
    $start.ArgumentList.Add($script)
    $start.ArgumentList.Add($folder)
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $sshd = [Diagnostics.Process]::Start($start)
    $settings = @{}
    foreach ($i in 1..4) {
        $name, $value = $sshd.StandardOutput.ReadLine() -split '=', 2
        $settings[$name] = $value
    }
    foreach ($i in 1..20) {
        $line = $sshd.StandardError.ReadLine()
        if ($null -eq $line -or $line -match 'Server listening') { break }
    }
    $port = [int]$settings.PORT
    $credential = [pscredential]::new($settings.USER, [Net.NetworkCredential]::new('', $settings.PASSWORD).SecurePassword)
    $files = [IO.Path]::Combine($folder, 'files')
    $knownHosts = [IO.Path]::Combine($folder, 'known_hosts')
}

AfterAll {
    if (-not $sshd.HasExited) { $sshd.Kill($true) }
    $sshd.WaitForExit(10000) | Out-Null
    $sshd.Dispose()
    [IO.Directory]::Delete($folder, $true)
}

Describe 'Trusting an SSH host' {
    It 'refuses a host that is not in known_hosts and says how to trust it' {
        { Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyRejected,*' -ExpectedMessage '*Get-SshHostKey*'
    }

    It 'shows the host key before logging in, in the form known_hosts takes' {
        $key = Get-SshHostKey -ComputerName 127.0.0.1 -Port $port -KeyType ssh-ed25519

        $key.FingerprintSHA256 | Should -Match '^SHA256:[A-Za-z0-9+/]{43}$'
        $key.KnownHostsLine | Should -BeExactly ([IO.File]::ReadAllText([IO.Path]::Combine($folder, 'host_ed25519_key.pub')).Trim() -replace '^(\S+ \S+).*$', "[127.0.0.1]:$port `$1")
    }

    It 'records a new host under TrustOnFirstUse, then trusts it strictly' {
        $first = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
        Disconnect-SshSession $first
        $again = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts

        $again.IsConnected | Should -BeTrue
        $again.HostKey.FingerprintSHA256 | Should -Be $first.HostKey.FingerprintSHA256
        Disconnect-SshSession $again
    }

    It 'refuses a changed key, naming both fingerprints' {
        $changed = [IO.Path]::Combine($folder, 'changed_known_hosts')
        $alt = [IO.File]::ReadAllText([IO.Path]::Combine($folder, 'alt_host_key.pub')).Trim() -split ' '
        [IO.File]::WriteAllText($changed, "[127.0.0.1]:$port $($alt[0]) $($alt[1])`n")

        { Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $changed -TrustPolicy TrustOnFirstUse -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyRejected,*' -ExpectedMessage '*CHANGED*'
    }

    It 'refuses a wrong password' {
        $wrong = [pscredential]::new($credential.UserName, [Net.NetworkCredential]::new('', 'not-the-password').SecurePassword)
        { Connect-SshSession 127.0.0.1 -Port $port -Credential $wrong -TrustPolicy Insecure -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*'
    }
}

Describe 'Invoke-SshCommand' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
    }

    AfterAll {
        Disconnect-SshSession $session
    }

    It 'returns output, error and exit status as data' {
        $result = Invoke-SshCommand -Session $session -Command 'echo hello; echo oops >&2; exit 5'

        $result.Output | Should -BeExactly 'hello'
        $result.Error | Should -BeExactly 'oops'
        $result.ExitStatus | Should -Be 5
    }

    It 'runs several commands at once, one result each' {
        $results = Invoke-SshCommand -Session $session -Command 'echo a', 'echo b', 'echo c'

        $results | Should -HaveCount 3
        ($results | ForEach-Object Output) | Should -Contain 'b'
    }

    It 'times out a command that hangs' {
        { Invoke-SshCommand -Session $session -Command 'sleep 60' -Timeout 1 -ErrorAction Stop } | Should -Throw -ErrorId 'OperationTimedOut,*'
    }
}

Describe 'SFTP over SSH' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
        $local = [IO.Directory]::CreateTempSubdirectory('nf-sftp-pester-').FullName
    }

    AfterAll {
        Disconnect-SshSession $session
        [IO.Directory]::Delete($local, $true)
    }

    It 'uploads, lists, downloads and removes a file' {
        $source = [IO.Path]::Combine($local, 'report.txt')
        [IO.File]::WriteAllText($source, 'quarterly numbers')

        $upload = Send-SftpItem -Session $session -Path $source -Destination $files
        $listed = Get-SftpItem -Session $session -Path $files -Filter 'report*'
        $download = $listed | Receive-SftpItem -Destination ([IO.Path]::Combine($local, 'copy.txt'))
        $listed | Remove-SftpItem -Confirm:$false

        $upload.Length | Should -Be 17
        $listed.Name | Should -Be 'report.txt'
        [IO.File]::ReadAllText($download.LocalPath) | Should -BeExactly 'quarterly numbers'
        [IO.Path]::Combine($files, 'report.txt') | Should -Not -Exist
    }

    It 'reports a missing remote path as not found' {
        { Get-SftpItem -Session $session -Path '/no/such/path' -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,*'
    }
}

Describe 'Invoke-SshShell' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
        $prompt = @{ Expect = '\$ $' }
    }

    AfterAll {
        Disconnect-SshSession $session
    }

    It 'runs commands in the shell and returns what each printed' {
        $results = $session | Invoke-SshShell -Step $prompt, @{ Send = 'echo hello-$((6*7))' }, $prompt, @{ Send = 'echo $TERM' }, $prompt

        $results | Should -HaveCount 3
        $results[1].Output | Should -BeExactly 'hello-42'
        $results[1].Command | Should -BeExactly 'echo hello-$((6*7))'
        $results[2].Output | Should -BeExactly 'dumb'
    }

    It 'captures named groups of the match' {
        $results = Invoke-SshShell -Session $session -Step $prompt, @{ Send = 'echo v=$((40+2))' }, @{ Expect = 'v=(?<v>\d+)' }

        $results[1].Groups.v | Should -Be '42'
    }

    It 'times out an expect that never matches, naming the pattern' {
        { Invoke-SshShell -Session $session -Step $prompt, @{ Expect = 'never-printed'; Timeout = 1 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*' -ExpectedMessage "*'never-printed'*"
    }

    It 'refuses a step with an unknown key' {
        { Invoke-SshShell -Session $session -Step @{ Sned = 'ls' } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }
}

Describe 'SSH tunnels' {
    BeforeAll {
        $session = Connect-SshSession 127.0.0.1 -Port $port -Credential $credential -KnownHostsPath $knownHosts -TrustPolicy TrustOnFirstUse
        $peer = [Diagnostics.ProcessStartInfo]::new('python3')
        $peer.ArgumentList.Add('-u')
        $peer.ArgumentList.Add([IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'peers', 'tcp_echo.py')))
        $peer.UseShellExecute = $false
        $peer.RedirectStandardOutput = $true
        $echo = [Diagnostics.Process]::Start($peer)
        $echoPort = [int]($echo.StandardOutput.ReadLine() -replace '^PORT ', '')
    }

    AfterAll {
        Disconnect-SshSession $session
        if (-not $echo.HasExited) { $echo.Kill($true) }
        $echo.WaitForExit(5000) | Out-Null
        $echo.Dispose()
    }

    It 'carries a local port to a service the server reaches, until removed' {
        $tunnel = $session | New-SshTunnel -RemoteHost 127.0.0.1 -RemotePort $echoPort
        $reply = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort 'ping|' -Delimiter '|' -FrameCount 1
        Remove-SshTunnel $tunnel

        $tunnel.Kind | Should -Be 'Local'
        $reply.Messages | Should -Be 'ping'
        $tunnel.Connections | Should -Be 1
        $tunnel.IsStarted | Should -BeFalse
    }

    It 'lets the server reach a service on this machine' {
        $tunnel = New-SshTunnel -Session $session -Remote -LocalPort $echoPort
        $reply = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort 'pong|' -Delimiter '|' -FrameCount 1
        Remove-SshTunnel $tunnel

        $tunnel.Kind | Should -Be 'Remote'
        $tunnel.BoundPort | Should -BeGreaterThan 0
        $reply.Messages | Should -Be 'pong'
    }

    It 'lists the tunnels of a session until they are removed' {
        $null = New-SshTunnel -Session $session -Dynamic
        $null = New-SshTunnel -Session $session -RemoteHost 127.0.0.1 -RemotePort $echoPort

        $listed = Get-SshTunnel $session
        $listed | Should -HaveCount 2
        $listed.Kind | Should -Contain 'Dynamic'
        $listed | Remove-SshTunnel
        Get-SshTunnel $session | Should -BeNullOrEmpty
    }

    It 'refuses a local port that is already in use' {
        $first = New-SshTunnel -Session $session -Dynamic

        { New-SshTunnel -Session $session -Dynamic -LocalPort $first.BoundPort -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*in use*'
        Remove-SshTunnel $first
    }

    It 'reports a port the server refuses as a remote error' {
        { New-SshTunnel -Session $session -Remote -RemotePort 1 -LocalPort $echoPort -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
    }

    It 'says a tunnel removed twice is already removed' {
        $tunnel = New-SshTunnel -Session $session -Dynamic
        Remove-SshTunnel $tunnel

        { Remove-SshTunnel $tunnel -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*' -ExpectedMessage '*already removed*'
    }
}
