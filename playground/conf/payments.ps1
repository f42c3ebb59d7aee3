# The book's chapter 11 payments site, served by the module's own HTTP server (Start-HttpServer): log in, see your
# payments, pay someone, log out. Two variants teach the chapter's lesson:
#  - Insecure: no CSRF token, and memos written into the page as they were typed (another site's form can make a
#    logged-in user pay, and a memo can carry a script);
#  - Fixed: every form carries a CSRF token tied to the visitor's session, a POST without it is refused (403), and
#    memos are HTML-escaped.
# Accounts: brandon (password atigdng) and sam (xyzzy). Returns the server (a TcpServer; Stop-TcpServer stops it).
# Used by tests/Pester/Http.Tests.ps1 and by the playground's www host. The module must be imported first.
param(
    [int] $Port = 0,
    [ValidateSet('Insecure', 'Fixed')] [string] $Variant = 'Fixed',
    [System.Net.IPAddress] $LocalAddress = [System.Net.IPAddress]::Loopback
)

$state = @{
    Variant  = $Variant
    Users    = @{ brandon = 'atigdng'; sam = 'xyzzy' }
    Sessions = [hashtable]::Synchronized(@{})
    Payments = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]@(
            [pscustomobject]@{ Id = 1; From = 'brandon'; To = 'sam'; Dollars = 125; Memo = 'Lunch' }
            [pscustomobject]@{ Id = 2; From = 'sam'; To = 'brandon'; Dollars = 32; Memo = 'Beer' }
            [pscustomobject]@{ Id = 3; From = 'brandon'; To = 'katie'; Dollars = 9; Memo = 'Coffee' }
        ))
}

# What every route shares: the visitor's session (made on first sight, named by a cookie), pages, redirects, the check.
# Text, made a scriptblock in each route's own runspace: a scriptblock belongs to the runspace that made it.
$common = {
    function Get-Visit($request) {
        $id = if ("$($request.Header('Cookie'))" -match '(?:^|;\s*)session=([0-9a-f]{32})') { $Matches[1] }
        $session = if ($id) { $Site.Sessions[$id] }
        $cookie = $null
        if (-not $session) {
            $id = [guid]::NewGuid().ToString('N')
            $token = [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(16)).ToLowerInvariant()
            $session = [hashtable]::Synchronized(@{ User = $null; Csrf = $token; Flash = $null })
            $Site.Sessions[$id] = $session
            $cookie = "session=$id; Path=/; HttpOnly; SameSite=Lax"
        }
        [pscustomobject]@{ Session = $session; Cookie = $cookie }
    }
    function Out-Page($visit, [string] $title, [string] $body) {
        $headers = @{ 'Cache-Control' = 'no-store' }
        if ($visit.Cookie) { $headers['Set-Cookie'] = $visit.Cookie }
        @{ Status = 200; ContentType = 'text/html; charset=utf-8'; Headers = $headers
            Body = "<!DOCTYPE html>`n<html><head><title>$title</title></head>`n<body>`n$body`n</body></html>`n" }
    }
    function Out-Redirect($visit, [string] $location) {
        $headers = @{ Location = $location }
        if ($visit.Cookie) { $headers['Set-Cookie'] = $visit.Cookie }
        @{ Status = 302; Headers = $headers; Body = '' }
    }
    function Get-TokenField($visit) {
        if ($Site.Variant -eq 'Fixed') { "<input type=""hidden"" name=""csrf_token"" value=""$($visit.Session.Csrf)"">" }
    }
    function Test-Token($visit, $request) {
        $Site.Variant -ne 'Fixed' -or ($request.Form['csrf_token'] -and $request.Form['csrf_token'] -ceq $visit.Session.Csrf)
    }
    function Get-Text([string] $text) {
        if ($Site.Variant -eq 'Fixed') { [System.Net.WebUtility]::HtmlEncode($text) } else { $text }
    }
}.ToString()

$routes = @{
    'GET /login'  = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        Out-Page $visit 'Please log in' (@"
<h1>Please log in</h1>
<form method="post" action="/login">
  $(Get-TokenField $visit)
  <label>Username: <input name="username"></label>
  <label>Password: <input name="password" type="password"></label>
  <button type="submit">Log in</button>
</form>
"@)
    }
    'POST /login' = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        if (-not (Test-Token $visit $request)) { return @{ Status = 403; Body = 'CSRF token missing or wrong' } }
        $user = "$($request.Form['username'])"
        if ($Site.Users.ContainsKey($user) -and $Site.Users[$user] -ceq "$($request.Form['password'])") {
            $visit.Session.User = $user
            return Out-Redirect $visit '/'
        }
        Out-Redirect $visit '/login'
    }
    'GET /logout' = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        $visit.Session.User = $null
        Out-Redirect $visit '/login'
    }
    'GET /'       = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        $user = $visit.Session.User
        if (-not $user) { return Out-Redirect $visit '/login' }
        $items = foreach ($payment in @($Site.Payments)) {
            if ($payment.From -eq $user) {
                "  <li class=""to"">To <b class=""account"">$(Get-Text $payment.To)</b>: <span class=""dollars"">`$$($payment.Dollars)</span> for <i class=""memo"">$(Get-Text $payment.Memo)</i></li>"
            } elseif ($payment.To -eq $user) {
                "  <li class=""from"">From <b class=""account"">$(Get-Text $payment.From)</b>: <span class=""dollars"">`$$($payment.Dollars)</span> for <i class=""memo"">$(Get-Text $payment.Memo)</i></li>"
            }
        }
        $flash = if ($visit.Session.Flash) { "<p class=""flash"">$(Get-Text $visit.Session.Flash)</p>"; $visit.Session.Flash = $null }
        Out-Page $visit "Welcome, $user" (@"
$flash
<h1>Your payments</h1>
<ul>
$($items -join "`n")
</ul>
<a href="/pay">Make payment</a> <a href="/logout">Log out</a>
"@)
    }
    'GET /pay'    = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        if (-not $visit.Session.User) { return Out-Redirect $visit '/login' }
        Out-Page $visit 'Make a payment' (@"
<h1>Make a payment</h1>
<form method="post" action="/pay">
  $(Get-TokenField $visit)
  <label>To account: <input name="account"></label>
  <label>Dollars: <input name="dollars"></label>
  <label>Memo: <input name="memo"></label>
  <button type="submit">Send money</button>
</form>
"@)
    }
    'POST /pay'   = { param($request)
        . ([scriptblock]::Create($Common))
        $visit = Get-Visit $request
        if (-not $visit.Session.User) { return Out-Redirect $visit '/login' }
        if (-not (Test-Token $visit $request)) { return @{ Status = 403; Body = 'CSRF token missing or wrong' } }
        $dollars = 0
        if (-not [int]::TryParse("$($request.Form['dollars'])", [ref]$dollars) -or $dollars -le 0 -or -not $request.Form['account']) {
            $visit.Session.Flash = 'Payment refused: give an account and a whole number of dollars.'
            return Out-Redirect $visit '/'
        }
        $null = $Site.Payments.Add([pscustomobject]@{
                Id = $Site.Payments.Count + 1; From = $visit.Session.User; To = "$($request.Form['account'])"; Dollars = $dollars; Memo = "$($request.Form['memo'])" })
        $visit.Session.Flash = 'Payment successful'
        Out-Redirect $visit '/'
    }
}

Start-HttpServer -Port $Port -LocalAddress $LocalAddress -Route $routes -Variable @{ Site = $state; Common = $common }
