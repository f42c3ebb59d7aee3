#!/usr/bin/env bash
# Starts the playground: the book's example.com network on network namespaces, with real daemons.
# Idempotent: when the playground is already up and healthy it says so and does nothing; when a
# previous run left pieces behind, they are removed first. A failed start shows the daemons' last
# log lines and removes what it made (NETFOUNDATIONS_PLAYGROUND_KEEP=1 keeps it for a look instead).
set -Eeuo pipefail
source "$(dirname "$0")/lib.sh"
source "$PG_SRC/network.sh"
require_root

bash "$PG_SRC/install.sh"

if [ -f "$PG_STATE" ] && bash "$PG_SRC/status.sh" --quiet; then
  say "playground already running (bash $PG_SRC/status.sh for details)"
  exit 0
fi
if [ -f "$PG_MARK" ] || [ -e "$PG_DIR" ]; then
  say "removing what a previous playground left behind"
  bash "$PG_SRC/stop.sh" >/dev/null
fi
for ns in "${PG_NAMESPACES[@]}"; do
  [ -e "/run/netns/$ns" ] && die "a network namespace named '$ns' exists and is not the playground's; remove it (ip netns del $ns) or leave the playground off."
done
on_failure() {
  local log
  {
    echo "playground: start failed at: $1"
    for log in "$PG_DIR"/logs/*; do
      [ -s "$log" ] && { echo "--- $log"; tail -n 5 "$log"; }
    done
  } >&2
  [ -n "${NETFOUNDATIONS_PLAYGROUND_KEEP:-}" ] || bash "$PG_SRC/stop.sh" >/dev/null
}
trap 'on_failure "$BASH_COMMAND"' ERR

render() { sed -e "s|@DIR@|$PG_DIR|g" -e "s|@USER@|$PG_USER|g" "$PG_SRC/conf/$1" >"$2"; }

mkdir -p "$PG_DIR"/{run,logs,ca,dns,ssh,www,mail/postfix,mail/spool,mail/data,mail/dovecot,ftp/pub,ftp/empty,home}
chmod 755 "$PG_DIR"
if [ ! -d /etc/netns ]; then
  mkdir /etc/netns
  touch "$PG_DIR/made-etc-netns"
fi
# ip netns add makes /run/netns (a mount of itself) when it is not there: stop.sh undoes that too.
[ -d /run/netns ] || touch "$PG_DIR/made-run-netns"
if [ ! -d /run/sshd ]; then
  mkdir -m 755 /run/sshd
  touch "$PG_DIR/made-run-sshd"
fi

say "network: ${#PG_NAMESPACES[@]} namespaces"
make_network

# --- The playground CA and the servers' certificates (made fresh each start; nothing is committed).
make_certificate() {   # name, what it is for (serverAuth or clientAuth), its subject alternative names, then the subject's CN
  local name=$1 usage=$2 sans=$3 subject=$4
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PG_DIR/ca/$name.key" -out "$PG_DIR/ca/$name.csr" \
    -subj "/O=example.com/CN=$subject" 2>/dev/null
  openssl x509 -req -in "$PG_DIR/ca/$name.csr" -CA "$PG_DIR/ca/ca.crt" -CAkey "$PG_DIR/ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 30 -out "$PG_DIR/ca/$name.crt" -extfile <(printf '%s\n' \
      "subjectAltName=$sans" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=$usage") 2>/dev/null
  rm "$PG_DIR/ca/$name.csr"
}
make_server_certificate() {   # name, then the DNS names it is for (the first is the subject)
  local sans
  sans=$(printf 'DNS:%s,' "${@:2}")
  make_certificate "$1" serverAuth "${sans%,}" "$2"
}
say "certificates: playground CA, www, mail, ftp, and $PG_USER's client certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PG_DIR/ca/ca.key" -out "$PG_DIR/ca/ca.crt" -days 30 \
  -subj "/O=NetFoundations/CN=NetFoundations Playground CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
make_server_certificate www www.example.com www example.com
make_server_certificate mail mail.example.com mail smtp.example.com smtp
make_server_certificate ftp ftp.example.com ftp
make_certificate "$PG_USER" clientAuth "email:$PG_USER@example.com" "$PG_USER"
chmod 600 "$PG_DIR"/ca/*.key
chmod 644 "$PG_DIR"/ca/*.crt

# --- The test user, and each host's view of /etc (ip netns exec mounts /etc/netns/<host>/* over /etc).
uid=4000
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
home=$PG_DIR/home/$PG_USER
mkdir -p "$home/.ssh"
printf 'Welcome to the NetFoundations playground, %s.\n' "$PG_USER" >"$home/welcome.txt"
# The book's chapter 6 lesson: a client certificate from the playground CA, for a server that asks for one.
cp "$PG_DIR/ca/$PG_USER.crt" "$PG_DIR/ca/$PG_USER.key" "$home/"
ssh-keygen -q -t ed25519 -N '' -C "$PG_USER@playground" -f "$home/.ssh/id_ed25519"
cp "$home/.ssh/id_ed25519.pub" "$home/.ssh/authorized_keys"
password_hash=$(openssl passwd -6 "$PG_PASSWORD")

# Inside the playground the playground CA is the only trusted one (nothing else is reachable from
# there): every host's /etc/ssl is this folder, so clients on every host trust its certificates.
mkdir -p "$PG_DIR/etc-ssl/certs" "$PG_DIR/etc-ssl/private"
chmod 700 "$PG_DIR/etc-ssl/private"
cp /etc/ssl/openssl.cnf "$PG_DIR/etc-ssl/"
cp "$PG_DIR/ca/ca.crt" "$PG_DIR/etc-ssl/certs/ca-certificates.crt"
ln -s ca-certificates.crt "$PG_DIR/etc-ssl/certs/$(openssl x509 -hash -noout -in "$PG_DIR/ca/ca.crt").0"
for ns in "${PG_NAMESPACES[@]}"; do
  etc=/etc/netns/$ns
  mkdir -p "$etc"
  ln -s "$PG_DIR/etc-ssl" "$etc/ssl"
  cp /etc/passwd /etc/group /etc/shadow "$etc/"
  printf '%s:x:%s:%s:%s (playground):%s:/bin/bash\n' "$PG_USER" "$uid" "$uid" "$PG_USER" "$home" >>"$etc/passwd"
  printf '%s:x:%s:\n' "$PG_USER" "$uid" >>"$etc/group"
  printf '%s:%s:19000:0:99999:7:::\n' "$PG_USER" "$password_hash" >>"$etc/shadow"
  chown root:shadow "$etc/shadow" && chmod 640 "$etc/shadow"
  printf '# NetFoundations playground host %s\nnameserver 10.1.1.1\nnameserver 2001:db8:1::1\nsearch example.com\noptions timeout:2 attempts:2\n' \
    "$ns" >"$etc/resolv.conf"
  short=${FQDN[$ns]%%.*}
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s %s\n%s\t%s %s\n' \
    "${IP4[$ns]}" "${FQDN[$ns]}" "$short" "${IP6[$ns]}" "${FQDN[$ns]}" "$short" >"$etc/hosts"
done

# --- DNS on the backbone: example.com with forward and reverse zones made from the host table.
expand6() {   # 2001:db8:25:a::11 -> 20010db80025000a0000000000000011
  local head=${1%%::*} tail=${1#*::} h t groups i
  IFS=: read -ra h <<<"$head"
  IFS=: read -ra t <<<"$tail"
  groups=("${h[@]}")
  for ((i = 0; i < 8 - ${#h[@]} - ${#t[@]}; i++)); do groups+=(0); done
  groups+=("${t[@]}")
  for i in "${groups[@]}"; do printf '%04x' "0x$i"; done
}
zone_header() {
  printf '$TTL 300\n@ IN SOA backbone.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ IN NS backbone.example.com.\n'
}
zone_header >"$PG_DIR/dns/example.com.zone"
for zone in 10.1.1 10.25.1 10.130.1 192.168.1 2001.db8; do zone_header >"$PG_DIR/dns/$zone.zone"; done
for ns in "${PG_NAMESPACES[@]}"; do
  name=${FQDN[$ns]%.example.com}
  [ "$name" = example.com ] && name=@
  printf '%s IN A %s\n%s IN AAAA %s\n' "$name" "${IP4[$ns]}" "$name" "${IP6[$ns]}" >>"$PG_DIR/dns/example.com.zone"
  printf '%s IN PTR %s.\n' "${IP4[$ns]##*.}" "${FQDN[$ns]}" >>"$PG_DIR/dns/${IP4[$ns]%.*}.zone"
  printf '%s.ip6.arpa. IN PTR %s.\n' "$(expand6 "${IP6[$ns]}" | rev | sed 's/./&./g; s/\.$//')" "${FQDN[$ns]}" \
    >>"$PG_DIR/dns/2001.db8.zone"
done
cat >>"$PG_DIR/dns/example.com.zone" <<'EOF'
@ IN MX 10 mail.example.com.
; The book's case: www's mail goes to smtp, which is only another name for mail.
www IN MX 10 smtp.example.com.
smtp IN CNAME mail.example.com.
EOF
render named.conf "$PG_DIR/dns/named.conf"
chown -R bind:bind "$PG_DIR/dns"
say "daemons: named (backbone)"
start_daemon backbone named /usr/sbin/named -g -c "$PG_DIR/dns/named.conf" -u bind

# --- www: the book's chapter 9 httpbin under gunicorn, on 80 and (with the playground CA's certificate) 443; threads
# so that a client's connection is kept alive between requests, as the chapter shows.
say "daemons: httpbin under gunicorn (www)"
chgrp www-data "$PG_DIR/ca/www.key" && chmod 640 "$PG_DIR/ca/www.key"   # gunicorn's workers read it as www-data
for listener in "http 80" "https 443"; do
  read -r name port <<<"$listener"
  tls=()
  [ "$name" = https ] && tls=(--certfile "$PG_DIR/ca/www.crt" --keyfile "$PG_DIR/ca/www.key")
  start_daemon www "httpbin-$name" /usr/bin/gunicorn --chdir "$PG_DIR/www" -b "${IP4[www]}:$port" -b "[${IP6[www]}]:$port" \
    --worker-class gthread --workers 2 --threads 8 --user www-data --group www-data \
    --access-logfile "$PG_DIR/logs/httpbin-$name-access.log" "${tls[@]}" httpbin:app
done

# --- A cache: memcached on www and ftp, the book's chapter 8 sharding over two servers.
say "daemons: memcached (www, ftp)"
for ns in www ftp; do
  start_daemon "$ns" "memcached-$ns" /usr/bin/memcached -u memcache -l "${IP4[$ns]},[${IP6[$ns]}]" -p 11211 -U 0 -m 64
done

# --- mail: Dovecot (IMAP, POP3, LMTP, SASL for Postfix) and Postfix, with the book's messages.
render dovecot.conf "$PG_DIR/mail/dovecot/dovecot.conf"
printf '%s:{SHA512-CRYPT}%s:%s:%s::%s\n' "$PG_USER" "$password_hash" "$uid" "$uid" "$home" >"$PG_DIR/mail/dovecot/users"
chmod 640 "$PG_DIR/mail/dovecot/users"
chgrp dovecot "$PG_DIR/mail/dovecot/users"
mkdir -p "$home/Maildir"/{cur,new,tmp}
# The seeded messages get UIDs 1, 2, 3 in order (Dovecot's uidlist), whatever arrives later.
seq=0
uidlist=
for message in "$PG_SRC"/conf/mail/*.eml; do
  seq=$((seq + 1))
  file=$((1400000000 + seq)).P$seq.mail.example.com
  cp "$message" "$home/Maildir/new/$file"
  uidlist+="$seq :$file"$'\n'
done
printf '3 V1400000000 N%s\n%s' "$((seq + 1))" "$uidlist" >"$home/Maildir/dovecot-uidlist"
render postfix-main.cf "$PG_DIR/mail/postfix/main.cf"
render postfix-master.cf "$PG_DIR/mail/postfix/master.cf"
printf '%s@example.com %s/\n%s@mail.example.com %s/\npostmaster@example.com %s/\n' \
  "$PG_USER" "$PG_USER" "$PG_USER" "$PG_USER" "$PG_USER" >"$PG_DIR/mail/postfix/mailboxes"
chown postfix:postfix "$PG_DIR/mail/data"
say "daemons: dovecot, postfix (mail)"
start_daemon mail dovecot /usr/sbin/dovecot -F -c "$PG_DIR/mail/dovecot/dovecot.conf"
in_host mail /usr/sbin/postfix -c "$PG_DIR/mail/postfix" start >>"$PG_DIR/logs/postfix.out" 2>&1

# --- ftp: vsftpd and telnet (inetd).
render vsftpd.conf "$PG_DIR/ftp/vsftpd.conf"
render inetd.conf "$PG_DIR/ftp/inetd.conf"
printf 'Welcome to ftp.example.com, the NetFoundations playground FTP server.\n' >"$PG_DIR/ftp/pub/README.txt"
# A tree to walk (the book's recursedl.py): two levels of folders, text and binary files, a link.
mkdir -p "$PG_DIR/ftp/pub/book/ch17/listings" "$PG_DIR/ftp/pub/book/data"
printf 'Chapter 17: FTP\n' >"$PG_DIR/ftp/pub/book/ch17/README.txt"
for listing in connect asciidl binarydl binaryul dir nlst recursedl; do
  printf '# %s.py, the book'"'"'s listing\r\nprint("%s")\r\n' "$listing" "$listing" >"$PG_DIR/ftp/pub/book/ch17/listings/$listing.py"
done
head -c 1048576 /dev/urandom >"$PG_DIR/ftp/pub/book/data/random.bin"
ln -s ../ch17/README.txt "$PG_DIR/ftp/pub/book/data/ch17-readme"
say "daemons: vsftpd, telnetd (ftp)"
start_daemon ftp vsftpd /usr/sbin/vsftpd "$PG_DIR/ftp/vsftpd.conf"
in_host ftp /usr/sbin/inetutils-inetd -p"$PG_DIR/run/inetd.pid" "$PG_DIR/ftp/inetd.conf" >>"$PG_DIR/logs/inetd.out" 2>&1

# --- ftp: services the module serves (playground/conf/module-services.ps1), when the module is built.
module=$(ls "$PG_SRC"/../out/NetFoundations/*/NetFoundations.psd1 2>/dev/null | sort -V | tail -1 || true)
module_checks=()
if [ -n "$module" ]; then
  pwsh_command
  say "services: Zen on 1060 (inetd nowait) and 1061 (inetd wait), TLS with client certificates on 1062 (ftp)"
  start_daemon ftp module-services "${PWSH[@]}" -NoProfile -NonInteractive -File "$PG_SRC/conf/module-services.ps1" \
    -Module "$module" -ZenProgram "$(cd "$PG_SRC/.." && pwd)/tests/peers/zen_server.py" -CertificateFolder "$PG_DIR/ca"
  module_checks=("ftp ${IP4[ftp]} 1060" "ftp ${IP4[ftp]} 1061" "ftp ${IP4[ftp]} 1062")
  # --- www: the book's payments site (ch11), timeapp (ch10), RPC server (ch18) and π bit source (ch08), by the module
  # (playground/conf/www-services.ps1), starting beside ftp's pwsh.
  say "services: payments on 5000 (fixed) and 5001 (insecure), timeapp on 8000, XML-/JSON-RPC on 7001, π bits (ZeroMQ PUB) on 6700 and pythagoras (REP) on 6701 (www)"
  start_daemon www www-services "${PWSH[@]}" -NoProfile -NonInteractive -File "$PG_SRC/conf/www-services.ps1" -Module "$module"
  module_checks+=("www ${IP4[www]} 5000" "www ${IP4[www]} 5001" "www ${IP4[www]} 8000" "www ${IP4[www]} 7001" "www ${IP4[www]} 6700" "www ${IP4[www]} 6701")
else
  say "services: none on ftp's 1060-1062 and www's 5000, 5001, 6700, 6701, 7001, 8000: the module is not built (dotnet pwsh ./build.ps1)"
fi

chown -R "$uid:$uid" "$home"
chmod 700 "$home" "$home/.ssh"

# --- sshd on every host, each with its own host key; known_hosts lists them all.
render sshd_config "$PG_DIR/ssh/sshd_config"
# PowerShell remoting over SSH: pwsh as sshd's subsystem, with the module at hand, for the test user. Copies of pwsh
# and the module go in the working folder, since the repository's may be where the test user cannot read.
if [ -n "$module" ]; then
  if [ "${PWSH[-1]##*/}" = pwsh.dll ]; then pwsh_home=$(dirname "${PWSH[-1]}"); else pwsh_home=$(dirname "$(readlink -f "${PWSH[0]}")"); fi
  cp -r "$pwsh_home" "$PG_DIR/pwsh"
  mkdir -p "$PG_DIR/modules"
  cp -r "$(dirname "$(dirname "$module")")" "$PG_DIR/modules/"
  chmod -R a+rX "$PG_DIR/pwsh" "$PG_DIR/modules"
  if [ -f "$PG_DIR/pwsh/pwsh.dll" ]; then pwsh_run="$(command -v dotnet) $PG_DIR/pwsh/pwsh.dll"; else pwsh_run=$PG_DIR/pwsh/pwsh; fi
  printf 'Subsystem powershell %s -sshs -NoLogo -NoProfile\n' "$pwsh_run" >>"$PG_DIR/ssh/sshd_config"
  say "remoting: pwsh is sshd's powershell subsystem on every host; the module is in $PG_DIR/modules"
fi
: >"$PG_DIR/ssh/known_hosts"
say "daemons: sshd (every host)"
for ns in "${PG_NAMESPACES[@]}"; do
  key=$PG_DIR/ssh/${ns}_host_ed25519_key
  ssh-keygen -q -t ed25519 -N '' -C "$ns" -f "$key"
  printf '%s,%s,%s,%s %s\n' "${FQDN[$ns]}" "${FQDN[$ns]%%.*}" "${IP4[$ns]}" "${IP6[$ns]}" "$(cut -d' ' -f1,2 "$key.pub")" \
    >>"$PG_DIR/ssh/known_hosts"
  start_daemon "$ns" "sshd-$ns" /usr/sbin/sshd -D -e -f "$PG_DIR/ssh/sshd_config" -o "HostKey=$key" -o PidFile=none
done

# --- Up when every service answers.
for check in "backbone ${IP4[backbone]} 53" "www ${IP4[www]} 80" "www ${IP4[www]} 443" "www ${IP4[www]} 11211" "ftp ${IP4[ftp]} 11211" \
  "mail ${IP4[mail]} 25" "mail ${IP4[mail]} 587" "mail ${IP4[mail]} 110" "mail ${IP4[mail]} 143" \
  "mail ${IP4[mail]} 993" "mail ${IP4[mail]} 995" "ftp ${IP4[ftp]} 21" "ftp ${IP4[ftp]} 23"; do
  read -r ns address port <<<"$check"
  wait_port "$ns" "$address" "$port" 10 || { echo "playground: $ns did not open port $port" >&2; false; }
done
# pwsh starts and imports the module first (ftp's module-services.ps1, www's www-services.ps1).
for check in "${module_checks[@]}"; do
  read -r ns address port <<<"$check"
  wait_port "$ns" "$address" "$port" 60 || { echo "playground: $ns did not open port $port ($ns's module services)" >&2; false; }
done
for ns in "${PG_NAMESPACES[@]}"; do
  wait_port "$ns" "${IP4[$ns]}" 22 10 || { echo "playground: sshd on $ns did not start" >&2; false; }
done
for check in "www ${IP4[www]} 443" "mail ${IP4[mail]} 993" "mail ${IP4[mail]} 995"; do
  read -r ns address port <<<"$check"
  wait_tls "$ns" "$address" "$port" 10 || { echo "playground: $ns does not complete a TLS handshake on port $port" >&2; false; }
done

trap - ERR
date -u +%FT%TZ >"$PG_STATE"
say "playground up in ${SECONDS}s: bash $PG_SRC/shell.sh opens a shell on h1 (CA: $PG_DIR/ca/ca.crt)"
