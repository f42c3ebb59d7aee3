# The services the module itself serves on www.example.com, beside httpbin (gunicorn) and memcached; start.sh runs this
# in the www host, one pwsh process, and it serves until the playground stops it. Every one listens on :: (IPv6 and
# IPv4 alike):
#  - chapter 11's payments site (payments.ps1), by Start-HttpServer: the Fixed variant on 5000 (the port the book's
#    Flask app uses), the Insecure one on 5001; brandon logs in with atigdng, sam with xyzzy;
#  - chapter 10's timeapp, by Start-HttpServer -HostName, on 8000: GET / for www.example.com (or www) answers the time,
#    another path or host 404, another method 501;
#  - chapter 18's RPC server, by Start-RpcServer, on 7001: XML-RPC and JSON-RPC on one port, the book's addtogether,
#    quadratic and remote_repr, with introspection (system.listMethods, methodSignature, methodHelp) and multicall;
#  - chapter 8's Monte-Carlo π (queuepi.py), its bit source and its pythagoras: a ZeroMQ PUB socket on 6700 that
#    publishes random strings of 64 bits, a few hundred a second, for ever, and a REP socket on 6701 that answers a JSON
#    list of integers with the sum of their squares. A client (h1) joins as the judges and the tally: it subscribes,
#    asks pythagoras whether a point lies inside the circle, and counts.
param(
    [Parameter(Mandatory)] [string] $Module,
    [int] $BitsPerSecond = 400
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$any = [System.Net.IPAddress]::IPv6Any
$payments = Join-Path $PSScriptRoot 'payments.ps1'

$services = @(
    & $payments -Variant Fixed -Port 5000 -LocalAddress $any
    & $payments -Variant Insecure -Port 5001 -LocalAddress $any
    Start-HttpServer -Port 8000 -LocalAddress $any -HostName www.example.com, www -Route @{
        'GET /' = { [datetime]::Now.ToString('ddd MMM d HH:mm:ss yyyy', [cultureinfo]::InvariantCulture) }
    }
    Start-RpcServer -Port 7001 -LocalAddress $any -Method @{
        addtogether = {
            <#
            .SYNOPSIS
            Add together everything in the list `things`.
            #>
            $sum = $args[0]
            foreach ($thing in @($args | Select-Object -Skip 1)) { $sum += $thing }
            $sum
        }
        quadratic   = {
            <#
            .SYNOPSIS
            Determine `x` values satisfying: `a` * x*x + `b` * x + c == 0
            #>
            param([Parameter(Mandatory)] [double] $a, [Parameter(Mandatory)] [double] $b, [Parameter(Mandatory)] [double] $c)
            $discriminant = $b * $b - 4 * $a * $c
            if ($discriminant -lt 0) { throw 'math domain error: no real root' }
            $root = [math]::Sqrt($discriminant)
            # The comma binds tighter than the division: each root in parentheses.
            , @(@(((-$b - $root) / (2 * $a)), ((-$b + $root) / (2 * $a))) | Select-Object -Unique)
        }
        remote_repr = {
            <#
            .SYNOPSIS
            Return the `repr()` rendering of the supplied `arg`.
            #>
            param([Parameter(Mandatory)] $arg)
            , $arg
        }
    }
)
$bits = New-MessageSocket Pub -Bind 'tcp://*:6700'
$pythagoras = New-MessageSocket Rep -Bind 'tcp://*:6701' -MaxMessageBytes 4096
# Pythagoras answers in a thread job of this process while the foreground publishes. A REP socket must answer every
# request before it takes the next, so whatever arrives gets an answer: the sum, or what was wrong with the request.
$null = Start-ThreadJob -Name pythagoras -ArgumentList $Module, $pythagoras {
    param($module, $rep)
    Import-Module $module
    while ($true) {
        Receive-Message $rep -Count 0 -TimeoutSeconds 3600 | ForEach-Object {
            $answer = try {
                $numbers = @(ConvertFrom-Json $_.Text -NoEnumerate -Depth 2 -ErrorAction Stop)
                if ($numbers.Count -eq 1 -and $numbers[0] -is [array]) { $numbers = $numbers[0] }
                if ($numbers.Count -gt 16) { throw 'more than 16 numbers' }
                $sum = [bigint]0
                foreach ($n in $numbers) {
                    if ($n -isnot [long] -and $n -isnot [int] -and $n -isnot [bigint]) { throw "$n is not an integer" }
                    $sum += [bigint]$n * $n
                }
                $sum
            } catch {
                "pythagoras wants a JSON list of at most 16 integers: $($_.Exception.Message)"
            }
            Send-Message $rep -InputObject $answer -AsJson
        }
    }
}
foreach ($service in $services) { Write-Host "$($service.GetType().Name) on [$($service.LocalAddress)]:$($service.LocalPort)" }
Write-Host "π bit source: PUB on $($bits.Endpoint), $BitsPerSecond points a second; pythagoras: REP on $($pythagoras.Endpoint)"

# In the foreground, until the playground stops it: a batch of points every 50 ms. A PUB socket never waits; what no
# subscriber wants is dropped, so this costs next to nothing while nobody listens.
$random = [Random]::new()
$batch = [math]::Max(1, [int]($BitsPerSecond / 20))
$clock = [Diagnostics.Stopwatch]::StartNew()
for ($tick = 1; ; $tick++) {
    $points = foreach ($i in 1..$batch) { [Convert]::ToString($random.NextInt64(), 2).PadLeft(63, '0') + $random.Next(2) }
    $null = Send-Message $bits -InputObject $points
    $late = $tick * 50 - $clock.ElapsedMilliseconds
    if ($late -gt 0) { Start-Sleep -Milliseconds $late }
}
