# The playground's wires: namespaces, veth links, bridges, addresses, routes, NAT. Sourced by start.sh.
# Every link is created directly inside playground namespaces (`link add NAME netns NS ...`): nothing
# is ever added to the namespace start.sh runs in, and no namespace has a link or route out of it.
# shellcheck shell=bash

# The commands are gathered into one `ip -batch` for creating the namespaces and their links and one
# per namespace for the rest: a process per command would take most of the start time.
CREATE=""          # ip -batch run once: namespaces, veth pairs, bridges (each made inside its namespace)
declare -A IN      # ip -n NS -batch: everything done inside namespace NS

# link A IFA B IFB: a veth pair with end IFA in namespace A and end IFB in namespace B.
link() {
  CREATE+="link add $2 netns $1 type veth peer name $4 netns $3"$'\n'
  IN[$1]+="link set $2 up"$'\n'
  IN[$3]+="link set $4 up"$'\n'
}

# lan ROUTER HOST...: a bridge 'eth1' in ROUTER (its LAN side) with each HOST's eth0 as a port.
lan() {
  local router=$1 host; shift
  CREATE+="link add eth1 netns $router type bridge"$'\n'
  IN[$router]+="link set eth1 up"$'\n'
  for host in "$@"; do
    link "$host" eth0 "$router" "$host"
    IN[$router]+="link set $host master eth1"$'\n'
  done
}

# addr NS DEV ADDRESS/PREFIX...: addresses without duplicate address detection (usable at once).
addr() {
  local ns=$1 dev=$2 address; shift 2
  for address in "$@"; do
    case $address in
      *:*) IN[$ns]+="addr add $address dev $dev nodad"$'\n' ;;
      *) IN[$ns]+="addr add $address dev $dev"$'\n' ;;
    esac
  done
}

route() { IN[$1]+="route add ${*:2}"$'\n'; }
route6() { IN[$1]+="route add ${*:2}"$'\n'; }

make_network() {
  local ns host
  declare -A NFT
  for ns in "${PG_NAMESPACES[@]}"; do
    CREATE+="netns add $ns"$'\n'
    IN[$ns]+="link set lo up"$'\n'
  done

  # The home LANs and the example.com machine room are bridges; the rest are point-to-point.
  lan modemA h1 h2 h3
  lan modemB h4
  lan example ftp mail www
  link modemA eth0 isp eth1
  link modemB eth0 isp eth2
  link isp eth0 backbone eth0
  link backbone eth1 example eth0

  # Clients: 192.168.1.0/24 behind either modem; each home also has its own routed IPv6 /64.
  for host in h1 h2 h3 h4; do
    local home=a
    [ "$host" = h4 ] && home=b
    addr "$host" eth0 "${IP4[$host]}/24" "${IP6[$host]}/64"
    route "$host" default via 192.168.1.1
    route6 "$host" default via "2001:db8:25:$home::1"
  done
  for ns in modemA modemB; do
    local home=a
    [ "$ns" = modemB ] && home=b
    addr "$ns" eth1 192.168.1.1/24 "2001:db8:25:$home::1/64"
    addr "$ns" eth0 "${IP4[$ns]}/32" "${IP6[$ns]}/128"
    route "$ns" 10.25.1.1/32 dev eth0
    route "$ns" default via 10.25.1.1 dev eth0
    route6 "$ns" 2001:db8:25:1::1/128 dev eth0
    route6 "$ns" default via 2001:db8:25:1::1 dev eth0
    # A home router: masquerade the LAN (IPv4), and let nothing from outside start a connection in.
    NFT[$ns]=$(cat <<'EOF'
table ip nat {
  chain postrouting { type nat hook postrouting priority srcnat; oifname "eth0" masquerade; }
}
table inet filter {
  chain forward {
    type filter hook forward priority filter; policy accept;
    ct state established,related accept
    iifname "eth0" oifname "eth1" drop
  }
}
EOF
)
  done

  # The ISP: one address on every interface, a host route to each neighbour, the homes' IPv6 prefixes.
  addr isp eth0 10.25.1.1/32 2001:db8:25:1::1/128
  addr isp eth1 10.25.1.1/32 2001:db8:25:1::1/128
  addr isp eth2 10.25.1.1/32 2001:db8:25:1::1/128
  route isp 10.1.1.1/32 dev eth0
  route isp 10.25.1.65/32 dev eth1
  route isp 10.25.1.66/32 dev eth2
  route isp default via 10.1.1.1
  route6 isp 2001:db8:1::1/128 dev eth0
  route6 isp 2001:db8:25:1::65/128 dev eth1
  route6 isp 2001:db8:25:1::66/128 dev eth2
  route6 isp 2001:db8:25:a::/64 via 2001:db8:25:1::65 dev eth1
  route6 isp 2001:db8:25:b::/64 via 2001:db8:25:1::66 dev eth2
  route6 isp default via 2001:db8:1::1 dev eth0

  # The backbone: the top of this Internet, so it has no default route at all.
  addr backbone eth0 10.1.1.1/32 2001:db8:1::1/128
  addr backbone eth1 10.1.1.1/32 2001:db8:1::1/128
  route backbone 10.25.1.1/32 dev eth0
  route backbone 10.25.0.0/16 via 10.25.1.1 dev eth0
  route backbone 10.130.1.1/32 dev eth1
  route backbone 10.130.1.0/24 via 10.130.1.1 dev eth1
  route6 backbone 2001:db8:25:1::1/128 dev eth0
  route6 backbone 2001:db8:25::/48 via 2001:db8:25:1::1 dev eth0
  route6 backbone 2001:db8:130:1::1/128 dev eth1
  route6 backbone 2001:db8:130::/48 via 2001:db8:130:1::1 dev eth1

  # example.com: the gateway and its machine room.
  addr example eth0 10.130.1.1/32 2001:db8:130:1::1/128
  addr example eth1 10.130.1.1/24 2001:db8:130:1::1/64
  route example 10.1.1.1/32 dev eth0
  route example default via 10.1.1.1 dev eth0
  route6 example 2001:db8:1::1/128 dev eth0
  route6 example default via 2001:db8:1::1 dev eth0
  for host in ftp mail www; do
    addr "$host" eth0 "${IP4[$host]}/24" "${IP6[$host]}/64"
    route "$host" default via 10.130.1.1
    route6 "$host" default via 2001:db8:130:1::1
  done

  printf '%s\n' "${PG_NAMESPACES[@]}" >"$PG_MARK"   # before anything is made: stop.sh removes them
  ip -batch - <<<"$CREATE"
  for ns in "${PG_NAMESPACES[@]}"; do
    ip -n "$ns" -batch - <<<"${IN[$ns]}"
    # Forwarding is set explicitly everywhere: on for routers, off for hosts. Routers send every ICMP error (no rate
    # limit per destination): behind NAT all of h1's probes share one address, and a traceroute would otherwise use up
    # the unreachables a later check waits for.
    local forward=0
    [[ " ${PG_ROUTERS[*]} " == *" $ns "* ]] && forward=1
    nsenter --net="/run/netns/$ns" sh -c 'sysctl -q -w net.ipv4.ip_forward=$0 net.ipv6.conf.all.forwarding=$0 &&
      if [ "$0" = 1 ]; then sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0; fi &&
      if [ -n "$1" ]; then printf "%s\n" "$1" | nft -f -; fi' "$forward" "${NFT[$ns]:-}"
  done
}
