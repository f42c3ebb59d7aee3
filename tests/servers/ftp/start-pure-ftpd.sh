#!/usr/bin/env bash
# Starts the third FTP server of the tests, Debian's Pure-FTPd (unpacked by install-pure-ftpd.sh), on 127.0.0.1 on a
# free high port, everything in FOLDER (made by the caller): plain FTP and explicit FTPS with a certificate for
# NAME=pureftpd.ftp.test (and localhost, 127.0.0.1) signed by the test CA (tests/servers/tls/make-pki.sh in FOLDER/pki;
# CA=FOLDER/pki/ca.crt); the test user is a Pure-FTPd virtual user (its own password database) chrooted into files/
# (seen as "/"), acting as the local account nfftp. No anonymous login. Listings are MLSD, LIST in its own format.
# Prints NAME=, USER=, PASSWORD=, CA=, PORT=, then READY=1 once it listens; runs until killed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=$(realpath "${1:?usage: start-pure-ftpd.sh FOLDER}")
user=${NF_FTP_USER:-nfftp}
password=${NF_FTP_PASSWORD:-Nf-Ftp-Pass1}
bin=/opt/netfoundations/pure-ftpd/usr
[ -x "$bin/sbin/pure-ftpd" ] || { echo "Pure-FTPd is not unpacked: run tests/servers/install.sh as root" >&2; exit 1; }

name=pureftpd.ftp.test
bash "$here/../tls/make-pki.sh" "$folder/pki" >/dev/null
bash "$here/server-certificate.sh" "$folder/pki" "$name"
# Pure-FTPd serves a virtual user as a local account other than root; the same account the vsftpd tests use.
source "$here/../test-user.sh"
test_user "$user" "$password"
chmod 755 "$folder"
mkdir -p "$folder/files"
chown "$user:" "$folder/files"
printf '%s\n%s\n' "$password" "$password" |
  "$bin/bin/pure-pw" useradd "$user" -u "$user" -g "$user" -d "$folder/files" -f "$folder/pureftpd.passwd" -m -F "$folder/pureftpd.pdb" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "NAME=$name"
echo "USER=$user"
echo "PASSWORD=$password"
echo "CA=$folder/pki/ca.crt"
echo "PORT=$port"
# -E: no anonymous; -A: every user chrooted; -H: no reverse lookups; -Y 1: TLS on request (AUTH TLS); passive ports
# are any free ones (no -p), so runs beside each other do not collide.
"$bin/sbin/pure-ftpd" -S "127.0.0.1,$port" -l "puredb:$folder/pureftpd.pdb" -E -A -H -Y 1 \
  -2 "$folder/pki/$name.fullchain.pem,$folder/pki/$name.key" -c 50 -C 50 &
server=$!
trap 'kill $server 2>/dev/null' EXIT TERM INT
for _ in $(seq 1 100); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then
    echo "READY=1"
    break
  fi
  kill -0 $server 2>/dev/null || { echo "pure-ftpd ended before it listened" >&2; exit 1; }
  sleep 0.1
done
wait $server
