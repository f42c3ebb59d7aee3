#!/usr/bin/env bash
# Unpacks Debian's pure-ftpd into /opt/netfoundations/pure-ftpd without installing it: Debian's FTP servers conflict
# with each other (each provides ftp-server), and the tests run vsftpd too. Pure-FTPd needs no configuration file (its
# options are its arguments), so the unpacked binary is all start-pure-ftpd.sh needs. Safe to run again.
set -euo pipefail
target=/opt/netfoundations/pure-ftpd
[ -x "$target/usr/sbin/pure-ftpd" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Pure-FTPd is needed in $target: run tests/servers/install.sh as root." >&2
  exit 1
fi
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
cd "$download"
# _apt cannot write into a private temporary folder; the download is done as root instead (apt says so, harmlessly).
apt-get download -qq pure-ftpd 2>/dev/null || { apt-get update -qq && apt-get download -qq pure-ftpd 2>/dev/null; }
mkdir -p "$target"
dpkg-deb -x pure-ftpd_*.deb "$target"
echo "Unpacked $(basename pure-ftpd_*.deb) into $target"
