#!/usr/bin/env bash
# HTTP server benchmark (issue 21), on loopback only, in one run, each load `wrk -t 2 -c CONNECTIONS -d SECONDS`:
#   (a) Start-HttpServer, a scriptblock route (GET /time: the timeapp's answer)               goal >= 3000 requests/s
#   (b) Start-HttpServer -StaticPath, a 4 KiB file, over nginx serving the same file          goal >= 0.3
# Usage: bench/http-server.sh [seconds=10] [connections=64]
# Needs: wrk, nginx (installed here through tests/servers/apt-install.sh when run as root), dotnet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-10}"
connections="${2:-64}"
bash "$root/tests/servers/apt-install.sh" wrk nginx
source "$root/bench/server-bench.sh"

mkdir -p "$work/site"
head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$work/site/page.html"
# nginx's workers run as an unprivileged user: they must be able to read the file.
chmod a+rx "$work" "$work/site" && chmod a+r "$work/site/page.html"

# Our server.
start_host http-server.ps1 -Site "$work/site"
port="$(awk '/^PORT/ {print $2}' "$host_out")"

# nginx serving the same folder, with sendfile.
start_nginx '    sendfile on;' "        root $work/site;"

# Checks the answer once, then: requests/s of wrk against URL (a short untimed warm-up first, for the JIT).
rate() {
    local url="$1" expect="$2"
    local code
    code="$(curl -s --max-time 20 -o /dev/null -w "%{http_code}" "$url" || true)"
    [[ $code == "$expect" ]] || { echo "bench/http-server.sh: $url answered \"$code\", not $expect" >&2; exit 1; }
    wrk_run 2 "$seconds" 0 -t 2 -c "$connections" "$url" >"$work/wrk.out"
    if grep -q 'Non-2xx\|Socket errors' "$work/wrk.out"; then grep 'Non-2xx\|Socket errors' "$work/wrk.out" >&2; fi
    awk '/^Requests\/sec/ {print $2}' "$work/wrk.out"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t 2 -c $connections -d ${seconds}s"
route="$(rate "http://127.0.0.1:$port/time" 200)"
echo "(a) scriptblock route GET /time:        $route requests/s (goal >= 3000)"
ours="$(rate "http://127.0.0.1:$port/page.html" 200)"
theirs="$(rate "http://127.0.0.1:$nginx_port/page.html" 200)"
echo "(b) static 4 KiB file, Start-HttpServer: $ours requests/s"
echo "    static 4 KiB file, nginx:            $theirs requests/s"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "    ratio ours/nginx: %.2f (goal >= 0.3)\n", a / b }'
