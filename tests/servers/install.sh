#!/usr/bin/env bash
# Installs the Debian packages the tests' real peers and servers need, only those missing.
# Run by build.ps1 -Task Test (and so by .ci/run); safe to run again.
set -euo pipefail
here=$(dirname "$0")
packages=(
  bind9           # DNS server for the DNS tests
  bind9-dnsutils  # dig, the reference DNS client
)
# Python's standard library is the tests' independent peer; any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || packages+=(python3)
exec bash "$here/apt-install.sh" "${packages[@]}"
