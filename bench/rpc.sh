#!/usr/bin/env bash
# RPC benchmark (the book's chapter 18, measured), on loopback only, in one run:
#   (a) server calls/s under the same load — wrk, CONNECTIONS kept-alive connections for SECONDS, posting the same
#       XML-RPC call `when()` — Start-RpcServer with a compiled cmdlet as the method (Get-Date) and with a scriptblock,
#       over Python's SimpleXMLRPCServer (tests/peers/xmlrpc_server.py), the faster of its HTTP/1.0 and keep-alive
#       configurations                                                                          goals >= 10 and >= 3
#   (b) client calls/s against that one Python server, with keep-alive: COUNT calls piped into one Invoke-XmlRpc over
#       COUNT calls of Python's xmlrpc.client in a loop (tests/peers/rpc_server_client.py load)        goal >= 2
#   (c) one system.multicall of 1,000 calls: Invoke-XmlRpc -Multicall and xmlrpc.client.MultiCall against the Python
#       server, and xmlrpc.client.MultiCall against our scriptblock server (best of 3 each)
# Usage: bench/rpc.sh [seconds=5] [connections=16] [count=2000]
# Needs: wrk (installed here through tests/servers/apt-install.sh when run as root), /usr/bin/python3, dotnet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-5}"
connections="${2:-16}"
count="${3:-2000}"
bash "$root/tests/servers/apt-install.sh" wrk
[[ -x /usr/bin/python3 ]] || { echo "bench/rpc.sh: /usr/bin/python3 is missing" >&2; exit 3; }
source "$root/bench/server-bench.sh"

# Python's server twice: as it comes (HTTP/1.0, a connection per call) and with keep-alive (HTTP/1.1, which a server
# of one thread serves one connection at a time); (a) compares with the faster of the two, (b) and (c) use keep-alive.
# Starts one (VARIABLE, then the server's arguments) and sets VARIABLE to its URI.
python_server() {
    local name="$1"
    shift
    /usr/bin/python3 -u "$root/tests/peers/xmlrpc_server.py" "$@" >"$work/$name.out" 2>&1 &
    pids+=($!)
    printf -v "${name%_uri}_pid" '%s' "$!"
    for _ in $(seq 100); do grep -q '^PORT' "$work/$name.out" && break; sleep 0.05; done
    printf -v "$name" 'http://127.0.0.1:%s/RPC2' "$(awk '/^PORT/ {print $2}' "$work/$name.out")"
}
python_server plain_uri
python_server python_uri --keep-alive

# Our servers.
start_host rpc.ps1 -Serve
cmdlet_uri="$(awk '$1 == "SERVER" && $2 == "cmdlet" {print $3}' "$host_out")"
scriptblock_uri="$(awk '$1 == "SERVER" && $2 == "scriptblock" {print $3}' "$host_out")"

cat >"$work/when.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>when</methodName>\n<params>\n</params>\n</methodCall>\n"
done = function(summary, latency, requests)
    io.write(string.format("RATE %.1f ERRORS %d P99 %.2f\n", summary.requests / (summary.duration / 1e6),
        summary.errors.status + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.connect,
        latency:percentile(99) / 1000))
