#!/usr/bin/env bash
# Starts the mail test servers on 127.0.0.1, on free high ports, with everything in folder $1:
#   Postfix   smtp (STARTTLS offered, no AUTH: mail for mail.test only), smtpplain (the same without STARTTLS), submission (STARTTLS required,
#             then SASL AUTH through Dovecot), smtps (implicit TLS, AUTH); delivers mail.test by LMTP to Dovecot
#   Dovecot   imap (STARTTLS), imaps, pop3 (STLS), pop3s, lmtp, and the auth service Postfix asks;
#             POP3 offers APOP; imapnoidle is IMAP on 127.0.0.2 (not .1) without IDLE in its capabilities
# Certificates from the TLS slice's test CA (tests/servers/tls/make-pki.sh): valid.crt is for
# localhost and 127.0.0.1; ca.crt is the bundle to trust.
# Users (passwords): alice@mail.test (alice-password), bob@mail.test (bob-password). alice's INBOX
# is seeded by seed.py. Writes $1/ports.env (NAME=PORT) once every port accepts connections.
# With a second argument N (for bench/mail.sh), user bench@mail.test (bench-password) gets an INBOX
# of N messages, written as a Maildir by maildir.py.
# stop-servers.sh $1 stops them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mkdir -p "${1:?usage: start-servers.sh FOLDER [BENCH_MESSAGES]}" && cd "$1" && pwd)
bench_messages=${2:-0}
[ -f "$dir/ca.crt" ] || bash "$here/../tls/make-pki.sh" "$dir" >/dev/null
cd "$dir"
rm -f ports.env pids

names=(smtp smtpplain submission smtps imap imaps pop3 pop3s lmtp auth imapnoidle)
read -r -a ports <<<"$(python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' ${#names[@]})"
declare -A port
for i in "${!names[@]}"; do port[${names[$i]}]=${ports[$i]}; done
started() { echo "$1" >>pids; }

# --- Dovecot ----------------------------------------------------------------------------------
mkdir -p dovecot/run dovecot/state dovecot/home
cat >dovecot/users <<USERS
alice@mail.test:{PLAIN}alice-password::::::
bob@mail.test:{PLAIN}bob-password::::::
USERS
if [ "$bench_messages" -gt 0 ]; then
  echo 'bench@mail.test:{PLAIN}bench-password::::::' >>dovecot/users
  python3 "$here/maildir.py" dovecot/home/bench@mail.test/Maildir "$bench_messages"
fi
chown -R nobody:nogroup dovecot/home
cat >dovecot/dovecot.conf <<CONF
base_dir = $dir/dovecot/run
state_dir = $dir/dovecot/state
log_path = $dir/dovecot/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/valid.fullchain.pem
ssl_key = <$dir/valid.key
auth_mechanisms = plain login apop
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/dovecot/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/dovecot/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = create
  }
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
  mailbox Trash {
    special_use = \\Trash
    auto = create
  }
  mailbox Archive {
    special_use = \\Archive
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port[imap]}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${port[imaps]}
    ssl = yes
  }
  inet_listener imapnoidle {
    address = 127.0.0.2
    port = ${port[imapnoidle]}
  }
}
local 127.0.0.2 {
  # Dovecot counts only same-address connections as secure; this listener is plain text on purpose.
  disable_plaintext_auth = no
  protocol imap {
    imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ NAMESPACE UIDPLUS MOVE SPECIAL-USE
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${port[pop3]}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${port[pop3s]}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${port[lmtp]}
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = ${port[auth]}
  }
}
CONF
dovecot -F -c "$dir/dovecot/dovecot.conf" </dev/null >>dovecot/stdout.log 2>&1 &
started $!

# --- Postfix ----------------------------------------------------------------------------------
mkdir -p postfix/etc postfix/queue postfix/data
chown postfix postfix/data
cat >postfix/etc/vmailbox <<MAP
alice@mail.test ok
bob@mail.test ok
MAP
cat >postfix/etc/main.cf <<CONF
compatibility_level = 3.6
queue_directory = $dir/postfix/queue
data_directory = $dir/postfix/data
maillog_file = $dir/postfix/data/maillog
maillog_file_prefixes = $dir/postfix/data
myhostname = mail.test
mydomain = mail.test
myorigin = mail.test
mydestination =
mynetworks =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtpd_peername_lookup = no
virtual_mailbox_domains = mail.test
virtual_mailbox_maps = texthash:$dir/postfix/etc/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:${port[lmtp]}
message_size_limit = 1048576
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_security_level = may
smtpd_tls_chain_files = $dir/valid.key, $dir/valid.fullchain.pem
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:${port[auth]}
smtpd_sasl_auth_enable = no
CONF
cat >postfix/etc/master.cf <<CONF
127.0.0.1:${port[smtp]} inet n - n - - smtpd
127.0.0.1:${port[smtpplain]} inet n - n - - smtpd -o smtpd_tls_security_level=none
127.0.0.1:${port[submission]} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:${port[smtps]} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
postfix -c "$dir/postfix/etc" start >>postfix/stdout.log 2>&1 || {
  # Postfix says why in its own log; the caller removes this folder, so the reason goes to standard error.
  echo "postfix did not start:" >&2
  tail -n 5 postfix/stdout.log postfix/data/maillog >&2 2>/dev/null
  exit 1
}

# --- wait until every port accepts, then seed alice's mailbox ----------------------------------
for name in "${names[@]}"; do
  address=127.0.0.1
  [ "$name" = imapnoidle ] && address=127.0.0.2
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$address/${port[$name]}") 2>/dev/null; then break; fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/$address/${port[$name]}") 2>/dev/null || { echo "$name did not start on $address port ${port[$name]}" >&2; exit 1; }
done
python3 "$here/seed.py" "${port[lmtp]}" alice@mail.test
for name in "${names[@]}"; do echo "$name=${port[$name]}"; done >ports.env.tmp
mv ports.env.tmp ports.env
