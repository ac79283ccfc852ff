#!/usr/bin/env bash
# Several servers, one database: two Minsheng servers on one PostgreSQL database and one files
# directory, behind nginx (round robin), then Scripts/cluster-test.py checks what must hold
# across them and prints its counts. Installs nginx and PostgreSQL with apt-get when missing.
# Usage: Scripts/cluster-test.sh [BINARY]   (default .build/debug/minsheng, built if missing)
# Exit code 0 when every check passes.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
binary=${1:-$root/.build/debug/minsheng}
work=$(mktemp -d /tmp/minsheng-cluster.XXXXXX)

if [ ! -x "$binary" ]; then swift build --product minsheng 2>&1 | tail -n 3; fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq nginx >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "cluster: nginx could not be installed"; exit 1; }

source "$root/Scripts/postgres.sh"
start_postgres "$work" || { echo "cluster: no PostgreSQL"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port_a=$(free_port); port_b=$(free_port); port_front=$(free_port)
# One secret for the instance, given to both servers (the test computes senders' keyed hashes with it).
secret=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
mkdir -p "$work/files"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT

serve() { # $1 port, $2 log, extra flags…
  local port=$1 log=$2; shift 2
  DATABASE_URL="$PG_URL" MINSHENG_SECRET="$secret" MINSHENG_TRUSTED_PROXIES=127.0.0.1 \
    MINSHENG_PUBLIC_URL="http://127.0.0.1:$port_front" \
    "$binary" serve --data-dir "$work/files" --port "$port" "$@" >"$log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}
wait_for() { # $1 port
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "cluster: the server on port $1 did not start"; return 1
}

# The first server migrates and loads the demo; the second starts on the database it made.
serve "$port_a" "$work/a.log" --demo
wait_for "$port_a" || { tail -n 20 "$work/a.log"; exit 1; }
serve "$port_b" "$work/b.log"
pid_b=$last_pid
wait_for "$port_b" || { tail -n 20 "$work/b.log"; exit 1; }

# Round robin over both; each simulated citizen's address comes in X-Test-Client (the servers
# trust the proxy's X-Forwarded-For). A POST that fails on a dead server is not sent again.
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  upstream minsheng {
    server 127.0.0.1:$port_a max_fails=1 fail_timeout=30s;
    server 127.0.0.1:$port_b max_fails=1 fail_timeout=30s;
  }
  server {
    listen 127.0.0.1:$port_front;
    location / {
      proxy_pass http://minsheng;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$http_x_test_client;
      proxy_next_upstream error timeout;
    }
  }
}
EOF
"$nginx_bin" -c "$work/nginx.conf" || { cat "$work/nginx-error.log"; exit 1; }

python3 "$root/Scripts/cluster-test.py" --a "http://127.0.0.1:$port_a" --b "http://127.0.0.1:$port_b" \
  --front "http://127.0.0.1:$port_front" --pg "$PG_URL" --secret "$secret" --kill-pid "$pid_b"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "-- server A log (last lines)"; tail -n 15 "$work/a.log"
  echo "-- server B log (last lines)"; tail -n 15 "$work/b.log"
fi
exit "$rc"
