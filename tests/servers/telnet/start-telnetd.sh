#!/usr/bin/env bash
# Starts Debian's inetutils telnetd on 127.0.0.1 on a free high port, one telnetd per connection run by
# socat (a small inetd: with nofork, telnetd gets the connection itself as stdin/stdout). The login is
# the test user (created if missing) with its password, through the system's /bin/login.
# Prints PORT=<n>, USER=, PASSWORD=, then runs socat in the foreground: kill it to stop.
set -euo pipefail
user=${NF_TEST_USER:-nftest}
password=${NF_TEST_PASSWORD:-Nf-Test-Pass1}
source "$(dirname "$0")/../test-user.sh"
test_user "$user" "$password"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "PORT=$port"
echo "USER=$user"
echo "PASSWORD=$password"
exec socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "EXEC:/usr/sbin/telnetd -h,nofork"
