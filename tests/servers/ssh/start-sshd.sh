#!/usr/bin/env bash
# Starts OpenSSH's sshd on 127.0.0.1 on a free high port, everything in FOLDER (made by the caller):
#   host keys generated for this run (ed25519, ecdsa, rsa) and a spare ed25519 key (alt_host_key) that
#   plays "the key changed"; the test user (created if missing) with a password and two authorized
#   client keys (client_key without passphrase, client_key_pass with one); files/ owned by the user.
# Prints PORT=<n> and the credentials, then runs sshd in the foreground (-D -e): kill it to stop.
# Never touches the machine's own sshd configuration or anyone's ~/.ssh.
set -euo pipefail
folder=$(realpath "${1:?usage: start-sshd.sh FOLDER}")
user=${NF_TEST_USER:-nftest}
password=${NF_TEST_PASSWORD:-Nf-Test-Pass1}
passphrase=nf-key-passphrase

source "$(dirname "$0")/../test-user.sh"
test_user "$user" "$password"
mkdir -p /run/sshd

chmod 755 "$folder"
for type in ed25519 ecdsa rsa; do
  ssh-keygen -q -t "$type" -N '' -C "nftest-host-$type" -f "$folder/host_${type}_key"
done
ssh-keygen -q -t ed25519 -N '' -C nftest-alt-host -f "$folder/alt_host_key"
ssh-keygen -q -t ed25519 -N '' -C nftest-client -f "$folder/client_key"
ssh-keygen -q -t ed25519 -N "$passphrase" -C nftest-client-pass -f "$folder/client_key_pass"
cat "$folder/client_key.pub" "$folder/client_key_pass.pub" >"$folder/authorized_keys"
chmod 644 "$folder/authorized_keys"
mkdir -p "$folder/files"
chown "$user" "$folder/files"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$folder/sshd_config" <<CONF
HostKey $folder/host_ed25519_key
HostKey $folder/host_ecdsa_key
HostKey $folder/host_rsa_key
PidFile $folder/sshd.pid
AuthorizedKeysFile $folder/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $user
MaxSessions 64
AllowTcpForwarding yes
MaxStartups 100:30:200
Subsystem sftp internal-sftp
LogLevel INFO
CONF

echo "PORT=$port"
echo "USER=$user"
echo "PASSWORD=$password"
echo "PASSPHRASE=$passphrase"
exec /usr/sbin/sshd -f "$folder/sshd_config" -D -e -p "$port" -o ListenAddress=127.0.0.1
