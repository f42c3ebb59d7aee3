#!/usr/bin/env bash
# Installs the Debian packages the tests' real peers and servers need, only those missing.
# Run by build.ps1 -Task Test (and so by .ci/run); safe to run again.
set -euo pipefail
packages=(
  bind9           # DNS server for the DNS tests
  bind9-dnsutils  # dig, the reference DNS client
  openssh-server  # sshd for the SSH and SFTP tests
  openssh-client  # ssh, sftp, ssh-keygen, ssh-keyscan: key generation and the reference client
  inetutils-telnetd  # telnetd for the Telnet tests
  socat           # runs telnetd per connection (a small inetd)
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Python's standard library is the tests' independent peer; any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or run as root." >&2
  exit 1
fi
echo "Installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The tests start their own servers on loopback high ports: keep the packaged services from starting.
policy=/usr/sbin/policy-rc.d
created_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap 'if [ -n "$created_policy" ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
