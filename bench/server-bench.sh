# Sourced by the benches that put servers under wrk (servers.sh, http-server.sh, rpc.sh) in place of bench/module.sh,
# which it sources. Sets work to a temporary folder and pids to the processes to end, both cleaned up on exit, and
# defines how those benches start our servers and nginx and run wrk, so that each does it the same way.
source "$(dirname "${BASH_SOURCE[0]}")/module.sh"
bench="bench/$(basename "$0")"
work="$(mktemp -d "/tmp/nf-$(basename "$0" .sh)-bench.XXXXXX")"

pids=()
cleanup() {
    exec 4>&- 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# start_host SCRIPT [ARGUMENT...]: our servers, in a pwsh process of their own (bench/SCRIPT -Module <manifest>
# ARGUMENT...), so that their CPU time is theirs and not the client's; they serve until their standard input ends, at
# the bench's exit. Waits (at most 60 s) for its READY line; sets host_pid, and host_out to the file of its output.
start_host() {
    local script="$1"
    shift
    mkfifo "$work/host.in"
    host_out="$work/host.out"
    dotnet "$pshome/pwsh.dll" -NoProfile -NonInteractive -File "$root/bench/$script" -Module "$manifest" "$@" \
        <"$work/host.in" >"$host_out" 2>&1 &
    host_pid=$!
    pids+=("$host_pid")
    exec 4>"$work/host.in"
    for _ in $(seq 600); do grep -q '^READY' "$host_out" && break; sleep 0.1; done
    grep -q '^READY' "$host_out" || { cat "$host_out" >&2; echo "$bench: our servers did not start" >&2; exit 1; }
}

# start_nginx HTTP_LINES SERVER_LINES: nginx on a loopback high port, one worker per core, keep-alive without limit (so
# no reply carries "Connection: close"), no log; HTTP_LINES go into its http block, SERVER_LINES into its server.
# Sets nginx_port and nginx_pid once it accepts connections (at most 5 s).
start_nginx() {
    nginx_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
$1
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
$2
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' </dev/null >>"$work/nginx/stdout.log" 2>&1 &
    nginx_pid=$!
    pids+=("$nginx_pid")
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nginx_port") 2>/dev/null && break; sleep 0.05; done
}

# CPU seconds (user + system) process PID has used, from /proc/PID/stat (utime and stime, in clock ticks).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"; }

# wrk_run WARMUP SECONDS PID WRK_OPTION... URL: wrk for WARMUP seconds untimed (start-up, JIT and first calls are not
# counted; 0 skips it), then for SECONDS, each run bounded by timeout. Prints the timed run's output, then
# "WRK_CPU <s>", the CPU seconds wrk itself used (to compare the clients' cost per request), and, unless PID is 0,
# "SERVER_CPU <s>", those process PID (the server) used during the timed run.
wrk_run() {
    local warmup="$1" seconds="$2" server="$3" before
    shift 3
    if (( warmup > 0 )); then timeout $(( warmup + 30 )) wrk -d "${warmup}s" "$@" >/dev/null; fi
    [[ $server == 0 ]] || before="$(cpu_seconds "$server")"
    # In a subshell of its own, whose children's times (bash's `times`, second line) are then wrk's alone; `times` runs
    # in that subshell itself (not in a pipeline, which would be a subshell without children).
    (
        timeout $(( seconds + 30 )) wrk -d "${seconds}s" "$@"
        times >"$work/wrk.times"
    )
    awk 'NR == 2 { total = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] } print "WRK_CPU", total }' "$work/wrk.times"
    [[ $server == 0 ]] || echo "SERVER_CPU $(awk -v a="$before" -v b="$(cpu_seconds "$server")" 'BEGIN { print b - a }')"
}
