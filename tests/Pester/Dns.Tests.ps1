# DNS checks a user would write: does a name resolve to the right address, do the mail exchangers and services
# point where they should, does a broken zone fail the way it should. The server here is the repository's BIND
# (tests/servers/dns, zones example.test and broken.test) on loopback; in your own checks name your server with
# -Server, or leave it out to ask the system's.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $port = Get-UnusedPort
    $dnsFolder = Join-Path $TestDrive 'bind'
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'dns' 'start.sh') $port, $dnsFolder -TimeoutSeconds 30
    $server = "127.0.0.1:$port"
    $server6 = "[::1]:$port"
}

AfterAll {
    Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'dns' 'stop.sh') $dnsFolder -TimeoutSeconds 10
}

Describe 'Resolve-DnsName2' {
    It 'finds the address of www' {
        $record = Resolve-DnsName2 www.example.test -Server $server

        $record | Should -HaveCount 1
        $record | Should -BeOfType [NetFoundations.Core.Dns.DnsARecord]
        $record | Should -BeOfType [NetFoundations.Core.Dns.DnsRecord]
        $record.Type | Should -Be 'A'
        $record.Address | Should -Be ([ipaddress]'127.0.0.11')
        $record.ComputerName | Should -Be 'www.example.test'
        $record.TTL | Should -Be 300
        $record.Section | Should -Be 'Answer'
        $record.Server | Should -Be $server   # which server answered
    }

    It 'asks a server on IPv6 with a port' {
        (Resolve-DnsName2 www.example.test -Type AAAA -Server $server6).Address | Should -Be ([ipaddress]::IPv6Loopback)
    }

    It 'takes names from the pipeline, as text or as the Name of an object' {
        $byValue = 'www.example.test', 'example.test' | Resolve-DnsName2 -Server $server
        $byName = [pscustomobject]@{ Name = 'mail1.example.test' } | Resolve-DnsName2 -Type AAAA -Server $server6

        $byValue.Name | Should -Be 'www.example.test', 'example.test'
        $byName.Name | Should -Be 'mail1.example.test'
        $byName.Address | Should -Be ([ipaddress]::IPv6Loopback)
    }

    It 'lists the mail exchangers with their preferences' {
        $mx = Resolve-DnsName2 example.test -Type MX -Server $server

        $mx | Should -HaveCount 3
        ($mx | Sort-Object Preference).ComputerName | Should -Be 'mail1.example.test', 'mail2.example.test', 'mailalias.example.test'
        ($mx | Where-Object Preference -EQ 10).ComputerName | Should -Be 'mail1.example.test'
    }

    It 'gives SRV records a ComputerName and a Port' {
        $srv = Resolve-DnsName2 _imaps._tcp.example.test -Type SRV -Server $server | Sort-Object Priority

        $srv[0].Port | Should -Be 993
        $srv[0].ComputerName | Should -Be 'mail1.example.test'
    }

    It 'pipes records into a command that takes ComputerName and Port' {
        # Any command with ComputerName and Port parameters that take pipeline input by property name.
        function Test-Target {
            param(
                [Parameter(ValueFromPipelineByPropertyName)] [string] $ComputerName,
                [Parameter(ValueFromPipelineByPropertyName)] [int] $Port = 25
            )
            process { "${ComputerName}:$Port" }
        }

        $srvTargets = Resolve-DnsName2 _imaps._tcp.example.test -Type SRV -Server $server | Test-Target
        $mxTargets = Resolve-DnsName2 example.test -Type MX -Server $server | Test-Target -Port 25

        $srvTargets | Should -Contain 'mail1.example.test:993'
        $srvTargets | Should -Contain 'mail2.example.test:10993'
        $mxTargets | Should -Contain 'mailalias.example.test:25'
    }

    It 'follows a CNAME chain and shows it' {
        $records = Resolve-DnsName2 alias.example.test -Server $server

        $records.Type | Should -Be 'CNAME', 'CNAME', 'A'
        $records[1].NameHost | Should -Be 'www.example.test'
        $records[2].Address | Should -Be ([ipaddress]'127.0.0.11')
    }

    It 'resolves an address backwards' {
        $record = Resolve-DnsName2 127.0.0.21 -Server $server

        $record.Type | Should -Be 'PTR'
        $record.NameHost | Should -Be 'mail1.example.test'
    }

    It 'reads a TXT record too long for UDP, and the same over TCP only' {
        $overUdp = Resolve-DnsName2 long.example.test -Type TXT -Server $server
        $overTcp = Resolve-DnsName2 long.example.test -Type TXT -Server $server -TcpOnly

        $overUdp.Text.Length | Should -Be 1520
        $overTcp.Text | Should -BeExactly $overUdp.Text
    }

    It 'has a CAA record that allows one CA' {
        $caa = Resolve-DnsName2 example.test -Type CAA -Server $server | Where-Object Tag -EQ 'issue'

        $caa.Value | Should -Be 'ca.example.net'
    }

    It 'reports <Name> (<Type>) as <ErrorId> and goes on to the next name' -ForEach @(
        @{ Name = 'nothere.example.test'; Type = 'A'; ErrorId = 'DnsNameNotFound'; Code = 'NXDOMAIN' }
        @{ Name = 'www.example.test'; Type = 'MX'; ErrorId = 'DnsNoData'; Code = 'NODATA' }
        @{ Name = 'www.broken.test'; Type = 'A'; ErrorId = 'DnsServerFailure'; Code = 'SERVFAIL' }
        @{ Name = 'example.com'; Type = 'A'; ErrorId = 'DnsQueryRefused'; Code = 'REFUSED' }
    ) {
        $records = $Name, 'example.test' | Resolve-DnsName2 -Type $Type -Server $server -Retries 0 -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failures[0].TargetObject | Should -Be $Name
        $failures[0].Exception.ResponseCode | Should -Be $Code
        $records.Name | Should -Contain 'example.test'
        { Resolve-DnsName2 $Name -Type $Type -Server $server -Retries 0 -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'returns the whole NXDOMAIN response with -Response' {
        $response = Resolve-DnsName2 nothere.example.test -Server $server -Response -NoRecursion

        $response | Should -BeOfType [NetFoundations.Core.Dns.DnsResponse]
        $response.ResponseCode | Should -Be 'NXDOMAIN'
        $response.IsAuthoritative | Should -BeTrue
        $response.Flags | Should -Be 'qr aa'
        $response.MessageSize | Should -BeGreaterThan 12
        $response.Authorities[0].Type | Should -Be 'SOA'
    }

    It 'times out on a server that never answers' {
        $silent = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
        try {
            { Resolve-DnsName2 www.example.test -Server "127.0.0.1:$($silent.Client.LocalEndPoint.Port)" -TimeoutSeconds 0.2 -Retries 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OperationTimedOut,*'
        } finally {
            $silent.Dispose()
        }
    }

    It 'gives up on each name after -TotalTimeoutSeconds, however many tries -TimeoutSeconds and -Retries allow' {
        $silent = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $records = 'www.example.test', 'mail1.example.test' |
                Resolve-DnsName2 -Server "127.0.0.1:$($silent.Client.LocalEndPoint.Port)" -TimeoutSeconds 5 -Retries 3 -TotalTimeoutSeconds 1 -ErrorVariable failures -ErrorAction SilentlyContinue

            $records | Should -BeNullOrEmpty
            $failures.FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
            $failures.Count | Should -Be 2
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 4   # 1 s each, at once, and the grace; without it 40 s
        } finally {
            $silent.Dispose()
        }
    }

    It 'keeps the order of many piped names' {
        $names = 1..300 | ForEach-Object { if ($_ % 2) { 'www.example.test' } else { 'mail2.example.test' } }

        $records = $names | Resolve-DnsName2 -Server $server -ThrottleLimit 32

        $records.Name | Should -Be $names
    }

    It 'shows how many of the piped names are answered, throttled' {
        $progress = Get-ProgressRecord {
            param($Server)
            & { foreach ($i in 1..10) { 'www.example.test'; Start-Sleep -Milliseconds 100 } } | Resolve-DnsName2 -Server $Server
        } @{ Server = $server }

        # A record each 250 ms at most, not one per name: a second of input gives a few.
        $progress.Count | Should -BeLessThan 10
        $progress | Where-Object StatusDescription -Match '^\d+ of \d+ names answered$' | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'writes records while names still come in' {
        # Twenty names 20 ms apart, then 1.5 s without input before the last one.
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $times = & {
            foreach ($i in 1..20) { 'www.example.test'; Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 1500
            'mail1.example.test'
        } | Resolve-DnsName2 -Server $server | ForEach-Object { $clock.ElapsedMilliseconds }

        $times | Should -HaveCount 21
        $times[0] | Should -BeLessThan ($times[20] - 1000)
    }

    It 'rejects <Case>' -ForEach @(
        @{ Case = 'a port out of range'; Arguments = @{ Server = 'host:99999' }; ErrorId = 'InvalidArgument' }
        @{ Case = 'an empty server'; Arguments = @{ Server = '' }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Case = 'an unknown type'; Arguments = @{ Type = 'NOPE' }; ErrorId = 'CannotConvertArgumentNoMessage' }
        @{ Case = 'more than 10 retries'; Arguments = @{ Retries = 11 }; ErrorId = 'ParameterArgumentValidationError' }
    ) {
        { Resolve-DnsName2 www.example.test @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'completes -Type from the record types it knows' {
        $line = 'Resolve-DnsName2 x -Type CA'

        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'CAA'
    }

    It 'shows the question and the answer under -Verbose' {
        $verbose = Resolve-DnsName2 www.example.test -Server $server -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $shown = $verbose -join "`n"
        $shown | Should -Match ([regex]::Escape("www.example.test IN A to $server"))
        $shown | Should -Match 'NOERROR'
    }
}

Describe 'Resolve-MailExchange' {
    It 'lists the exchanges in preference order with their addresses and port' {
        $exchanges = Resolve-MailExchange example.test -Server $server

        $exchanges | Should -BeOfType [NetFoundations.Core.Dns.MailExchange]
        $exchanges.Preference | Should -Be 10, 20, 30
        $exchanges.ComputerName | Should -Be 'mail1.example.test', 'mail2.example.test', 'mailalias.example.test'
        $exchanges[0].Addresses | Should -Contain ([ipaddress]'127.0.0.21')
        $exchanges[2].Addresses | Should -Contain ([ipaddress]'127.0.0.23')
        $exchanges[0].Port | Should -Be 25
    }

    It 'follows an exchange that is a CNAME' {
        $alias = Resolve-MailExchange example.test -Server $server | Where-Object Exchange -EQ 'mailalias.example.test'

        $alias.CanonicalName | Should -Be 'mail3.example.test'
        $alias.Addresses[0] | Should -Be ([ipaddress]'127.0.0.23')
    }

    It 'falls back to the domain itself when there is no MX, and says a null MX domain accepts no mail' {
        $implicit, $nullMx = 'nomx.example.test', 'nullmx.example.test' | Resolve-MailExchange -Server $server

        $implicit.Kind | Should -Be 'Implicit'
        $implicit.ComputerName | Should -Be 'nomx.example.test'
        $implicit.AcceptsMail | Should -BeTrue
        $nullMx.Kind | Should -Be 'NullMx'
        $nullMx.AcceptsMail | Should -BeFalse
    }

    It 'gives up on a domain after -TotalTimeoutSeconds' {
        $silent = [Net.Sockets.UdpClient]::new([Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            { Resolve-MailExchange example.test -Server "127.0.0.1:$($silent.Client.LocalEndPoint.Port)" -TimeoutSeconds 5 -TotalTimeoutSeconds 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'OperationTimedOut,*'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
        } finally {
            $silent.Dispose()
        }
    }

    It 'reports a domain that does not exist and goes on to the next' {
        $exchanges = 'nothere.example.test', 'nomx.example.test' | Resolve-MailExchange -Server $server -ErrorVariable failures -ErrorAction SilentlyContinue

        $exchanges | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DnsNameNotFound,*'
        $failures[0].TargetObject | Should -Be 'nothere.example.test'
    }
}

Describe 'Get-AddressInfo' {
    # The system's resolver (getaddrinfo) on names that never leave the machine: the hosts file and literals.
    # Every answer is checked against what the same call gives other programs: Python's socket.getaddrinfo
    # (tests/peers/addrinfo.py, same hints) and getent ahosts.
    BeforeAll {
        function Get-PythonAddressInfo([string] $Name, [string] $Service = '', [string] $Family = '', [string] $SocketType = '') {
            /usr/bin/python3 (Join-Path $PSScriptRoot '..' 'peers' 'addrinfo.py') $Name $Service $Family $SocketType | ConvertFrom-Json
        }

        # getent ahosts prints one line per entry: address, socket type, and the canonical name on the first.
        function Get-GetentAddressInfo([string] $Name) {
            getent ahosts $Name | ForEach-Object {
                $address, $type, $null = -split $_
                "$address $(@{ STREAM = 'Stream'; DGRAM = 'Dgram'; RAW = 'Raw' }[$type])"
            }
        }

        function Format-Entry($Entry) {
            "$($Entry.Family) $($Entry.SocketType) $([int][System.Net.Sockets.ProtocolType]$Entry.Protocol) $($Entry.Address) $($Entry.Port) $($Entry.CanonicalName)"
        }
    }

    It 'finds localhost in the hosts file with the smtp port' {
        $entry = Get-AddressInfo localhost smtp -Family IPv4

        $entry | Should -HaveCount 1
        $entry | Should -BeOfType [NetFoundations.Core.Dns.AddressInfo]
        $entry.Address | Should -Be ([ipaddress]::Loopback)
        $entry.Port | Should -Be 25
        $entry.SocketType | Should -Be 'Stream'
        $entry.CanonicalName | Should -Be 'localhost'
    }

    It 'gives what getaddrinfo gives Python and getent ahosts for <Case>' -ForEach @(
        @{ Case = 'localhost'; Name = 'localhost' }
        @{ Case = "the host's own name"; Name = (hostname) }
        @{ Case = 'an IPv4 literal'; Name = '127.0.0.1' }
        @{ Case = 'an IPv6 literal'; Name = '::1' }
    ) {
        $entries = Get-AddressInfo $Name

        $python = Get-PythonAddressInfo $Name
        $python.entries | Should -Not -BeNullOrEmpty
        $entries | ForEach-Object { Format-Entry $_ } | Should -Be ($python.entries | ForEach-Object { Format-Entry $_ })
        $entries | ForEach-Object { "$($_.Address) $($_.SocketType)" } | Should -Be (Get-GetentAddressInfo $Name)
    }

    It 'gives what Python gets with a service, a family and a socket type for <Name> <Service>' -ForEach @(
        @{ Name = 'localhost'; Service = 'domain'; Family = 'IPv4'; SocketType = 'Dgram' }
        @{ Name = '::1'; Service = '8080'; Family = 'IPv6'; SocketType = 'Stream' }
        @{ Name = '127.0.0.1'; Service = 'http'; Family = 'IPv4'; SocketType = '' }
    ) {
        $arguments = @{ ComputerName = $Name; Service = $Service; Family = $Family }
        if ($SocketType) { $arguments.SocketType = $SocketType }

        $entries = Get-AddressInfo @arguments

        $python = Get-PythonAddressInfo $Name $Service $Family $SocketType
        $entries | ForEach-Object { Format-Entry $_ } | Should -Be ($python.entries | ForEach-Object { Format-Entry $_ })
    }

    It "gives no address for the host's own name that the resolver does not give" {
        # .NET's Dns class adds every interface's address to the machine's own name; getaddrinfo does not.
        $name = hostname
        $resolver = getent ahosts $name | ForEach-Object { (-split $_)[0] } | Sort-Object -Unique

        $addresses = (Get-AddressInfo $name).ComputerName | Sort-Object -Unique

        $addresses | Should -Be $resolver
    }

    It 'takes names from the pipeline and keeps one socket type' {
        ('127.0.0.1', '::1' | Get-AddressInfo -Service 53 -SocketType Dgram).ComputerName | Should -Be '127.0.0.1', '::1'
    }

    It 'reports a name that cannot exist as NameResolutionFailed, where getaddrinfo says EAI_NONAME' {
        # Spaces are not allowed in host names: the resolver says no without asking any server.
        (Get-PythonAddressInfo 'no such host').error | Should -Be 'EAI_NONAME'
        getent ahosts 'no such host' | Should -BeNullOrEmpty

        { Get-AddressInfo 'no such host' -ErrorAction Stop } | Should -Throw -ErrorId 'NameResolutionFailed,*'
    }

    It 'reports <Case> as <ErrorId>, where getaddrinfo says <Code>' -ForEach @(
        @{ Case = 'an unknown service'; Arguments = @{ ComputerName = 'localhost'; Service = 'no-such-service' }; ErrorId = 'InvalidRequest'; Code = 'EAI_SERVICE' }
        @{ Case = 'a TCP-only service over UDP'; Arguments = @{ ComputerName = 'localhost'; Service = 'http'; SocketType = 'Dgram' }; ErrorId = 'InvalidRequest'; Code = 'EAI_SERVICE' }
        @{ Case = 'a family with no address'; Arguments = @{ ComputerName = '127.0.0.1'; Family = 'IPv6' }; ErrorId = 'NameResolutionFailed'; Code = 'EAI_ADDRFAMILY' }
    ) {
        $python = Get-PythonAddressInfo $Arguments.ComputerName $Arguments.Service $Arguments.Family $Arguments.SocketType
        $python.error | Should -Be $Code

        { Get-AddressInfo @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }

    It 'reports <Case> as <ErrorId>' -ForEach @(
        @{ Case = 'a port out of range'; Arguments = @{ ComputerName = 'localhost'; Service = '70000' }; ErrorId = 'InvalidArgument' }
        @{ Case = 'an unknown family'; Arguments = @{ ComputerName = 'localhost'; Family = 'IPv5' }; ErrorId = 'ParameterArgumentValidationError' }
    ) {
        { Get-AddressInfo @Arguments -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
    }
}

Describe 'ConvertTo-PackedBytes and ConvertFrom-PackedBytes' {
    It 'packs a DNS header in network byte order' {
        $header = ConvertTo-PackedBytes '!HHHHHH' 0x1234, 0x0100, 1, 0, 0, 0

        $header | Should -BeOfType [byte]
        $header | Should -Be 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0
    }

    It 'reads the fields back by name' {
        $header = ConvertTo-PackedBytes '!HHHHHH' 0x1234, 0x0100, 1, 0, 0, 0

        $fields = ConvertFrom-PackedBytes '!HHHHHH' $header -Name Id, Flags, Questions, Answers, Authorities, Additionals

        $fields.Id | Should -Be 0x1234
        $fields.Questions | Should -Be 1
    }

    It 'packs piped values into records and reads them back' {
        $bytes = 1..2 | ForEach-Object { $_; "name$_" } | ConvertTo-PackedBytes '<I8s' -Encoding ascii

        $records = $bytes | ConvertFrom-PackedBytes '<I8s' -Name Id, Label -Encoding ascii

        $records | Should -HaveCount 2
        $records[1].Id | Should -Be 2
        $records[1].Label | Should -Be 'name2'
    }

    It 'gives the values of one record to as many variables' {
        $number, $signed = ConvertFrom-PackedBytes '!Hb' (ConvertTo-PackedBytes '!Hb' 513, -3)

        $number | Should -BeOfType [uint16]
        $number | Should -Be 513
        $signed | Should -BeOfType [sbyte]
        $signed | Should -Be -3
    }

    It 'packs [bigint] values that fit the field, as ConvertFrom-Json gives above Int64' {
        $small = ConvertTo-PackedBytes '!B' ([bigint]5)
        $negative = ConvertTo-PackedBytes '!h' ([bigint]-2)
        $big = '{ "n": 18446744073709551615 }' | ConvertFrom-Json
        $largest = ConvertTo-PackedBytes '!Q' $big.n

        $small | Should -Be 5
        $negative | Should -Be 0xFF, 0xFE
        $big.n | Should -BeOfType [bigint]
        $largest | Should -Be (@(0xFF) * 8)
    }

    It 'refuses a [bigint] too large for its field, naming the field' {
        { ConvertTo-PackedBytes '!Q' ([bigint]::Pow(2, 64)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,*' -ExpectedMessage "*does not fit format code 'Q'*"
        { ConvertTo-PackedBytes '!B' ([bigint]256) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*' -ExpectedMessage "*does not fit*"
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a value that does not fit'; Command = { ConvertTo-PackedBytes '!B' 256 -ErrorAction Stop }; ErrorId = 'InvalidArgument' }
        @{ Case = 'too few values'; Command = { ConvertTo-PackedBytes '!Hq' 1 -ErrorAction Stop }; ErrorId = 'InvalidArgument' }
        @{ Case = 'an unknown encoding'; Command = { ConvertTo-PackedBytes '!4s' 'abc' -Encoding klingon -ErrorAction Stop }; ErrorId = 'InvalidArgument' }
        @{ Case = 'too few bytes'; Command = { ConvertFrom-PackedBytes '!I' ([byte[]](1, 2, 3)) -ErrorAction Stop }; ErrorId = 'ProtocolViolation' }
        @{ Case = 'bytes that are not valid text'; Command = { ConvertFrom-PackedBytes '!2s' ([byte[]](0xC3, 0x28)) -Encoding utf-8 -ErrorAction Stop }; ErrorId = 'ProtocolViolation' }
        @{ Case = 'fewer names than fields'; Command = { ConvertFrom-PackedBytes '!H?' ([byte[]](0, 1, 1)) -Name One -ErrorAction Stop }; ErrorId = 'InvalidArgument' }
    ) {
        $Command | Should -Throw -ErrorId "$ErrorId,*"
    }
}
