#!/bin/sh
# Installs Debian's python3 and python3-numpy for the Python package's tests (python/tests,
# run by test/python/unittest.test.ts with /usr/bin/python3), unless they are present.
set -eu
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update
$SUDO apt-get install -y -o DPkg::Lock::Timeout=600 python3 python3-numpy
