# memcached checks a user would write: set, get, cas, counters, the book's squares.py (cache-aside) and hashing.py (key
# distribution), sharding over several servers, dead servers, and pymemcache reading what we wrote.
# The servers are Debian's memcached, three instances started by tests/servers/memcached/start-memcached.sh.

BeforeAll {
    Import-Module $env:NETFOUNDATIONS_MODULE

    . (Join-Path $PSScriptRoot '..' 'peers' 'TestPeers.ps1')
    $memcached = Start-TestMemcached -Count 3
    $servers = $memcached.Servers
    $peer = Join-Path $PSScriptRoot '..' 'peers' 'memcache_peer.py'
    $session = Connect-Memcached -Server $servers -KeyDistribution Rendezvous
}

AfterAll {
    if ($session) { Disconnect-Memcached $session }
    Stop-TestMemcached $memcached
}

Describe 'Connect-Memcached' {
    It 'returns a session that lists its servers and its key distribution' {
        $session | Should -BeOfType [NetFoundations.Core.Caching.MemcachedSession]
        $session.Servers | Should -Be $servers
        $session.KeyDistribution | Should -Be 'Rendezvous'
        $session.IsConnected | Should -BeTrue
    }

    It 'reports a dead server by name, and takes it out only with -Failover' {
        $dead = "127.0.0.1:$(Get-UnusedPort)"

        { Connect-Memcached -Server ($servers + $dead) -ErrorAction Stop } | Should -Throw "*$dead*"
        $failover = Connect-Memcached -Server ($servers + $dead) -Failover -WarningAction SilentlyContinue
        $failover.DownServers | Should -Be $dead
        (Set-MemcachedItem -Session $failover -Key 'after-failover' -Value 'kept').Succeeded | Should -BeTrue
        Disconnect-Memcached $failover
    }

    It 'disconnects' {
        $other = Connect-Memcached $servers[0]
        Disconnect-Memcached $other
        $other.IsConnected | Should -BeFalse
    }
}

