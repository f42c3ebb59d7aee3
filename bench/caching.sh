#!/bin/bash
# memcached benchmark: COUNT set and get operations, one key each, and a multi-get of the same keys, through the
# memcached cmdlets and through pymemcache (Debian's python3-pymemcache, with /usr/bin/python3), in one run, against
# one memcached of tests/servers/memcached on 127.0.0.1 at a free high port.
# Needs: memcached, python3-pymemcache (installed through tests/servers/apt-install.sh when run as root), dotnet.
# Usage: bench/caching.sh [COUNT=100000] [ROUNDS=3] [WARMUP=2]
# Goal (issue 22): sets and gets at >= pymemcache's rate; piped keys and items against pymemcache's get_many and
# set_many (batches of 100).
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

# pymemcache's half: prints "set-seconds get-seconds multiget-seconds multiset-seconds" for COUNT keys.
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
start = time.perf_counter()
for i in range(0, count, 100):
    failed = client.set_many({key: value for key in keys[i:i + 100]}, noreply=False)
    assert not failed, failed
setmany_s = time.perf_counter() - start
print(set_s, get_s, many_s, setmany_s)
PY
}

for round in $(seq 1 "$rounds"); do
    read -r py_set py_get py_many py_setmany <<< "$(py_bench)"
    nf_out="$(pinned_pwsh -File "$root/bench/caching.ps1" -Module "$manifest" -Server "$server" -Count "$count" -WarmUp "$warmup")"
    read -r nf_set nf_get nf_many nf_setmany <<< "$(echo "$nf_out" | tail -1)"
    echo "$round $(cut -d' ' -f1 /proc/loadavg) $py_set $py_get $py_many $py_setmany $nf_set $nf_get $nf_many $nf_setmany" >> "$work/rounds.txt"
done

python3 - "$count" "$work/rounds.txt" <<'PY'
import sys
count = int(sys.argv[1])
rows = [list(map(float, line.split())) for line in open(sys.argv[2])]
names = ("set", "get", "get_many", "set_many")
print(f"{'round':>5} {'load':>5} | " + " ".join(f"{'py ' + n + '/s':>13}" for n in names) + " | "
      + " ".join(f"{'nf ' + n + '/s':>13}" for n in names) + " | " + " ".join(f"{n:>8}" for n in names))
for r in rows:
    py = [count / x for x in r[2:6]]
    nf = [count / x for x in r[6:10]]
    print(f"{int(r[0]):>5} {r[1]:>5} | " + " ".join(f"{x:>13.0f}" for x in py) + " | " + " ".join(f"{x:>13.0f}" for x in nf)
          + " | " + " ".join(f"{n / p:>8.2f}" for n, p in zip(nf, py)))
for name, i in (("Set-MemcachedItem / pymemcache set", 0), ("Get-MemcachedItem / pymemcache get", 1),
                ("Get-MemcachedItem (piped keys) / get_many", 2), ("Set-MemcachedItem (piped items) / set_many", 3)):
    ratios = sorted((r[2 + i] / r[6 + i]) for r in rows)
    median = ratios[len(ratios) // 2]
    print(f"{name}: median {median:.2f}, best {max(ratios):.2f} (goal >= 1): {'met' if median >= 1 else 'NOT met'} (by the median)")
PY
