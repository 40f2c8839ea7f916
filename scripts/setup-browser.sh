#!/bin/sh
# Installs Debian's Chromium for the renderer's browser tests (test/renderer/), unless present.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update
$SUDO apt-get install -y -o DPkg::Lock::Timeout=600 chromium
