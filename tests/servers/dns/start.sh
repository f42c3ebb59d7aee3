#!/bin/bash
# Starts BIND (named, Debian package bind9) as an authoritative-only server for the test zones
# on 127.0.0.1 and ::1 at PORT, with its configuration, zones, logs and pid in WORKDIR.
# Recursion is off and there are no forwarders: nothing leaves this machine.
# Usage: start.sh PORT WORKDIR    (stop with stop.sh WORKDIR)
set -euo pipefail

port="${1:?usage: start.sh PORT WORKDIR}"
workdir="${2:?usage: start.sh PORT WORKDIR}"
here="$(cd "$(dirname "$0")" && pwd)"
named="$(command -v named || echo /usr/sbin/named)"

if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1024 || port > 65535 )); then
    echo "start.sh: PORT must be an unprivileged port (1024-65535), not '$port'" >&2
    exit 2
fi
if [[ ! -x "$named" ]]; then
    echo "start.sh: named is not installed (apt-get install bind9)" >&2
    exit 3
fi

mkdir -p "$workdir"
workdir="$(cd "$workdir" && pwd)"
cp "$here"/zones/*.zone "$workdir/"

cat > "$workdir/named.conf" <<CONF
options {
    directory "$workdir";
    pid-file "$workdir/named.pid";
    session-keyfile "$workdir/session.key";
    managed-keys-directory "$workdir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 port $port { ::1; };
    recursion no;
    allow-recursion { none; };
    allow-transfer { none; };
    allow-query { 127.0.0.0/8; ::1; };
    dnssec-validation no;
    notify no;
    minimal-responses no;
    rate-limit { responses-per-second 0; };
};
controls { };
logging {
    channel file { file "$workdir/named.log"; severity info; print-time yes; };
    category default { file; };
};
zone "example.test" { type primary; file "example.test.zone"; };
zone "other.test" { type primary; file "other.test.zone"; };
zone "broken.test" { type primary; file "broken.test.zone"; };
zone "127.in-addr.arpa" { type primary; file "127.in-addr.arpa.zone"; };
zone "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa" { type primary; file "ip6-loopback.zone"; };
CONF

# -f: stay in the foreground of its own background process, so the pid we record is named's.
"$named" -f -n 2 -c "$workdir/named.conf" >"$workdir/named.out" 2>&1 &
echo $! > "$workdir/named.proc"

# Ready when it answers for the zone over UDP and TCP (bounded: about 10 seconds).
for _ in $(seq 1 100); do
    if ! kill -0 "$(cat "$workdir/named.proc")" 2>/dev/null; then
        echo "start.sh: named exited; see $workdir/named.out and $workdir/named.log" >&2
        cat "$workdir/named.out" >&2 || true
        exit 1
    fi
    if dig @127.0.0.1 -p "$port" example.test SOA +time=1 +tries=1 +short >/dev/null 2>&1 &&
       dig @127.0.0.1 -p "$port" example.test SOA +tcp +time=1 +tries=1 +short | grep -q hostmaster; then
        echo "named listening on 127.0.0.1:$port and [::1]:$port (pid $(cat "$workdir/named.proc"))"
        exit 0
    fi
    sleep 0.1
done
echo "start.sh: named did not answer on port $port within 10 s" >&2
kill "$(cat "$workdir/named.proc")" 2>/dev/null || true
exit 1
