# Sourced by .ci/run and the benchmark script: installs PostgreSQL with apt-get when missing,
# starts a server owned by this shell on a free local port with an empty database, and stops
# it when the shell exits. On success `start_postgres` sets PG_URL and returns 0.
# Usage: source Scripts/postgres.sh; start_postgres LOGDIR || echo "no PostgreSQL"
start_postgres() {
  local logs=$1 pg_bin port
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then echo "PostgreSQL could not be installed"; return 1; fi
  PG_DIR=$(mktemp -d /tmp/minsheng-pg.XXXXXX)
  PG_BIN=$pg_bin
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  AS_PG=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    AS_PG=(runuser -u postgres --)
  fi
  trap stop_postgres EXIT
  if "${AS_PG[@]}" "$pg_bin/initdb" -D "$PG_DIR/data" -A trust -U minsheng -E UTF8 --locale=C.UTF-8 >"$logs/initdb.log" 2>&1 \
    && "${AS_PG[@]}" "$pg_bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
         -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    && "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U minsheng minsheng_test; then
    PG_URL="postgres://minsheng@127.0.0.1:$port/minsheng_test?sslmode=disable"
    return 0
  fi
  echo "could not start PostgreSQL"; cat "$logs/initdb.log" "$PG_DIR/server.log" 2>/dev/null | tail -n 20
  return 1
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=
}
