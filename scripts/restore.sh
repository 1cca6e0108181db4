#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database.
#   scripts/restore.sh FILE.dump     (DATABASE_URL names the new, empty database)
# Then run `python manage.py migrate` (a no-op when the code matches the dump) and check /healthz.
set -euo pipefail
dump=${1:?usage: scripts/restore.sh FILE.dump}
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$dump"
media=${dump%.dump}.media.tar.gz
if [ -f "$media" ] && [ -n "${MEDIA_ROOT:-}" ]; then
  mkdir -p "$MEDIA_ROOT" && tar -xzf "$media" -C "$MEDIA_ROOT"
fi
echo "restored $dump"
