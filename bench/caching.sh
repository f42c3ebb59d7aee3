#!/bin/bash
# memcached benchmark: COUNT set and get operations, one key each, and a multi-get of the same keys, through the
# memcached cmdlets and through pymemcache (Debian's python3-pymemcache, with /usr/bin/python3), in one run, against
# one memcached of tests/servers/memcached on 127.0.0.1 at a free high port.
# Needs: memcached, python3-pymemcache (installed through tests/servers/apt-install.sh when run as root), dotnet.
# Usage: bench/caching.sh [COUNT=100000] [ROUNDS=3] [WARMUP=2]
# Goal (issue 22): sets and gets at >= pymemcache's rate; the multi-get against pymemcache's get_many (batches of 100).
set -euo pipefail

count="${1:-100000}"
rounds="${2:-3}"
warmup="${3:-2}"   # untimed passes first: the runtime's tiered compilation optimizes hot code only after a while
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/servers/apt-install.sh" memcached python3-pymemcache
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-caching-bench.XXXXXX)"

bash "$root/tests/servers/memcached/start-memcached.sh" 1 > "$work/server.env" &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q '^PORT=' "$work/server.env" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/^PORT=//p' "$work/server.env")"
server="127.0.0.1:$port"

# pymemcache's half: prints "set-seconds get-seconds multiget-seconds" for COUNT keys.
py_bench() {
    /usr/bin/python3 - "$port" "$count" <<'PY'
import sys, time
from pymemcache.client.base import Client
port, count = int(sys.argv[1]), int(sys.argv[2])
client = Client(("127.0.0.1", port))
keys = [f"py-bench-{i}" for i in range(count)]
value = "v" * 32
start = time.perf_counter()
for key in keys:
    client.set(key, value, noreply=False)
set_s = time.perf_counter() - start
start = time.perf_counter()
for key in keys:
    client.get(key)
get_s = time.perf_counter() - start
start = time.perf_counter()
found = 0
for i in range(0, count, 100):
    found += len(client.get_many(keys[i:i + 100]))
many_s = time.perf_counter() - start
assert found == count, found
print(set_s, get_s, many_s)
PY
}

for round in $(seq 1 "$rounds"); do
    read -r py_set py_get py_many <<< "$(py_bench)"
    nf_out="$(pinned_pwsh -File "$root/bench/caching.ps1" -Module "$manifest" -Server "$server" -Count "$count" -WarmUp "$warmup")"
    read -r nf_set nf_get nf_many <<< "$(echo "$nf_out" | tail -1)"
    echo "$round $(cut -d' ' -f1 /proc/loadavg) $py_set $py_get $py_many $nf_set $nf_get $nf_many" >> "$work/rounds.txt"
done

python3 - "$count" "$work/rounds.txt" <<'PY'
import sys
count = int(sys.argv[1])
rows = [list(map(float, line.split())) for line in open(sys.argv[2])]
print(f"{'round':>5} {'load':>5} | {'py set/s':>9} {'py get/s':>9} {'py many/s':>10} | {'nf set/s':>9} {'nf get/s':>9} {'nf many/s':>10} | {'set':>5} {'get':>5} {'many':>5}")
for r in rows:
    py = [count / x for x in r[2:5]]
    nf = [count / x for x in r[5:8]]
    print(f"{int(r[0]):>5} {r[1]:>5} | {py[0]:>9.0f} {py[1]:>9.0f} {py[2]:>10.0f} | {nf[0]:>9.0f} {nf[1]:>9.0f} {nf[2]:>10.0f} | "
          f"{nf[0] / py[0]:>5.2f} {nf[1] / py[1]:>5.2f} {nf[2] / py[2]:>5.2f}")
for name, i in (("Set-MemcachedItem / pymemcache set", 0), ("Get-MemcachedItem / pymemcache get", 1), ("Get-MemcachedItem (piped keys) / get_many", 2)):
    ratios = sorted((r[2 + i] / r[5 + i]) for r in rows)
    median = ratios[len(ratios) // 2]
    print(f"{name}: median {median:.2f}, best {max(ratios):.2f} (goal >= 1): {'met' if median >= 1 else 'NOT met'} (by the median)")
PY
