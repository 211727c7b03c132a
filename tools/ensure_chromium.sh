#!/bin/sh
# The lab's browser tests drive Debian's chromium (never a downloaded browser). Install
# the package when it is absent: as root with apt-get, else through sudo; say how if neither.
set -e
CHROMIUM="${COLLSEC_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
echo "collsec: installing Debian's chromium for the lab's browser tests (apt-get install chromium)" >&2
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "collsec: no chromium at $CHROMIUM and no way to install it: run 'apt-get install chromium' as root" >&2
  exit 1
fi
[ -x "$CHROMIUM" ] || { echo "collsec: chromium was not installed at $CHROMIUM" >&2; exit 1; }
