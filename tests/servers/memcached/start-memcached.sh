#!/usr/bin/env bash
# start-memcached.sh [COUNT]: starts COUNT (default 1) instances of Debian's memcached on 127.0.0.1, each on a free
# high port, 16 MiB of memory and memcached's default 1 MiB item limit, as the user running it (nobody when root).
# Prints PORT=<p1>,<p2>,... then waits; kill it (or its process group) to stop every instance.
set -euo pipefail
count=${1:-1}
user=()
if [ "$(id -u)" -eq 0 ]; then user=(-u nobody); fi
pids=()
ports=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
for _ in $(seq "$count"); do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  memcached "${user[@]}" -l 127.0.0.1 -p "$port" -U 0 -m 16 -c 256 &
  pids+=($!)
  ports+=("$port")
done
# Wait until every instance takes connections, so the ports printed are ready.
for port in "${ports[@]}"; do
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
done
(IFS=,; echo "PORT=${ports[*]}")
wait
