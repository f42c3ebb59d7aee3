#!/bin/bash
# DNS benchmark: 10,000 names through Resolve-DnsName2, dnsperf and `dig -f`, in one run, against
# the repository's BIND (tests/servers/dns) on 127.0.0.1 at a free high port.
# Needs: bind9, bind9-dnsutils (dig), dnsperf (Debian packages), a built module (build.ps1 -Task Build).
# Usage: bench/dns.sh [COUNT] [THROTTLE]    Goal: Resolve-DnsName2 >= dnsperf/2 and >= 10 x dig -f (queries per second).
set -euo pipefail

count="${1:-10000}"
throttle="${2:-64}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/nf-dns-bench.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
host="$root/src/NetFoundations.Host/bin/Release/net10.0/nfhost.dll"
module="$(ls -d "$root"/out/NetFoundations/*/NetFoundations.psd1 | tail -1)"

for tool in dnsperf dig named python3; do
    command -v "$tool" >/dev/null || { echo "bench/dns.sh: $tool is missing (apt-get install bind9 bind9-dnsutils dnsperf)" >&2; exit 3; }
done
[[ -f "$host" && -f "$module" ]] || { echo "bench/dns.sh: build first (build.ps1 -Task Build)" >&2; exit 3; }

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

qps() { python3 -c "print(f'{$1 / $2:.0f}')"; }

# dnsperf: its own report, one pass through the file.
dnsperf_qps="$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/dnsperf.txt" -n 1 2>&1 | awk '/Queries per second/ { print int($4) }')"

# dig -f: one process, the names one after another.
start="$(date +%s.%N)"
dig @127.0.0.1 -p "$port" -f "$work/dig.txt" +noall +answer +time=2 +tries=1 > "$work/dig.out"
dig_seconds="$(python3 -c "print($(date +%s.%N) - $start)")"
dig_answers="$(wc -l < "$work/dig.out")"

# Resolve-DnsName2: the names piped in, timed inside the engine (module loading excluded).
nf_out="$(dotnet "$host" -Command "
    Import-Module '$module'
    \$names = [IO.File]::ReadAllLines('$work/names.txt')
    [void](\$names | Resolve-DnsName2 -Server 127.0.0.1:$port -ThrottleLimit $throttle)   # warm up (JIT)
    \$watch = [Diagnostics.Stopwatch]::StartNew()
    \$records = \$names | Resolve-DnsName2 -Server 127.0.0.1:$port -ThrottleLimit $throttle
    \$watch.Stop()
    \"\$(@(\$records).Count) \$(\$watch.Elapsed.TotalSeconds)\"
")"
read -r nf_answers nf_seconds <<< "$(echo "$nf_out" | tail -1)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"

dig_qps="$(qps "$count" "$dig_seconds")"
nf_qps="$(qps "$count" "$nf_seconds")"
printf '%-22s %10s %10s\n' tool queries/s answers
printf '%-22s %10s %10s\n' dnsperf "$dnsperf_qps" "-"
printf '%-22s %10s %10s\n' "dig -f" "$dig_qps" "$dig_answers"
printf '%-22s %10s %10s\n' "Resolve-DnsName2" "$nf_qps" "$nf_answers"
python3 - "$nf_qps" "$dnsperf_qps" "$dig_qps" <<'PY'
import sys
nf, perf, dig = (float(x) for x in sys.argv[1:])
print(f"Resolve-DnsName2 / dnsperf = {nf / perf:.2f} (goal >= 0.5): {'met' if nf >= perf / 2 else 'NOT met'}")
print(f"Resolve-DnsName2 / dig -f  = {nf / dig:.1f} (goal >= 10): {'met' if nf >= 10 * dig else 'NOT met'}")
PY
echo "load average after the run: $load"

