#!/usr/bin/env bash
# 亮码评价 under load (issue 6): serves the demo (release build, embedded SQLite unless DATABASE_URL is
# set), sends N ratings and opinions from a bounded local load generator (Scripts/bench-feedback.py)
# while other threads read the public page, then compares the database's counts with what the
# server accepted. Prints figures, including the page's p99 before (the yardstick) and during the
# burst. A benchmark: it prints figures; the count comparison is its only verdict.
# Usage: Scripts/bench-feedback.sh [N] [WORKERS] [READERS]
set -uo pipefail
cd "$(dirname "$0")/.."
total=${1:-10000}; workers=${2:-16}; readers=${3:-4}
swift build -c release --product minsheng 2>&1 | tail -n 1
work=$(mktemp -d); trap 'kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
MINSHENG_TRUSTED_PROXIES=127.0.0.1 LOG_LEVEL=warning .build/release/minsheng serve --demo --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
path="/p/1/6"

count() { # prints "all ratings opinions" from the feedback table
  if [ -n "${DATABASE_URL:-}" ]; then
    psql "$DATABASE_URL" -Atc "SELECT COUNT(*), COUNT(rating), COUNT(body) FROM feedback" | tr '|' ' '
  else
    python3 - "$work/data/minsheng.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("SELECT COUNT(*), COUNT(rating), COUNT(body) FROM feedback").fetchone())
PY
  fi
}
read -r before_all before_ratings before_opinions < <(count)
result=$(python3 Scripts/bench-feedback.py "http://127.0.0.1:$port" "$path" "$total" "$workers" "$readers")
read -r after_all after_ratings after_opinions < <(count)
echo "$result"
python3 - "$result" "$before_all" "$before_ratings" "$before_opinions" "$after_all" "$after_ratings" "$after_opinions" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
b_all, b_rat, b_op, a_all, a_rat, a_op = map(int, sys.argv[2:])
acc = r["accepted"]
print(f"发送 {r['sent']} 条，用时 {r['seconds']} 秒（每秒 {r['per_second']} 条）；状态码 {r['statuses']}")
print(f"服务器接受 {acc['all']} 条（含评价 {acc['ratings']}、意见 {acc['opinions']}）；"
      f"数据库新增 {a_all - b_all} 条（评价 {a_rat - b_rat}、意见 {a_op - b_op}）")
print(f"项目页面 p99：平时 {r['page_quiet']['p99_ms']} ms（{r['page_quiet']['reads']} 次读取，参照）；"
      f"评价高峰期间 {r['page_during']['p99_ms']} ms（{r['page_during']['reads']} 次读取，p50 {r['page_during']['p50_ms']} ms）")
same = (a_all - b_all, a_rat - b_rat, a_op - b_op) == (acc["all"], acc["ratings"], acc["opinions"])
print("数据库与接受数一致：无丢失、无重复" if same else "数据库与接受数不一致！")
sys.exit(0 if same else 1)
PY
