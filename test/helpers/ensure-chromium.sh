#!/usr/bin/env bash
# npm test's first step: the dashboard's browser test drives Debian's Chromium (never a downloaded
# browser). Installs it when missing and this user may (root with apt-get); otherwise says how.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "npm test: installing Debian's chromium for the dashboard's browser test (once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  exit 0
fi
echo "npm test: the dashboard's browser test needs Debian's chromium at $CHROMIUM: sudo apt-get install chromium" >&2
exit 1
