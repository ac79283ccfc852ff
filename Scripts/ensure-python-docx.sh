#!/usr/bin/env bash
# Installs python-docx (PyPI), the independent .docx reader the tests read our bulletins back
# with, into a virtual environment outside the tree. Called by the tests themselves and by .ci/run.
# Prints nothing; the tests look for $MINSHENG_PYTOOLS/bin/python (default /tmp/minsheng-pytools).
set -euo pipefail
venv=${MINSHENG_PYTOOLS:-/tmp/minsheng-pytools}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import docx" 2>/dev/null; then exit 0; fi
python3 -m venv "$venv" >/dev/null
"$venv/bin/python" -m pip install -q --disable-pip-version-check "python-docx==1.1.2" >/dev/null
"$venv/bin/python" -c "import docx"
