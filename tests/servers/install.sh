#!/usr/bin/env bash
# Installs the Debian packages the tests' real peers and servers need, only those missing.
# Run by build.ps1 -Task Test (and so by .ci/run); safe to run again.
set -euo pipefail
here=$(dirname "$0")
packages=(
  bind9           # DNS server for the DNS tests
  bind9-dnsutils  # dig, the reference DNS client
  openssl         # TLS: the test CA and certificates, s_server
  nginx           # TLS: one port per certificate case and protocol version
  dovecot-imapd   # TLS: IMAP STARTTLS
  dovecot-pop3d   # TLS: POP3 STLS
  vsftpd          # TLS: FTP AUTH TLS; Ftp: plain FTP, explicit and implicit FTPS (tests/servers/ftp)
  python3-pyftpdlib  # Ftp: the second FTP server, listing with MLSD
  postfix         # TLS: SMTP STARTTLS; Mail: smtp, submission, smtps
  openssh-server  # sshd for the SSH and SFTP tests
  openssh-client  # ssh, sftp, ssh-keygen, ssh-keyscan: key generation and the reference client
  inetutils-telnetd  # telnetd for the Telnet tests
  socat           # runs telnetd per connection (a small inetd)
  ncat            # Servers: a client of the inetd-style services
  dovecot-lmtpd   # Mail: Postfix delivers to Dovecot by LMTP
  python3-jsonrpclib-pelix  # Rpc: the JSON-RPC peer
  memcached       # Caching: several instances for sharding
  python3-pymemcache  # Caching: the independent memcached client (Debian's, for /usr/bin/python3)
  gunicorn        # Http: runs httpbin for the client's chapter 9 exchanges (tests/servers/http)
  python3-httpbin # Http: the chapter 9 endpoints (/get, /redirect/N, /cookies/set, /digest-auth …)
  python3-requests  # Http: the independent HTTP client (Debian's, for /usr/bin/python3)
  curl            # Http: the reference client of the HTTP server
  wrk             # Http: the load generator of bench/http-server.sh
  python3-zmq     # Messaging: pyzmq, the independent ZeroMQ peer (Debian's, for /usr/bin/python3)
)
# Python's standard library is the tests' independent peer; any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || packages+=(python3)
bash "$here/apt-install.sh" "${packages[@]}"
# Ftp: the third FTP server, Pure-FTPd, unpacked beside the installed vsftpd (Debian's FTP servers conflict).
exec bash "$here/ftp/install-pure-ftpd.sh"
