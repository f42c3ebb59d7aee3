# Sourced by start-servers.sh: Postfix's smtpd offering STARTTLS on port[smtp] and not offering it on
# port[smtpplain], its own instance under
# $dir/postfix (configuration, queue, data, log). It relays nothing and delivers nowhere.
mkdir -p "$dir/postfix/etc" "$dir/postfix/queue" "$dir/postfix/data"
chown postfix "$dir/postfix/data"
cat >"$dir/postfix/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/postfix/queue
data_directory = $dir/postfix/data
maillog_file = $dir/postfix/data/maillog
maillog_file_prefixes = $dir/postfix/data
myhostname = mail.tls.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
smtpd_relay_restrictions = reject
smtpd_tls_security_level = may
smtpd_tls_chain_files = $dir/valid.key, $dir/valid.fullchain.pem
CONF
# Only what smtpd needs, none of it chrooted.
cat >"$dir/postfix/etc/master.cf" <<CONF
127.0.0.1:${port[smtp]} inet n - n - - smtpd
127.0.0.1:${port[smtpplain]} inet n - n - - smtpd -o smtpd_tls_security_level=none
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
anvil     unix  -       -       n       -       1       anvil
rewrite   unix  -       -       n       -       -       trivial-rewrite
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
proxymap  unix  -       -       n       -       -       proxymap
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
postfix -c "$dir/postfix/etc" start >>"$dir/postfix/stdout.log" 2>&1
listening+=(smtp smtpplain)
