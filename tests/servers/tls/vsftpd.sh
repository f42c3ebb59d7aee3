# Sourced by start-servers.sh: vsftpd offering AUTH TLS on port[ftp], anonymous only, configured under $dir/vsftpd.
mkdir -p "$dir/vsftpd/root"
chmod 555 "$dir/vsftpd/root"
cat >"$dir/vsftpd/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=${port[ftp]}
background=NO
anonymous_enable=YES
anon_root=$dir/vsftpd/root
local_enable=NO
write_enable=NO
ssl_enable=YES
allow_anon_ssl=YES
rsa_cert_file=$dir/valid.fullchain.pem
rsa_private_key_file=$dir/valid.key
secure_chroot_dir=/var/run/vsftpd/empty
nopriv_user=nobody
seccomp_sandbox=NO
xferlog_enable=NO
vsftpd_log_file=$dir/vsftpd/vsftpd.log
CONF
mkdir -p /var/run/vsftpd/empty
vsftpd "$dir/vsftpd/vsftpd.conf" </dev/null >>"$dir/vsftpd/stdout.log" 2>&1 &
started $!
listening+=(ftp)
