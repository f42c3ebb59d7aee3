#!/usr/bin/env bash
# Starts vsftpd twice on 127.0.0.1 (on ::1 with NF_FTP_LISTEN=::1, for IPv6 and EPSV), on free high ports, everything
# in FOLDER (made by the caller):
#   PORT           plain FTP and explicit FTPS (AUTH TLS) on one port; anonymous logins read-only in anon/,
#                  the test user (created if missing, with a password) read-write in files/
#   IMPLICIT_PORT  implicit FTPS (TLS from the first byte), the same users and folders
# ASCII transfers (TYPE A) convert line endings, as the RFC says (vsftpd's own default only pretends to).
# The certificate names NAME=vsftpd.ftp.test (and localhost, 127.0.0.1), signed by the test CA of
# tests/servers/tls/make-pki.sh in FOLDER/pki; CA=FOLDER/pki/ca.crt is the bundle to trust. Connect to NAME at 127.0.0.1. Passive data connections use a range of high ports. Every transfer is
# logged in FOLDER/xferlog (bytes moved), the protocol in FOLDER/vsftpd.log.
# Prints PORT=, IMPLICIT_PORT=, NAME=, USER=, PASSWORD=, CA=, then READY=1 once both ports accept connections; runs until
# killed (kill the process tree: each connection is served by a child).
# Never touches the machine's own vsftpd configuration.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=$(realpath "${1:?usage: start-vsftpd.sh FOLDER}")
user=${NF_FTP_USER:-nfftp}
password=${NF_FTP_PASSWORD:-Nf-Ftp-Pass1}
listen=${NF_FTP_LISTEN:-127.0.0.1}
if [[ $listen == *:* ]]; then
  # IPv6: vsftpd listens on one family per process; data connections then go by EPSV (PASV has no IPv6 form).
  listen_lines="listen=NO
listen_ipv6=YES
listen_address6=$listen"
else
  listen_lines="listen=YES
listen_address=$listen"
fi

source "$(dirname "$0")/../test-user.sh"
test_user "$user" "$password"
mkdir -p /var/run/vsftpd/empty

chmod 755 "$folder"
name=vsftpd.ftp.test
bash "$here/../tls/make-pki.sh" "$folder/pki" >/dev/null
bash "$here/server-certificate.sh" "$folder/pki" "$name"
chmod 755 "$folder/pki"
# Anonymous root: owned by root and not writable, as vsftpd requires.
mkdir -p "$folder/anon/pub"
printf 'hello from the anonymous area\n' >"$folder/anon/pub/readme.txt"
chmod -R a+rX,go-w "$folder/anon"
chmod 555 "$folder/anon"
mkdir -p "$folder/files"
chown "$user" "$folder/files"

read -r port implicit pasv <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
# The passive range starts at a port the kernel just gave out; 40 ports are enough for the tests.
pasv_max=$((pasv + 40))
[ "$pasv_max" -le 65535 ] || { pasv=$((pasv - 40)); pasv_max=$((pasv + 40)); }

config() { # config NAME PORT IMPLICIT
  cat >"$folder/$1.conf" <<CONF
$listen_lines
listen_port=$2
background=NO
anonymous_enable=YES
anon_root=$folder/anon
anon_upload_enable=NO
anon_mkdir_write_enable=NO
no_anon_password=YES
local_enable=YES
local_root=$folder/files
write_enable=YES
local_umask=022
ascii_upload_enable=YES
ascii_download_enable=YES
pam_service_name=vsftpd
pasv_enable=YES
pasv_min_port=$pasv
pasv_max_port=$pasv_max
pasv_address=127.0.0.1
ssl_enable=YES
implicit_ssl=$3
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
ssl_tlsv1=NO
ssl_sslv2=NO
ssl_sslv3=NO
ssl_ciphers=HIGH
rsa_cert_file=$folder/pki/$name.fullchain.pem
rsa_private_key_file=$folder/pki/$name.key
secure_chroot_dir=/var/run/vsftpd/empty
nopriv_user=nobody
seccomp_sandbox=NO
xferlog_enable=YES
xferlog_std_format=YES
xferlog_file=$folder/xferlog
dual_log_enable=YES
vsftpd_log_file=$folder/vsftpd.log
log_ftp_protocol=YES
CONF
}
config plain "$port" NO
config implicit "$implicit" YES

echo "PORT=$port"
echo "IMPLICIT_PORT=$implicit"
echo "NAME=$name"
echo "USER=$user"
echo "PASSWORD=$password"
echo "CA=$folder/pki/ca.crt"
vsftpd "$folder/plain.conf" </dev/null >>"$folder/stdout.log" 2>&1 &
vsftpd "$folder/implicit.conf" </dev/null >>"$folder/stdout.log" 2>&1 &
python3 - "$listen" "$port" "$implicit" <<'PY'
import socket, sys, time
for port in sys.argv[2:]:
    for _ in range(300):
        try:
            socket.create_connection((sys.argv[1], int(port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit(f"vsftpd did not listen on {port}")
PY
echo "READY=1"
wait
