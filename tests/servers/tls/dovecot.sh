# Sourced by start-servers.sh: Dovecot offering STARTTLS on IMAP (port[imap]) and STLS on POP3 (port[pop3]),
# with its own configuration and runtime folders under $dir/dovecot. Nobody can log in: STARTTLS is the point.
mkdir -p "$dir/dovecot/run" "$dir/dovecot/state" "$dir/dovecot/home"
cat >"$dir/dovecot/dovecot.conf" <<CONF
base_dir = $dir/dovecot/run
state_dir = $dir/dovecot/state
log_path = $dir/dovecot/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/valid.fullchain.pem
ssl_key = <$dir/valid.key
disable_plaintext_auth = yes
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:$dir/dovecot/home/%u
passdb {
  driver = static
  args = nopassword=n password=not-used
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/dovecot/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port[imap]}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${port[pop3]}
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
dovecot -F -c "$dir/dovecot/dovecot.conf" </dev/null >>"$dir/dovecot/stdout.log" 2>&1 &
started $!
listening+=(imap pop3)
