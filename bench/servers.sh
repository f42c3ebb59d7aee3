#!/usr/bin/env bash
# Servers benchmark (the book's chapter 7, measured), on loopback only, in one run:
#   (a) every ServerArchitecture of Start-TcpServer with the Zen service, driven by Measure-TcpServer: the table
#   (b) our fastest architecture's questions/s over the fastest of two Python Zen servers (tests/peers/zen_server.py,
#       asyncio and threaded), the same load                                                     goal >= 5
#   (c) Measure-TcpServer's own ceiling: requests/s against nginx serving a tiny reply, over wrk's   goal >= 0.5
# Each point runs for SECONDS at CONNECTIONS connections, closed loop. Prints the table, then the ratios.
# Usage: bench/servers.sh [seconds=5] [connections=100]
# Needs: wrk, nginx (installed here through tests/servers/apt-install.sh when run as root), /usr/bin/python3, dotnet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-5}"
connections="${2:-100}"
bash "$root/tests/servers/apt-install.sh" wrk nginx
[[ -x /usr/bin/python3 ]] || { echo "bench/servers.sh: /usr/bin/python3 is missing" >&2; exit 3; }
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-servers-bench.XXXXXX)"

pids=()
cleanup() {
    exec 4>&- 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts a Python Zen server (MODE); sets <MODE>_port and <MODE>_pid.
python_zen() {
    /usr/bin/python3 -u "$root/tests/peers/zen_server.py" "$1" >"$work/$1.out" 2>&1 &
    pids+=($!)
    printf -v "$1_pid" '%s' "$!"
    for _ in $(seq 100); do grep -q '^PORT' "$work/$1.out" && break; sleep 0.05; done
    printf -v "$1_port" '%s' "$(awk '/^PORT/ {print $2}' "$work/$1.out")"
}
python_zen asyncio
python_zen threaded
[[ -n $asyncio_port && -n $threaded_port ]] || { echo "bench/servers.sh: a Python Zen server did not start" >&2; exit 1; }

# Our servers, one per architecture, in a pwsh process of their own that serves until its standard input ends.
mkfifo "$work/host.in"
dotnet "$pshome/pwsh.dll" -NoProfile -NonInteractive -File "$root/bench/servers-host.ps1" -Module "$manifest" \
    -MaxConnections "$(( connections > 256 ? connections : 256 ))" <"$work/host.in" >"$work/host.out" 2>&1 &
host_pid=$!
pids+=("$host_pid")
exec 4>"$work/host.in"
for _ in $(seq 600); do grep -q '^READY' "$work/host.out" && break; sleep 0.1; done
grep -q '^READY' "$work/host.out" || { cat "$work/host.out" >&2; echo "bench/servers.sh: the server host did not start" >&2; exit 1; }
architectures=($(awk '/^SERVER/ {print $2 "=" $3}' "$work/host.out"))

# nginx on a loopback high port: one worker per core, a tiny body, keep-alive without limit (so no reply carries
# "Connection: close"), no log.
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
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        default_type text/plain;
        return 200 "Ugly.";
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' </dev/null >>"$work/nginx/stdout.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break; sleep 0.05; done

echo "== load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $seconds s per point, $connections connections"
# wrk first, then ours, so a warm nginx serves both; wrk's threads: one per core, as ours uses the thread pool.
# wrk's CPU time (user + system) is read as a child's, to compare the two clients' cost per request too.
wrk_out="$(python3 - wrk -t"$(nproc)" -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$nginx_port/" <<'PY'
import resource, subprocess, sys
out = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(out)
print(f"CPU {usage.ru_utime + usage.ru_stime}")
PY
)"
wrk_cpu="$(awk '/^CPU/ {print $2}' <<<"$wrk_out")"
wrk_rate="$(awk '/^Requests\/sec:/ {print $2}' <<<"$wrk_out")"
wrk_p99="$(awk '$1 == "99%" {print $2}' <<<"$wrk_out")"

pinned_pwsh -File "$root/bench/servers.ps1" -Module "$manifest" -Seconds "$seconds" -Connections "$connections" \
    -Architectures "$(IFS=,; echo "${architectures[*]}")" -HostPid "$host_pid" \
    -AsyncioPort "$asyncio_port" -AsyncioPid "$asyncio_pid" -ThreadedPort "$threaded_port" -ThreadedPid "$threaded_pid" \
    -NginxPort "$nginx_port" -NginxPid "$nginx_pid" | tee "$work/ours.txt"

echo "WRK nginx $wrk_rate p99 $wrk_p99 cpu $wrk_cpu s"
python3 - "$work/ours.txt" "$wrk_rate" "$wrk_cpu" "$seconds" <<'PY'
import sys
rows = [line.split()[1:] for line in open(sys.argv[1]) if line.startswith("RESULT ")]
ours = max((r for r in rows if r[0] == "ARCH"), key=lambda r: float(r[2]))
python = max((r for r in rows if r[0] == "PYTHON"), key=lambda r: float(r[2]))
leanest_ours = min((r for r in rows if r[0] == "ARCH" and float(r[4]) > 0), key=lambda r: float(r[4]))
leanest_python = min((r for r in rows if r[0] == "PYTHON" and float(r[4]) > 0), key=lambda r: float(r[4]))
nginx = next(r for r in rows if r[0] == "NGINX")
wrk = float(sys.argv[2])
wrk_cpu_us = float(sys.argv[3]) * 1e6 / (wrk * float(sys.argv[4]))
zen = float(ours[2]) / float(python[2])
cpu = float(leanest_python[4]) / float(leanest_ours[4])
ceiling = float(nginx[2]) / wrk
print()
print(f"(b) fastest architecture {ours[1]}: {float(ours[2]):,.0f} questions/s (p99 {ours[3]} ms)"
      f" / fastest Python, {python[1]}: {float(python[2]):,.0f} questions/s (p99 {python[3]} ms)"
      f" = {zen:.2f} (goal >= 5: {'met' if zen >= 5 else 'NOT met'})")
print(f"    server CPU per question: Python {leanest_python[1]} {leanest_python[4]} us / ours {leanest_ours[1]} {leanest_ours[4]} us = {cpu:.2f}")
print(f"(c) Measure-TcpServer against nginx: {float(nginx[2]):,.0f} requests/s (p99 {nginx[3]} ms) / wrk {wrk:,.0f}"
      f" = {ceiling:.2f} (goal >= 0.5: {'met' if ceiling >= 0.5 else 'NOT met'})")
print(f"    client CPU per request: Measure-TcpServer {nginx[5]} us, wrk {wrk_cpu_us:.1f} us")
PY
