#!/usr/bin/env bash
# Installs the Debian packages the playground needs, only those missing; safe to run again.
# The packaged services must not start in the machine's own namespace: the playground starts
# its own copies inside its namespaces, with configuration in its working folder.
set -euo pipefail
packages=(
  iproute2 nftables traceroute iputils-ping openssl procps
  bind9 bind9-dnsutils                              # DNS on backbone; dig
  nginx libnginx-mod-http-js                        # www (njs for the JSON echo)
  postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd   # mail
  vsftpd inetutils-inetd inetutils-telnetd          # ftp, telnet
  openssh-server openssh-client                     # sshd on every host
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The playground needs these Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or run as root." >&2
  exit 1
fi
echo "Installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
created_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap 'if [ -n "$created_policy" ]; then rm -f "$policy"; fi' EXIT
# Postfix asks how mail is to be handled: no configuration, the playground writes its own.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
