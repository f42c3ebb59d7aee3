#!/bin/bash
# SSH benchmark, in one run against the repository's sshd (tests/servers/ssh) on 127.0.0.1:
#  (a) an SFTP download of a large file: Receive-SftpItem against OpenSSH's sftp (goal: >= 0.8 x its rate);
#  (b) one command on 20 hosts: Invoke-SshCommand over 20 sessions in parallel against 20 ssh runs
#      one after another (goal: faster).
# Needs: root (sshd and its test user), openssh-server, openssh-client (installed here through
# tests/servers/apt-install.sh), python3, dotnet.
# Usage: bench/ssh.sh [MEGABYTES=1024] [ROUNDS=2]
set -euo pipefail

megabytes="${1:-1024}"
rounds="${2:-2}"
sessions=20
root="$(cd "$(dirname "$0")/.." && pwd)"

[[ $(id -u) -eq 0 ]] || { echo "bench/ssh.sh: run as root (it starts sshd with a test user)" >&2; exit 3; }
bash "$root/tests/servers/apt-install.sh" openssh-server openssh-client
command -v python3 >/dev/null || { echo "bench/ssh.sh: python3 is missing" >&2; exit 3; }
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-ssh-bench.XXXXXX)"

sshd_pid=
cleanup() { [[ -n $sshd_pid ]] && kill "$sshd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

chmod 755 "$work"   # the test user reads the files below it
mkdir -p "$work/server"
"$root/tests/servers/ssh/start-sshd.sh" "$work/server" >"$work/sshd.out" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 100); do grep -q '^PORT=' "$work/sshd.out" 2>/dev/null && grep -q 'Server listening' "$work/sshd.log" && break; sleep 0.1; done
grep -q 'Server listening' "$work/sshd.log" || { echo "bench/ssh.sh: sshd did not start" >&2; cat "$work/sshd.log" >&2; exit 1; }
port="$(sed -n 's/^PORT=//p' "$work/sshd.out")"
user="$(sed -n 's/^USER=//p' "$work/sshd.out")"
key="$work/server/client_key"
ssh-keyscan -p "$port" 127.0.0.1 2>/dev/null >"$work/known_hosts"
ssh_options=(-i "$key" -o "UserKnownHostsFile=$work/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)

# The file to download, incompressible, in the test user's files folder.
big="$work/server/files/big.bin"
head -c "$((megabytes * 1024 * 1024))" /dev/urandom >"$big"
expected="$(sha256sum <"$big" | cut -d' ' -f1)"

seconds_since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
now() { python3 -c 'import time; print(time.time())'; }

# OpenSSH's sftp, a whole process per download.
openssh_download() {
    rm -f "$work/openssh.bin"
    local start; start="$(now)"
    sftp -q -P "$port" "${ssh_options[@]}" -b - "$user@127.0.0.1" >/dev/null <<<"get $big $work/openssh.bin"
    seconds_since "$start"
    [[ "$(sha256sum <"$work/openssh.bin" | cut -d' ' -f1)" == "$expected" ]] || { echo "bench/ssh.sh: sftp's copy differs" >&2; exit 1; }
}

# 20 ssh processes one after another, each running `true`.
openssh_sequential() {
    local start; start="$(now)"
    for _ in $(seq "$sessions"); do ssh -p "$port" "${ssh_options[@]}" "$user@127.0.0.1" true; done
    seconds_since "$start"
}

# NetFoundations: a pwsh process per round, between the OpenSSH runs of that round, so that a busy spell of the
# machine falls on both sides (bench/ssh.ps1).
nf_round() {
    pinned_pwsh -File "$root/bench/ssh.ps1" -Module "$manifest" -Port "$port" -User "$user" -KeyFile "$key" \
        -KnownHostsPath "$work/known_hosts" -Path "$big" -Destination "$work/nf.bin" -Sessions "$sessions"
}

echo "SSH bench: $megabytes MiB download, $sessions sessions, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a sftp_times ssh_times
nf_output=
for round in $(seq "$rounds"); do
    sftp_times+=("$(openssh_download)")
    ssh_times+=("$(openssh_sequential)")
    nf="$(nf_round)"
    [[ "$(sha256sum <"$work/nf.bin" | cut -d' ' -f1)" == "$expected" ]] || { echo "bench/ssh.sh: Receive-SftpItem's copy differs" >&2; exit 1; }
    nf_output+="$nf"$'\n'
    echo "round $round: sftp ${sftp_times[-1]} s, $sessions x ssh ${ssh_times[-1]} s;" \
        "Receive-SftpItem $(sed -n 's/^download //p' <<<"$nf") s, Invoke-SshCommand x $sessions $(sed -n 's/^parallel //p' <<<"$nf") s (load $(cut -d' ' -f1 /proc/loadavg))"
done

python3 - "$megabytes" "$sessions" "${sftp_times[*]}" "${ssh_times[*]}" "$nf_output" <<'PY'
import sys
megabytes, sessions = int(sys.argv[1]), int(sys.argv[2])
sftp, ssh = min(map(float, sys.argv[3].split())), min(map(float, sys.argv[4].split()))
lines = [l.split() for l in sys.argv[5].splitlines() if l.strip()]
download = min(float(v) for k, v in lines if k == "download")
parallel = min(float(v) for k, v in lines if k == "parallel")
rate = lambda s: megabytes / s
print(f"(a) download: Receive-SftpItem {rate(download):.0f} MiB/s, sftp {rate(sftp):.0f} MiB/s, "
      f"ratio {rate(download) / rate(sftp):.2f} (goal >= 0.8): {'met' if rate(download) >= 0.8 * rate(sftp) else 'NOT met'}")
# Each round's own ratio too: here the same download moves by a factor of two from one round to the next.
rounds = sorted(float(t) / float(v) for t, (k, v) in zip(sys.argv[3].split(), (l for l in lines if l[0] == "download")))
print(f"    per round: {', '.join(f'{r:.2f}' for r in rounds)}; median {rounds[len(rounds) // 2]:.2f}")
print(f"(b) {sessions} hosts: Invoke-SshCommand in parallel {parallel:.2f} s, ssh one after another {ssh:.2f} s, "
      f"speed-up {ssh / parallel:.1f}x (goal > 1): {'met' if parallel < ssh else 'NOT met'}")
PY
