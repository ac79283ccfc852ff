#!/usr/bin/env bash
# The public project page under load (issue 5): wrk on loopback against Minsheng serving /p/{project}/{region},
# and, in the same run, against nginx serving the same page saved as a static file. Prints requests per second
# and p99 latency for both and the page's weight. A benchmark: it prints figures and asserts nothing.
# Usage: Scripts/bench-public.sh [SECONDS] [CONNECTIONS]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}; connections=${2:-32}
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk nginx-light >/dev/null
fi
swift build -c release --product minsheng 2>&1 | tail -n 1
work=$(mktemp -d); trap 'kill $server_pid 2>/dev/null; nginx -c "$work/nginx.conf" -s stop 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
static_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
.build/release/minsheng serve --demo --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
path="/p/1/6"
mkdir -p "$work/www/p/1"
curl -s "http://127.0.0.1:$port$path" > "$work/www/p/1/6"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$static_port;
    root $work/www;
    default_type text/html;
    location / { try_files \$uri =404; }
  }
}
CONF
nginx -c "$work/nginx.conf"
echo "页面 $path：$(wc -c < "$work/www/p/1/6") 字节 HTML（另有样式表 $(curl -s "http://127.0.0.1:$port/assets/public.css" | wc -c) 字节，可缓存）"
run() { # $1 label, $2 url
  local out rps p99
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$1：每秒 $rps 个请求，p99 延迟 $p99" >&2
  echo "$rps"
}
minsheng=$(run "Minsheng" "http://127.0.0.1:$port$path")
static=$(run "nginx 静态文件（参照）" "http://127.0.0.1:$static_port$path")
python3 -c "print(f'Minsheng ÷ nginx = {float(\"$minsheng\") / float(\"$static\"):.2f}（目标 ≥ 0.5）')"
