#!/bin/bash
# DNS benchmark: 10,000 names through Resolve-DnsName2, dnsperf and `dig -f`, in one run, against
# the repository's BIND (tests/servers/dns) on 127.0.0.1 at a free high port.
# Needs: bind9 (named), bind9-dnsutils (dig), dnsperf (installed here through tests/servers/apt-install.sh when run
# as root), python3, dotnet.
# Usage: bench/dns.sh [COUNT=10000] [THROTTLE=64] [ROUNDS=3] [WARMUP=10]   Goal: Resolve-DnsName2 >= dnsperf/2 and >= 10 x dig -f (queries per second).
set -euo pipefail

count="${1:-10000}"
throttle="${2:-64}"
rounds="${3:-3}"
warmup="${4:-10}"   # passes before the timed one: the runtime's tiered compilation takes several to optimize the hot code
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/servers/apt-install.sh" bind9 bind9-dnsutils dnsperf
command -v python3 >/dev/null || { echo "bench/dns.sh: python3 is missing" >&2; exit 3; }
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-dns-bench.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

cleanup() { "$root/tests/servers/dns/stop.sh" "$work/server"; rm -rf "$work"; }
trap cleanup EXIT
"$root/tests/servers/dns/start.sh" "$port" "$work/server" >/dev/null

# Names with A records in the test zone, round robin.
python3 - "$count" "$work" <<'PY'
import sys
count, work = int(sys.argv[1]), sys.argv[2]
hosts = ["www", "mail1", "mail2", "mail3", "ns1", "nomx", "nullmx"]
names = [f"{hosts[i % len(hosts)]}.example.test" for i in range(count)]
open(f"{work}/names.txt", "w").write("\n".join(names) + "\n")
open(f"{work}/dnsperf.txt", "w").write("".join(f"{n} A\n" for n in names))
open(f"{work}/dig.txt", "w").write("".join(f"{n} A\n" for n in names))
PY

# Runs a command; prints its wall time and CPU time (user + system) in seconds.
timed() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
with open(sys.argv[1], "w") as out:
    subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT, check=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall} {usage.ru_utime + usage.ru_stime}")
PY
}

# Each round runs the three one after another, so a busy moment of the machine does not fall on one only.
# Resolve-DnsName2 is timed inside pwsh after WARMUP untimed passes (bench/dns.ps1); the first pass's rate is printed too.
for round in $(seq 1 "$rounds"); do
    read -r perf_wall perf_cpu <<< "$(timed "$work/dnsperf.out" dnsperf -s 127.0.0.1 -p "$port" -d "$work/dnsperf.txt" -n 1)"
    perf_qps="$(awk '/Queries per second/ { print int($4) }' "$work/dnsperf.out")"
    read -r dig_wall dig_cpu <<< "$(timed "$work/dig.out" dig @127.0.0.1 -p "$port" -f "$work/dig.txt" +noall +answer +time=2 +tries=1)"
    dig_answers="$(wc -l < "$work/dig.out")"
    nf_out="$(pinned_pwsh -File "$root/bench/dns.ps1" -Module "$manifest" -NamesPath "$work/names.txt" \
        -Server "127.0.0.1:$port" -ThrottleLimit "$throttle" -WarmUp "$warmup")"
    read -r nf_answers nf_wall nf_cpu nf_first <<< "$(echo "$nf_out" | tail -1)"
    echo "$round $perf_qps $perf_cpu $dig_wall $dig_cpu $dig_answers $nf_wall $nf_cpu $nf_answers $(cut -d' ' -f1 /proc/loadavg) $nf_first" >> "$work/rounds.txt"
done

python3 - "$count" "$work/rounds.txt" <<'PY'
import sys
count = int(sys.argv[1])
rows = [line.split() for line in open(sys.argv[2])]
print(f"{'round':>5} {'load':>6} | {'dnsperf q/s':>11} {'us cpu/q':>8} | {'dig -f q/s':>10} {'us cpu/q':>8} {'answers':>7} | "
      f"{'Resolve q/s':>11} {'us cpu/q':>8} {'answers':>7} {'1st pass':>8} | {'/dnsperf':>8} {'/dig':>5}")
best = None
for r in rows:
    perf, perf_cpu, dig_wall, dig_cpu, dig_n, nf_wall, nf_cpu, nf_n, load, first = float(r[1]), float(r[2]), float(r[3]), float(r[4]), r[5], float(r[6]), float(r[7]), r[8], r[9], float(r[10])
    dig, nf = count / dig_wall, count / nf_wall
    print(f"{r[0]:>5} {load:>6} | {perf:>11.0f} {perf_cpu / count * 1e6:>8.1f} | {dig:>10.0f} {dig_cpu / count * 1e6:>8.1f} {dig_n:>7} | "
          f"{nf:>11.0f} {nf_cpu / count * 1e6:>8.1f} {nf_n:>7} {count / first:>8.0f} | {nf / perf:>8.2f} {nf / dig:>5.1f}")
    if best is None or nf / perf > best[0]:
        best = (nf / perf, nf / dig)
ratios = [(count / float(r[6])) / float(r[1]) for r in rows]
digs = [(count / float(r[6])) / (count / float(r[3])) for r in rows]
print(f"Resolve-DnsName2 / dnsperf: median {sorted(ratios)[len(ratios) // 2]:.2f}, best {max(ratios):.2f} (goal >= 0.5): {'met' if sorted(ratios)[len(ratios) // 2] >= 0.5 else 'NOT met'} (by the median)")
print(f"Resolve-DnsName2 / dig -f:  median {sorted(digs)[len(digs) // 2]:.1f}, best {max(digs):.1f} (goal >= 10): {'met' if sorted(digs)[len(digs) // 2] >= 10 else 'NOT met'} (by the median)")
# What any client can reach against this server here: dnsperf, built for nothing but throughput, against dig -f.
ceilings = [float(r[1]) / (count / float(r[3])) for r in rows]
print(f"dnsperf / dig -f (the ceiling for the line above): median {sorted(ceilings)[len(ceilings) // 2]:.1f}, best {max(ceilings):.1f}")
PY
