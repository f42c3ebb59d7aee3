# DNS checks a user would write, against the repository's BIND (tests/servers/dns) on loopback.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE

    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start()
    $script:port = $probe.LocalEndpoint.Port
    $probe.Stop()
    $script:workDir = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'nf-dns-pester-' + [Guid]::NewGuid().ToString('N'))
    $scripts = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', 'servers', 'dns'))
    $script:stopScript = [IO.Path]::Combine($scripts, 'stop.sh')
    $start = [Diagnostics.Process]::Start('bash', @([IO.Path]::Combine($scripts, 'start.sh'), "$port", $workDir))
    if (-not $start.WaitForExit(30000) -or $start.ExitCode -ne 0) { throw "The test DNS server (bind9) did not start on port $port." }
    $script:server = "127.0.0.1:$port"
}

AfterAll {
    $stop = [Diagnostics.Process]::Start('bash', @($stopScript, $workDir))
    [void]$stop.WaitForExit(10000)
    if ([IO.Directory]::Exists($workDir)) { [IO.Directory]::Delete($workDir, $true) }
}

Describe 'Resolve-DnsName2' {
    It 'finds the address of www' {
        $record = Resolve-DnsName2 www.example.test -Server $server
        $record.Address.ToString() | Should -Be '127.0.0.11'
        $record.Type.ToString() | Should -Be 'A'
    }

    It 'asks a server on IPv6 with a port' {
        (Resolve-DnsName2 www.example.test -Type AAAA -Server "[::1]:$port").Address | Should -Be ([Net.IPAddress]::IPv6Loopback)
    }

    It 'lists the mail exchangers with their preferences' {
        $mx = Resolve-DnsName2 example.test -Type MX -Server $server
        $mx | Should -HaveCount 3
        ($mx | Where-Object Preference -EQ 10).ComputerName | Should -Be 'mail1.example.test'
    }

    It 'gives SRV records a ComputerName and a Port' {
        $srv = Resolve-DnsName2 _imaps._tcp.example.test -Type SRV -Server $server
        $srv.Port | Should -Contain 993
        $srv.ComputerName | Should -Contain 'mail1.example.test'
    }

    It 'follows a CNAME chain and shows it' {
        $records = Resolve-DnsName2 alias.example.test -Server $server
        $records | Should -HaveCount 3
        $records[0].Type.ToString() | Should -Be 'CNAME'
        $records[2].Address.ToString() | Should -Be '127.0.0.11'
    }

    It 'resolves an address backwards' {
        (Resolve-DnsName2 127.0.0.21 -Server $server).NameHost | Should -Be 'mail1.example.test'
    }

    It 'reads a TXT record too long for UDP' {
        (Resolve-DnsName2 long.example.test -Type TXT -Server $server).Text.Length | Should -Be 1520
    }

    It 'has a CAA record that allows one CA' {
        $caa = Resolve-DnsName2 example.test -Type CAA -Server $server | Where-Object Tag -EQ 'issue'
        $caa.Value | Should -Be 'ca.example.net'
    }

    It 'reports <Name> as <ErrorId>' -ForEach @(
        @{ Name = 'nothere.example.test'; Type = 'A'; ErrorId = 'DnsNameNotFound' }
        @{ Name = 'www.example.test'; Type = 'MX'; ErrorId = 'DnsNoData' }
        @{ Name = 'www.broken.test'; Type = 'A'; ErrorId = 'DnsServerFailure' }
        @{ Name = 'example.com'; Type = 'A'; ErrorId = 'DnsQueryRefused' }
    ) {
        { Resolve-DnsName2 $Name -Type $Type -Server $server -Retries 0 -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'returns the whole NXDOMAIN response with -Response' {
        $response = Resolve-DnsName2 nothere.example.test -Server $server -Response
        $response.ResponseCode.ToString() | Should -Be 'NXDOMAIN'
        $response.IsAuthoritative | Should -BeTrue
        $response.Authorities[0].Type.ToString() | Should -Be 'SOA'
    }

    It 'times out on a server that never answers' {
        $silent = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
        try {
            { Resolve-DnsName2 www.example.test -Server "127.0.0.1:$($silent.Client.LocalEndPoint.Port)" -Timeout 0.2 -Retries 0 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OperationTimedOut,*'
        }
        finally { $silent.Dispose() }
    }

    It 'keeps the order of piped names' {
        $names = 1..50 | ForEach-Object { if ($_ % 2) { 'www.example.test' } else { 'example.test' } }
        $records = $names | Resolve-DnsName2 -Server $server
        ($records | ForEach-Object Name) -join ',' | Should -Be ($names -join ',')
    }

    It 'has help with examples' {
        $help = Get-Help Resolve-DnsName2
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 1
    }
}

Describe 'Resolve-MailExchange' {
    It 'lists the exchanges in preference order with their addresses' {
        $exchanges = Resolve-MailExchange example.test -Server $server
        ($exchanges | ForEach-Object Preference) -join ',' | Should -Be '10,20,30'
        $exchanges[0].Addresses | Should -Contain ([Net.IPAddress]::Parse('127.0.0.21'))
    }

    It 'follows an exchange that is a CNAME' {
        $alias = Resolve-MailExchange example.test -Server $server | Where-Object Exchange -EQ 'mailalias.example.test'
        $alias.CanonicalName | Should -Be 'mail3.example.test'
        $alias.Addresses[0].ToString() | Should -Be '127.0.0.23'
    }

    It 'falls back to the domain itself when there is no MX' {
        $exchange = Resolve-MailExchange nomx.example.test -Server $server
        $exchange.Kind.ToString() | Should -Be 'Implicit'
        $exchange.ComputerName | Should -Be 'nomx.example.test'
    }

    It 'says a null MX domain accepts no mail' {
        (Resolve-MailExchange nullmx.example.test -Server $server).AcceptsMail | Should -BeFalse
    }

    It 'reports a domain that does not exist' {
        { Resolve-MailExchange nothere.example.test -Server $server -ErrorAction Stop } | Should -Throw -ErrorId 'DnsNameNotFound,*'
    }
}

Describe 'Get-AddressInfo' {
    It 'finds localhost in the hosts file with the smtp port' {
        $entry = Get-AddressInfo localhost smtp -Family IPv4
        $entry.Address.ToString() | Should -Be '127.0.0.1'
        $entry.Port | Should -Be 25
        $entry.SocketType.ToString() | Should -Be 'Stream'
    }

    It 'says when a family has no address' {
        { Get-AddressInfo 127.0.0.1 -Family IPv6 -ErrorAction Stop } | Should -Throw -ErrorId 'NameResolutionFailed,*'
    }
}

Describe 'ConvertTo-PackedBytes and ConvertFrom-PackedBytes' {
    It 'packs a DNS header in network byte order' {
        $header = ConvertTo-PackedBytes '!HHHHHH' 0x1234, 0x0100, 1, 0, 0, 0
        $header | Should -HaveCount 12
        $header[0] | Should -Be 0x12
        $header[5] | Should -Be 1
    }

    It 'reads the fields back by name' {
        $header = ConvertTo-PackedBytes '!HHHHHH' 0x1234, 0x0100, 1, 0, 0, 0
        $fields = ConvertFrom-PackedBytes '!HHHHHH' $header -Name Id, Flags, Questions, Answers, Authorities, Additionals
        $fields.Id | Should -Be 0x1234
        $fields.Questions | Should -Be 1
    }

    It 'refuses a value that does not fit' {
        { ConvertTo-PackedBytes '!B' 256 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
    }

    It 'refuses bytes that are not valid text' {
        { ConvertFrom-PackedBytes '!2s' ([byte[]](0xC3, 0x28)) -Encoding utf-8 -ErrorAction Stop } | Should -Throw -ErrorId 'ProtocolViolation,*'
    }
}