Describe 'Set-MemcachedItem and Get-MemcachedItem' {
    It 'stores text and reads it back from the server its key maps to' {
        $result = Set-MemcachedItem -Session $session -Key 'greeting' -Value 'grüß dich' -TimeToLive 60
        $item = Get-MemcachedItem -Session $session -Key 'greeting'

        $result | Should -BeOfType [NetFoundations.Core.Caching.MemcachedWriteResult]
        $item | Should -BeOfType [NetFoundations.Core.Caching.MemcachedItem]
        $item.Value | Should -BeExactly 'grüß dich'
        $item.Format | Should -Be 'Text'
        $item.Server | Should -Be $result.Server
    }

    It 'stores bytes and objects (as JSON), and reads them back as such' {
        $null = Set-MemcachedItem -Session $session -Key 'blob' -Value ([byte[]](0, 255, 128))
        $null = Set-MemcachedItem -Session $session -Key 'point' -Value ([pscustomobject]@{ X = 3; Y = 4 })

        (Get-MemcachedItem -Session $session -Key 'blob').Value | Should -Be ([byte[]](0, 255, 128))
        $point = Get-MemcachedItem -Session $session -Key 'point'
        $point.Format | Should -Be 'Json'
        $point.Value.Y | Should -Be 4
    }

    It 'gets many keys at once, spread over every server, and nothing for a missing key' {
        $keys = 1..60 | ForEach-Object { "many-$_" }
        $keys | ForEach-Object { $null = Set-MemcachedItem -Session $session -Key $_ -Value "value of $_" }

        $items = $keys + 'not-there' | Get-MemcachedItem -Session $session

        $items | Should -HaveCount 60
        $items[59].Value | Should -Be 'value of many-60'
        ($items.Server | Sort-Object -Unique) | Should -Be ($servers | Sort-Object)
    }

    It 'stores piped items in batches, each with its own result, and a bad one fails alone' {
        $items = 1..250 | ForEach-Object { [pscustomobject]@{ Key = if ($_ -eq 7) { 'bad key' } else { "piped-$_" }; Value = "piped value $_" } }

        $results = $items | Set-MemcachedItem -Session $session -ErrorVariable failed -ErrorAction SilentlyContinue

        $results | Should -HaveCount 249
        $results[0].Key | Should -Be 'piped-1'
        $results[248].Key | Should -Be 'piped-250'
        ($results | Where-Object Succeeded).Count | Should -Be 249
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        (Get-MemcachedItem -Session $session -Key 'piped-250').Value | Should -Be 'piped value 250'
    }

    It 'adds only a missing key and replaces only an existing one' {
        (Set-MemcachedItem -Session $session -Key 'once' -Value 1 -Mode Add).Succeeded | Should -BeTrue
        (Set-MemcachedItem -Session $session -Key 'once' -Value 2 -Mode Add).Reply | Should -Be 'NOT_STORED'
        (Set-MemcachedItem -Session $session -Key 'never-set' -Value 2 -Mode Replace).Succeeded | Should -BeFalse
    }

    It 'writes with -Mode Cas only while nobody else wrote (check and set)' {
        $null = Set-MemcachedItem -Session $session -Key 'balance' -Value '100'
        $item = Get-MemcachedItem -Session $session -Key 'balance' -Cas
        $null = Set-MemcachedItem -Session $session -Key 'balance' -Value '90'

        $late = $item | Set-MemcachedItem -Value '150' -Mode Cas
        $fresh = Get-MemcachedItem -Session $session -Key 'balance' -Cas | Set-MemcachedItem -Value '150' -Mode Cas

        $item.Cas | Should -BeGreaterThan 0
        $late.Reply | Should -Be 'EXISTS'
        $fresh.Succeeded | Should -BeTrue
    }

    It 'touches an item to give it a new time to live, and deletes it' {
        # memcached counts whole seconds: a 1 s item can be gone at once, a 2 s one lives at least 1 s.
        $null = Set-MemcachedItem -Session $session -Key 'short' -Value 'x' -TimeToLive 2
        (Set-MemcachedItem -Session $session -Key 'short' -Touch -TimeToLive 600).Reply | Should -Be 'TOUCHED'
        Start-Sleep -Seconds 3
        (Get-MemcachedItem -Session $session -Key 'short').Value | Should -Be 'x'

        (Remove-MemcachedItem -Session $session -Key 'short').Reply | Should -Be 'DELETED'
        Get-MemcachedItem -Session $session -Key 'short' | Should -BeNullOrEmpty
    }

    It 'refuses a key with a space, or longer than 250 bytes, with InvalidRequest' {
        Get-MemcachedItem -Session $session -Key 'two words' -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
        Set-MemcachedItem -Session $session -Key ('k' * 251) -Value 'x' -ErrorVariable tooLong -ErrorAction SilentlyContinue
        $tooLong[0].Exception.Message | Should -BeLike '*251 bytes*'
    }
}

Describe 'Update-MemcachedCounter' {
    It 'increments and decrements a counter, starting it with -InitialValue' {
        $first = Update-MemcachedCounter -Session $session -Key 'hits' -InitialValue 10
        $up = Update-MemcachedCounter -Session $session -Key 'hits' -By 5
        $down = Update-MemcachedCounter -Session $session -Key 'hits' -By 3 -Decrement

        $first.Counter | Should -Be 10
        $up.Counter | Should -Be 15
        $down.Counter | Should -Be 12
        $down | Should -BeOfType [NetFoundations.Core.Caching.MemcachedWriteResult]
    }
}

Describe 'Get-MemcachedStat' {
    It 'gives each server''s statistics' {
        $stats = Get-MemcachedStat -Session $session

        $stats | Should -HaveCount 3
        $stats[0] | Should -BeOfType [NetFoundations.Core.Caching.MemcachedServerStats]
        $stats.Server | Should -Be $servers
        $stats[0].LimitMaxBytes | Should -Be 16MB
        $stats[0].Stats['version'] | Should -Not -BeNullOrEmpty
    }
}

