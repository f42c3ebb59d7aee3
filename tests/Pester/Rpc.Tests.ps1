# RPC checks as a user writes them: the book's chapter 18 clients (xmlrpc_client.py, xmlrpc_introspect.py,
# xmlrpc_multicall.py, jsonrpc_client.py) against Python's servers — xmlrpc.server's SimpleXMLRPCServer and
# Debian's jsonrpclib-pelix — on loopback (tests/peers). In your own checks put your endpoints in their place.
BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')

    $peers = @{
        Xml         = Start-TestPeer xmlrpc_server.py                                 # the book's server, introspection and multicall
        NoMulticall = Start-TestPeer xmlrpc_server.py -ArgumentList '--no-multicall'  # the same without system.multicall
        Json        = Start-TestPeer jsonrpc_server.py                                # lengths, add, greet, note/notified, fail
        Stall       = Start-TestPeer tcp_stall.py                                     # accepts and says nothing
    }
    $xml = "http://127.0.0.1:$($peers.Xml.Port)/RPC2"
    $json = "http://127.0.0.1:$($peers.Json.Port)/"
    $closedPort = Get-UnusedPort
}

AfterAll {
    $peers.Values | Stop-TestPeer
}

Describe 'Invoke-XmlRpc' {
    It 'runs the book''s client: addtogether, quadratic and remote_repr' {
        Invoke-XmlRpc $xml addtogether 'x', 'ÿ', 'z' | Should -Be 'xÿz'
        Invoke-XmlRpc $xml addtogether 20, 30, 4, 1 | Should -Be 55
        # An array result is one object (one result per call): parentheses enumerate it.
        (Invoke-XmlRpc $xml quadratic -Argument @(2, -4, 0)) | Sort-Object | Should -Be 0, 8
        (Invoke-XmlRpc $xml quadratic -Argument @(1, 2, 1)) | Should -Be -1
        (Invoke-XmlRpc $xml remote_repr -Argument (, @(1, 2.0, 'three'))) | Should -Be 1, 2.0, 'three'
    }

    It 'turns a struct into an object with its members in order' {
        $person = Invoke-XmlRpc $xml remote_repr -Argument ([ordered]@{ name = 'Arthur'; data = [ordered]@{ age = 42; sex = 'M' } })

        $person | Should -BeOfType [System.Management.Automation.PSCustomObject]
        $person.psobject.Properties.Name | Should -Be 'name', 'data'
        $person.name | Should -Be 'Arthur'
        $person.data.age | Should -Be 42
        $person.data.age | Should -BeOfType [int]
    }

    It 'sends a PSCustomObject as a struct' {
        $back = Invoke-XmlRpc $xml remote_repr -Argument ([pscustomobject]@{ a = 1; b = [pscustomobject]@{ c = @(1, 'x') } })

        $back.b.c | Should -Be 1, 'x'
    }

    It 'makes a fault an error with the fault code as ReplyCode' {
        { Invoke-XmlRpc $xml quadratic -Argument @(1, 0, 1) -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'

        Invoke-XmlRpc $xml fail -Argument @(42, 'no such thing') -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].Exception | Should -BeOfType [NetFoundations.Core.RemoteErrorException]
        $failure[0].Exception.ReplyCode | Should -Be '42'
        $failure[0].Exception.Message | Should -BeLike '*no such thing*'
    }

    It 'sends every XML-RPC type, as the server''s Python sees it' {
        $stamp = [datetime]'2026-01-02T03:04:05'
        $seen = Invoke-XmlRpc $xml echo -Argument @(7, $true, 1.5, 'ÿ€😀', $stamp, [byte[]](0, 255), @(1, 'a'), @{ k = 'v' }, $null, ([long]1 -shl 40)) -AllowNil -AllowI8

        $seen | ForEach-Object { $_[1] } | Should -Be 'int', 'bool', 'float', 'str', 'datetime', 'bytes', 'list', 'dict', 'NoneType', 'int'
        $seen[3][0] | Should -Be "'ÿ€😀'"
        $seen[4][0] | Should -Be 'datetime.datetime(2026, 1, 2, 3, 4, 5)'
        $seen[5][0] | Should -Be "b'\x00\xff'"
        $seen[9][0] | Should -Be '1099511627776'
    }

    It 'reads dates, binary and nil' {
        Invoke-XmlRpc $xml when | Should -Be ([datetime]'2026-12-06T04:51:55')
        $bytes = Invoke-XmlRpc $xml blob 5
        , $bytes | Should -BeOfType [byte[]]
        $bytes | Should -Be 0, 1, 2, 3, 4
        Invoke-XmlRpc $xml nothing | Should -BeNullOrEmpty
    }

    It 'refuses a 64-bit value without -AllowI8 and a $null without -AllowNil, sending nothing' {
        $log = Join-Path $TestDrive 'refused.log'
        { Invoke-XmlRpc $xml echo ([long]1 -shl 40) -TranscriptPath $log -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*'
        { Invoke-XmlRpc $xml echo -Argument @($null) -ErrorAction Stop } | Should -Throw '*-AllowNil*'
        Get-Content $log -ErrorAction Ignore | Should -Not -Match '^\S+ ->'
    }

    It 'shows Python''s own refusal of a result beyond 32 bits as a fault' {
        { Invoke-XmlRpc $xml big -ErrorAction Stop } | Should -Throw '*int exceeds XML-RPC limits*'
    }

    It 'sends the book''s multicall as one request, with a fault as the error of its call only' {
        $log = Join-Path $TestDrive 'multicall.log'
        $results = Invoke-XmlRpc $xml -TranscriptPath $log -ErrorVariable failures -ErrorAction SilentlyContinue -Multicall @(
            @{ methodName = 'addtogether'; params = @('a', 'b', 'c') }
            @{ methodName = 'quadratic'; params = @(1, 0, 1) }
            @{ methodName = 'remote_repr'; params = (, @(1, 2.0, 'three')) }
        )

        $results | Should -HaveCount 2
        $results[0] | Should -Be 'abc'
        $results[1] | Should -Be 1, 2.0, 'three'
        $failures | Should -HaveCount 1
        $failures[0].TargetObject.methodName | Should -Be 'quadratic'
        @(Select-String -Path $log -Pattern '== POST ') | Should -HaveCount 1
    }

    It 'batches piped calls: one multicall per batch, one result per input, in order' {
        $log = Join-Path $TestDrive 'batches.log'
        $sums = 1..1000 | Invoke-XmlRpc $xml addtogether -Argument 1000 -BatchSize 100 -TranscriptPath $log

        $sums | Should -HaveCount 1000
        $sums[0] | Should -Be 1001
        $sums[999] | Should -Be 2000
        @(Select-String -Path $log -Pattern '== POST ') | Should -HaveCount 10
    }

    It 'writes a fault in a batch as the error of that input only' {
        $sums = @(1, 2), @('a', 1), @(3, 4) | Invoke-XmlRpc $xml addtogether -BatchSize 3 -ErrorVariable failures -ErrorAction SilentlyContinue

        $sums | Should -Be 3, 7
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be 'a', 1
    }

    It 'falls back to one call each when the server has no system.multicall' {
        $plain = "http://127.0.0.1:$($peers.NoMulticall.Port)/RPC2"
        $log = Join-Path $TestDrive 'fallback.log'

        1..5 | Invoke-XmlRpc $plain addtogether -Argument 10 -BatchSize 5 -TranscriptPath $log | Should -Be 11, 12, 13, 14, 15
        Get-Content $log -Raw | Should -Match 'the calls go one by one'
    }

    It 'records request and response bodies, and masks the credential' {
        $log = Join-Path $TestDrive 'auth.log'
        $user = [pscredential]::new('reader', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force))

        Invoke-XmlRpc $xml addtogether 1, 2 -Credential $user -AllowUnencryptedAuthentication -TranscriptPath $log -WarningVariable warnings -WarningAction SilentlyContinue |
            Should -Be 3
        $text = Get-Content $log -Raw
        $text | Should -Match '<methodName>addtogether</methodName>'
        $text | Should -Match '<value><int>3</int></value>'
        $text | Should -Match 'Authorization: Basic \(secret not shown\)'
        $text | Should -Not -Match ([convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('reader:hunter2')))
        $warnings | Should -Match 'AllowUnencryptedAuthentication'
    }

    It 'refuses to send a credential over http:// unless asked by name' {
        $user = [pscredential]::new('reader', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force))

        { Invoke-XmlRpc $xml addtogether 1, 2 -Credential $user -ErrorAction Stop } | Should -Throw '*-AllowUnencryptedAuthentication*'
    }

    It 'ends a call the server never answers at -TimeoutSeconds, with OperationTimedOut' {
        { Invoke-XmlRpc "http://127.0.0.1:$($peers.Stall.Port)/RPC2" addtogether 1 -TimeoutSeconds 0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
        { Invoke-JsonRpc "http://127.0.0.1:$($peers.Stall.Port)/" add 1 -TimeoutSeconds 0.5 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OperationTimedOut,*'
    }

    It 'reports a closed port as ConnectionRefused' {
        { Invoke-XmlRpc "http://127.0.0.1:$closedPort/RPC2" addtogether 1 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
    }
}

Describe 'Invoke-XmlRpc over https' {
    BeforeAll {
        # The TLS tests' material: a test root CA and a certificate for 127.0.0.1 it signed.
        $pki = Join-Path $TestDrive 'pki'
        bash (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'make-pki.sh') $pki *> $null
        $ca = Join-Path $pki 'ca.crt'
        $tls = Start-TestPeer xmlrpc_server.py -ArgumentList '--tls', (Join-Path $pki 'valid.fullchain.pem'), (Join-Path $pki 'valid.key')
        $secure = "https://127.0.0.1:$($tls.Port)/RPC2"
    }

    AfterAll {
        $tls | Stop-TestPeer
    }

    It 'verifies the certificate against the authority given, and sends a credential inside TLS' {
        $user = [pscredential]::new('reader', (ConvertTo-SecureString 'hunter2' -AsPlainText -Force))

        Invoke-XmlRpc $secure addtogether 1, 2 -CertificateAuthorityPath $ca -Credential $user | Should -Be 3
    }

    It 'rejects a certificate it cannot trust, and goes on only when told by name, with a warning' {
        { Invoke-XmlRpc $secure addtogether 1, 2 -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'

        Invoke-XmlRpc $secure addtogether 1, 2 -SkipCertificateCheck -WarningVariable warnings -WarningAction SilentlyContinue | Should -Be 3
        $warnings | Should -Match 'SkipCertificateCheck'
    }
}

Describe 'Get-XmlRpcMethod' {
    It 'lists the methods with their help, as the book''s xmlrpc_introspect.py' {
        $methods = Get-XmlRpcMethod $xml

        $methods | Should -BeOfType [NetFoundations.Core.Rpc.XmlRpcMethod]
        $methods.Name | Should -Contain 'addtogether'
        $methods.Name | Should -Contain 'system.multicall'
        ($methods | Where-Object Name -EQ 'quadratic').Help | Should -Match '^Determine .x. values'
    }

    It 'converts to JSON for a log, at the default depth' {
        $warnings = @()
        $record = Get-XmlRpcMethod $xml -Name addtogether | ConvertTo-Json -WarningVariable warnings -WarningAction SilentlyContinue | ConvertFrom-Json

        $warnings | Should -BeNullOrEmpty
        $record.Name | Should -Be 'addtogether'
        $record.Uri | Should -Be $xml
    }

    It 'filters by name with wildcards' {
        $methods = Get-XmlRpcMethod $xml -Name 'system.*'

        $methods.Name | Should -Be 'system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall'
    }
}

Describe 'Invoke-JsonRpc' {
    It 'runs the book''s lengths example' {
        $results = Invoke-JsonRpc $json lengths -Argument @(27, @(3, 4, 5), 'Alice', @{ spam = 'eggs' })

        $results | Should -HaveCount 4
        $results[0][0] | Should -BeNullOrEmpty
        $results[0][1] | Should -Be 27
        $results[1][0] | Should -Be 3
        $results[2] | Should -Be 5, 'Alice'
        $results[3][0] | Should -Be 1
        $results[3][1].spam | Should -Be 'eggs'
    }

    It 'passes params by position and by name' {
        Invoke-JsonRpc $json add -Argument @(1, 2) | Should -Be 3
        Invoke-JsonRpc $json greet -NamedArgument @{ name = 'Ann'; greeting = 'Hi' } | Should -Be 'Hi, Ann!'
        @{ name = 'X' }, [pscustomobject]@{ name = 'Y'; greeting = 'Yo' } | Invoke-JsonRpc $json greet | Should -Be 'Hello, X!', 'Yo, Y!'
    }

    It 'sends notifications, alone and in a batch, and writes nothing for them' {
        Invoke-JsonRpc $json note 'first' -Notification | Should -BeNullOrEmpty
        'second', 'third' | Invoke-JsonRpc $json note -Notification -BatchSize 2 | Should -BeNullOrEmpty

        (Invoke-JsonRpc $json notified) | Should -Be 'first', 'second', 'third'
    }

    It 'batches piped calls, one result per input in order, an error for its input only' {
        $log = Join-Path $TestDrive 'json-batch.log'
        $results = 1, 'x', 3 | Invoke-JsonRpc $json add -Argument 10 -BatchSize 3 -TranscriptPath $log -ErrorVariable failures -ErrorAction SilentlyContinue

        $results | Should -Be 11, 13
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be 'x'
        @(Select-String -Path $log -Pattern '== POST ') | Should -HaveCount 1
    }

    It 'makes an error response a RemoteError with the code as ReplyCode and its data kept' {
        Invoke-JsonRpc $json fail -Argument @(-32042, 'asked to') -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'RemoteError,*'
        $failure[0].Exception.ReplyCode | Should -Be '-32042'
        $failure[0].Exception.Message | Should -BeLike '*asked to*'
        $failure[0].Exception.Data['data'].why | Should -Be 'asked to fail'
        { Invoke-JsonRpc $json nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
    }
}

# Our server (Start-RpcServer), judged by peers we did not write — Python's xmlrpc.client and Debian's jsonrpclib-pelix
# (tests/peers/rpc_server_client.py) — by our own clients, and by hostile requests.
Describe 'Start-RpcServer' {
    BeforeAll {
        function Get-Square {
            <#
            .SYNOPSIS
            Squares a number.
            #>
            param([int] $Number)
            $Number * $Number
        }
        $notes = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
        $server = Start-RpcServer -Variable @{ Notes = $notes } -MaxCallSeconds 2 -MaxRequestBytes 131072 -Command Get-Square, Get-Date -Method @{
            add   = {
                <#
                .SYNOPSIS
                Adds two numbers.
                #>
                param([Parameter(Mandatory)] [long] $a, [Parameter(Mandatory)] [long] $b)
                $a + $b
            }
            echo  = { param($value) , $value }
            big   = { [long]1 -shl 40 }
            boom  = { throw 'the disk is on fire' }
            fail  = { param([int] $code) throw [NetFoundations.Core.Rpc.RpcFaultException]::new($code, 'asked to fail') }
            note  = { param([string] $text) $null = $Notes.Add($text) }
            notes = { , $Notes.ToArray() }
            slow  = { Start-Sleep -Seconds 30 }
        }
        $uri = $server.Uri

        # What a Python client saw: the JSON line it printed before DONE.
        function Invoke-PythonClient([string] $Mode, [string] $Url) {
            $client = Start-TestClient rpc_server_client.py -ArgumentList $Mode, $Url
            $lines = @(Receive-TestClientOutput $client -TimeoutSeconds 60)
            $lines[-1] | Should -Be 'DONE' -Because ($lines -join "`n")
            $lines[-2] | ConvertFrom-Json
        }

        function Send-RpcBody([byte[]] $Body, [string] $ContentType = 'text/xml', [string] $Method = 'POST') {
            Invoke-WebRequest -Uri $uri -Method $Method -Body $Body -ContentType $ContentType -SkipHttpErrorCheck -TimeoutSec 30
        }
    }

    AfterAll {
        $server | Stop-TcpServer
    }

    It 'answers Python''s xmlrpc.client: every type both ways, faults, multicall and introspection' {
        $seen = Invoke-PythonClient xml $uri

        $seen.add | Should -Be 5
        $seen.echo | ForEach-Object { $_[0] } | Should -Be 'int', 'bool', 'str', 'float', 'datetime', 'bytes', 'list', 'dict', 'NoneType', 'str'
        $seen.echo | ForEach-Object { $_[1] } | Should -Not -Contain $false
        $seen.big | Should -Be 'int', $true
        $seen.boom[0] | Should -Be -32603
        $seen.boom[1] | Should -BeLike '*the disk is on fire*'
        $seen.fail | Should -Be 42, 'asked to fail'
        $seen.nosuch[0] | Should -Be -32601
        $seen.toomany[0] | Should -Be -32602
        $seen.multicall | Should -Be 3, -32603, 'x'
        $seen.listMethods | Should -Contain 'Get-Square'
        $seen.listMethods | Should -Contain 'system.multicall'
        $seen.methodSignature[0] | Should -Be 'any', 'i8', 'i8'
        $seen.methodHelp | Should -Be 'Adds two numbers.'
    }

    It 'answers jsonrpclib: positional and named params, notifications, a batch and the error codes' {
        $seen = Invoke-PythonClient json $uri

        $seen.add | Should -Be 5
        $seen.named | Should -Be 11
        $seen.batch[0] | Should -Be 3
        $seen.batch[1] | Should -Be -32601
        $seen.batch[2].k | Should -Be 1, $null
        $seen.batch | Should -HaveCount 3
        $seen.notes | Should -Be 'first', 'second'
        $seen.errors.boom[0] | Should -Be -32603
        $seen.errors.nosuch[0] | Should -Be -32601
        $seen.errors.toomany[0] | Should -Be -32602
        $seen.errors.fail[0] | Should -Be 42
    }

    It 'answers our own clients, with every type, multicall batches and JSON-RPC notifications' {
        $stamp = [datetime]'2026-01-02T03:04:05'
        $back = Invoke-XmlRpc $uri echo -AllowI8 -AllowNil -Argument ([ordered]@{
                name = 'ÿ€😀'; when = $stamp; bytes = [byte[]](0, 255); big = [long]1 -shl 40; none = $null; list = @(1, 2.5, $true)
            })

        $back.name | Should -Be 'ÿ€😀'
        $back.when | Should -Be $stamp
        $back.bytes | Should -Be 0, 255
        $back.big | Should -Be (1L -shl 40)
        $back.none | Should -BeNullOrEmpty
        $back.list | Should -Be 1, 2.5, $true
        Invoke-XmlRpc $uri big | Should -Be (1L -shl 40)

        $sums = 1..100 | Invoke-XmlRpc $uri add -Argument 1000 -BatchSize 50
        $sums | Should -HaveCount 100
        $sums[-1] | Should -Be 1100

        Invoke-JsonRpc $uri add -NamedArgument @{ b = 2; a = 40 } | Should -Be 42
        'third', 'fourth' | Invoke-JsonRpc $uri note -Notification -BatchSize 2 | Should -BeNullOrEmpty
        (Invoke-JsonRpc $uri notes) | Should -Contain 'fourth'
    }

    It 'exposes a function and a compiled cmdlet by name, their parameters and help feeding introspection' {
        $square = Get-XmlRpcMethod $uri -Name Get-Square

        $square.Signatures | Should -Be 'any (int)'
        $square.Help | Should -Be 'Squares a number.'
        Invoke-XmlRpc $uri Get-Square 7 | Should -Be 49
        Invoke-JsonRpc $uri Get-Square -NamedArgument @{ Number = 6 } | Should -Be 36
        Invoke-XmlRpc $uri Get-Date '2026-01-02T03:04:05' | Should -Be ([datetime]'2026-01-02T03:04:05')
        { Invoke-XmlRpc $uri Get-Date 'not a date' -ErrorAction Stop } | Should -Throw '*fault -32602*'
    }

    It 'exposes a function of a module the workers import, and makes an error a command writes a fault' {
        $modulePath = Join-Path $TestDrive 'Greeter.psm1'
        Set-Content $modulePath -Value @'
function Get-Greeting {
    <#
    .SYNOPSIS
    Greets someone.
    #>
    param([Parameter(Mandatory)] [string] $Name, [string] $Greeting = 'Hello')
    "$Greeting, $Name!"
}
'@
        Import-Module $modulePath
        $greeter = Start-RpcServer -Command Get-Greeting, Get-Item
        try {
            Invoke-XmlRpc $greeter.Uri Get-Greeting 'Ann' | Should -Be 'Hello, Ann!'
            Invoke-JsonRpc $greeter.Uri Get-Greeting -NamedArgument @{ Name = 'Bo'; Greeting = 'Hi' } | Should -Be 'Hi, Bo!'
            (Get-XmlRpcMethod $greeter.Uri -Name Get-Greeting).Help | Should -Be 'Greets someone.'
            { Invoke-XmlRpc $greeter.Uri Get-Item (Join-Path $TestDrive 'nothing here') -ErrorAction Stop } | Should -Throw '*fault -32603*Cannot find path*'
        }
        finally {
            $greeter | Stop-TcpServer
            Remove-Module Greeter
        }
    }

    It 'makes a method''s exception a fault, counts it and keeps it in the server''s errors' {
        Invoke-XmlRpc $uri boom -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure[0].Exception.ReplyCode | Should -Be '-32603'
        $failure[0].Exception.Message | Should -BeLike '*the disk is on fire*'
        $server.Faults | Should -BeGreaterThan 0
        $server.Calls | Should -BeGreaterThan $server.Faults
        $server.Server.GetErrors().Message | Should -Contain 'The method boom failed: the disk is on fire'
    }

    It 'ends a method past -MaxCallSeconds with a fault, and serves on' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Invoke-XmlRpc $uri slow -ErrorAction Stop } | Should -Throw '*did not finish within 2 s*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10

        1..8 | Invoke-XmlRpc $uri add -Argument 1 | Should -Be (2..9)
    }

    It 'refuses hostile requests — a DTD, deep nesting, a huge body, garbage — and serves on' {
        $laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><methodCall><methodName>echo</methodName>' +
            '<params><param><value>&lol3;</value></param></params></methodCall>'
        $dtd = Send-RpcBody ([Text.Encoding]::UTF8.GetBytes($laughs))
        $dtd.Content | Should -Match '<int>-32700</int>'
        $dtd.Content | Should -Match 'DTD'

        $deep = '<methodCall><methodName>echo</methodName><params><param>' + ('<value><array><data>' * 1000) + ('</data></array></value>' * 1000) + '</param></params></methodCall>'
        (Send-RpcBody ([Text.Encoding]::UTF8.GetBytes($deep))).Content | Should -Match 'more than 64 levels deep'
        (Send-RpcBody ([Text.Encoding]::UTF8.GetBytes(('[' * 5000) + (']' * 5000))) 'application/json').Content | Should -Match '-32700'

        (Send-RpcBody ([byte[]]::new(200000))).StatusCode | Should -Be 413
        (Send-RpcBody ([byte[]](0, 1, 2, 255)) 'application/octet-stream').StatusCode | Should -Be 415
        (Send-RpcBody ([Text.Encoding]::UTF8.GetBytes('{"jsonrpc": "2.0", "method"')) 'application/json').Content | Should -Match '-32700'
        (Invoke-WebRequest -Uri $uri -SkipHttpErrorCheck).StatusCode | Should -Be 405

        Invoke-XmlRpc $uri add 2, 3 | Should -Be 5
    }

    It 'offers no introspection or multicall when switched off' {
        $plain = Start-RpcServer -Method @{ add = { param($a, $b) $a + $b } } -NoIntrospection -NoMulticall
        try {
            $plain.Methods | Should -Be 'add'
            { Get-XmlRpcMethod $plain.Uri -ErrorAction Stop } | Should -Throw '*fault -32601*'
            1..3 | Invoke-XmlRpc $plain.Uri add -Argument 1 -BatchSize 3 | Should -Be 2, 3, 4
        }
        finally {
            $plain | Stop-TcpServer
        }
    }

    It 'serves over HTTPS with a certificate, verified by the client' {
        $pki = Join-Path $TestDrive 'pki'
        bash (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'make-pki.sh') $pki *> $null
        $secure = Start-RpcServer -Method @{ add = { param($a, $b) $a + $b } } -Certificate (Join-Path $pki 'valid.fullchain.pem') -CertificateKey (Join-Path $pki 'valid.key')
        try {
            $secure.Uri | Should -BeLike 'https://127.0.0.1:*'
            Invoke-XmlRpc $secure.Uri add 2, 3 -CertificateAuthorityPath (Join-Path $pki 'ca.crt') | Should -Be 5
            { Invoke-XmlRpc $secure.Uri add 2, 3 -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'
        }
        finally {
            $secure | Stop-TcpServer
        }
    }

    It 'serves in the foreground with -Wait until its time is up, then stops' {
        $port = Get-UnusedPort
        $client = Start-TestClient rpc_server_client.py -ArgumentList add, "http://127.0.0.1:$port/"

        $ended = Start-RpcServer -Port $port -Method @{ add = { param($a, $b) $a + $b } } -Wait -TotalTimeoutSeconds 4

        (Receive-TestClientOutput $client)[-2] | ConvertFrom-Json | ForEach-Object add | Should -Be 5
        $ended.State | Should -Be 'Stopped'
        $ended.Calls | Should -Be 1
    }

    It 'with -Wait, writes the failure of the very first call, made as soon as the server is written' {
        # The call is made while the server object is still on its way down the pipeline: its failure reaches the
        # output only if the server is started and served within one run of the command.
        $seen = Start-RpcServer -Method @{ boom = { throw 'the disk is on fire' } } -Wait -TotalTimeoutSeconds 3 -ProgressAction SilentlyContinue `
            -ErrorAction SilentlyContinue -ErrorVariable failed | ForEach-Object {
                { Invoke-XmlRpc $_.Uri boom -ErrorAction Stop } | Should -Throw '*the disk is on fire*'
                $_
            }

        $seen.State | Should -Be 'Stopped'
        $seen.Faults | Should -Be 1
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'RpcMethodFailed,*'
        "$($failed[0])" | Should -BeLike '*the disk is on fire*'
    }

    It 'is listed by Get-TcpServer and stopped by Stop-TcpServer' {
        $other = Start-RpcServer -Method @{ add = { param($a, $b) $a + $b } }

        $other | Should -BeOfType [NetFoundations.Core.Rpc.RpcServer]
        $other.Methods | Should -Contain 'system.multicall'
        (Get-TcpServer -Port $other.LocalPort).Service | Should -Be 'Http'
        $other | Stop-TcpServer
        $other.State | Should -Be 'Stopped'
        { Invoke-XmlRpc $other.Uri add 1, 2 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,*'
        Start-RpcServer -Method @{ add = { 1 } } -WhatIf | Should -BeNullOrEmpty
    }
}
