#!/usr/bin/env bash
# What the test suite needs beyond Python: installs the missing Debian packages when run as root
# (apt-get), installs axe-core with npm, and fails loudly, naming what is missing, otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v msgfmt >/dev/null || need_apt+=(gettext)
command -v chromium >/dev/null || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v npm >/dev/null || need_apt+=(npm)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v pg_dump >/dev/null || need_apt+=(postgresql-client)
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep -q "libcairo.so.2 " || need_apt+=(libcairo2)  # CairoSVG: the PNG charts, the Word charts
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "The tests need these Debian packages: ${need_apt[*]}" >&2
    echo "Install them with: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
