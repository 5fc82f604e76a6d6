#!/bin/bash
# Creates a fresh venv at $1 and pip-installs ./python into it offline, bundling the library
# $2 (AGENTHOST_C_LIBRARY). --system-site-packages: Debian's venv has pip and setuptools but
# not wheel (bdist_wheel), which --no-build-isolation takes from python3-wheel.
set -euo pipefail
venv=$1 library=$(realpath "$2") source=$(cd "$(dirname "$0")/../../python" && pwd)
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
AGENTHOST_C_LIBRARY=$library "$venv/bin/pip" install --quiet --no-index --no-build-isolation \
  --no-cache-dir "$source"
cd /   # import from the venv, not from the source tree
"$venv/bin/python" -c 'import agenthost, sys; print("agenthost", agenthost.__version__, agenthost.__file__)'
