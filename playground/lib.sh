# Shared by the playground scripts: where things live and what the network is made of.
# shellcheck shell=bash

PG_DIR=${NETFOUNDATIONS_PLAYGROUND_DIR:-/tmp/netfoundations-playground}
[[ $PG_DIR =~ ^/[^/]+/[^/]+ ]] || { echo "playground: NETFOUNDATIONS_PLAYGROUND_DIR must be an absolute path below a folder, not '$PG_DIR'" >&2; exit 1; }
PG_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_STATE=$PG_DIR/state           # written last by start.sh: the playground is up
PG_MARK=/etc/netns/.netfoundations-playground   # lists the namespaces this playground made

# Every namespace, in start order. The book's hosts; 'example' is the example.com gateway.
PG_NAMESPACES=(backbone isp modemA modemB example ftp mail www h1 h2 h3 h4)
PG_ROUTERS=(backbone isp modemA modemB example)

# name  IPv4  IPv6  fully qualified name   (the DNS zones and hosts files are made from this table)
PG_HOSTS=(
  "backbone 10.1.1.1     2001:db8:1::1       backbone.example.com"
  "isp      10.25.1.1    2001:db8:25:1::1    isp.example.com"
  "modemA   10.25.1.65   2001:db8:25:1::65   modemA.example.com"
  "modemB   10.25.1.66   2001:db8:25:1::66   modemB.example.com"
  "example  10.130.1.1   2001:db8:130:1::1   example.com"
  "ftp      10.130.1.2   2001:db8:130:1::2   ftp.example.com"
  "mail     10.130.1.3   2001:db8:130:1::3   mail.example.com"
  "www      10.130.1.4   2001:db8:130:1::4   www.example.com"
  "h1       192.168.1.11 2001:db8:25:a::11   h1.example.com"
  "h2       192.168.1.12 2001:db8:25:a::12   h2.example.com"
  "h3       192.168.1.13 2001:db8:25:a::13   h3.example.com"
  "h4       192.168.1.14 2001:db8:25:b::14   h4.example.com"
)

PG_USER=brandon            # the book's test user, on every host
PG_PASSWORD=abc123         # the book's password: this is a toy network with no way out

say() { printf '%s\n' "$*"; }
die() { printf 'playground: %s\n' "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "network namespaces need root: run as root (sudo)."
  [ "$(uname -s)" = Linux ] || die "the playground is made of Linux network namespaces."
}

# The command that runs what follows it as host $1: in its network namespace (where ip netns exec
# mounts /etc/netns/$1/* over /etc) and its own UTS namespace, so that `hostname` says $1.
# Sets PWSH to the pwsh to run: the one build.ps1 runs in (it passes itself in NETFOUNDATIONS_PWSH), else the
# repository's pinned dotnet tool (dotnet tool restore installs it).
pwsh_command() {
  if [ -n "${NETFOUNDATIONS_PWSH:-}" ]; then
    read -ra PWSH <<<"$NETFOUNDATIONS_PWSH"
  else
    local home
    home=$(cd "$PG_SRC/.." && dotnet pwsh -NoProfile -Command '$PSHOME') || die "no pwsh: run 'dotnet tool restore' in the repository first"
    PWSH=(dotnet "$home/pwsh.dll")
  fi
}
as_host() { AS_HOST=(ip netns exec "$1" unshare --uts -- sh -c 'hostname "$0"; exec "$@"' "$1"); }

in_host() {
  as_host "$1"; shift
  "${AS_HOST[@]}" "$@"
}

# Starts a daemon that stays in the foreground, as host $1 in the background; its pid goes to run/$2.pid.
start_daemon() {
  as_host "$1"
  local name=$2; shift 2
  setsid "${AS_HOST[@]}" "$@" </dev/null >>"$PG_DIR/logs/$name.out" 2>&1 &
  echo $! >"$PG_DIR/run/$name.pid"
}

# Namespaces this playground made (and so may delete).
our_namespaces() {
  [ -f "$PG_MARK" ] && cat "$PG_MARK"
  return 0
}

declare -A IP4 IP6 FQDN
for entry in "${PG_HOSTS[@]}"; do
  read -r name ip4 ip6 fqdn <<<"$entry"
  IP4[$name]=$ip4 IP6[$name]=$ip6 FQDN[$name]=$fqdn
done
unset entry name ip4 ip6 fqdn

# Is something listening on TCP port $3 of address $2, seen from host $1? (bounded wait: $4 seconds)
wait_port() {
  local host=$1 address=$2 port=$3 seconds=${4:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    if ip netns exec "$host" timeout 1 bash -c "exec 3<>/dev/tcp/$address/$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Does the TLS server on port $3 of address $2, seen from host $1, complete a handshake? A port can accept connections
# before its server answers TLS (Dovecot's login processes start after its listeners). (bounded wait: $4 seconds)
wait_tls() {
  local host=$1 address=$2 port=$3 seconds=${4:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    if ip netns exec "$host" timeout 2 openssl s_client -connect "$address:$port" -brief </dev/null 2>&1 |
      grep -q '^CONNECTION ESTABLISHED'; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
