#!/usr/bin/env bash
# Starts the TLS test servers on 127.0.0.1, on free high ports, with everything in folder $1:
# the certificates (make-pki.sh), nginx with one port per certificate case and per protocol
# version, openssl s_server asking for a client certificate and speaking TLS 1.3 only, and the
# STARTTLS daemons (Dovecot for IMAP and POP3, vsftpd for FTP, Postfix for SMTP, and an SMTP port
# without STARTTLS).
# Writes $1/ports.env (NAME=PORT, one a line) once every port accepts connections.
# stop-servers.sh $1 stops them all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mkdir -p "${1:?usage: start-servers.sh FOLDER}" && cd "$1" && pwd)
# On failure, say why: the daemons write to their own logs in $dir, which nobody reads otherwise.
trap 'status=$?; if [ $status -ne 0 ]; then
  for log in "$dir"/*.log "$dir"/*/*.log "$dir"/postfix/data/maillog; do
    [ -s "$log" ] && { echo "== $log" >&2; tail -n 5 "$log" >&2; }
  done
fi' EXIT
[ -f "$dir/ca.crt" ] || bash "$here/make-pki.sh" "$dir"
cd "$dir"
rm -f ports.env pids

names=(valid expired notyet short wrongname selfsigned untrusted chain sni tls12 tls13 legacy clientcert
       imap pop3 ftp smtp smtpplain)
# The kernel picks free ports; they are released again just before the servers bind them.
read -r -a ports <<<"$(python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' ${#names[@]})"
declare -A port
for i in "${!names[@]}"; do port[${names[$i]}]=${ports[$i]}; done

started() { echo "$1" >>pids; }
# The ports to wait for: each daemon's script adds its own.
listening=(valid expired notyet short wrongname selfsigned untrusted chain sni tls12 tls13 legacy clientcert)

# --- nginx: one server block per case ---------------------------------------------------------
mkdir -p nginx
server() { # server NAME CERT [extra directives]
  cat <<CONF
    server {
        listen 127.0.0.1:${port[$1]} ssl;
        ssl_certificate $dir/$2.fullchain.pem;
        ssl_certificate_key $dir/$2.key;
        ${3:-}
        return 200 "$1\n";
    }
CONF
}
{
  cat <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    ssl_protocols TLSv1.2 TLSv1.3;
CONF
  for case in valid expired notyet short wrongname selfsigned untrusted chain; do server $case $case; done
  server sni valid "server_name localhost;"
  cat <<CONF
    server {
        listen 127.0.0.1:${port[sni]} ssl;
        server_name *.tls.test;
        ssl_certificate $dir/wildcard.fullchain.pem;
        ssl_certificate_key $dir/wildcard.key;
        return 200 "wildcard\n";
    }
CONF
  server tls12 valid "ssl_protocols TLSv1.2;"
  server legacy valid "ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT:@SECLEVEL=0;"
  echo "}"
} >nginx/nginx.conf
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" -g 'daemon off;' </dev/null >>nginx/stdout.log 2>&1 &
started $!

# --- openssl s_server ------------------------------------------------------------------------
openssl s_server -accept "127.0.0.1:${port[tls13]}" -cert valid.crt -key valid.key -tls1_3 -www -quiet \
  </dev/null >s_server-tls13.log 2>&1 &
started $!
openssl s_server -accept "127.0.0.1:${port[clientcert]}" -cert valid.crt -key valid.key -CAfile ca.crt -Verify 1 -www -quiet \
  </dev/null >s_server-clientcert.log 2>&1 &
started $!

# --- STARTTLS daemons --------------------------------------------------------------------------
source "$here/dovecot.sh"
source "$here/vsftpd.sh"
source "$here/postfix.sh"

# --- wait until every port accepts -------------------------------------------------------------
for name in "${listening[@]}"; do
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${port[$name]}") 2>/dev/null; then break; fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/${port[$name]}") 2>/dev/null || { echo "$name did not start on port ${port[$name]}" >&2; exit 1; }
done
for name in "${listening[@]}"; do echo "$name=${port[$name]}"; done >ports.env.tmp
mv ports.env.tmp ports.env
