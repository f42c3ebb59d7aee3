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

# The book's chapter 9, as exchanges against real servers: httpbin (Debian's python3-httpbin under gunicorn) for the
# chapter's endpoints, and nginx for static files, redirects, gzip, TLS with the test CA and HTTP/2. Both start from
# tests/servers/http/start-http.sh on loopback high ports. Python requests is the independent client.
Describe 'HTTP exchanges (chapter 9)' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'http-servers'
        $servers = Start-Process bash -ArgumentList (Join-Path $PSScriptRoot '..' 'servers' 'http' 'start-http.sh'), $folder `
            -RedirectStandardOutput (Join-Path $TestDrive 'http-servers.out') -RedirectStandardError (Join-Path $TestDrive 'http-servers.err') -PassThru
        foreach ($i in 1..600) {
            if (Test-Path (Join-Path $folder 'ports.env')) { break }
            if ($servers.HasExited) { break }
            Start-Sleep -Milliseconds 100
        }
        if (-not (Test-Path (Join-Path $folder 'ports.env'))) { throw "start-http.sh did not start: $(Get-Content (Join-Path $TestDrive 'http-servers.err') -Raw)" }
        $ports = @{}
        foreach ($line in Get-Content (Join-Path $folder 'ports.env')) { $name, $number = $line -split '='; $ports[$name] = [int]$number }
        $httpbin = "http://127.0.0.1:$($ports.httpbin)"
        $nginx = "http://127.0.0.1:$($ports.http)"
        $nginxTls = "https://127.0.0.1:$($ports.https)"
        $ca = Join-Path $folder 'ca.crt'
        $user = [pscredential]::new('user', (ConvertTo-SecureString 'passwd' -AsPlainText -Force))
    }

    AfterAll {
        if ($servers -and -not $servers.HasExited) { $servers.Kill($true); $servers | Wait-Process -Timeout 10 -ErrorAction Ignore }
    }

    It 'sends its headers and the session''s, and shows what came back' {
        $session = New-HttpSession -Headers @{ 'X-Session' = 'kept' }
        $exchange = Invoke-HttpRequest "$httpbin/headers" -Session $session -Headers @{ 'X-Request' = 'one' } -ParseJson

        $exchange | Should -BeOfType [NetFoundations.Core.Http.HttpExchange]
        $exchange.StatusCode | Should -Be 200
        $exchange.ContentType | Should -Be 'application/json'
        $exchange.Json.headers.'X-Session' | Should -Be 'kept'
        $exchange.Json.headers.'X-Request' | Should -Be 'one'
        $exchange.Json.headers.'User-Agent' | Should -BeLike 'NetFoundations/*'
        $exchange.Headers['Content-Length'] | Should -Be $exchange.ContentLength
    }

    It 'adds a query and reads the JSON that echoes it' {
        $exchange = Invoke-HttpRequest "$httpbin/get" -Query @{ q = 'a b&c' } -ParseJson

        $exchange.Json.args.q | Should -Be 'a b&c'
        $exchange.Uri.Query | Should -Be '?q=a%20b%26c'
    }

    It 'follows redirects hop by hop, each with its status and Location, as Python requests sees them' {
        $exchange = Invoke-HttpRequest "$httpbin/redirect/3"

        $exchange.StatusCode | Should -Be 200
        $exchange.Uri.AbsolutePath | Should -Be '/get'
        $exchange.Hops | Should -HaveCount 4
        $exchange.RedirectCount | Should -Be 3
        $exchange.Hops[0].Location | Should -Not -BeNullOrEmpty
        $python = & /usr/bin/python3 -c "import requests; r = requests.get('$httpbin/redirect/3'); print(' '.join(str(h.status_code) for h in r.history + [r]))"
        ($exchange.Hops.StatusCode -join ' ') | Should -Be $python
    }

    It 'returns a 3xx as data with -MaximumRedirection 0, and stops a redirect loop at the bound' {
        $exchange = Invoke-HttpRequest "$httpbin/redirect/2" -MaximumRedirection 0

        $exchange.StatusCode | Should -Be 302
        $exchange.Location | Should -Be '/relative-redirect/1'
        { Invoke-HttpRequest "$nginx/loop" -MaximumRedirection 5 -ErrorAction Stop } | Should -Throw -ErrorId 'ProtocolViolation,*'
        { Invoke-HttpRequest "$nginx/loop" -MaximumRedirection 5 -ErrorAction Stop } | Should -Throw '*-MaximumRedirection*'
    }

    It 'turns a POST into a GET on <Status>, and repeats it with its body on 307 and 308' -ForEach @(
        @{ Status = 302; Method = 'GET' }, @{ Status = 303; Method = 'GET' }, @{ Status = 307; Method = 'POST' }, @{ Status = 308; Method = 'POST' }
    ) {
        $exchange = Invoke-HttpRequest "$httpbin/redirect-to" -Query @{ url = '/anything'; status_code = $Status } -Method POST -Body 'the body' -ParseJson

        $exchange.Hops.Method | Should -Be 'POST', $Method
        $exchange.Json.method | Should -Be $Method
        if ($Method -eq 'POST') { $exchange.Json.data | Should -Be 'the body' }
    }

    It 'keeps an Authorization header to the origin it was written for, not to where a redirect leads' {
        $same = Invoke-HttpRequest "$httpbin/redirect-to" -Query @{ url = '/headers' } -Headers @{ Authorization = 'Bearer token' } -ParseJson
        $other = Invoke-HttpRequest "$httpbin/redirect-to" -Query @{ url = "http://localhost:$($ports.httpbin)/headers" } `
            -Headers @{ Authorization = 'Bearer token' } -ParseJson

        $same.Json.headers.Authorization | Should -Be 'Bearer token'
        $other.Uri.Host | Should -Be 'localhost'
        $other.Json.headers.Keys | Should -Not -Contain 'Authorization'
    }

    It 'returns a 4xx or 5xx as data, or as an error with -FailOnErrorStatus' {
        (Invoke-HttpRequest "$httpbin/status/404").StatusCode | Should -Be 404
        (Invoke-HttpRequest "$httpbin/status/503").IsSuccess | Should -BeFalse
        { Invoke-HttpRequest "$httpbin/status/418" -FailOnErrorStatus -ErrorAction Stop } | Should -Throw -ErrorId 'RemoteError,*'
        $null = Invoke-HttpRequest "$httpbin/status/500" -FailOnErrorStatus -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].Exception.ReplyCode | Should -Be '500'
    }

    It 'authenticates with basic, only when told that http:// is fine' {
        { Invoke-HttpRequest "$httpbin/basic-auth/user/passwd" -Credential $user -ErrorAction Stop } | Should -Throw '*-AllowUnencryptedAuthentication*'
        (Invoke-HttpRequest "$httpbin/basic-auth/user/passwd").StatusCode | Should -Be 401

        $exchange = Invoke-HttpRequest "$httpbin/basic-auth/user/passwd" -Credential $user -AllowUnencryptedAuthentication -ParseJson -WarningAction SilentlyContinue

        $exchange.StatusCode | Should -Be 200
        $exchange.Json.authenticated | Should -BeTrue
        $exchange.Hops | Should -HaveCount 1
    }

    It 'answers a digest challenge (<Algorithm>), the 401 kept as a hop' -ForEach @(@{ Algorithm = 'MD5' }, @{ Algorithm = 'SHA-256' }) {
        $exchange = Invoke-HttpRequest "$httpbin/digest-auth/auth/user/passwd/$Algorithm" -Credential $user -Authentication Digest `
            -AllowUnencryptedAuthentication -ParseJson -WarningAction SilentlyContinue

        $exchange.Hops.StatusCode | Should -Be 401, 200
        $exchange.Json.user | Should -Be 'user'
    }

    It 'keeps cookies as objects to read, edit and send, from every hop' {
        $session = New-HttpSession
        $exchange = Invoke-HttpRequest "$httpbin/cookies/set" -Query @{ flavor = 'oatmeal' } -Session $session

        $exchange.Hops[0].StatusCode | Should -Be 302
        $exchange.Hops[0].SetCookie | Should -BeLike 'flavor=oatmeal*'
        $session.Cookies | Should -HaveCount 1
        $session.Cookies[0] | Should -BeOfType [System.Net.Cookie]
        $session.Cookies[0].Value = 'chocolate'
        $session.Cookies.Add([System.Net.Cookie]::new('extra', 'added', '/', '127.0.0.1'))

        (Invoke-HttpRequest "$httpbin/cookies" -Session $session -ParseJson).Json.cookies.flavor | Should -Be 'chocolate'
        $null = Invoke-HttpRequest "$httpbin/cookies/delete" -Query @{ flavor = '' } -Session $session
        $session.Cookies.Name | Should -Be 'extra'
    }

    It 'reuses the session''s connection across calls (keep-alive)' {
        $session = New-HttpSession
        $exchanges = 1..5 | ForEach-Object { Invoke-HttpRequest "$httpbin/get" -Session $session }

        $session | Should -BeOfType [NetFoundations.Core.Http.HttpClientSession]
        $session.Requests | Should -Be 5
        $session.ConnectionsOpened | Should -Be 1
        $exchanges[0].Hops[0].ConnectionReused | Should -BeFalse
        $exchanges[1..4].Hops.ConnectionReused | Should -Not -Contain $false
        ($exchanges.Hops.ConnectionId | Select-Object -Unique) | Should -Be 1
        $exchanges[0].Hops[0].ConnectMs | Should -BeGreaterThan 0
        $exchanges[1].Hops[0].ConnectMs | Should -BeNullOrEmpty
    }

    It 'decompresses <Encoding> and shows how it came' -ForEach @(
        @{ Encoding = 'gzip'; Path = 'gzip' }, @{ Encoding = 'deflate'; Path = 'deflate' }, @{ Encoding = 'br'; Path = 'brotli' }
    ) {
        $exchange = Invoke-HttpRequest "$httpbin/$Path" -ParseJson

        $exchange.ContentEncoding | Should -Be $Encoding
        $exchange.Json.method | Should -Be 'GET'
    }

    It 'reads nginx''s gzip: fewer bytes on the wire than in the file, the same text' {
        $exchange = Invoke-HttpRequest "$nginx/text.txt"

        $exchange.ContentEncoding | Should -Be 'gzip'
        $exchange.WireBytes | Should -BeLessThan ($exchange.ContentLength / 4)
        $exchange.Content | Should -BeExactly (Get-Content (Join-Path $folder 'www' 'text.txt') -Raw)
    }

    It 'speaks HTTP/2 over TLS with the test CA, and shows the certificate check' {
        $exchange = Invoke-HttpRequest "$nginxTls/moved" -CertificateAuthorityPath $ca

        $exchange.Version | Should -Be '2'
        $exchange.Hops.StatusCode | Should -Be 301, 200
        $exchange.Hops[0].TlsProtocol | Should -BeLike 'Tls1*'
        $exchange.Hops[0].CertificateValid | Should -BeTrue
        $exchange.Hops[0].CertificateSubject | Should -Be 'CN=localhost'
        $exchange.Hops[0].TlsMs | Should -BeGreaterThan $exchange.Hops[0].ConnectMs
        $exchange.Hops[1].ConnectionReused | Should -BeTrue
    }

    It 'rejects a certificate it cannot verify, unless told by name' {
        { Invoke-HttpRequest "$nginxTls/small.txt" -ErrorAction Stop } | Should -Throw -ErrorId 'CertificateRejected,*'
        $exchange = Invoke-HttpRequest "$nginxTls/small.txt" -SkipCertificateCheck -WarningVariable warned -WarningAction SilentlyContinue

        $exchange.Content | Should -Be "hello from nginx`n"
        $exchange.Hops[0].CertificateValid | Should -BeFalse
        $warned | Should -Not -BeNullOrEmpty
    }

    It 'downloads to a file under a temporary name, and resumes a cut-off download with a range' {
        $source = Join-Path $folder 'www' 'random.bin'
        $target = Join-Path $TestDrive 'random.bin'
        $exchange = Invoke-HttpRequest "$nginx/random.bin" -OutFile $target

        $exchange.OutFile | Should -Be $target
        (Get-FileHash $target).Hash | Should -Be (Get-FileHash $source).Hash
        "$target.partial" | Should -Not -Exist

        $bytes = [IO.File]::ReadAllBytes($source)
        [IO.File]::WriteAllBytes("$target.partial", $bytes[0..299999])
        $resumed = Invoke-HttpRequest "$nginx/random.bin" -OutFile $target -Resume

        $resumed.StatusCode | Should -Be 206
        $resumed.ContentLength | Should -Be ($bytes.Length - 300000)
        (Get-FileHash $target).Hash | Should -Be (Get-FileHash $source).Hash
    }

    It 'shows the progress of a slow body, throttled, and ends its bar' {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        $records = Get-ProgressRecord { param($Uri) $null = Invoke-HttpRequest $Uri } @{ Uri = "$httpbin/drip?duration=2&numbytes=40&delay=0" }

        $records | Should -Not -BeNullOrEmpty
        $records.Count | Should -BeLessThan 20   # a record per 250 ms at most, not one per chunk
        $records[-1].RecordType | Should -Be 'Completed'
        $records[0].Activity | Should -BeLike 'GET */drip*'
    }

    It 'posts a form, JSON and a file that httpbin echoes' {
        (Invoke-HttpRequest "$httpbin/post" -Form @{ name = 'brandon'; memo = 'a&b' } -ParseJson).Json.form.memo | Should -Be 'a&b'
        (Invoke-HttpRequest "$httpbin/post" -Json @{ dollars = 125; to = @('sam') } -ParseJson).Json.json.to | Should -Be 'sam'
        $file = Join-Path $TestDrive 'upload.txt'
        Set-Content -Path $file -Value 'uploaded' -NoNewline
        (Invoke-HttpRequest "$httpbin/put" -Method PUT -InFile $file -ParseJson).Json.data | Should -Be 'uploaded'
    }

    It 'submits a form found by Get-HtmlForm with its hidden field' {
        $page = '<form method="post" action="/post"><input type="hidden" name="csrf_token" value="4f2a9c"><input name="account"></form>'
        $form = Get-HtmlForm -Html $page -BaseUri "$httpbin/"

        $exchange = $form | Invoke-HttpRequest -Form @{ account = 'katie' } -ParseJson

        $exchange.Json.form.csrf_token | Should -Be '4f2a9c'
        $exchange.Json.form.account | Should -Be 'katie'
    }

    It 'does not send a POST under -WhatIf' {
        $session = New-HttpSession
        Invoke-HttpRequest "$httpbin/post" -Body 'x' -Session $session -WhatIf | Should -BeNullOrEmpty
        $session.Requests | Should -Be 0
    }

    It 'writes the exchange to -TranscriptPath, the password hidden' {
        $log = Join-Path $TestDrive 'http.log'
        $null = Invoke-HttpRequest "$httpbin/basic-auth/user/passwd" -Credential $user -AllowUnencryptedAuthentication -TranscriptPath $log -WarningAction SilentlyContinue

        $text = Get-Content $log -Raw
        $text | Should -BeLike '*GET /basic-auth/user/passwd*'
        $text | Should -BeLike '*Authorization: Basic (secret not shown)*'
        $text | Should -BeLike '*200 OK*'
        $text | Should -Not -BeLike '*dXNlcjpwYXNzd2Q*'
    }

    It 'converts an exchange to readable JSON' {
        $json = Invoke-HttpRequest "$httpbin/redirect/1" | Select-Object StatusCode, Uri, Hops | ConvertTo-Json -Depth 4 | ConvertFrom-Json

        $json.StatusCode | Should -Be 200
        $json.Hops[0].StatusCode | Should -Be 302
        $json.Hops[0].TotalMs | Should -BeGreaterThan 0
    }
}

