# Checks of the playground (playground/, about_NetFoundations_Playground), made from its client h1: names resolve,
# services answer, NAT and routing work, certificates are valid. They read like checks of any small network: put your
# own hosts, ports and CA in the tables and they check yours.
# They run only inside h1: build.ps1 -Task Test (as root on Linux) starts the playground, runs this file there through
# playground/test.sh and stops it. The normal Pester pass leaves it out by its tag.
BeforeDiscovery {
    $hosts = @(
        @{ Name = 'backbone.example.com'; IPv4 = '10.1.1.1'; IPv6 = '2001:db8:1::1' }
        @{ Name = 'isp.example.com'; IPv4 = '10.25.1.1'; IPv6 = '2001:db8:25:1::1' }
        @{ Name = 'modemA.example.com'; IPv4 = '10.25.1.65'; IPv6 = '2001:db8:25:1::65' }
        @{ Name = 'modemB.example.com'; IPv4 = '10.25.1.66'; IPv6 = '2001:db8:25:1::66' }
        @{ Name = 'example.com'; IPv4 = '10.130.1.1'; IPv6 = '2001:db8:130:1::1' }
        @{ Name = 'ftp.example.com'; IPv4 = '10.130.1.2'; IPv6 = '2001:db8:130:1::2' }
        @{ Name = 'mail.example.com'; IPv4 = '10.130.1.3'; IPv6 = '2001:db8:130:1::3' }
        @{ Name = 'www.example.com'; IPv4 = '10.130.1.4'; IPv6 = '2001:db8:130:1::4' }
        @{ Name = 'h1.example.com'; IPv4 = '192.168.1.11'; IPv6 = '2001:db8:25:a::11' }
        @{ Name = 'h2.example.com'; IPv4 = '192.168.1.12'; IPv6 = '2001:db8:25:a::12' }
        @{ Name = 'h3.example.com'; IPv4 = '192.168.1.13'; IPv6 = '2001:db8:25:a::13' }
        @{ Name = 'h4.example.com'; IPv4 = '192.168.1.14'; IPv6 = '2001:db8:25:b::14' }
    )
    $services = @(
        @{ ComputerName = 'www.example.com'; Ports = @(22, 80, 443, 5000, 5001, 6700, 6701, 7001, 8000, 11211) }
        @{ ComputerName = 'mail.example.com'; Ports = @(22, 25, 110, 143, 587, 993, 995) }
        @{ ComputerName = 'ftp.example.com'; Ports = @(21, 22, 23, 11211) }
        @{ ComputerName = 'backbone.example.com'; Ports = @(22, 53) }
        @{ ComputerName = 'example.com'; Ports = @(22) }
        @{ ComputerName = 'isp.example.com'; Ports = @(22) }
        @{ ComputerName = 'modemA.example.com'; Ports = @(22) }
    )
    $tlsServices = @(
        @{ Name = 'www.example.com'; Port = 443 }
        @{ Name = 'mail.example.com'; Port = 993 }
        @{ Name = 'mail.example.com'; Port = 995 }
    )
    $startTlsServices = @(
        @{ Name = 'mail.example.com'; Port = 587; Protocol = 'smtp' }
        @{ Name = 'mail.example.com'; Port = 25; Protocol = 'smtp' }
        @{ Name = 'mail.example.com'; Port = 143; Protocol = 'imap' }
        @{ Name = 'ftp.example.com'; Port = 21; Protocol = 'ftp' }
    )
}