end
LUA
# One second of the same load first, untimed: start-up, JIT and the runspaces' first calls are not counted. Prints
# calls/s, errors, p99 and the server's CPU microseconds per call (a measure the other sessions' load moves less).
load() {
    local out rate errors p99 cpu
    out="$(wrk_run 1 "$seconds" "$2" -t1 -c"$connections" -s "$work/when.lua" "$1")"
    read -r rate errors p99 < <(awk '/^RATE/ {print $2, $4, $6}' <<<"$out")
    cpu="$(awk '/^SERVER_CPU/ {print $2}' <<<"$out")"
    echo "$rate $errors $p99 $(python3 -c "print(round($cpu * 1e6 / max(1, $rate * $seconds), 1))")"
}
echo "== load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; wrk -t1 -c$connections -d${seconds}s, the same call to each server"
read -r plain_rate plain_errors plain_p99 plain_cpu < <(load "$plain_uri" "$plain_pid")
read -r python_rate python_errors python_p99 python_cpu < <(load "$python_uri" "$python_pid")
read -r cmdlet_rate cmdlet_errors cmdlet_p99 cmdlet_cpu < <(load "$cmdlet_uri" "$host_pid")
read -r script_rate script_errors script_p99 script_cpu < <(load "$scriptblock_uri" "$host_pid")
printf '%-40s %10s %7s %9s %14s\n' server 'calls/s' errors 'p99 ms' 'CPU us/call'
printf '%-40s %10s %7s %9s %14s\n' "Python SimpleXMLRPCServer" "$plain_rate" "$plain_errors" "$plain_p99" "$plain_cpu"
printf '%-40s %10s %7s %9s %14s\n' "Python SimpleXMLRPCServer, keep-alive" "$python_rate" "$python_errors" "$python_p99" "$python_cpu"
printf '%-40s %10s %7s %9s %14s\n' "Start-RpcServer, compiled cmdlet" "$cmdlet_rate" "$cmdlet_errors" "$cmdlet_p99" "$cmdlet_cpu"
printf '%-40s %10s %7s %9s %14s\n' "Start-RpcServer, scriptblock" "$script_rate" "$script_errors" "$script_p99" "$script_cpu"

# (b) and (c): each client against the same Python server.
python_client="$(/usr/bin/python3 "$root/tests/peers/rpc_server_client.py" load "$python_uri" "$count" addtogether | awk 'NR == 1')"
python_multi="$(/usr/bin/python3 "$root/tests/peers/rpc_server_client.py" multicall "$python_uri" 1000 addtogether | awk 'NR == 1')"
ours_multi_server="$(/usr/bin/python3 "$root/tests/peers/rpc_server_client.py" multicall "$scriptblock_uri" 1000 addtogether | awk 'NR == 1')"
pinned_pwsh -File "$root/bench/rpc.ps1" -Module "$manifest" -Uri "$python_uri" -Count "$count" -MulticallCount 1000 >"$work/client.out"

python3 - "$(python3 -c "print(max($plain_rate, $python_rate))")" "$cmdlet_rate" "$script_rate" "$python_client" "$python_multi" "$ours_multi_server" "$work/client.out" <<'PY'
import json, sys
python_rate, cmdlet_rate, script_rate = (float(v) for v in sys.argv[1:4])
python_client = json.loads(sys.argv[4])['calls_per_second']
python_multi = json.loads(sys.argv[5])['seconds']
ours_multi_server = json.loads(sys.argv[6])['seconds']
ours = {line.split()[1]: float(line.split()[2]) for line in open(sys.argv[7]) if line.startswith('RESULT ')}
def goal(ratio, want):
    return f"{ratio:.2f} (goal >= {want}: {'met' if ratio >= want else 'NOT met'})"
print()
print(f"(a) server, compiled cmdlet: {cmdlet_rate:,.0f} / {python_rate:,.0f} calls/s = {goal(cmdlet_rate / python_rate, 10)}")
print(f"    server, scriptblock:     {script_rate:,.0f} / {python_rate:,.0f} calls/s = {goal(script_rate / python_rate, 3)}")
print(f"(b) client, keep-alive: Invoke-XmlRpc {ours['client']:,.0f} / xmlrpc.client {python_client:,.0f} calls/s = {goal(ours['client'] / python_client, 2)}")
print(f"(c) multicall of 1,000 calls: Invoke-XmlRpc -Multicall {ours['multicall'] * 1000:.0f} ms, xmlrpc.client.MultiCall {python_multi * 1000:.0f} ms"
      f" (to SimpleXMLRPCServer); xmlrpc.client.MultiCall to Start-RpcServer {ours_multi_server * 1000:.0f} ms")
PY
