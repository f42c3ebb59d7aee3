# The NetFoundations half of bench/mail.sh: times the mail cmdlets inside one pwsh process (module
# imported and warmed up, so runtime start-up is not counted) and prints "NAME seconds detail".
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [int] $SmtpPort,
    [Parameter(Mandatory)] [int] $ImapPort,
    [int] $Messages = 1000,
    [int] $Runs = 1,
    [int] $ImapFetches = 3,
    [int] $WarmUp = 60
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

# Warm-up, untimed: the runtime compiles hot code again, optimized, after it has run a while (tiered
# compilation, with profiling tiers in between); until then the parsers run several times slower. On two
# busy cores MailKit's parser settled after about twenty-five fetches; the session's own FETCH reader,
# with connect and disconnect, after about fifty (a fetch of 5,000 went from 110-140 ms to 66-80 ms).
$null = Send-Bench 100 warm-up
for ($pass = 1; $pass -le $WarmUp; $pass++) { $null = Get-BenchSummary }

$clock = [Diagnostics.Stopwatch]::new()
$process = [Diagnostics.Process]::GetCurrentProcess()
for ($run = 1; $run -le $Runs; $run++) {
    for ($fetch = 1; $fetch -le $ImapFetches; $fetch++) {
        $process.Refresh()
        $cpu = $process.TotalProcessorTime
        $clock.Restart()
        $summaries = Get-BenchSummary
        $clock.Stop()
        $process.Refresh()
        $cpu = ($process.TotalProcessorTime - $cpu).TotalSeconds
        $attachments = @($summaries | Where-Object { $_.AttachmentNames.Count -gt 0 }).Count
        [Console]::Out.WriteLine("IMAP $($clock.Elapsed.TotalSeconds) $(@($summaries).Count) summaries, $attachments with attachments, $cpu s CPU (this pwsh process)")
    }

    $clock.Restart()
    $results = Send-Bench $Messages "nf run $run"
    $clock.Stop()
    [Console]::Out.WriteLine("SMTP $($clock.Elapsed.TotalSeconds) $(@($results | Where-Object Sent).Count) sent")
}
