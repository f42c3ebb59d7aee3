#!/usr/bin/env bash
# Times NetFoundations' TCP cmdlets against the tools people compare them with, on loopback only:
#   (a) Test-TcpPort 127.0.0.1 -Port (1..65535)      vs  nmap -sT -p- -T5 127.0.0.1
#   (b) Invoke-TcpConversation sending N MB to a sink vs  iperf3 -c 127.0.0.1 -n N M
# Prints every run, then the best of each and the ratio (ours / theirs; below 1 is faster).
# Our times are taken inside one pwsh process after a warm-up (runtime start-up and JIT not counted);
# nmap and iperf3 are timed as whole processes (their start-up is a few milliseconds).
# Usage: bench/run.sh [megabytes=200] [runs=3]
# Needs: nmap, iperf3 (installed here through tests/servers/apt-install.sh when run as root), python3, dotnet.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-200}
runs=${2:-3}

bash tests/servers/apt-install.sh nmap iperf3
command -v python3 >/dev/null || { echo "bench: python3 is missing" >&2; exit 2; }

source bench/module.sh

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# The sink: tests/peers/tcp_streamer.py reads until end of stream, then says how much it got.
sink_out=$(mktemp)
python3 -u tests/peers/tcp_streamer.py >"$sink_out" &
pids+=($!)
for _ in $(seq 50); do grep -q PORT "$sink_out" && break; sleep 0.1; done
sink_port=$(awk '/^PORT/ {print $2}' "$sink_out")
rm -f "$sink_out"
[[ -n $sink_port ]] || { echo "bench: the sink did not start" >&2; exit 1; }

now() { date +%s.%N; }
best() { sort -g | head -1; }
calc() { awk "BEGIN { print $1 }"; }

iperf_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Rounds alternate the tools, so a busy moment on the machine does not fall on one side only.
ours=""
nmap_times=()
iperf_times=()
for round in $(seq "$runs"); do
    echo "== Round $round"
    round_ours=$(pinned_pwsh -File bench/tcp.ps1 -Module "$manifest" -SinkPort "$sink_port" -Megabytes "$megabytes" -Runs 1)
    echo "$round_ours"
    ours+="$round_ours"$'\n'

    start=$(now)
    open=$(nmap -sT -p- -T5 -n 127.0.0.1 | grep -c '/tcp *open' || true)
    t=$(calc "$(now) - $start")
    nmap_times+=("$t")
    echo "NMAP $t $open open"

    iperf3 -s -1 -B 127.0.0.1 -p "$iperf_port" >/dev/null &
    server=$!
    pids+=("$server")
    sleep 0.3
    start=$(now)
    iperf3 -c 127.0.0.1 -p "$iperf_port" -n "${megabytes}M" >/dev/null
    t=$(calc "$(now) - $start")
    wait "$server" || true
    iperf_times+=("$t")
    echo "IPERF3 $t"
done

scan=$(echo "$ours" | awk '/^SCAN/ {print $2}' | best)
bulk=$(echo "$ours" | awk '/^BULK/ {print $2}' | best)
nmap_best=$(printf '%s\n' "${nmap_times[@]}" | best)
iperf_best=$(printf '%s\n' "${iperf_times[@]}" | best)
echo
echo "== Best of $runs (seconds)"
printf '(a) port sweep 1-65535:  Test-TcpPort %.2f   nmap -sT -T5 %.2f   ratio %.2f\n' "$scan" "$nmap_best" "$(calc "$scan / $nmap_best")"
printf '(b) bulk %s MB:          Invoke-TcpConversation %.2f   iperf3 %.2f   ratio %.2f\n' "$megabytes" "$bulk" "$iperf_best" "$(calc "$bulk / $iperf_best")"
