#!/usr/bin/env bash
# Installs LibreOffice Writer (headless) and poppler-utils, with which the tests convert our .docx
# and .xlsx files to PDF and count their pages. Called by the tests themselves and by .ci/run.
set -euo pipefail
command -v soffice >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then echo "soffice is missing: run 'sudo apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk'" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-noto-cjk >/dev/null
command -v soffice >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1
