#!/usr/bin/env bash
# Installs headless Chromium (Debian's chromium), which the tests use to check that hostile text
# on the public pages stays inert in a real browser, when it is missing. Called by the tests
# themselves and by .ci/run.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then echo "chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null 2>&1
