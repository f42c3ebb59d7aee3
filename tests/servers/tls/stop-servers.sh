#!/usr/bin/env bash
# Stops the servers start-servers.sh started in folder $1.
dir=${1:?usage: stop-servers.sh FOLDER}
[ -f "$dir/pids" ] || exit 0
while read -r pid; do kill "$pid" 2>/dev/null; done <"$dir/pids"
# Daemons that fork (Dovecot, Postfix) leave their own pid files.
for pidfile in "$dir"/dovecot/run/master.pid "$dir"/postfix/data/pid/master.pid; do
  [ -f "$pidfile" ] && kill "$(head -n1 "$pidfile" | tr -d ' ')" 2>/dev/null
done
rm -f "$dir/pids"
exit 0