Describe 'The playground, seen from h1' -Tag 'Playground' {
    BeforeAll {
        # Refuse before anything touches the network: the playground's addresses mean something only
        # inside it. `ip netns exec h1` mounts the playground's resolv.conf, which names the host.
        $resolvConf = if (Test-Path /etc/resolv.conf) { Get-Content /etc/resolv.conf -Raw } else { '' }
        $addresses = [Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces().GetIPProperties().UnicastAddresses |
            ForEach-Object { $_.Address.IPAddressToString }
        if ($resolvConf -notmatch '(?m)^# NetFoundations playground host h1$' -or $addresses -notcontains '192.168.1.11') {
            throw 'The Playground tests run only inside the playground''s host h1, and this is not it. Run them with build.ps1 -Task Test as root on Linux, or open a shell on h1 with build.ps1 -Task Playground -Action Shell.'
        }
        Import-Module $env:NETFOUNDATIONS_MODULE -Force

        $caFile = '/etc/ssl/certs/ca-certificates.crt'   # in h1: the playground CA alone
        $brandon = [pscredential]::new('brandon', (ConvertTo-SecureString 'abc123' -AsPlainText -Force))   # the test user
    }

    Context 'DNS' {
        It 'resolves <Name> to <IPv4>' -ForEach $hosts {
            $records = Resolve-DnsName2 $Name -Type A | Where-Object Type -EQ 'A'

            $records | Should -HaveCount 1
            $records.Address | Should -Be ([ipaddress]$IPv4)
        }

        It 'resolves <Name> to <IPv6>' -ForEach $hosts {
            $records = Resolve-DnsName2 $Name -Type AAAA | Where-Object Type -EQ 'AAAA'

            $records | Should -HaveCount 1
            $records.Address | Should -Be ([ipaddress]$IPv6)
        }

        It 'names <IPv4> <Name> (reverse)' -ForEach $hosts {
            $records = Resolve-DnsName2 $IPv4 | Where-Object Type -EQ 'PTR'

            $records | Should -HaveCount 1
            $records.NameHost.TrimEnd('.') | Should -Be $Name
        }

        It 'names <IPv6> <Name> (reverse)' -ForEach $hosts {
            $records = Resolve-DnsName2 $IPv6 | Where-Object Type -EQ 'PTR'

            $records | Should -HaveCount 1
            $records.NameHost.TrimEnd('.') | Should -Be $Name
        }

        It 'sends mail for example.com to mail.example.com' {
            $mx = Resolve-DnsName2 example.com -Type MX | Where-Object Type -EQ 'MX'

            $mx | Should -HaveCount 1
            $mx.Exchange.TrimEnd('.') | Should -Be 'mail.example.com'
        }

        It 'sends mail for www.example.com to smtp.example.com, another name of mail.example.com' {
            $mx = Resolve-DnsName2 www.example.com -Type MX | Where-Object Type -EQ 'MX'
            $alias = Resolve-DnsName2 smtp.example.com -Type CNAME | Where-Object Type -EQ 'CNAME'

            $mx | Should -HaveCount 1
            $mx.Exchange.TrimEnd('.') | Should -Be 'smtp.example.com'
            $alias | Should -HaveCount 1
            $alias.NameHost.TrimEnd('.') | Should -Be 'mail.example.com'
        }

        It 'finds short names in the search domain example.com' {
            # The system's resolver, which applies resolv.conf's search domain.
            Get-AddressInfo www | ForEach-Object Address | Should -Contain ([ipaddress]'10.130.1.4')
        }

        It 'answers only for the playground (no recursion)' {
            dig '+time=2' '+tries=1' www.example.org A | Out-String | Should -Match 'status: REFUSED'
        }
    }

    Context 'Services' {
        It '<ComputerName> answers on <Ports>' -ForEach $services {
            $results = Test-TcpPort -ComputerName $ComputerName -Port $Ports -TimeoutSeconds 3

            $results | Should -HaveCount $Ports.Count
            ($results | Where-Object Open -EQ $false).Port | Should -BeNullOrEmpty
        }

        # The book's chapter 9: httpbin under gunicorn, asked with the module's HTTP client (Invoke-HttpRequest).
        It 'www serves httpbin, the book''s chapter 9 service, over <_>' -ForEach 'http', 'https' {
            $page = Invoke-HttpRequest "${_}://www.example.com/"

            $page.StatusCode | Should -Be 200
            $page.Content | Should -Match '<title>httpbin'
            $page.Hops | Should -HaveCount 1
            if ($_ -eq 'https') {
                $page.Hops[0].TlsProtocol | Should -Not -BeNullOrEmpty
                $page.Hops[0].CertificateValid | Should -BeTrue   # h1 trusts the playground CA alone
            }
        }

        It 'www follows a chain of three redirects to /get, each one seen' {
            $page = Invoke-HttpRequest https://www.example.com/redirect/3

            $page.StatusCode | Should -Be 200
            $page.Uri | Should -Be 'https://www.example.com/get'
            $page.Hops.StatusCode | Should -Be 302, 302, 302, 200
            $page.Hops[0].Location | Should -Be '/relative-redirect/2'
        }

        It 'www asks for basic authentication and accepts the test user' {
            (Invoke-HttpRequest https://www.example.com/basic-auth/brandon/abc123).StatusCode | Should -Be 401

            $answer = Invoke-HttpRequest https://www.example.com/basic-auth/brandon/abc123 -Credential $brandon -ParseJson

            $answer.StatusCode | Should -Be 200
            $answer.Json.authenticated | Should -BeTrue
            $answer.Json.user | Should -Be 'brandon'
        }

        It 'www sets cookies and reads them back, and the session keeps them' {
            $browser = New-HttpSession
            $page = Invoke-HttpRequest 'https://www.example.com/cookies/set?flavor=oatmeal' -Session $browser -ParseJson

            $page.Uri | Should -Be 'https://www.example.com/cookies'
            $page.Json.cookies.flavor | Should -Be 'oatmeal'
            ($browser.Cookies | Where-Object Name -EQ 'flavor').Value | Should -Be 'oatmeal'
            (Invoke-HttpRequest https://www.example.com/cookies -Session $browser -ParseJson).Json.cookies.flavor | Should -Be 'oatmeal'
        }

        It 'ftp and www keep a cache together: memcached keys shard over both, and each reads back' {
            $cache = Connect-Memcached -Server www.example.com:11211, ftp.example.com:11211 -KeyDistribution Rendezvous
            try {
                $keys = 1..40 | ForEach-Object { "playground:${PID}:$_" }
                $stored = $keys | ForEach-Object { Set-MemcachedItem -Session $cache -Key $_ -Value "value of $_" -TimeToLive 60 }

                ($stored | Group-Object Server).Count | Should -Be 2 -Because 'rendezvous hashing spreads 40 keys over both servers'
                ($stored | Where-Object Succeeded).Count | Should -Be 40
                (Get-MemcachedItem -Session $cache -Key $keys | ForEach-Object Value) | Should -Be ($keys | ForEach-Object { "value of $_" })
            } finally {
                Remove-MemcachedItem -Session $cache -Key $keys -ErrorAction SilentlyContinue | Out-Null
                Disconnect-Memcached -Session $cache
            }
        }

        # The book's chapter 7 inetd services, served on ftp by Start-InetdService (playground/conf/module-services.ps1).
        It 'ftp answers the Zen questions on <Port> (<Mode>), over IPv4 and IPv6' -ForEach @(
            @{ Port = 1060; Mode = 'nowait: a program per connection' }
            @{ Port = 1061; Mode = 'wait: one program accepts the clients' }
        ) {
            $addresses = @(Resolve-DnsName2 ftp.example.com -Type A) + @(Resolve-DnsName2 ftp.example.com -Type AAAA) | Where-Object Type -In 'A', 'AAAA'
            $addresses | Should -HaveCount 2
            foreach ($address in ($addresses | ForEach-Object Address)) {
                $reply = Invoke-TcpConversation ftp.example.com $Port -Address $address -Message 'Beautiful is better than?', 'Now is better than?' -Delimiter '.' -FrameCount 2

                $reply.Messages | Should -Be 'Ugly', 'Never' -Because "$Mode, at $address"
            }
        }
    }

    # The book's chapters 1 and 5: a protocol spoken by hand over a socket (search4.py's raw HTTP request), and failures
    # that come back as typed errors a script can tell apart, not as text.
    Context 'By hand' {
        It 'speaks HTTP to www over a bare TCP connection and reads httpbin''s answer' {
            $request = "GET /get?address=207+N.+Defiance+St HTTP/1.1`r`nHost: www.example.com`r`nUser-Agent: search4`r`nConnection: close`r`n`r`n"

            $reply = Invoke-TcpConversation www.example.com 80 -Message $request -UntilClose

            $head, $body = $reply.ReceivedText -split "`r`n`r`n", 2
            $head | Should -Match '^HTTP/1\.1 200 OK'
            ($body | ConvertFrom-Json).args.address | Should -Be '207 N. Defiance St'
        }

        It 'tells a closed port from an unknown name' {
            $closed = { Invoke-TcpConversation www.example.com 9 -Message 'x' -ErrorAction Stop } | Should -Throw -PassThru
            $unknown = { Invoke-TcpConversation nosuchhost.example.com 80 -Message 'x' -ErrorAction Stop } | Should -Throw -PassThru

            $closed.FullyQualifiedErrorId | Should -BeLike 'ConnectionRefused,*'
            $closed.CategoryInfo.Category | Should -Be 'ConnectionError'
            $unknown.FullyQualifiedErrorId | Should -BeLike 'NameResolutionFailed,*'
            $unknown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
    }

    # The book's chapter 10: the timeapp, served on www's 8000 by Start-HttpServer -HostName (playground/conf/www-services.ps1).
    Context 'Timeapp' {
        It 'tells the time to GET / for www.example.com' {
            $page = Invoke-HttpRequest http://www.example.com:8000/

            $page.StatusCode | Should -Be 200
            $page.ContentType | Should -BeLike 'text/plain*'
            $page.Content | Should -Match '^\w{3} \w{3} \d+ \d\d:\d\d:\d\d \d{4}$'
        }

        It 'answers 404 for another path, and for another host name (its address)' {
            $other = Invoke-HttpRequest http://www.example.com:8000/time

            $other.StatusCode | Should -Be 404
            $other.Content | Should -Be '404 Not Found'
            (Invoke-HttpRequest http://10.130.1.4:8000/).StatusCode | Should -Be 404
        }

        It 'answers 501 for any other method, whatever the path' {
            (Invoke-HttpRequest http://www.example.com:8000/ -Method POST -Body 'x' -Confirm:$false).StatusCode | Should -Be 501
            (Invoke-HttpRequest http://www.example.com:8000/nope -Method DELETE -Confirm:$false).StatusCode | Should -Be 501
        }
    }

    # The book's chapter 11: the payments site (playground/conf/payments.ps1) on www, Fixed on 5000 and Insecure on 5001.
    Context 'Payments' {
        BeforeAll {
            $fixed = 'http://www.example.com:5000'
            $insecure = 'http://www.example.com:5001'

            # A logged-in web session: the login form is fetched and sent back with its hidden fields, as a browser does.
            function Connect-Payments([string] $Uri) {
                $web = New-HttpSession
                $form = Invoke-HttpRequest "$Uri/login" -Session $web | Get-HtmlForm
                $landing = Invoke-HttpRequest -HtmlForm $form -Form @{ username = 'brandon'; password = 'atigdng' } -Session $web
                $landing.StatusCode | Should -Be 200
                $web
            }
        }

        It 'logs brandon in through the form with its CSRF token, over <Name>' -ForEach @(
            @{ Name = 'IPv4'; Uri = 'http://10.130.1.4:5000' }
            @{ Name = 'IPv6'; Uri = 'http://[2001:db8:130:1::4]:5000' }
        ) {
            $web = New-HttpSession
            $login = Invoke-HttpRequest "$Uri/login" -Session $web | Get-HtmlForm
            $landing = Invoke-HttpRequest -HtmlForm $login -Form @{ username = 'brandon'; password = 'atigdng' } -Session $web

            $login.Fields.Name | Should -Contain 'csrf_token'
            $landing.Hops[0].StatusCode | Should -Be 302
            $landing.Uri.AbsolutePath | Should -Be '/'
            ($landing | Select-Html 'title').Text | Should -Be 'Welcome, brandon'
            $web.Cookies.Name | Should -Contain 'session'
        }

        It 'turns a wrong password back to the login page' {
            $web = New-HttpSession
            $login = Invoke-HttpRequest "$fixed/login" -Session $web | Get-HtmlForm
            $landing = Invoke-HttpRequest -HtmlForm $login -Form @{ username = 'brandon'; password = 'wrong' } -Session $web

            $landing.Uri.AbsolutePath | Should -Be '/login'
            ($landing | Select-Html 'title').Text | Should -Be 'Please log in'
        }

        It 'scrapes brandon''s payments, one object each (the book''s li.to)' {
            $web = Connect-Payments $fixed
            $sent = Invoke-HttpRequest "$fixed/" -Session $web | Select-Html 'li.to' -Property ([ordered]@{ To = '.account'; Amount = '.dollars'; Memo = '.memo' })

            $sent[0..1].To | Should -Be 'sam', 'katie'
            $sent[0].Amount | Should -Be '$125'
            $sent[0].Memo | Should -Be 'Lunch'
        }

        It 'refuses a pay form without its CSRF token on the fixed site (403), where the insecure one pays' {
            $thief = "mallory$(Get-Random)"
            $web = Connect-Payments $fixed
            $refused = Invoke-HttpRequest "$fixed/pay" -Form @{ account = $thief; dollars = '1000'; memo = 'forged' } -Session $web -Confirm:$false
            $victim = Connect-Payments $insecure
            $paid = Invoke-HttpRequest "$insecure/pay" -Form @{ account = $thief; dollars = '1000'; memo = 'forged' } -Session $victim -Confirm:$false

            $refused.StatusCode | Should -Be 403
            (Invoke-HttpRequest "$fixed/" -Session $web | Select-Html 'li.to .account').Text | Should -Not -Contain $thief
            $paid.StatusCode | Should -Be 200
            ($paid | Select-Html 'p.flash').Text | Should -Be 'Payment successful'
            ($paid | Select-Html 'li.to .account').Text | Should -Contain $thief
        }

        It 'pays through the fixed site''s own form, and escapes a memo the insecure site writes as typed' {
            $memo = "<b>memo $(Get-Random)</b>"
            $web = Connect-Payments $fixed
            $form = Invoke-HttpRequest "$fixed/pay" -Session $web | Get-HtmlForm
            $done = Invoke-HttpRequest -HtmlForm $form -Form @{ account = 'sam'; dollars = '5'; memo = $memo } -Session $web -Confirm:$false
            $victim = Connect-Payments $insecure
            $raw = Invoke-HttpRequest "$insecure/pay" -Form @{ account = 'sam'; dollars = '5'; memo = $memo } -Session $victim -Confirm:$false

            ($done | Select-Html 'p.flash').Text | Should -Be 'Payment successful'
            $done.Content | Should -BeLike "*$([System.Net.WebUtility]::HtmlEncode($memo))*"
            $done.Content | Should -Not -BeLike "*$memo*"
            $raw.Content | Should -BeLike "*$memo*"
        }

        It 'logs out, and then sends every page to the login form' {
            $web = Connect-Payments $fixed
            $out = Invoke-HttpRequest "$fixed/logout" -Session $web

            $out.Uri.AbsolutePath | Should -Be '/login'
            (Invoke-HttpRequest "$fixed/" -Session $web -MaximumRedirection 0).Location | Should -Be '/login'
            (Invoke-HttpRequest "$fixed/pay" -Session $web).Uri.AbsolutePath | Should -Be '/login'
        }
    }

    # The book's chapter 18: Start-RpcServer on www's 7001 answers XML-RPC and JSON-RPC on one port (www-services.ps1).
    Context 'RPC' {
        BeforeAll {
            $rpc = 'http://www.example.com:7001/'
        }

        It 'runs the book''s XML-RPC client: addtogether, quadratic and remote_repr' {
            Invoke-XmlRpc $rpc addtogether 'x', 'ÿ', 'z' | Should -Be 'xÿz'
            Invoke-XmlRpc $rpc addtogether 20, 30, 4, 1 | Should -Be 55
            (Invoke-XmlRpc $rpc quadratic -Argument @(1, -3, 2)) | Sort-Object | Should -Be 1, 2
            $person = Invoke-XmlRpc $rpc remote_repr -Argument ([ordered]@{ name = 'Arthur'; data = [ordered]@{ age = 42; sex = 'M' } })
            $person.name | Should -Be 'Arthur'
            $person.data.age | Should -Be 42
        }

        It 'makes a quadratic without a real root a fault' {
            { Invoke-XmlRpc $rpc quadratic -Argument @(1, 0, 1) -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
        }

        It 'describes its methods through introspection (the book''s xmlrpc_introspect.py)' {
            $methods = Get-XmlRpcMethod $rpc

            $methods.Name | Should -Contain 'addtogether'
            $methods.Name | Should -Contain 'system.multicall'
            $quadratic = $methods | Where-Object Name -EQ 'quadratic'
            $quadratic.Signatures | Should -Be 'any (double, double, double)'
            $quadratic.Help | Should -Match '^Determine `x` values satisfying'
        }

        It 'answers JSON-RPC on the same port, over IPv4 and IPv6, by position and by name' {
            Invoke-JsonRpc $rpc addtogether 1, 2, 3 | Should -Be 6
            (Invoke-JsonRpc 'http://[2001:db8:130:1::4]:7001/' quadratic -NamedArgument @{ a = 1; b = -3; c = 2 }) | Sort-Object | Should -Be 1, 2
            (Invoke-JsonRpc $rpc remote_repr -Argument (, @(1, 2.5, 'three'))) | Should -Be 1, 2.5, 'three'
        }
    }

    # The book's chapter 8: the Monte-Carlo π of queuepi.py. www publishes random 64-bit strings on 6700 and runs
    # pythagoras (REP) on 6701 (www-services.ps1); h1 joins as the two judges and the tally.
    Context 'Messaging' {
        BeforeAll {
            $pythagorasEndpoint = 'tcp://www.example.com:6701'
        }

        It 'www''s pythagoras answers a JSON list with the sum of its squares, and a request it cannot use with why' {
            $pythagoras = New-MessageSocket Req -Connect $pythagorasEndpoint
            try {
                $null = Send-Message $pythagoras -InputObject @(3, 4) -AsJson
                $sum = (Receive-Message $pythagoras -AsJson -TimeoutSeconds 10).Value
                $null = Send-Message $pythagoras -InputObject 'not numbers'
                $refusal = (Receive-Message $pythagoras -AsJson -TimeoutSeconds 10).Value
                $null = Send-Message $pythagoras -InputObject @(4294967295, 4294967295) -AsJson
                $big = (Receive-Message $pythagoras -AsJson -TimeoutSeconds 10).Value
            } finally {
                Close-MessageSocket $pythagoras
            }

            $sum | Should -Be 25
            $refusal | Should -BeLike 'pythagoras wants a JSON list*'
            [bigint]$big | Should -Be ([bigint]::Parse('36893488130239234050'))   # beyond 64 bits, exactly
        }

        It 'joins www''s π pipeline as the judges and the tally, and estimates π within 0.25 from 1,000 points' {
            $bits = New-MessageSocket Sub -Connect 'tcp://www.example.com:6700'
            $pythagoras = New-MessageSocket Req -Connect $pythagorasEndpoint
            try {
                $points = @(Receive-Message $bits -Count 1000 -TimeoutSeconds 30)
                # The book's judges: a point whose x and y both start with 0 (the lower-left quadrant, bits '00') is
                # inside; any other has its even bits as x and odd bits as y (32 bits each) and is inside when
                # pythagoras finds x² + y² below 2⁶⁴.
                $unit = [bigint]::Pow(2, 64)
                $asked = 0
                $decisions = foreach ($point in $points.Text) {
                    if ($point.StartsWith('00')) { 'Y'; continue }
                    $even = [char[]]::new(32); $odd = [char[]]::new(32)
                    for ($i = 0; $i -lt 32; $i++) { $even[$i] = $point[2 * $i]; $odd[$i] = $point[2 * $i + 1] }
                    $x = [Convert]::ToInt64([string]::new($even), 2)
                    $y = [Convert]::ToInt64([string]::new($odd), 2)
                    $null = Send-Message $pythagoras -InputObject @($x, $y) -AsJson
                    $asked++
                    if ([bigint](Receive-Message $pythagoras -AsJson -TimeoutSeconds 10).Value -lt $unit) { 'Y' } else { 'N' }
                }
            } finally {
                Close-MessageSocket $bits, $pythagoras
            }
            $estimate = 4 * @($decisions | Where-Object { $_ -eq 'Y' }).Count / $points.Count

            $points | Should -HaveCount 1000
            $points.Text | ForEach-Object { $_ | Should -Match '^[01]{64}$' }
            ($points.Text | Sort-Object -Unique).Count | Should -BeGreaterThan 990 -Because 'the points are random'
            $decisions | Should -HaveCount 1000
            $asked | Should -BeGreaterThan 600 -Because 'three quarters of the points go to pythagoras'
            [math]::Abs($estimate - [math]::PI) | Should -BeLessThan 0.25 -Because "h1 estimated $estimate"
        }
    }

    Context 'NAT' {
        It 'ftp''s UDP server sees h1''s datagrams coming from modemA (10.25.1.65), and the reply finds its way back' {
            $reply = Send-UdpDatagram 10.130.1.2 -Port 1060 -Message 'who am I?'

            $address, $port = $reply.Text -split ' '
            $address | Should -Be '10.25.1.65'
            [int] $port | Should -BeGreaterThan 0
            $reply.RemoteAddress | Should -Be '10.130.1.2'
        }

        It 'www sees h1''s IPv4 connections coming from modemA (10.25.1.65)' {
            (Invoke-HttpRequest http://10.130.1.4/ip -ParseJson).Json.origin | Should -Be '10.25.1.65'
        }

        It 'www sees h1''s own address over IPv6, which is routed, not translated' {
            (Invoke-HttpRequest 'http://[2001:db8:130:1::4]/ip' -ParseJson).Json.origin | Should -Be '2001:db8:25:a::11'
        }

        It 'h4, behind modemB, cannot be reached from h1 while modemB itself can' {
            (Test-TcpPort -ComputerName 10.25.1.66 -Port 22).Open | Should -BeTrue
            (Test-TcpPort -ComputerName 192.168.1.14 -Port 22 -TimeoutSeconds 2).Open | Should -BeFalse
            (Test-TcpPort -ComputerName 2001:db8:25:b::14 -Port 22 -TimeoutSeconds 2).Open | Should -BeFalse
        }
    }

    Context 'TLS' {
        BeforeAll {
            $caSubject = [Security.Cryptography.X509Certificates.X509Certificate2]::new($caFile).Subject
        }

        It '<Name>:<Port> presents a certificate for its name from the playground CA' -ForEach $tlsServices {
            $result = Test-TlsCertificate -ComputerName $Name -Port $Port

            $result.IsValid | Should -BeTrue -Because ($result.Problems -join '; ')
            $result.Issuer | Should -Be $caSubject
            $result.SubjectAlternativeNames | Should -Contain $Name
        }

        It 'rejects www''s certificate for another name' {
            $result = Test-TlsCertificate -ComputerName www.example.com -Port 443 -ServerName mail.example.com

            $result.IsTrusted | Should -BeTrue
            $result.NameMatches | Should -BeFalse
            $result.IsValid | Should -BeFalse
        }

        It 'passes the whole pipe: DNS record, open port, valid certificate' {
            $results = Resolve-DnsName2 www.example.com -Type A | Test-TcpPort -Port 443 | Where-Object Open | Test-TlsCertificate

            $results | Should -HaveCount 1
            $results.IsValid | Should -BeTrue
            $results.NameMatches | Should -BeTrue
            $results.DaysRemaining | Should -BeGreaterThan 7   # the playground CA signs for 30 days
        }

        It 'Test-TlsCertificate -StartTls <Protocol> finds a valid certificate on <Name>:<Port>' -ForEach $startTlsServices {
            $result = Test-TlsCertificate -ComputerName $Name -Port $Port -StartTls $Protocol

            $result.IsValid | Should -BeTrue
            $result.Issuer | Should -Be $caSubject
            $result.Subject | Should -Match ([regex]::Escape($Name))
        }

        # Chapter 6's client certificates: ftp's port 1062 is Start-TcpServer -ClientCertificateMode Required
        # (playground/conf/module-services.ps1); brandon's certificate from the playground CA is in his home.
        It 'ftp:1062 serves a client that shows brandon''s certificate, and knows who it is' {
            $folder = if ($env:NETFOUNDATIONS_PLAYGROUND_DIR) { $env:NETFOUNDATIONS_PLAYGROUND_DIR } else { '/tmp/netfoundations-playground' }
            $certificate = Join-Path $folder 'home' 'brandon' 'brandon.crt'
            $key = Join-Path $folder 'home' 'brandon' 'brandon.key'

            $answer = Invoke-TcpConversation ftp.example.com 1062 -Tls -ClientCertificate $certificate -ClientCertificateKey $key -Message "hello`n" -LineCount 1

            $answer.Messages | Should -Be 'CN=brandon, O=example.com says: hello'
        }

        It 'ftp:1062 turns away a client without a certificate' {
            $answer = Invoke-TcpConversation ftp.example.com 1062 -Tls -Message "hello`n" -LineCount 1 -ErrorVariable failed -ErrorAction SilentlyContinue

            $answer.Messages | Should -BeNullOrEmpty
            $failed | Should -Not -BeNullOrEmpty
        }
    }

    Context 'SSH' {
        BeforeAll {
            $folder = if ($env:NETFOUNDATIONS_PLAYGROUND_DIR) { $env:NETFOUNDATIONS_PLAYGROUND_DIR } else { '/tmp/netfoundations-playground' }
            $knownHosts = Join-Path $folder 'ssh' 'known_hosts'   # the playground's host keys, and only those, are trusted
        }

        # PowerShell remoting over SSH: pwsh is sshd's subsystem on every host, with the module in the working folder.
        It 'runs the module''s cmdlets on www and mail over PowerShell remoting, and brings their objects back' {
            $key = Join-Path $folder 'home' 'brandon' '.ssh' 'id_ed25519'
            $module = Join-Path $folder 'modules' 'NetFoundations'
            $ssh = @{ UserKnownHostsFile = $knownHosts; StrictHostKeyChecking = 'yes' }

            $results = Invoke-Command -HostName www.example.com, mail.example.com -UserName brandon -KeyFilePath $key -Options $ssh -ScriptBlock {
                Import-Module $using:module
                Test-TcpPort -ComputerName localhost -Port 22, 25
            }

            $results | Should -HaveCount 4
            $open = $results | Where-Object Open | ForEach-Object { "$($_.PSComputerName):$($_.Port)" }
            $open | Sort-Object | Should -Be 'mail.example.com:22', 'mail.example.com:25', 'www.example.com:22'
        }

        It 'runs a command on www as the test user, trusting only the playground''s known_hosts' {
            $result = Invoke-SshCommand -ComputerName www.example.com -Command 'hostname; id -un' -Credential $brandon -KnownHostsPath $knownHosts

            $result.ExitStatus | Should -Be 0
            $result.Output | Should -Match '^www'
            $result.Output | Should -Match 'brandon'
        }

        It 'tunnels from h1 through www to the IMAP port of mail, named as www resolves it' {
            $session = Connect-SshSession www.example.com -Credential $brandon -KnownHostsPath $knownHosts
            try {
                $tunnel = $session | New-SshTunnel -RemoteHost mail.example.com -RemotePort 143
                $greeting = Invoke-TcpConversation 127.0.0.1 $tunnel.BoundPort -LineCount 1

                $greeting.ReceivedText | Should -Match '^\* OK'
                $tunnel.Connections | Should -Be 1
            } finally {
                Disconnect-SshSession -Session $session
            }
        }

        It 'downloads brandon''s welcome from www over SFTP, byte for byte' {
            $session = Connect-SshSession www.example.com -Credential $brandon -KnownHostsPath $knownHosts
            try {
                $copy = Join-Path $TestDrive 'welcome.txt'
                $transfer = Receive-SftpItem -Session $session -Path welcome.txt -Destination $copy

                $transfer.Length | Should -Be (Get-Item (Join-Path $folder 'home' 'brandon' 'welcome.txt')).Length
                Get-Content $copy | Should -Be 'Welcome to the NetFoundations playground, brandon.'
            } finally {
                Disconnect-SshSession -Session $session
            }
        }

        It 'drives a shell on www with expect steps' {
            $prompt = @{ Expect = '\$ $' }

            $results = Invoke-SshShell -ComputerName www.example.com -Credential $brandon -KnownHostsPath $knownHosts -Step $prompt, @{ Send = 'hostname' }, $prompt

            $results[-1].Output | Should -Match '^www'
        }
    }

    Context 'Mail' {
        BeforeAll {
            $seeded = 'Welcome to example.com!', 'Introduction to e-mail', 'Your file, with a MIME attachment'

            # The INBOX messages with this subject, waiting up to ten seconds for delivery.
            function Wait-Delivered($Session, [string] $Subject) {
                foreach ($attempt in 1..50) {
                    $found = Get-ImapMessage -Session $Session -Subject $Subject
                    if ($found) { return $found }
                    Start-Sleep -Milliseconds 200
                }
            }
        }

        It 'the mail exchanger of example.com takes SMTP connections from h1' {
            $open = Resolve-MailExchange example.com | Test-TcpPort -Port 25 | Where-Object Open

            $open | Should -Not -BeNullOrEmpty
            $open[0].ComputerName | Should -Be 'mail.example.com'
        }

        It 'holds the three seeded messages for the test user, read over IMAPS' {
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $messages = Get-ImapMessage -Session $session
                $attachment = $messages | Where-Object Subject -EQ 'Your file, with a MIME attachment' | Read-ImapMessage

                foreach ($subject in $seeded) { $messages.Subject | Should -Contain $subject }
                $attachment.Attachments | Should -Not -BeNullOrEmpty
            } finally {
                Disconnect-Imap -Session $session
            }
        }

        It 'lists the seeded messages over POP3 with TLS (995)' {
            $listed = Get-Pop3Message mail.example.com $brandon -Security Tls -Headers

            foreach ($subject in $seeded) { $listed.Subject | Should -Contain $subject }
        }

        It 'takes mail from h1 for example.com at its exchanger on port 25, which IMAP then finds' {
            $subject = "Through the MX $(New-Guid)"

            $sent = Resolve-MailExchange example.com |
                Send-SmtpMail -From 'h1@example.com' -To 'brandon@example.com' -Subject $subject -Body 'Hello over port 25' -Security StartTls

            $sent.Sent | Should -BeTrue
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $found = Wait-Delivered $session $subject
                $found | Should -HaveCount 1
                ($found | Read-ImapMessage).Body.Trim() | Should -Be 'Hello over port 25'
                $found | Remove-ImapMessage -Confirm:$false
            } finally {
                Disconnect-Imap -Session $session
            }
        }

        It 'submits mail on 587 only after STARTTLS and AUTH, and delivers it' {
            $server = Test-SmtpServer mail.example.com -Port 587 -Security StartTls -Credential $brandon

            $server.StartTlsOffered | Should -BeTrue
            $server.CertificateValid | Should -BeTrue
            $server.Authenticated | Should -BeTrue

            $subject = "Submitted $(New-Guid)"
            $sent = New-MailMessage -From 'brandon@example.com' -To 'brandon@example.com' -Subject $subject -Body 'Hello over 587' |
                Send-SmtpMail -SmtpServer mail.example.com -Port 587 -Security StartTls -Credential $brandon

            $sent.Sent | Should -BeTrue
            $sent.TlsProtocol | Should -Not -BeNullOrEmpty
            $session = Connect-Imap mail.example.com $brandon -Security Tls
            try {
                $found = Wait-Delivered $session $subject
                $found | Should -HaveCount 1
                $found | Remove-ImapMessage -Confirm:$false
            } finally {
                Disconnect-Imap -Session $session
            }
        }
    }

    # The book's chapter 17: vsftpd on ftp, anonymous downloads from a tree, uploads for brandon over explicit FTPS.
    Context 'FTP' {
        BeforeAll {
            $folder = if ($env:NETFOUNDATIONS_PLAYGROUND_DIR) { $env:NETFOUNDATIONS_PLAYGROUND_DIR } else { '/tmp/netfoundations-playground' }
            $public = Join-Path $folder 'ftp' 'pub'   # what vsftpd serves to anonymous users, seen from this machine
        }

        It 'walks the public tree anonymously, and lists the link without following it' {
            $session = Connect-FtpSession ftp.example.com
            try {
                $entries = Get-FtpChildItem -Session $session -Path /book -Recurse

                ($entries | Where-Object Name -Like '*.py').Name | Sort-Object | Should -Be 'asciidl.py', 'binarydl.py', 'binaryul.py', 'connect.py', 'dir.py', 'nlst.py', 'recursedl.py'
                ($entries | Where-Object Name -EQ 'ch17-readme').Type | Should -Be 'Link'
            } finally {
                Disconnect-FtpSession -Session $session
            }
        }

        It 'downloads a binary file byte for byte (binarydl.py)' {
            $session = Connect-FtpSession ftp.example.com
            try {
                $copy = Join-Path $TestDrive 'random.bin'
                $null = Receive-FtpItem -Session $session -Path /book/data/random.bin -Destination $copy

                (Get-FileHash $copy).Hash | Should -Be (Get-FileHash (Join-Path $public 'book' 'data' 'random.bin')).Hash
            } finally {
                Disconnect-FtpSession -Session $session
            }
        }

        It 'mirrors the public tree into a local folder, which then compares clean (Compare-FtpItem, Sync-FtpItem)' {
            $session = Connect-FtpSession ftp.example.com
            try {
                $local = Join-Path $TestDrive 'mirror'
                $plan = @(Compare-FtpItem -Session $session -Path /book -LocalPath $local)
                $mirror = $plan | Sync-FtpItem -Confirm:$false | Where-Object { $_ -is [NetFoundations.Core.Ftp.FtpTreeResult] }
                $after = @(Compare-FtpItem -Session $session -Path /book -LocalPath $local)

                $plan.Reason | Sort-Object -Unique | Should -Be 'Missing'
                $plan.RelativePath | Should -Contain 'ch17/listings/recursedl.py'
                $mirror.Transferred | Should -Be $plan.Count
                $mirror.Failed | Should -Be 0
                $after | Should -BeNullOrEmpty
                (Get-FileHash (Join-Path $local 'data' 'random.bin')).Hash | Should -Be (Get-FileHash (Join-Path $public 'book' 'data' 'random.bin')).Hash
            } finally {
                Disconnect-FtpSession -Session $session
            }
        }

        It 'uploads as brandon over explicit FTPS, and reads the upload back (binaryul.py)' {
            $session = Connect-FtpSession ftp.example.com -Credential $brandon -Security Explicit
            try {
                $local = Join-Path $TestDrive 'upload.txt'
                "uploaded from h1 by $PID" | Set-Content $local
                $remote = "upload-$PID.txt"
                $null = Send-FtpItem -Session $session -Path $local -Destination $remote -Force
                $back = Join-Path $TestDrive 'back.txt'
                $null = Receive-FtpItem -Session $session -Path $remote -Destination $back

                Get-Content $back | Should -Be "uploaded from h1 by $PID"
                $session.TlsProtocol | Should -Not -BeNullOrEmpty
            } finally {
                Remove-FtpItem -Session $session -Path $remote -Confirm:$false -ErrorAction SilentlyContinue
                Disconnect-FtpSession -Session $session
            }
        }
    }

    # The book's chapter 16: telnetd on ftp, with the terminal type negotiated (TTYPE).
    Context 'Telnet' {
        It 'logs in to ftp as brandon and runs a command with the terminal type it asked for' {
            $result = Invoke-TelnetCommand ftp.example.com -Credential $brandon -Command 'echo "$(hostname) $TERM"' -TerminalType vt220

            $result.Output | Should -Be 'ftp vt220'
        }
    }

    Context 'Routing' {
        It 'reaches <_> in 5 hops: modemA, isp, backbone, example.com, the server' -ForEach 'www.example.com', 'mail.example.com', 'ftp.example.com' {
            $trace = Test-Connection $_ -Traceroute -IPv4 -TimeoutSeconds 2
            $server = ($trace | Select-Object -Last 1).TargetAddress.IPAddressToString

            $hops = $trace | Group-Object Hop | ForEach-Object { $_.Group[0].Hostname }
            $hops | Should -Be '192.168.1.1', '10.25.1.1', '10.1.1.1', '10.130.1.1', $server
        }

        # .NET's ping on Linux reports no address for a hop that answers over IPv6 (time exceeded), so the routers show
        # as hops without a reply, and the count is what is checked: the same five as over IPv4.
        It 'reaches www.example.com over IPv6 in 5 hops too' {
            $trace = Test-Connection www.example.com -Traceroute -IPv6 -TimeoutSeconds 2 -ErrorAction SilentlyContinue
            $hops = $trace | Group-Object Hop

            $hops.Name | Should -Be '1', '2', '3', '4', '5'
            $hops[-1].Group.Status | Should -Contain 'Success'
            $hops[-1].Group[0].Reply.Address.IPAddressToString | Should -Be '2001:db8:130:1::4'
            $hops[0..3].Group.Status | Should -Not -Contain 'Success'
        }

        It 'has a path MTU of 1,500 bytes to <_>, as the book''s big_sender shows over Ethernet' -ForEach 'www.example.com', 'ftp.example.com' {
            $path = Measure-PathMtu $_

            $path.Mtu | Should -Be 1500
            $path.MaxPayload | Should -Be 1472
        }

        It 'reaches nothing outside the playground' {
            $outside = Test-TcpPort -ComputerName 198.51.100.1 -Port 80 -TimeoutSeconds 3

            $outside.Open | Should -BeFalse
            $outside.FailureKind | Should -Be 'Unreachable'
        }
    }
}
