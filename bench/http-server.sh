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
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-http-bench.XXXXXX)"

pids=()
cleanup() {
    exec 4>&- 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/site"
head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$work/site/page.html"
# nginx's workers run as an unprivileged user: they must be able to read the file.
chmod a+rx "$work" "$work/site" && chmod a+r "$work/site/page.html"

# Our server, in a pwsh process of its own that serves until its standard input ends.
mkfifo "$work/host.in"
dotnet "$pshome/pwsh.dll" -NoProfile -NonInteractive -File "$root/bench/http-server.ps1" -Module "$manifest" -Site "$work/site" \
    <"$work/host.in" >"$work/host.out" 2>&1 &
pids+=($!)
exec 4>"$work/host.in"
for _ in $(seq 600); do grep -q '^READY' "$work/host.out" && break; sleep 0.1; done
grep -q '^READY' "$work/host.out" || { cat "$work/host.out" >&2; echo "bench/http-server.sh: the server did not start" >&2; exit 1; }
port="$(awk '/^PORT/ {print $2}' "$work/host.out")"

# nginx on a loopback high port serving the same folder: one worker per core, sendfile, keep-alive without limit, no log.
nginx_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    sendfile on;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/site;
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' </dev/null >>"$work/nginx/stdout.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break; sleep 0.05; done

# Checks the answer once, then: requests/s of wrk against URL (a short untimed warm-up first, for the JIT).
rate() {
    local url="$1" expect="$2"
    local code
    code="$(curl -s --max-time 20 -o /dev/null -w "%{http_code}" "$url" || true)"
    [[ $code == "$expect" ]] || { echo "bench/http-server.sh: $url answered \"$code\", not $expect" >&2; exit 1; }
    timeout 30 wrk -t 2 -c "$connections" -d 2s "$url" >/dev/null
    timeout $(( seconds + 30 )) wrk -t 2 -c "$connections" -d "${seconds}s" "$url" >"$work/wrk.out"
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
