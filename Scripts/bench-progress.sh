#!/usr/bin/env bash
# The progress benchmark of issue 3 on SQLite and then on a PostgreSQL server this script starts:
# a province-sized programme imported and tabled, with a plain SQL aggregate as the yardstick.
# Usage: Scripts/bench-progress.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
swift build -c release --product minsheng 2>&1 | tail -n 1
echo "== SQLite"
.build/release/minsheng bench progress --runs "$runs"
echo "== PostgreSQL"
logs=$(mktemp -d)
source Scripts/postgres.sh
if start_postgres "$logs"; then
  DATABASE_URL="$PG_URL" .build/release/minsheng bench progress --runs "$runs"
fi
