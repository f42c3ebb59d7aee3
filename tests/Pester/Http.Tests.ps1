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
