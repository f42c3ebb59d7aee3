#!/bin/bash
# ZeroMQ benchmark: PUSH/PULL of COUNT messages of 64 bytes on tcp://127.0.0.1, through the Messaging cmdlets (NetMQ)
# and through pyzmq (Debian's python3-zmq, libzmq, with /usr/bin/python3), in one run. Both sides of the pyzmq
# baseline are pyzmq processes; the cmdlets' send is timed by a pyzmq PULL, their receive against a pyzmq PUSH.
# The PowerShell pipeline's cost per object is measured apart: a tenth of the messages piped one by one into
# Send-Message, against the same tenth as one array.
# Needs: python3-zmq (installed through tests/servers/apt-install.sh when run as root), dotnet.
# Usage: bench/messaging.sh [COUNT=1000000] [ROUNDS=1]
# Goal (issue 22): the cmdlets' PUSH/PULL at >= 0.5x pyzmq's rate.
set -euo pipefail

count="${1:-1000000}"
rounds="${2:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/servers/apt-install.sh" python3-zmq
source "$root/bench/module.sh"
peer="$root/bench/zmq_bench_peer.py"
work="$(mktemp -d /tmp/nf-messaging-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# pyzmq to pyzmq: prints the PULL's seconds, first message to last.
py_bench() {
    local endpoint="tcp://127.0.0.1:$(free_port)"
    timeout 600 /usr/bin/python3 -u "$peer" pull "$endpoint" "$count" > "$work/pull.out" &
    local pull_pid=$!
    for _ in $(seq 200); do grep -q READY "$work/pull.out" 2>/dev/null && break; sleep 0.05; done
    timeout 600 /usr/bin/python3 "$peer" push "$endpoint" "$count"
    wait "$pull_pid"
    local got seconds
    read -r got seconds < <(tail -1 "$work/pull.out")
    [[ $got == "$count" ]] || { echo "bench: pyzmq's PULL received $got of $count" >&2; exit 1; }
    echo "$seconds"
}

for round in $(seq 1 "$rounds"); do
    py="$(py_bench)"
    nf_out="$(timeout 1800 bash -c 'source "$0/bench/module.sh"; pinned_pwsh -File "$0/bench/messaging.ps1" -Module "$1" -Peer "$2" -Count "$3"' "$root" "$manifest" "$peer" "$count")"
    echo "$round $(cut -d' ' -f1 /proc/loadavg) $py $(echo "$nf_out" | tail -1)" >> "$work/rounds.txt"
done

python3 - "$count" "$work/rounds.txt" <<'PY'
import sys
count = int(sys.argv[1])
rows = [list(map(float, line.split())) for line in open(sys.argv[2])]
print(f"{'round':>5} {'load':>5} | {'pyzmq msg/s':>11} | {'Send-Message msg/s':>18} {'Receive-Message msg/s':>21} | {'send':>5} {'receive':>7} | {'piped us/msg':>12} {'array us/msg':>12}")
for r in rows:
    py, send, recv = count / r[2], count / r[3], count / r[4]
    print(f"{int(r[0]):>5} {r[1]:>5} | {py:>11.0f} | {send:>18.0f} {recv:>21.0f} | {send / py:>5.2f} {recv / py:>7.2f} | {r[5]:>12.1f} {r[6]:>12.1f}")
for name, i in (("Send-Message (one array) / pyzmq PUSH", 3), ("Receive-Message / pyzmq PULL", 4)):
    ratios = sorted(r[2] / r[i] for r in rows)
    median = ratios[len(ratios) // 2]
    print(f"{name}: median {median:.2f} (goal >= 0.5): {'met' if median >= 0.5 else 'NOT met'}")
piped = sorted(r[5] - r[6] for r in rows)
print(f"The pipeline's cost per object (piped one by one minus one array): {piped[len(piped) // 2]:.1f} us a message")
PY
