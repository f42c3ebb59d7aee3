# HTTP and the web, as a user checks them.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE -Force
}

# The book's chapter 11: reading pages with CSS selectors. The payments page is the book's own (its payments app's
# index.html), as a browser receives it.
Describe 'Scraping HTML pages' {
    BeforeAll {
        $payments = @'
<!DOCTYPE html>
<html><head><title>Welcome, brandon</title><base href="https://payments.example.com/"></head>
<body>
  <h1>Your payments</h1>
  <ul>
    <li class="to">To <b class="account">sam</b>: <span class="dollars">$125</span> for <i class="memo">Lunch</i> <a href="payment/1">details</a></li>
    <li class="from">From <b class="account">sam</b>: <span class="dollars">$32</span> for <i class="memo">Beer</i></li>
    <li class="to">To <b class="account">katie</b>: <span class="dollars">$9</span> for <i class="memo">Coffee</i> <a href="payment/3">details</a></li>
  </ul>
  <form method="post" action="/pay">
    <input type="hidden" name="csrf_token" value="4f2a9c">
    <label>To <input name="account"></label> <input name="dollars"> <input name="memo">
    <button type="submit">Send money</button>
  </form>
  <table id="totals">
    <thead><tr><th>Account</th><th>Paid</th><th>Received</th></tr></thead>
    <tr><td>sam</td><td>$125</td><td>$32</td></tr>
    <tr><td>katie</td><td>$9</td></tr>
  </table>
</body></html>
'@
        $page = Join-Path $TestDrive 'payments.html'
        Set-Content -Path $page -Value $payments
    }

    It 'finds the payments made, one object each, with the properties asked for' {
        $sent = Select-Html 'li.to' -Html $payments -Property ([ordered]@{ To = '.account'; Amount = '.dollars'; Memo = '.memo'; Details = 'a@href' })

        $sent | Should -HaveCount 2
        $sent[0].To | Should -Be 'sam'
        $sent[0].Amount | Should -Be '$125'
        $sent[1].Memo | Should -Be 'Coffee'
        $sent[1].Details | Should -Be 'https://payments.example.com/payment/3'
        $sent[0].PSObject.Properties.Name | Should -Be 'To', 'Amount', 'Memo', 'Details'
    }

    It 'gives elements with their text as a reader sees it and links made absolute' {
        $links = $payments | Select-Html 'a[href]'

        $links | Should -HaveCount 2
        $links[0] | Should -BeOfType [NetFoundations.Core.Http.HtmlElement]
        $links[0].Text | Should -Be 'details'
        $links[0].Link | Should -Be 'https://payments.example.com/payment/1'
        (Select-Html 'li.from' -Html $payments).Text | Should -Be 'From sam: $32 for Beer'
    }

    It 'reads a page from a file, and piped files' {
        (Select-Html 'h1' -Path $page).Text | Should -Be 'Your payments'
        (Get-Item $page | Select-Html 'title').Text | Should -Be 'Welcome, brandon'
    }

    It 'turns a table into objects, a short row''s missing cells null' {
        $totals = ConvertFrom-HtmlTable '#totals' -Html $payments

        $totals | Should -HaveCount 2
        $totals[0].Account | Should -Be 'sam'
        $totals[0].Received | Should -Be '$32'
        $totals[1].Received | Should -BeNullOrEmpty
        $table = ConvertFrom-HtmlTable -Html $payments -AsTable
        $table | Should -BeOfType [NetFoundations.Core.Http.HtmlTable]
        $table.Columns | Should -Be 'Account', 'Paid', 'Received'
    }

    It 'finds the pay form with its hidden CSRF token, and what it would send' {
        $form = Get-HtmlForm -Html $payments

        $form | Should -BeOfType [NetFoundations.Core.Http.HtmlForm]
        $form.Method | Should -Be 'POST'
        $form.Action | Should -Be 'https://payments.example.com/pay'
        $form.Fields[0] | Should -BeOfType [NetFoundations.Core.Http.HtmlFormField]
        ($form.Fields | Where-Object IsHidden).Value | Should -Be '4f2a9c'
        $sent = $form.GetSubmission(@{ account = 'katie'; dollars = '5'; memo = 'Tea' })
        ($sent | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join '&' | Should -Be 'csrf_token=4f2a9c&account=katie&dollars=5&memo=Tea'
    }

    It 'refuses a selector that is not CSS before reading any page' {
        { Select-Html 'li[' -Html $payments -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*'
        { Select-Html 'li' -Html $payments -Property @{ To = 'b[' } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,*'
    }

    It 'ends a hostile page at its deadline, and goes on with the next' {
        $hostile = ('<div>' * 300000) + 'deep'
        $elapsed = Measure-Command {
            $found = $hostile, $payments | Select-Html 'h1' -TimeoutSeconds 1 -ErrorVariable failures -ErrorAction SilentlyContinue
        }

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'OperationTimedOut,*'
        $found.Text | Should -Be 'Your payments'
        $elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'converts an element to flat JSON' {
        $json = Select-Html 'a' -Html $payments | Select-Object -First 1 | ConvertTo-Json -Compress | ConvertFrom-Json

        $json.Link | Should -Be 'https://payments.example.com/payment/1'
        $json.Attributes.href | Should -Be 'payment/1'
    }
}

# The book's chapter 10: the timeapp answers GET / for its own host with the time, 404 for other paths and hosts, and
# 501 for other methods — here as a route table, checked with curl and Python's requests (clients we did not write).
Describe 'Start-HttpServer: the book''s timeapp and its status rules' {
    BeforeAll {
        $timeapp = Start-HttpServer -HostName 127.0.0.1 -Route @{
            'GET /' = { [datetime]::Now.ToString('ddd MMM d HH:mm:ss yyyy', [cultureinfo]::InvariantCulture) }
        }
        $url = "http://127.0.0.1:$($timeapp.LocalPort)"
        function Get-Status([string[]] $CurlArgument) {
            [int](curl -s -o /dev/null -w '%{http_code}' --max-time 20 @CurlArgument)
        }
    }

    AfterAll {
        $timeapp | Stop-TcpServer
    }

    It 'tells the time to GET / on its own host' {
        $reply = curl -s -i --max-time 20 "$url/"

        $reply[0] | Should -Match '^HTTP/1.1 200 OK'
        $reply | Should -Contain 'Content-Type: text/plain; charset=utf-8'
        $reply[-1] | Should -Match '^\w{3} \w{3} \d+ \d\d:\d\d:\d\d \d{4}$'
    }

    It 'answers 404 for another path and for another host name' {
        Get-Status "$url/time" | Should -Be 404
        Get-Status '-H', 'Host: localhost', "$url/" | Should -Be 404
        curl -s --max-time 20 "$url/nope" | Should -Be '404 Not Found'
    }

    It 'answers 501 for any other method, whatever the path' {
        Get-Status '-X', 'POST', "$url/" | Should -Be 501
        Get-Status '-X', 'DELETE', "$url/nope" | Should -Be 501
    }

    It 'gives Python''s requests the same answers' {
        $python = @'
import json, sys, requests
base = sys.argv[1]
out = [requests.get(base + '/').status_code, requests.get(base + '/x').status_code,
       requests.get(base + '/', headers={'Host': 'example.com'}).status_code, requests.post(base + '/').status_code,
       requests.head(base + '/').status_code]
print(json.dumps(out))
'@
        $codes = /usr/bin/python3 -c $python $url | ConvertFrom-Json

        $codes | Should -Be 200, 404, 404, 501, 200
    }

    It 'counts each route, and logs each request as an object' {
        $routes = $timeapp.GetRoutes()

        ($routes | Where-Object Route -EQ 'GET /').Requests | Should -BeGreaterThan 0
        ($routes | Where-Object Route -EQ '501').ClientErrors | Should -Be 0
        ($routes | Where-Object Route -EQ '501').ServerErrors | Should -BeGreaterThan 0
        $log = $timeapp.GetRequestLog()
        $log | Should -Not -BeNullOrEmpty
        $log[0] | Should -BeOfType [NetFoundations.Core.Http.HttpServerLogEntry]
        ($log | Where-Object StatusCode -EQ 501).Method | Should -Contain 'DELETE'
    }
}

Describe 'Start-HttpServer: routes, static files and HTTPS' {
    BeforeAll {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        $site = Join-Path $TestDrive 'site'
        New-Item -ItemType Directory -Path $site | Out-Null
        Set-Content -Path (Join-Path $site 'hello.txt') -Value 'hello, static world' -NoNewline
        $store = [hashtable]::Synchronized(@{ 7 = 'seven' })
        $server = Start-HttpServer -StaticPath $site -Variable @{ Store = $store; Site = $site } -Route @{
            'GET /items/{id}'  = { param($request) $name = $Store[[int]$request.RouteParameters.id]
                                   if ($null -eq $name) { @{ Status = 404; Body = "no item $($request.RouteParameters.id)" } }
                                   else { [pscustomobject]@{ Id = [int]$request.RouteParameters.id; Name = $name; Full = $request.Query.full -eq '1' } } }
            'PUT /items/{id}'  = { param($request) $Store[[int]$request.RouteParameters.id] = $request.Json.name; @{ Status = 201; Headers = @{ Location = "/items/$($request.RouteParameters.id)" } } }
            'POST /form'       = { param($request) "Hello, $($request.Form.name) from $($request.RemoteAddress)" }
            'GET /file'        = { Get-Item (Join-Path $Site 'hello.txt') }
            'GET /fail'        = { throw 'this route fails' }
        }
        $url = "http://127.0.0.1:$($server.LocalPort)"
    }

    AfterAll {
        $server | Stop-TcpServer
    }

    It 'passes route parameters and the query, and returns an object as JSON' {
        $reply = curl -s -i --max-time 20 "$url/items/7?full=1"

        $reply | Should -Contain 'Content-Type: application/json; charset=utf-8'
        $item = $reply[-1] | ConvertFrom-Json
        $item.Id | Should -Be 7
        $item.Name | Should -Be 'seven'
        $item.Full | Should -BeTrue
    }

    It 'reads a JSON body, shares the variables it was given, and answers with the status and headers asked for' {
        $python = @'
import sys, requests
r = requests.put(sys.argv[1] + '/items/8', json={'name': 'eight'})
print(r.status_code, r.headers['Location'])
print(requests.get(sys.argv[1] + '/items/8').json()['Name'])
'@
        $reply = /usr/bin/python3 -c $python $url

        $reply | Should -Be '201 /items/8', 'eight'
        $store[8] | Should -Be 'eight'
    }

    It 'reads a form, and answers a route''s own 404 and a failing route''s 500' {
        curl -s --max-time 20 --data-urlencode 'name=Ada Lovelace' "$url/form" | Should -Be 'Hello, Ada Lovelace from 127.0.0.1'
        curl -s --max-time 20 -w ' %{http_code}' "$url/items/99" | Should -Be 'no item 99 404'
        curl -s --max-time 20 -w ' %{http_code}' "$url/fail" | Should -Be '500 Internal Server Error 500'
        ($server.GetErrors().Message -like '*this route fails*') | Should -Not -BeNullOrEmpty
    }

    It 'serves static files with validators, 304 and byte ranges' {
        $headers = curl -s -D - -o /dev/null --max-time 20 "$url/hello.txt"
        $etag = ($headers | Where-Object { $_ -like 'ETag:*' }) -replace '^ETag: ', ''

        $etag | Should -Not -BeNullOrEmpty
        $headers | Should -Contain 'Accept-Ranges: bytes'
        curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "If-None-Match: $etag" "$url/hello.txt" | Should -Be 304
        curl -s --max-time 20 -r 7-12 "$url/hello.txt" | Should -Be 'static'
        curl -s --max-time 20 "$url/file" | Should -Be 'hello, static world'
        curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$url/../../etc/passwd" --path-as-is | Should -Be 404
    }

    It 'answers 405 with Allow for a path served by other methods' {
        $reply = curl -s -i --max-time 20 -X DELETE "$url/items/7"

        $reply[0] | Should -Match '^HTTP/1.1 (405|501)'
        $post = curl -s -i --max-time 20 -X POST "$url/items/7"
        $post[0] | Should -Match '^HTTP/1.1 405'
        $post | Should -Contain 'Allow: GET, HEAD, PUT'
    }

    It 'refuses requests past its bounds, and a slow client, without harm to the server' {
        $small = Start-HttpServer -Route @{ 'POST /' = { 'ok' }; 'GET /endless' = { while ($true) { Start-Sleep -Milliseconds 50 } } } -MaxBodyBytes 1000 -TimeoutSeconds 1
        try {
            curl -s -o /dev/null -w '%{http_code}' --max-time 20 --data-binary ('x' * 2000) "http://127.0.0.1:$($small.LocalPort)/" | Should -Be 413
            $slow = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $small.LocalPort)
            $slow.GetStream().Write([byte[]][char[]]'POST / HTTP/1.1', 0, 15)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while ($small.ConnectionsFailed -lt 2 -and $clock.Elapsed.TotalSeconds -lt 10) { Start-Sleep -Milliseconds 50 }
            $kinds = $small.GetErrors() | ForEach-Object { $_.GetType().Name }
            $kinds | Should -Contain 'ProtocolViolationException'
            $kinds | Should -Contain 'NetworkTimeoutException'
            $slow.Dispose()
            # A route that never returns is stopped at the timeout, and its runspace is free again.
            curl -s -o /dev/null --max-time 20 "http://127.0.0.1:$($small.LocalPort)/endless"
            $clock.Restart()
            while (-not ($small.GetErrors().Message -like '*did not answer GET /endless*') -and $clock.Elapsed.TotalSeconds -lt 10) { Start-Sleep -Milliseconds 50 }
            $small.GetErrors().Message -like '*did not answer GET /endless*' | Should -Not -BeNullOrEmpty
            curl -s --max-time 20 -d x "http://127.0.0.1:$($small.LocalPort)/" | Should -Be 'ok'
        } finally {
            $small | Stop-TcpServer
        }
    }

    It 'speaks HTTPS with a certificate, as Start-TcpServer does' {
        $pki = Join-Path $TestDrive 'pki'
        Invoke-TestServerScript (Join-Path $PSScriptRoot '..' 'servers' 'tls' 'make-pki.sh') $pki
        $tls = Start-HttpServer -Route @{ 'GET /' = { 'secret' } } -Certificate (Join-Path $pki 'valid.crt') -CertificateKey (Join-Path $pki 'valid.key')
        try {
            $tls.Tls | Should -BeTrue
            curl -s --max-time 20 --cacert (Join-Path $pki 'ca.crt') --resolve "localhost:$($tls.LocalPort):127.0.0.1" "https://localhost:$($tls.LocalPort)/" |
                Should -Be 'secret'
        } finally {
            $tls | Stop-TcpServer
        }
    }

    It 'is listed and stopped by Get-TcpServer and Stop-TcpServer' {
        $other = Start-HttpServer -Route @{ 'GET /' = { 'x' } }
        Get-TcpServer -Port $other.LocalPort | Should -Be $other
        $other.Service | Should -Be 'Http'
        Stop-TcpServer -Port $other.LocalPort
        $other.State | Should -Be 'Stopped'
        curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$($other.LocalPort)/" | Should -Be '000'
    }

    It 'runs in the foreground with -Wait, writing the request log, until its time is up' {
        $port = Get-UnusedPort
        # A client in another process, trying until the server is up (bounded).
        $start = [Diagnostics.ProcessStartInfo]::new('bash')
        $start.ArgumentList.Add('-c')
        $start.ArgumentList.Add("for i in `$(seq 20); do curl -sf -o /dev/null http://127.0.0.1:$port/hi && curl -s -o /dev/null http://127.0.0.1:$port/nope && break; sleep 0.3; done")
        $client = [Diagnostics.Process]::Start($start)
        $log = Start-HttpServer -Port $port -Route @{ 'GET /hi' = { 'hi' } } -Wait -TotalTimeoutSeconds 5
        $client.WaitForExit(10000)

        $log | Should -Not -BeNullOrEmpty
        $log[0] | Should -BeOfType [NetFoundations.Core.Http.HttpServerLogEntry]
        $log.Target | Should -Contain '/hi'
        ($log | Where-Object Target -EQ '/nope').StatusCode | Should -Be 404
        Get-TcpServer -Port $port | Should -BeNullOrEmpty
    }

    It 'refuses a route without a scriptblock or with a malformed pattern' {
        { Start-HttpServer -Route @{ 'GET /' = 'text' } } | Should -Throw -ErrorId 'RouteWithoutScriptBlock,*'
        { Start-HttpServer -Route @{ 'GET nope' = { } } } | Should -Throw -ErrorId 'InvalidRequest,*'
        { Start-HttpServer } | Should -Throw -ErrorId 'NothingToServe,*'
    }
}
