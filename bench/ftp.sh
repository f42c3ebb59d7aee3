#!/bin/bash
# FTP benchmark, in one run against the repository's vsftpd (tests/servers/ftp/start-vsftpd.sh) on 127.0.0.1, plain FTP:
#  (a) a 1 GiB download and (b) a 1 GiB upload: Receive-/Send-FtpItem against curl (goal: >= 0.9 x curl's rate each);
#  (c) a tree of 1,000 files of 4 KiB (10 folders): Receive-FtpItem -Recurse, and with -ThrottleLimit 4, against
#      lftp's mirror and mirror -P 4 (goal: >= lftp mirror's rate);
#  (d) a download interrupted at about half (-TotalTimeoutSeconds), then resumed (-Resume): the bytes kept and the
#      bytes read after add up to the file's size, and the server's xferlog says it sent only the rest the second time.
# Needs: root (vsftpd and its test user), vsftpd, curl, lftp (installed here through tests/servers/apt-install.sh),
# python3, dotnet.
# Usage: bench/ftp.sh [MEGABYTES=1024] [ROUNDS=2] [FILES=1000]
set -euo pipefail

megabytes="${1:-1024}"
rounds="${2:-2}"
files="${3:-1000}"
root="$(cd "$(dirname "$0")/.." && pwd)"

[[ $(id -u) -eq 0 ]] || { echo "bench/ftp.sh: run as root (it starts vsftpd with a test user)" >&2; exit 3; }
bash "$root/tests/servers/apt-install.sh" vsftpd curl lftp
command -v python3 >/dev/null || { echo "bench/ftp.sh: python3 is missing" >&2; exit 3; }
source "$root/bench/module.sh"
work="$(mktemp -d /tmp/nf-ftp-bench.XXXXXX)"

server_pid=
cleanup() { [[ -n $server_pid ]] && kill -- "-$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

chmod 755 "$work"
mkdir -p "$work/server"
# In a process group of its own, so that the cleanup ends vsftpd and every child it forked.
setsid "$root/tests/servers/ftp/start-vsftpd.sh" "$work/server" >"$work/vsftpd.out" 2>"$work/vsftpd.log" &
server_pid=$!
for _ in $(seq 300); do grep -q '^READY=1' "$work/vsftpd.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^READY=1' "$work/vsftpd.out" || { echo "bench/ftp.sh: vsftpd did not start" >&2; cat "$work/vsftpd.log" >&2; exit 1; }
port="$(sed -n 's/^PORT=//p' "$work/vsftpd.out")"
user="$(sed -n 's/^USER=//p' "$work/vsftpd.out")"
password="$(sed -n 's/^PASSWORD=//p' "$work/vsftpd.out")"
home="$work/server/files"

# The files: one incompressible big file, and a tree of small ones (10 folders), owned by the test user.
head -c "$((megabytes * 1024 * 1024))" /dev/urandom >"$home/big.bin"
head -c "$((256 * 1024 * 1024))" /dev/urandom >"$home/warm.bin"
expected="$(sha256sum <"$home/big.bin" | cut -d' ' -f1)"
python3 - "$home/tree" "$files" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    folder = os.path.join(root, f"d{i % 10}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:04}.bin"), "wb") as f:
        f.write(os.urandom(4096))
PY
cp "$home/big.bin" "$work/upload.bin"
ln "$home/big.bin" "$home/resume.bin"
chown -R "$user" "$home"
tree_sum() { (cd "$1" && find . -type f ! -name '.*' -exec sha256sum {} + | sort -k2 | sha256sum | cut -d' ' -f1); }
tree_expected="$(tree_sum "$home/tree")"

seconds_since() { python3 -c "import time; print(f'{time.time() - $1:.3f}')"; }
now() { python3 -c 'import time; print(time.time())'; }
url="ftp://$user:$password@127.0.0.1:$port"

curl_download() {
    rm -f "$work/curl.bin"
    local start; start="$(now)"
    curl -s -S -o "$work/curl.bin" "$url/big.bin"
    seconds_since "$start"
    [[ "$(sha256sum <"$work/curl.bin" | cut -d' ' -f1)" == "$expected" ]] || { echo "bench/ftp.sh: curl's copy differs" >&2; exit 1; }
}
curl_upload() {
    rm -f "$home/curl-up.bin"
    local start; start="$(now)"
    curl -s -S -T "$work/upload.bin" "$url/curl-up.bin"
    seconds_since "$start"
}
lftp_mirror() { # lftp_mirror PARALLEL
    rm -rf "$work/lftp-tree"
    local start; start="$(now)"
    lftp -p "$port" -u "$user,$password" -e "set ftp:ssl-allow no; set net:max-retries 1; mirror -P $1 tree $work/lftp-tree; quit" 127.0.0.1 >/dev/null
    seconds_since "$start"
    [[ "$(tree_sum "$work/lftp-tree")" == "$tree_expected" ]] || { echo "bench/ftp.sh: lftp's tree differs" >&2; exit 1; }
}

