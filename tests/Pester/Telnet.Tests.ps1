# Telnet checks a user would write: log in, run a command, see the negotiation, typed errors.
# The server is Debian's telnetd under socat from tests/servers/telnet/start-telnetd.sh on 127.0.0.1.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE
    $start = [Diagnostics.ProcessStartInfo]::new('bash')
    $start.ArgumentList.Add([IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'telnet', 'start-telnetd.sh')))
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $telnetd = [Diagnostics.Process]::Start($start)
    $settings = @{}
    foreach ($i in 1..3) {
        $name, $value = $telnetd.StandardOutput.ReadLine() -split '=', 2
        $settings[$name] = $value
    }
    $port = [int]$settings.PORT
    foreach ($i in 1..100) {
        $probe = [Net.Sockets.TcpClient]::new()
        try { $probe.Connect('127.0.0.1', $port); break } catch { [Threading.Thread]::Sleep(100) } finally { $probe.Dispose() }
    }
    $credential = [pscredential]::new($settings.USER, [Net.NetworkCredential]::new('', $settings.PASSWORD).SecurePassword)
}

AfterAll {
    if (-not $telnetd.HasExited) { $telnetd.Kill($true) }
    $telnetd.Dispose()
}

Describe 'Invoke-TelnetCommand' {
    It 'logs in and returns what the command printed' {
        $result = Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'echo hello-$((6*7))'

        $result.Output | Should -BeExactly 'hello-42'
        $result.ComputerName | Should -Be '127.0.0.1'
    }

    It 'answers the terminal type question with -TerminalType' {
        $result = Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'echo $TERM' -TerminalType vt100

        $result.Output | Should -BeExactly 'vt100'
    }

    It 'refuses a wrong password' {
        $wrong = [pscredential]::new($credential.UserName, [Net.NetworkCredential]::new('', 'not-it').SecurePassword)
        { Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $wrong -Command 'true' -ErrorAction Stop } | Should -Throw -ErrorId 'AuthenticationFailed,*'
    }

    It 'times out when a prompt never comes' {
        { Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'true' -LoginPrompt 'never-printed' -Timeout 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }
}

Describe 'Invoke-TelnetShell' {
    It 'logs in, then returns the output of each command before a prompt' {
        $results = Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $credential -Step @{ Send = 'echo hello-$((6*7))' }, @{ Expect = '\$ $' }

        $results.Output | Should -BeExactly 'hello-42'
    }

    It 'lets the steps answer the login prompts, sending the password as a secret' {
        $transcript = [IO.Path]::Combine([IO.Path]::GetTempPath(), "nf-telnet-shell-$([Guid]::NewGuid()).log")
        $results = Invoke-TelnetShell 127.0.0.1 -Port $port -TranscriptPath $transcript -Step @(
            @{ Expect = 'login:\s*$' }, @{ Send = $credential.UserName }, @{ Expect = 'Password:\s*$' }, @{ SendSecret = $credential }
            @{ Expect = '\$ $' }, @{ Send = 'id -un' }, @{ Expect = '\$ $' })

        $results[-1].Output | Should -BeExactly $credential.UserName
        $log = [IO.File]::ReadAllText($transcript)
        $log | Should -Match 'IAC DO TTYPE'
        $log.Contains($credential.GetNetworkCredential().Password) | Should -BeFalse
        [IO.File]::Delete($transcript)
    }

    It 'reports the server closing during an expect as a lost connection' {
        { Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $credential -Step @{ Send = 'exit' }, @{ Expect = 'never-printed' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionLost,*'
    }
}
