# The NetFoundations half of bench/ftp.sh: times the FTP cmdlets inside one pwsh process after a warm-up (start-up and
# JIT not counted) and prints "download", "upload", "tree1" and "tree4" lines with seconds, and with -Resume a
# "resume <first part's seconds> <resumed from> <bytes read after> <size>" line.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [int] $Port,
    [Parameter(Mandatory)] [string] $User,
    [Parameter(Mandatory)] [string] $Password,
    # The bench's folder (copies land here) and the test user's folder on the server (big.bin, warm.bin, tree/).
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ServerFolder,
    [switch] $Resume
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
# Plain FTP on loopback, as curl and lftp speak it here: the password in clear is asked for by name.
$session = Connect-FtpSession 127.0.0.1 -Port $Port -Credential $credential -AllowUnencryptedAuthentication -WarningAction SilentlyContinue
$copy = Join-Path $Work 'nf.bin'

function Clear-Copies {
    Remove-Item -LiteralPath $copy, (Join-Path $Work 'nf-tree1'), (Join-Path $Work 'nf-tree4') -Recurse -Force -ErrorAction Ignore
    Get-ChildItem -LiteralPath $Work -Filter '.*.partial' -Force | Remove-Item -Force
}

# Warm-up: a quarter-gigabyte each way and a tree, so that the hot code is compiled optimized (tiered compilation).
Clear-Copies
$null = Receive-FtpItem -Session $session -Path warm.bin -Destination $copy -Force
$null = Send-FtpItem -Session $session -Path $copy -Destination warm-up.bin -Force
$null = Receive-FtpItem -Session $session -Path tree -Destination (Join-Path $Work 'nf-tree1') -Recurse -ThrottleLimit 4
Clear-Copies

$watch = [Diagnostics.Stopwatch]::StartNew()
$null = Receive-FtpItem -Session $session -Path big.bin -Destination $copy
'download {0:F3}' -f $watch.Elapsed.TotalSeconds
$full = $watch.Elapsed.TotalSeconds

$watch.Restart()
$null = Send-FtpItem -Session $session -Path (Join-Path $Work 'upload.bin') -Destination nf-up.bin -Force
'upload {0:F3}' -f $watch.Elapsed.TotalSeconds

foreach ($limit in 1, 4) {
    $watch.Restart()
    $tree = Receive-FtpItem -Session $session -Path tree -Destination (Join-Path $Work "nf-tree$limit") -Recurse -ThrottleLimit $limit
    $watch.Stop()
    $summary = $tree | Select-Object -Last 1
    if ($summary.Failed -ne 0) { throw "the tree download (-ThrottleLimit $limit) had $($summary.Failed) failures" }
    'tree{0} {1:F3}' -f $limit, $watch.Elapsed.TotalSeconds
}

if ($Resume) {
    # Stopped by its total timeout about half-way, which leaves the partial file and closes the session. On a busy
    # machine the first try may finish within half the time measured above: then it tries again with less.
    $destination = Join-Path $Work 'resumed.bin'
    $partial = Join-Path $Work '.resumed.bin.partial'
    $again = $session
    foreach ($share in 0.5, 0.3, 0.15, 0.05) {
        Remove-Item -LiteralPath $destination, $partial -ErrorAction Ignore
        if (-not $again.IsConnected) {
            $again = Connect-FtpSession 127.0.0.1 -Port $Port -Credential $credential -AllowUnencryptedAuthentication -WarningAction SilentlyContinue
        }
        $watch.Restart()
        $null = Receive-FtpItem -Session $again -Path resume.bin -Destination $destination -TotalTimeoutSeconds ($full * $share) -ErrorAction SilentlyContinue
        $first = $watch.Elapsed.TotalSeconds
        if (Test-Path -LiteralPath $partial) { break }
    }
    if (-not (Test-Path -LiteralPath $partial)) { throw 'no try was interrupted before the end' }
    $again = Connect-FtpSession 127.0.0.1 -Port $Port -Credential $credential -AllowUnencryptedAuthentication -WarningAction SilentlyContinue
    $result = Receive-FtpItem -Session $again -Path resume.bin -Destination $destination -Resume
    if ((Get-FileHash $destination).Hash -ne (Get-FileHash (Join-Path $ServerFolder 'big.bin')).Hash) { throw 'the resumed copy differs' }
    'resume {0:F3} {1} {2} {3}' -f $first, $result.ResumedFrom, $result.BytesTransferred, $result.Length
    Remove-Item -LiteralPath $destination
    Disconnect-FtpSession $again
}
if ($session.IsConnected) { Disconnect-FtpSession $session }
