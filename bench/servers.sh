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
source "$root/bench/server-bench.sh"

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

# Our servers, one per architecture.
start_host servers-host.ps1 -MaxConnections "$(( connections > 256 ? connections : 256 ))"
architectures=($(awk '/^SERVER/ {print $2 "=" $3}' "$host_out"))

# nginx with a tiny body.
start_nginx '' '        default_type text/plain;
        return 200 "Ugly.";'

echo "== load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $seconds s per point, $connections connections"
# wrk first, then ours, so a warm nginx serves both; wrk's threads: one per core, as ours uses the thread pool.
# wrk's own CPU time, to compare the two clients' cost per request too.
wrk_out="$(wrk_run 0 "$seconds" 0 -t"$(nproc)" -c"$connections" --latency "http://127.0.0.1:$nginx_port/")"
wrk_cpu="$(awk '/^WRK_CPU/ {print $2}' <<<"$wrk_out")"
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
