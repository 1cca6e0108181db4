#!/usr/bin/env bash
# Back up the PostgreSQL database and the uploaded files.
#   scripts/backup.sh DIR            (DATABASE_URL and MEDIA_ROOT from the environment)
# Writes DIR/carec-YYYYmmdd-HHMMSS.dump (pg_dump custom format) and .media.tar.gz.
set -euo pipefail
dir=${1:?usage: scripts/backup.sh DIR}
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
mkdir -p "$dir"
stamp=$(date -u +%Y%m%d-%H%M%S)
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dir/carec-$stamp.dump"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$dir/carec-$stamp.media.tar.gz" -C "$MEDIA_ROOT" .
fi
echo "$dir/carec-$stamp.dump"
