#!/usr/bin/env bash
# Installs the Debian packages the playground needs, only those missing; safe to run again.
# The packaged services do not start in the machine's own namespace: the playground starts
# its own copies inside its namespaces, with configuration in its working folder.
set -euo pipefail
packages=(
  iproute2 nftables traceroute iputils-ping openssl procps
  bind9 bind9-dnsutils                              # DNS on backbone; dig
  gunicorn python3-httpbin                          # www: httpbin under gunicorn (the book's chapter 9)
  memcached                                         # www and ftp: the chapter 8 cache, sharded over both
  postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd   # mail
  vsftpd inetutils-inetd inetutils-telnetd          # ftp, telnet
  openssh-server openssh-client                     # sshd on every host
)
exec bash "$(dirname "$0")/../tests/servers/apt-install.sh" "${packages[@]}"
