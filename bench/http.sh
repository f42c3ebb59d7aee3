#!/bin/bash
# HTTP client benchmark: COUNT GETs of a small static file from nginx through one session of Invoke-HttpRequest (one
# kept-alive connection) against one curl process fetching the same URLs over one connection, and against an
# Invoke-WebRequest loop (IWR_COUNT of them: it is slow, rates are compared); then a download of BIG_MIB MiB with
# -OutFile against curl -o, both into the same folder. nginx from tests/servers/http/start-http.sh, on 127.0.0.1.
# Needs: nginx, gunicorn, python3-httpbin (tests/servers/apt-install.sh installs them as root), curl, dotnet.
# Usage: bench/http.sh [COUNT=10000] [ROUNDS=3] [IWR_COUNT=300] [BIG_MIB=1024]
# Goals (issue 21): GETs >= 0.8x curl's rate and >= 10x Invoke-WebRequest's; the download >= 0.9x curl's rate.
set -euo pipefail

count="${1:-10000}"
rounds="${2:-3}"
iwr_count="${3:-300}"
big_mib="${4:-1024}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/servers/apt-install.sh" nginx gunicorn python3-httpbin curl
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-http-bench.XXXXXX)"
chmod 755 "$work"   # nginx's worker (nobody, under root) reads the files

bash "$root/tests/servers/http/start-http.sh" "$work/servers" "$big_mib" > "$work/servers.out" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 600); do [ -s "$work/servers/ports.env" ] && break; sleep 0.1; done
source "$work/servers/ports.env"
small="http://127.0.0.1:$http/small.txt"
big="http://127.0.0.1:$http/big.bin"

seconds() { python3 -c 'import sys, time; print(time.time())'; }
for round in $(seq 1 "$rounds"); do
    start=$(seconds)
    curl -sS --fail "$small?[1-$count]" > /dev/null   # one process, one connection, URLs globbed
    curl_small=$(python3 -c "print($(seconds) - $start)")
    start=$(seconds)
    curl -s --fail -o "$work/curl.bin" "$big"
    curl_big=$(python3 -c "print($(seconds) - $start)")
    rm -f "$work/curl.bin"
    read -r nf_small iwr nf_big <<< "$(pinned_pwsh -File "$root/bench/http.ps1" -Module "$manifest" -SmallUrl "$small" -BigUrl "$big" \
        -OutFile "$work/nf.bin" -Count "$count" -IwrCount "$iwr_count" | tail -1)"
    echo "$round $(cut -d' ' -f1 /proc/loadavg) $curl_small $nf_small $iwr $curl_big $nf_big" >> "$work/rounds.txt"
done

python3 - "$count" "$iwr_count" "$big_mib" "$work/rounds.txt" <<'PY'
import sys
count, iwr_count, big_mib = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rows = [list(map(float, line.split())) for line in open(sys.argv[4])]
print(f"{'round':>5} {'load':>5} | {'curl GET/s':>10} {'nf GET/s':>9} {'IWR GET/s':>9} | {'curl MiB/s':>10} {'nf MiB/s':>9} | {'/curl':>6} {'/IWR':>6} {'big':>6}")
ratios = []
for r in rows:
    curl_rate, nf_rate, iwr_rate = count / r[2], count / r[3], iwr_count / r[4]
    curl_big, nf_big = big_mib / r[5], big_mib / r[6]
    ratios.append((nf_rate / curl_rate, nf_rate / iwr_rate, nf_big / curl_big))
    print(f"{int(r[0]):>5} {r[1]:>5} | {curl_rate:>10.0f} {nf_rate:>9.0f} {iwr_rate:>9.0f} | {curl_big:>10.0f} {nf_big:>9.0f} | "
          f"{ratios[-1][0]:>6.2f} {ratios[-1][1]:>6.1f} {ratios[-1][2]:>6.2f}")
for name, i, goal in (("GETs, session / curl", 0, 0.8), ("GETs, session / Invoke-WebRequest loop", 1, 10), ("download / curl", 2, 0.9)):
    values = sorted(x[i] for x in ratios)
    median = values[len(values) // 2]
    print(f"{name}: median {median:.2f}, best {max(values):.2f} (goal >= {goal}): {'met' if median >= goal else 'NOT met'} (by the median)")
PY
