#!/usr/bin/env bash
# Stops the servers start-servers.sh started in folder $1.
dir=${1:?usage: stop-servers.sh FOLDER}
[ -f "$dir/postfix/etc/main.cf" ] && postfix -c "$dir/postfix/etc" stop >/dev/null 2>&1
[ -f "$dir/pids" ] || exit 0
while read -r pid; do kill "$pid" 2>/dev/null; done <"$dir/pids"
rm -f "$dir/pids"
exit 0
