#!/usr/bin/env bash
# Shows whether the playground is up and which of its services answer; exit 0 only when all do.
# --quiet: no output, just the exit status.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
require_root
quiet=
[ "${1:-}" = --quiet ] && quiet=1
report() { [ -n "$quiet" ] || say "$@"; }

if [ ! -f "$PG_MARK" ] && [ ! -e "$PG_DIR" ]; then
  report "playground: not running"
  exit 3
fi
[ -f "$PG_STATE" ] && report "playground: started $(cat "$PG_STATE"), working folder $PG_DIR" \
  || report "playground: pieces of an unfinished start are present (bash $PG_SRC/stop.sh removes them)"

failed=0
answers() {   # host address port label: does the service answer (from its own host)?
  if [ -e "/run/netns/$1" ] && ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then
    report "  up    $4"
  else
    report "  DOWN  $4"
    failed=$((failed + 1))
  fi
}
for ns in "${PG_NAMESPACES[@]}"; do
  answers "$ns" "${IP4[$ns]}" 22 "$(printf '%-9s %-15s %-18s ssh 22' "$ns" "${IP4[$ns]}" "${IP6[$ns]}")"
done
for service in "backbone 53 dns" "www 80 http" "www 443 https" "www 11211 memcached" "ftp 11211 memcached" "mail 25 smtp" "mail 587 submission" \
  "mail 110 pop3" "mail 143 imap" "mail 993 imaps" "mail 995 pop3s" "ftp 21 ftp" "ftp 23 telnet"; do
  read -r ns port label <<<"$service"
  answers "$ns" "${IP4[$ns]}" "$port" "$(printf '%-9s %-15s %-18s %s %s' "$ns" "${IP4[$ns]}" "${IP6[$ns]}" "$label" "$port")"
done
# The module's own services run when start.sh found the module built.
if [ -f "$PG_DIR/run/module-services.pid" ]; then
  for service in "ftp 1060 zen-nowait" "ftp 1061 zen-wait" "ftp 1062 tls-client-cert" "www 5000 payments-fixed" \
    "www 5001 payments-insecure" "www 8000 timeapp" "www 7001 xml-json-rpc" "www 6700 pi-bits-zmq-pub" "www 6701 pi-pythagoras-zmq-rep"; do
    read -r ns port label <<<"$service"
    answers "$ns" "${IP4[$ns]}" "$port" "$(printf '%-9s %-15s %-18s %s %s' "$ns" "${IP4[$ns]}" "${IP6[$ns]}" "$label" "$port")"
  done
fi
[ -f "$PG_STATE" ] && [ "$failed" -eq 0 ]
