#!/usr/bin/env bash
# Month end under load (issue 13): serves the demo (release build) on the embedded SQLite and then
# on a PostgreSQL server this script installs and starts (Scripts/postgres.sh), and on each runs
# Scripts/bench-reporting.py: a lone submitter (the yardstick), then N submitters at once for N in
# COUNTS, each saving its own share ROUNDS times (successes, failures, p50/p99), then ratings sent
# while the office re-imports a year's provincial progress (their p50 and maximum). A benchmark:
# it prints figures and judges nothing.
# Usage: Scripts/bench-reporting.sh [ROUNDS] [COUNTS…]   (default: 5 16 64)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${1:-5}; shift || true
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(16 64)
swift build -c release --product minsheng 2>&1 | tail -n 1
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; stop_postgres 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
source "$root/Scripts/postgres.sh"

bench() { # $1 label; DATABASE_URL set or not
  local label=$1 port data="$work/data-$1"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  MINSHENG_TRUSTED_PROXIES=127.0.0.1 LOG_LEVEL=warning .build/release/minsheng serve --demo --port "$port" --data-dir "$data" >"$work/server-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local result
  result=$(python3 Scripts/bench-reporting.py "http://127.0.0.1:$port" Sources/MinshengData/Demo/Resources/progress-shaoyang-2024-province.csv "$rounds" "${counts[@]}")
  kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=
  python3 - "$label" "$result" <<'PY'
import json, sys
label, r = sys.argv[1], json.loads(sys.argv[2])
print(f"== {label}（计划 {r['plan']}，表中 {r['shares_on_grid']} 个填报格，每人保存 {r['rounds']} 次）")
def line(name, x):
    print(f"{name}：保存 {x['saves']} 次，成功 {x['successes']}，失败 {x['failures']} {x['failures_by_status'] or ''}，"
          f"p50 {x['p50_ms']} ms，p99 {x['p99_ms']} ms，用时 {x['seconds']} 秒")
line("单人（参照）", r["alone"])
for x in r["concurrent"]:
    line(f"{x['submitters']} 人同时", x)
i, q, d = r["import"], r["rating_quiet"], r["rating_during_import"]
for n, run in enumerate(i["runs"], 1):
    print(f"全年进度重新导入（第 {n} 次）：{i['rows']} 行，{run['seconds']} 秒，状态 {run['status']}：{run['message']}")
print(f"评价响应：平时 p50 {q['p50_ms']} ms、最长 {q['max_ms']} ms（参照，{q['n']} 次）；"
      f"导入期间 p50 {d['p50_ms']} ms、p99 {d['p99_ms']} ms、最长 {d['max_ms']} ms，超过 1 秒 {d['over_1s']} 次"
      f"（共 {d['n']} 次，状态 {d['statuses']}）")
PY
}

unset DATABASE_URL
bench SQLite
if start_postgres "$work"; then
  DATABASE_URL="$PG_URL" bench PostgreSQL
  stop_postgres
fi
