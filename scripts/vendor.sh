#!/usr/bin/env bash
# The third-party files the site serves from static/vendor, taken from the npm releases pinned in
# package.json and package-lock.json, and their gzip and brotli copies, which WhiteNoise sends to
# the browsers that accept them (the copies are generated, never committed).
#   scripts/vendor.sh             copy the pinned releases into static/vendor (npm ci when needed), compress
#   scripts/vendor.sh --check     fail when static/vendor differs from the pinned releases
#   scripts/vendor.sh --compress  only write the compressed copies (what `make run` needs: no npm)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# source in node_modules -> served copy. plotly's basic bundle draws scatter and bar traces,
# the only ones our charts use (reports/dashboards/charts.py), at a quarter of the full bundle.
FILES=(
  "node_modules/plotly.js-basic-dist-min/plotly-basic.min.js static/vendor/plotly/plotly-basic.min.js"
  "node_modules/plotly.js-basic-dist-min/LICENSE static/vendor/plotly/LICENSE"
)

compress() {
  "$PY" -m whitenoise.compress --quiet static/vendor
}

case "${1:-}" in
  --check)
    status=0
    for pair in "${FILES[@]}"; do
      read -r source target <<<"$pair"
      cmp "$source" "$target" || { echo "$target is not the pinned release: run scripts/vendor.sh" >&2; status=1; }
    done
    exit $status
    ;;
  --compress)
    compress
    ;;
  "")
    if [ ! -d node_modules/plotly.js-basic-dist-min ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      npm ci --no-audit --no-fund --silent
    fi
    for pair in "${FILES[@]}"; do
      read -r source target <<<"$pair"
      mkdir -p "$(dirname "$target")"
      cp "$source" "$target"
    done
    compress
    ;;
  *)
    echo "usage: scripts/vendor.sh [--check|--compress]" >&2
    exit 2
    ;;
esac