Describe 'Use-MemcachedItem (cache-aside, the book''s squares.py)' {
    It 'computes a square once, then serves it from the cache, counting hits and misses' {
        $cache = Connect-Memcached $servers
        $run = Get-Random
        $script:computed = 0
        $values = foreach ($n in 2, 3, 2, 2, 3) {
            Use-MemcachedItem -Session $cache -Key "sq-$run-$n" -TimeToLive 60 -ScriptBlock { $script:computed++; $n * $n }
        }

        $values | Should -Be 4, 9, 4, 4, 9
        $cache.Misses | Should -Be 2
        $cache.Hits | Should -Be 3
        $script:computed | Should -Be 2
        Disconnect-Memcached $cache
    }

    It 'takes a lock so that only one of several sessions computes a missed key' {
        $key = "slow-$(Get-Random)"
        $jobs = 1..3 | ForEach-Object {
            Start-ThreadJob -ArgumentList $env:NETFOUNDATIONS_MODULE, $servers, $key -ScriptBlock {
                param($module, $servers, $key)
                Import-Module $module
                $s = Connect-Memcached $servers
                Use-MemcachedItem -Session $s -Key $key -TimeToLive 60 -LockSeconds 10 -ScriptBlock { Start-Sleep -Milliseconds 500; 'computed once' }
                [pscustomobject]@{ Computed = $s.Computed; Waited = $s.LockWaits }
            }
        }
        $results = $jobs | Wait-Job -Timeout 60 | Receive-Job
        $jobs | Remove-Job -Force

        ($results | Where-Object { $_ -is [string] }) | Should -Be 'computed once', 'computed once', 'computed once'
        ($results.Computed | Measure-Object -Sum).Sum | Should -Be 1
    }
}

Describe 'Measure-KeyDistribution (the book''s hashing.py: where memcached keys go)' {
    BeforeAll {
        $words = 1..5000 | ForEach-Object { "word$_" }
        $four = 'server0:11211', 'server1:11211', 'server2:11211', 'server3:11211'
    }

    It 'shares the keys about evenly among four servers under every algorithm' {
        $reports = Measure-KeyDistribution -Key $words -Server $four

        $reports | Should -HaveCount 3
        $reports[0] | Should -BeOfType [NetFoundations.Core.Caching.KeyDistributionReport]
        $reports.Algorithm | Should -Be 'Modulo', 'Ketama', 'Rendezvous'
        foreach ($report in $reports) { $report.Imbalance | Should -BeLessThan 1.25 -Because $report.Algorithm }
    }

    It 'moves most keys under Modulo and about a fifth under the consistent ones when a fifth server comes' {
        $moved = @{}
        Measure-KeyDistribution -Key $words -Server $four -AddServer 'server4:11211' | ForEach-Object { $moved["$($_.Algorithm)"] = $_.MovedPercent }

        $moved.Modulo | Should -BeGreaterThan 70
        $moved.Ketama | Should -BeLessThan 30
        $moved.Rendezvous | Should -BeLessThan 25
    }

    It 'moves only the removed server''s keys under Rendezvous' {
        $report = Measure-KeyDistribution -Key $words -Server $four -RemoveServer 'server3:11211' -Algorithm Rendezvous

        $report.MovedKeys | Should -Be $report.Shares[3].Keys
    }
}

Describe 'pymemcache, the independent peer' {
    It 'reads the text and bytes we wrote, and we read what it wrote' {
        $one = Connect-Memcached $servers[0]
        $null = Set-MemcachedItem -Session $one -Key 'ours-text' -Value 'héllo'
        $null = Set-MemcachedItem -Session $one -Key 'ours-bytes' -Value ([byte[]](1, 2, 255))
        /usr/bin/python3 $peer set $servers[0] 'theirs-text' 'grüße'

        /usr/bin/python3 $peer get $servers[0] 'ours-text' | Should -Be '68c3a96c6c6f'
        /usr/bin/python3 $peer get $servers[0] 'ours-bytes' | Should -Be '0102ff'
        (Get-MemcachedItem -Session $one -Key 'theirs-text').Value | Should -Be 'grüße'
        Disconnect-Memcached $one
    }

    It 'finds keys on the same servers as pymemcache''s HashClient under Rendezvous' {
        $keys = 1..20 | ForEach-Object { "shared-$_" }
        $theirs = /usr/bin/python3 $peer node ($servers -join ',') @keys

        $ours = $keys | ForEach-Object { (Set-MemcachedItem -Session $session -Key $_ -Value 'x').Server }

        $ours | Should -Be $theirs
    }
}
