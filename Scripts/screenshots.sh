#!/usr/bin/env bash
# Screenshots of the pages for review, at 1366 px and 390 px wide, with headless Chromium.
# Signs in with curl, saves each page with the stylesheet inlined, and renders the saved file
# (headless Chromium has no way to take a cookie on its command line).
# Usage: Scripts/screenshots.sh [BASE_URL] [USERNAME] [PASSWORD] [OUT_DIR] [PATH...]
set -euo pipefail
base=${1:-http://127.0.0.1:8080}; user=${2:-admin}; pass=${3:-minsheng2024}; out=${4:-/tmp/minsheng-shots}
shift $(( $# < 4 ? $# : 4 ))
paths=("$@"); [ ${#paths[@]} -gt 0 ] || paths=(/login / /plans /plans/1 /admin/regions /admin/accounts /account/password /nope)
mkdir -p "$out"; jar="$out/cookies"; rm -f "$jar"
css="$out/app.css"; curl -s "$base/assets/app.css" > "$css"
signed=""  # the sign-in form takes no token: it checks that it is posted from this site
for p in "${paths[@]}"; do
  name=$(echo "$p" | sed 's#[/?=&]#_#g; s/^_*//'); [ -n "$name" ] || name=home
  if [ "$p" = /login ]; then page=$(curl -s "$base/login"); else
    [ -z "$signed" ] && curl -s -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" --data-urlencode "username=$user" --data-urlencode "password=$pass" "$base/login" && signed=1
    page=$(curl -s -b "$jar" -c "$jar" "$base$p"); fi
  echo "$page" | sed "s#/assets/app.css#file://$css#" > "$out/$name.html"
  for w in 1366 390; do
    chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=$w,${SHOT_HEIGHT:-1000} \
      --screenshot="$out/$name-$w.png" "file://$out/$name.html" >/dev/null 2>&1 || true
  done
  echo "$out/$name-1366.png"
done
