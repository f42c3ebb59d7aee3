#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs the Debian packages among those named that are missing.
# The packaged services must not start in the machine's own namespace (tests and the playground
# start their own copies, on loopback high ports or inside playground namespaces), so a
# policy-rc.d that refuses every start is in place during the install. Safe to run again.
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "These Debian packages are needed: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or run as root." >&2
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
# Postfix asks how mail is to be handled: no configuration; whoever runs it writes its own.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
