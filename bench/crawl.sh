#!/bin/bash
# Crawler benchmark: Invoke-WebCrawl against wget --mirror over the same generated site (tests/peers/web_site.py,
# PAGES pages in a tree) served by nginx (tests/servers/http/start-http.sh) on 127.0.0.1, in one run; pages per second.
# Needs: nginx, gunicorn, python3-httpbin (start-http.sh starts them all), wget, dotnet.
# Usage: bench/crawl.sh [PAGES=300] [ROUNDS=3]
# Goal (issue 21): the crawler at >= wget --mirror's pages/s.
set -euo pipefail

pages="${1:-300}"
rounds="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/servers/apt-install.sh" nginx gunicorn python3-httpbin wget
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-crawl-bench.XXXXXX)"

setsid bash "$root/tests/servers/http/start-http.sh" "$work/servers" > "$work/servers.out" 2>&1 &
servers_pid=$!
cleanup() { kill -- -"$servers_pid" 2>/dev/null || kill "$servers_pid" 2>/dev/null || true; wait "$servers_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 300); do [ -f "$work/servers/ports.env" ] && break; sleep 0.1; done
[ -f "$work/servers/ports.env" ] || { cat "$work/servers.out" >&2; exit 1; }
port="$(sed -n 's/^http=//p' "$work/servers/ports.env")"
# The generated site replaces nginx's own index.html; nginx serves what is on disk.
python3 "$root/tests/peers/web_site.py" "$work/servers/www" "$pages"
start="http://127.0.0.1:$port/"

wget_run() {
    rm -rf "$work/mirror"
    local t0 t1
    t0=$(date +%s.%N)
    wget --mirror --no-verbose --directory-prefix="$work/mirror" "$start" 2> "$work/wget.log" || true
    t1=$(date +%s.%N)
    # robots.txt is not a page: neither side counts it.
    echo "$(grep ' URL:' "$work/wget.log" | grep -vc '/robots.txt ') $(python3 -c "print($t1 - $t0)")"
}

# NetFoundations: one pwsh process, a warm-up crawl first (start-up, module load and JIT not counted).
nf_run() {
    pinned_pwsh -Command "
        \$ErrorActionPreference = 'Stop'
        Import-Module '$manifest'
        \$null = Invoke-WebCrawl '$start' -Depth 100 -MaxPages 50 -ThrottleLimit $1
        \$watch = [Diagnostics.Stopwatch]::StartNew()
        \$count = @(Invoke-WebCrawl '$start' -Depth 100 -MaxPages 100000 -ThrottleLimit $1).Count
        '{0} {1}' -f \$count, \$watch.Elapsed.TotalSeconds"
}

for round in $(seq 1 "$rounds"); do
    read -r w_pages w_s <<< "$(wget_run)"
    read -r n1_pages n1_s <<< "$(nf_run 1 | tail -1)"
    read -r n4_pages n4_s <<< "$(nf_run 4 | tail -1)"
    echo "$round $(cut -d' ' -f1 /proc/loadavg) $w_pages $w_s $n1_pages $n1_s $n4_pages $n4_s" >> "$work/rounds.txt"
done

python3 - "$work/rounds.txt" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"{'round':>5} {'load':>5} | {'wget pages':>10} {'pages/s':>8} | {'nf -T 1':>8} {'pages/s':>8} | {'nf -T 4':>8} {'pages/s':>8} | {'T1/wget':>7} {'T4/wget':>7}")
ratios1, ratios4 = [], []
for r in rows:
    w = int(r[2]) / float(r[3]); n1 = int(r[4]) / float(r[5]); n4 = int(r[6]) / float(r[7])
    ratios1.append(n1 / w); ratios4.append(n4 / w)
    print(f"{r[0]:>5} {r[1]:>5} | {r[2]:>10} {w:>8.0f} | {r[4]:>8} {n1:>8.0f} | {r[6]:>8} {n4:>8.0f} | {n1 / w:>7.2f} {n4 / w:>7.2f}")
for name, ratios in (("Invoke-WebCrawl -ThrottleLimit 1 / wget --mirror", ratios1), ("Invoke-WebCrawl -ThrottleLimit 4 / wget --mirror", ratios4)):
    ratios.sort()
    median = ratios[len(ratios) // 2]
    print(f"{name}: median {median:.2f}, best {ratios[-1]:.2f} (goal >= 1): {'met' if median >= 1 else 'NOT met'} (by the median)")
PY