# NetFoundations: a pwsh process per round, between the other tools' runs of that round (bench/ftp.ps1).
nf_round() {
    # The upload's target goes first, as curl's does: replacing a gigabyte costs vsftpd its unlink, which curl never pays.
    rm -f "$home/nf-up.bin"
    pinned_pwsh -File "$root/bench/ftp.ps1" -Module "$manifest" -Port "$port" -User "$user" -Password "$password" \
        -Work "$work" -ServerFolder "$home" -Resume:"$1"
}

echo "FTP bench: $megabytes MiB each way, a tree of $files x 4 KiB, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a curl_down curl_up lftp1 lftp4
nf_output=
for round in $(seq "$rounds"); do
    curl_down+=("$(curl_download)")
    curl_up+=("$(curl_upload)")
    lftp1+=("$(lftp_mirror 1)")
    lftp4+=("$(lftp_mirror 4)")
    resume='$false'; [[ $round -eq 1 ]] && resume='$true'
    nf="$(nf_round "$resume")"
    [[ "$(sha256sum <"$work/nf.bin" | cut -d' ' -f1)" == "$expected" ]] || { echo "bench/ftp.sh: Receive-FtpItem's copy differs" >&2; exit 1; }
    [[ "$(sha256sum <"$home/nf-up.bin" | cut -d' ' -f1)" == "$expected" ]] || { echo "bench/ftp.sh: Send-FtpItem's copy differs" >&2; exit 1; }
    for t in nf-tree1 nf-tree4; do
        [[ "$(tree_sum "$work/$t")" == "$tree_expected" ]] || { echo "bench/ftp.sh: Receive-FtpItem -Recurse's tree ($t) differs" >&2; exit 1; }
    done
    nf_output+="$nf"$'\n'
    echo "round $round: curl down ${curl_down[-1]} s, up ${curl_up[-1]} s; lftp mirror ${lftp1[-1]} s, -P 4 ${lftp4[-1]} s;" \
        "ours down $(sed -n 's/^download //p' <<<"$nf") s, up $(sed -n 's/^upload //p' <<<"$nf") s," \
        "tree $(sed -n 's/^tree1 //p' <<<"$nf") s, -ThrottleLimit 4 $(sed -n 's/^tree4 //p' <<<"$nf") s (load $(cut -d' ' -f1 /proc/loadavg))"
done

# What the server sent for the resumed download's two parts (xferlog: the 8th field is the bytes of a transfer).
resume_line="$(grep '^resume ' <<<"$nf_output" | head -1)"
python3 - "$megabytes" "$files" "${curl_down[*]}" "${curl_up[*]}" "${lftp1[*]}" "${lftp4[*]}" "$nf_output" "$resume_line" "$work/server/xferlog" <<'PY'
import sys
megabytes, files = int(sys.argv[1]), int(sys.argv[2])
best = lambda text: min(map(float, text.split()))
curl_down, curl_up, lftp1, lftp4 = (best(a) for a in sys.argv[3:7])
lines = [l.split() for l in sys.argv[7].splitlines() if l.strip() and not l.startswith("resume")]
ours = lambda key: min(float(v) for k, v in lines if k == key)
down, up, tree1, tree4 = ours("download"), ours("upload"), ours("tree1"), ours("tree4")
def verdict(ok): return "met" if ok else "NOT met"
print(f"(a) 1 file down: Receive-FtpItem {megabytes / down:.0f} MiB/s, curl {megabytes / curl_down:.0f} MiB/s, "
      f"ratio {curl_down / down:.2f} (goal >= 0.9): {verdict(curl_down / down >= 0.9)}")
print(f"(b) 1 file up: Send-FtpItem {megabytes / up:.0f} MiB/s, curl {megabytes / curl_up:.0f} MiB/s, "
      f"ratio {curl_up / up:.2f} (goal >= 0.9): {verdict(curl_up / up >= 0.9)}")
print(f"(c) {files} files: Receive-FtpItem -Recurse {files / tree1:.0f} files/s, -ThrottleLimit 4 {files / tree4:.0f} files/s; "
      f"lftp mirror {files / lftp1:.0f} files/s, mirror -P 4 {files / lftp4:.0f} files/s; "
      f"ratio to mirror {lftp1 / tree1:.2f}, -ThrottleLimit 4 to mirror -P 4 {lftp4 / tree4:.2f} (goal: ours >= mirror's rate): "
      f"{verdict(lftp1 / min(tree1, tree4) >= 1)}")
if sys.argv[8]:
    _, first, resumed_from, transferred, size = sys.argv[8].split()
    # The last two transfers of resume.bin: the interrupted one and the resumed one (a try that finished comes before).
    sent = [int(l.split()[7]) for l in open(sys.argv[9]) if "resume.bin" in l][-2:]
    whole = int(resumed_from) + int(transferred) == int(size) and sent and sent[-1] == int(transferred)
    print(f"(d) resume: interrupted at {int(resumed_from) / int(size):.0%} ({resumed_from} bytes kept), {transferred} bytes read after; "
          f"the server's xferlog: {' then '.join(map(str, sent))} bytes sent for a {size}-byte file: "
          f"{'no byte read twice' if whole else 'BYTES READ TWICE'}")
PY
