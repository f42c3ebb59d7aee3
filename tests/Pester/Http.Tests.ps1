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
