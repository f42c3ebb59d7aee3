# The NetFoundations half of bench/mail.sh: times the mail cmdlets inside one engine (module imported
# and warmed up, so runtime start-up is not counted) and prints "NAME seconds detail".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [int] $SmtpPort,
    [Parameter(Mandatory)] [int] $ImapPort,
    [int] $Messages = 1000,
    [int] $Runs = 1
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$bench = [pscredential]::new('bench@mail.test', [Net.NetworkCredential]::new('', 'bench-password').SecurePassword)

function Send-Bench([int] $Count, [string] $Tag) {
    1..$Count | ForEach-Object { New-MailMessage -From alice@mail.test -To bob@mail.test -Subject "$Tag $_" -Body "Message $_ of the bench." } |
        Send-SmtpMail 127.0.0.1 -Port $SmtpPort -Security None
}

function Get-BenchSummary {
    $session = Connect-Imap 127.0.0.1 $bench -Port $ImapPort -Security None
    Get-ImapMessage -Session $session
    Disconnect-Imap -Session $session
}

# Warm-up: JIT the cmdlets and the engine's pipeline once, untimed.
$null = Send-Bench 20 warm-up
$null = Get-BenchSummary

$clock = [Diagnostics.Stopwatch]::new()
for ($run = 1; $run -le $Runs; $run++) {
    $clock.Restart()
    $summaries = Get-BenchSummary
    $clock.Stop()
    $attachments = @($summaries | Where-Object { $_.AttachmentNames.Count -gt 0 }).Count
    [Console]::Out.WriteLine("IMAP $($clock.Elapsed.TotalSeconds) $(@($summaries).Count) summaries, $attachments with attachments")

    $clock.Restart()
    $results = Send-Bench $Messages "nf run $run"
    $clock.Stop()
    [Console]::Out.WriteLine("SMTP $($clock.Elapsed.TotalSeconds) $(@($results | Where-Object Sent).Count) sent")
}
