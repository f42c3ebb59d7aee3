# Telnet checks a user would write: log in, run a command, script a shell session, see the negotiation, typed errors.
# The server is Debian's telnetd under socat, started from the repository's tests/servers/telnet/start-telnetd.sh.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE

    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
    $telnetd = Start-TestTelnetd (Join-Path $TestDrive 'telnetd')
    $port = $telnetd.Port
    $credential = $telnetd.Credential
    $password = $credential.GetNetworkCredential().Password
}

AfterAll {
    Stop-TestTelnetd $telnetd
}

Describe 'Invoke-TelnetCommand' {
    It 'logs in and returns what the command printed' {
        $result = Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'echo hello-$((6*7))'

        $result | Should -BeOfType [NetFoundations.Core.Telnet.TelnetCommandResult]
        $result.Output | Should -BeExactly 'hello-42'
        $result.ComputerName | Should -Be '127.0.0.1'
    }

    It 'answers the server''s terminal type question with <_>' -ForEach 'vt100', 'vt220' {
        $result = Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'echo $TERM' -TerminalType $_

        $result.Output | Should -BeExactly $_
    }

    It 'shows the option negotiation under -Verbose, never the password' {
        $verbose = Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'true' -TerminalType vt220 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message

        $verbose -join "`n" | Should -BeLike '*-> IAC SB TTYPE IS vt220 IAC SE*'
        $verbose -join "`n" | Should -Not -BeLike "*$password*"
    }

    It 'refuses a wrong password' {
        $wrong = [pscredential]::new($credential.UserName, (ConvertTo-SecureString 'not-it' -AsPlainText -Force))

        { Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $wrong -Command 'true' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,*'
    }

    It 'times out when a prompt never comes' {
        { Invoke-TelnetCommand 127.0.0.1 -Port $port -Credential $credential -Command 'true' -LoginPrompt 'never-printed' -TimeoutSeconds 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }
}

Describe 'Invoke-TelnetShell' {
    BeforeAll {
        # The test user's shell prompts with "$ ".
        $prompt = @{ Expect = '\$ $' }
    }

    It 'logs in, then returns the output of each command before a prompt' {
        $results = Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $credential -Step @(
            @{ Send = 'echo hello-$((6*7))' }, $prompt, @{ Send = 'echo $TERM' }, $prompt)

        $results | Should -BeOfType [NetFoundations.Core.Expect.ExpectResult]
        $results.Output | Should -BeExactly 'hello-42', 'dumb'
    }

    It 'lets the steps answer the login prompts, keeping the password out of the transcript and the verbose view' {
        $transcript = Join-Path $TestDrive 'telnet-shell.log'
        $output = Invoke-TelnetShell 127.0.0.1 -Port $port -TranscriptPath $transcript -Verbose -Step @(
            @{ Expect = 'login:\s*$' }, @{ Send = $credential.UserName }, @{ Expect = 'Password:\s*$' }, @{ SendSecret = $credential }
            $prompt, @{ Send = 'id -un' }, $prompt) 4>&1
        $results = $output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = ($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"

        $results[-1].Output | Should -BeExactly $credential.UserName
        $transcript | Should -FileContentMatch 'IAC DO TTYPE'
        $transcript | Should -Not -FileContentMatch ([regex]::Escape($password))
        $verbose | Should -BeLike '*<- IAC DO TTYPE*'
        $verbose | Should -BeLike '*(secret not shown)*'
        $verbose | Should -Not -BeLike "*$password*"
    }

    It 'reports the server closing during an expect as a lost connection, naming what it waited for' {
        $results = Invoke-TelnetShell 127.0.0.1 -Port $port -Credential $credential -Step @{ Send = 'exit' }, @{ Expect = 'never-printed' } `
            -ErrorAction SilentlyContinue -ErrorVariable failures

        $results | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionLost,*'
        $failures[0].Exception.Message | Should -BeLike "*'never-printed'*"
    }
}

Describe 'Records piped in connect to the address they carry' {
    # The names come from the repository's DNS server, which the system's resolver does not know; telnetd listens on
    # 127.0.0.1 only, so the A record's address connects and the AAAA record's ::1 is refused.
    BeforeAll {
        $dns = Start-TestDnsServer (Join-Path $TestDrive 'bind')
    }

    AfterAll {
        Stop-TestDnsServer $dns
    }

    It 'Invoke-TelnetCommand logs in at the A record''s address and is refused at the AAAA record''s' {
        $result = Resolve-DnsName2 loop.example.test -Type A -Server $dns.Server |
            Invoke-TelnetCommand -Port $port -Credential $credential -Command 'echo hello-$((6*7))'

        $result.Output | Should -BeExactly 'hello-42'
        $result.ComputerName | Should -Be 'loop.example.test'
        { Resolve-DnsName2 loop.example.test -Type AAAA -Server $dns.Server |
            Invoke-TelnetCommand -Port $port -Credential $credential -Command 'true' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}
