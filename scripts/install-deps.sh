#!/usr/bin/env bash
# Installs what agenthost needs to build and test, from Debian 12 / Ubuntu packages.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config git
          libhiredis-dev libcurl4-openssl-dev libsimdjson-dev libfmt-dev catch2 libssl-dev
          libre2-dev redis-server redis-tools python3
          python3-venv python3-pip python3-setuptools python3-wheel python3-dev python3-redis
          python3-hiredis
          libpq-dev postgresql python3-prometheus-client
          clang clang-tidy clang-format libclang-rt-14-dev llvm)
# Node.js and npm for the interop suite's pinned npm packages (tests/interop): Debian's, unless
# the machine already has an npm (e.g. NodeSource's nodejs, which Debian's npm would conflict with).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The redis-server and postgresql packages may try to start a system service; agenthost's tests
# start their own (tests/support/pg_fixture.py runs PostgreSQL as the `postgres` user).
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