# The book's chapter 11 crawler, over a generated site (tests/peers/web_site.py: a tree of pages with a robots.txt, a
# text file, a GET search form and a link to another site), served by Python's http.server.
Describe 'Crawling a site (chapter 11)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
        $folder = Join-Path $TestDrive 'site'
        $site = Start-TestPeer web_site.py -ArgumentList $folder, 40, '--serve'
        $start = "http://127.0.0.1:$($site.Port)/"
    }

    AfterAll {
        $site | Stop-TestPeer
    }

    It 'reads every page of the site once, breadth first, and keeps out of what robots.txt disallows' {
        $pages = Invoke-WebCrawl $start -Depth 10 -MaxPages 1000

        $pages | Should -HaveCount 43
        $pages[0] | Should -BeOfType [NetFoundations.Core.Http.WebCrawlPage]
        $pages[0].Title | Should -Be 'Page 0'
        $pages.Url | Should -Not -Contain "$($start)private/secret.html"
        $pages.Url | Should -Contain "$($start)search.html?q=book"
        ($pages.Url | Sort-Object -Unique) | Should -HaveCount 43
        @($pages.Depth) | Should -Be @($pages.Depth | Sort-Object)
        ($pages | Where-Object Url -like '*/page-13.html').Depth | Should -Be 3
        ($pages | Where-Object Url -like '*/page-13.html').Referrer | Should -BeLike '*/page-4.html'
        $pages[0].Links | Should -Contain 'http://other.invalid/elsewhere.html'
    }

    It 'stops at -Depth and -MaxPages' {
        Invoke-WebCrawl $start -Depth 1 | Should -HaveCount 7
        Invoke-WebCrawl $start -Depth 10 -MaxPages 5 | Should -HaveCount 5
    }

    It 'shows a broken link as a page with its status and the page that links to it' {
        Remove-Item (Join-Path $folder 'page-3.html')
        $broken = Invoke-WebCrawl $start -Depth 2 | Where-Object StatusCode -ge 400

        $broken.Url | Should -Be "$($start)page-3.html"
        $broken.StatusCode | Should -Be 404
        $broken.Referrer | Should -Be $start
    }

    It 'gives a site that does not answer as its start page with the error, not as a failure of the command' {
        $page = Invoke-WebCrawl "http://127.0.0.1:$(Get-UnusedPort)/" -ErrorAction Stop

        $page.ErrorKind | Should -Be 'ConnectionRefused'
        $page.StatusCode | Should -BeNullOrEmpty
    }

    It 'converts its pages to readable JSON' {
        $json = Invoke-WebCrawl $start -Depth 0 | ConvertTo-Json -Depth 3 | ConvertFrom-Json

        $json.Url | Should -Be $start
        $json.StatusCode | Should -Be 200
        $json.Links | Should -Contain "$($start)page-1.html"
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

# The book's chapter 11 lesson on forms, cookies and CSRF, against the payments site of playground/conf/payments.ps1,
# which the module's own server serves in two variants: Fixed (a CSRF token in every form, memos escaped) and Insecure.
Describe 'The payments site: login, scraping and CSRF (chapter 11)' {
    BeforeAll {
        $script = Join-Path $PSScriptRoot '..' '..' 'playground' 'conf' 'payments.ps1'
        $fixed = & $script -Variant Fixed
        $insecure = & $script -Variant Insecure
        $fixedUri = "http://127.0.0.1:$($fixed.LocalPort)"
        $insecureUri = "http://127.0.0.1:$($insecure.LocalPort)"

        function Connect-Payments([string] $Uri) {
            $web = New-HttpSession
            $form = Invoke-HttpRequest "$Uri/login" -Session $web | Get-HtmlForm
            $null = Invoke-HttpRequest -HtmlForm $form -Form @{ username = 'brandon'; password = 'atigdng' } -Session $web
            $web
        }
    }

    AfterAll {
        $fixed, $insecure | Where-Object { $_ } | Stop-TcpServer
    }

    It 'logs in through the form with its hidden CSRF token in one call, and lands on the payments' {
        $web = New-HttpSession
        $login = Invoke-HttpRequest "$fixedUri/login" -Session $web | Get-HtmlForm
        $landing = Invoke-HttpRequest -HtmlForm $login -Form @{ username = 'brandon'; password = 'atigdng' } -Session $web

        $login.Fields.Name | Should -Contain 'csrf_token'
        $landing.Hops[0].StatusCode | Should -Be 302
        $landing.Hops[0].Location | Should -Be '/'
        $landing.StatusCode | Should -Be 200
        ($landing | Select-Html 'title').Text | Should -Be 'Welcome, brandon'
        $web.Cookies.Name | Should -Contain 'session'
    }

    It 'scrapes the payments made, one object each (the book''s li.to)' {
        $web = Connect-Payments $fixedUri
        $sent = Invoke-HttpRequest "$fixedUri/" -Session $web | Select-Html 'li.to' -Property ([ordered]@{ To = '.account'; Amount = '.dollars'; Memo = '.memo' })

        $sent.To | Should -Be 'sam', 'katie'
        $sent[0].Amount | Should -Be '$125'
    }

    It 'pays through the pay form, and escapes the memo' {
        $web = Connect-Payments $fixedUri
        $pay = Invoke-HttpRequest "$fixedUri/pay" -Session $web | Get-HtmlForm
        $done = Invoke-HttpRequest -HtmlForm $pay -Form @{ account = 'sam'; dollars = '5'; memo = '<script>alert(1)</script>' } -Session $web

        ($done | Select-Html 'p.flash').Text | Should -Be 'Payment successful'
        $done.Content | Should -BeLike '*&lt;script&gt;alert(1)&lt;/script&gt;*'
        $done.Content | Should -Not -BeLike '*<script>*'
    }

    It 'refuses a forged POST without the token (403), where the insecure variant pays' {
        $web = Connect-Payments $fixedUri
        $refused = Invoke-HttpRequest "$fixedUri/pay" -Form @{ account = 'mallory'; dollars = '1000'; memo = 'forged' } -Session $web
        $victim = Connect-Payments $insecureUri
        $paid = Invoke-HttpRequest "$insecureUri/pay" -Form @{ account = 'mallory'; dollars = '1000'; memo = '<b>forged</b>' } -Session $victim

        $refused.StatusCode | Should -Be 403
        (Invoke-HttpRequest "$fixedUri/" -Session $web | Select-Html 'li.to .account').Text | Should -Not -Contain 'mallory'
        $paid.StatusCode | Should -Be 200
        ($paid | Select-Html 'li.to .account').Text | Should -Contain 'mallory'
        $paid.Content | Should -BeLike '*<b>forged</b>*'
    }

    It 'sends a visitor who is not logged in, or logged out, to the login page' {
        $web = Connect-Payments $fixedUri
        $out = Invoke-HttpRequest "$fixedUri/logout" -Session $web

        (Invoke-HttpRequest "$fixedUri/" -MaximumRedirection 0).Location | Should -Be '/login'
        $out.Uri.AbsolutePath | Should -Be '/login'
        (Invoke-HttpRequest "$fixedUri/pay" -Session $web).Uri.AbsolutePath | Should -Be '/login'
    }
}
