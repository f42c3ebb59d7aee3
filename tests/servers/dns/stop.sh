#!/bin/bash
# Stops the named that start.sh started in WORKDIR. Usage: stop.sh WORKDIR
set -uo pipefail
workdir="${1:?usage: stop.sh WORKDIR}"
[[ -f "$workdir/named.proc" ]] || exit 0
pid="$(cat "$workdir/named.proc")"
kill "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || exit 0
    sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
