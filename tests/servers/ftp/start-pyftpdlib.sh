#!/usr/bin/env bash
# Starts the second FTP server of the tests, pyftpdlib (pyftpd.py beside this script), on 127.0.0.1 on a free high
# port, everything in FOLDER (made by the caller): plain FTP and explicit FTPS with a certificate for
# NAME=pyftpdlib.ftp.test (and localhost, 127.0.0.1) signed by the test CA (tests/servers/tls/make-pki.sh in FOLDER/pki;
# CA=FOLDER/pki/ca.crt), the test user read-write in files/ (seen as "/"), anonymous read-only in anon/. Listings are MLSD.
# Prints NAME=, USER=, PASSWORD=, CA=, PORT=, then READY=1 once it listens; runs until killed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=$(realpath "${1:?usage: start-pyftpdlib.sh FOLDER}")
user=${NF_FTP_USER:-nfftp}
password=${NF_FTP_PASSWORD:-Nf-Ftp-Pass1}

name=pyftpdlib.ftp.test
bash "$here/../tls/make-pki.sh" "$folder/pki" >/dev/null
bash "$here/server-certificate.sh" "$folder/pki" "$name"
mkdir -p "$folder/files" "$folder/anon/pub"
printf 'hello from the anonymous area\n' >"$folder/anon/pub/readme.txt"

echo "NAME=$name"
echo "USER=$user"
echo "PASSWORD=$password"
echo "CA=$folder/pki/ca.crt"
# Debian's python3-pyftpdlib is visible to the system's python3.
exec /usr/bin/python3 "$here/pyftpd.py" "$folder" "$name" "$user" "$password"
