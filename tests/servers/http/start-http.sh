#!/usr/bin/env bash
# start-http.sh FOLDER [BIG_MIB]: the HTTP client's real servers on 127.0.0.1, each on a free high port, everything in
# FOLDER: nginx serving FOLDER/www over http (static files, redirects, gzip) and over https with the test CA's
# certificate (tests/servers/tls/make-pki.sh) and HTTP/2, and httpbin (Debian's python3-httpbin) under gunicorn,
# threaded so that a client's connection is kept alive between requests, for the book's chapter 9 endpoints.
# BIG_MIB > 0 adds www/big.bin of that many MiB (the bench's download). Writes FOLDER/ports.env (http=, https=,
# httpbin=) once every port takes connections, prints it, then waits; kill it (or its process group) to stop them all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mkdir -p "${1:?usage: start-http.sh FOLDER [BIG_MIB]}" && cd "$1" && pwd)
big=${2:-0}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
[ -f "$dir/ca.crt" ] || bash "$here/../tls/make-pki.sh" "$dir" >/dev/null
cd "$dir"
rm -f ports.env

mkdir -p www/dir nginx
printf 'hello from nginx\n' >www/small.txt
python3 -c 'import sys; sys.stdout.write("".join("line %05d of a text that compresses well\n" % i for i in range(2000)))' >www/text.txt
printf '<!DOCTYPE html><html><head><title>Static</title></head><body><a href="small.txt">small</a></body></html>\n' >www/index.html
head -c 1048576 /dev/urandom >www/random.bin
# nginx's worker runs as nobody when started by root: it must be able to reach and read the files.
chmod a+x "$dir" && chmod -R a+rX www
if [ "$big" -gt 0 ] && [ ! -s www/big.bin ]; then truncate -s "$((big * 1048576))" www/big.bin && chmod a+r www/big.bin; fi

read -r -a ports <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
http=${ports[0]} https=${ports[1]} httpbin=${ports[2]}

site() {
  cat <<CONF
        root $dir/www;
        gzip on;
        gzip_min_length 100;
        gzip_types text/plain application/json;
        keepalive_requests 100000;
        location = /moved { return 301 /small.txt; }
        location = /found { return 302 /small.txt; }
        location = /see-other { return 303 /small.txt; }
        location = /temporary { return 307 /small.txt; }
        location = /permanent { return 308 /small.txt; }
        location = /loop { return 302 /loop; }
        location = /to-https { return 302 https://127.0.0.1:$https/small.txt; }
CONF
}
cat >nginx/nginx.conf <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    include /etc/nginx/mime.types;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    server {
        listen 127.0.0.1:$http;
$(site)
    }
    server {
        listen 127.0.0.1:$https ssl http2;
        ssl_certificate $dir/valid.fullchain.pem;
        ssl_certificate_key $dir/valid.key;
        ssl_protocols TLSv1.2 TLSv1.3;
$(site)
    }
}
CONF
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" -g 'daemon off;' </dev/null >>nginx/stdout.log 2>&1 &
pids+=($!)
# /usr/bin/python3's gunicorn with Debian's httpbin; threads keep a client's connection alive between requests.
/usr/bin/gunicorn -b "127.0.0.1:$httpbin" --worker-class gthread --workers 1 --threads 8 --keep-alive 30 \
  --error-logfile "$dir/gunicorn.log" httpbin:app </dev/null >>"$dir/gunicorn.log" 2>&1 &
pids+=($!)

for port in "$http" "$https" "$httpbin"; do
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port did not open; see $dir/nginx/error.log, $dir/gunicorn.log" >&2; exit 1; }
done
printf 'http=%s\nhttps=%s\nhttpbin=%s\n' "$http" "$https" "$httpbin" >ports.env.tmp
mv ports.env.tmp ports.env
cat ports.env
wait
