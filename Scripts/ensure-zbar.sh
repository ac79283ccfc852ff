#!/usr/bin/env bash
# Installs zbarimg (Debian's zbar-tools), the independent QR decoder the tests check our QR codes
# with, when it is missing. Called by the tests themselves and by .ci/run.
set -euo pipefail
command -v zbarimg >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then echo "zbarimg is missing: run 'sudo apt-get install zbar-tools'" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq zbar-tools >/dev/null
command -v zbarimg >/dev/null 2>&1
