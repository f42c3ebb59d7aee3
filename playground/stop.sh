#!/usr/bin/env bash
# Stops the playground and removes everything it made: its processes, namespaces (and with them
# every veth, bridge, address, route and NAT rule), /etc/netns entries and working folder.
# Works after a failed or partial start too, and does nothing when nothing is there.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
require_root

namespaces=()
for ns in $(our_namespaces); do
  [ -e "/run/netns/$ns" ] && namespaces+=("$ns")
done

# Every process in a playground namespace is one the playground started (or a shell entered into it).
pids_in_playground() {
  local ns
  for ns in "${namespaces[@]}"; do ip netns pids "$ns" 2>/dev/null; done
}
if [ ${#namespaces[@]} -gt 0 ]; then
  pids=$(pids_in_playground)
  if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null
    for ((i = 0; i < 50; i++)); do
      pids=$(pids_in_playground)
      [ -z "$pids" ] && break
      sleep 0.1
    done
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  fi
  for ns in "${namespaces[@]}"; do
    ip netns del "$ns"
  done
fi

for ns in $(our_namespaces); do
  rm -rf "/etc/netns/$ns"
done
rm -f "$PG_MARK"
[ -f "$PG_DIR/made-etc-netns" ] && rmdir /etc/netns 2>/dev/null
if [ -f "$PG_DIR/made-run-sshd" ]; then
  rmdir /run/sshd 2>/dev/null
fi
if [ -f "$PG_DIR/made-run-netns" ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
  mountpoint -q /run/netns && umount /run/netns
  rmdir /run/netns 2>/dev/null
fi
rm -rf "$PG_DIR"
say "playground stopped"
