#!/usr/bin/env bash
# Loket restore drill: proves a backup made by deploy/backup.sh can be restored, without
# touching the live database. Run it monthly, and after every upgrade.
#
#   deploy/restore-drill.sh [BACKUP_FOLDER]      # default: the newest in LOKET_BACKUP_DIR
#
# It checks the checksums, restores the dump into a scratch database on the server named by
# DATABASE_URL (LOKET_DRILL_DATABASE, default loket_restore_drill; dropped and created again,
# never the database DATABASE_URL names), runs `loket migrate --check` on it (the schema
# matches this code), compares the row counts with the backup's manifest, unpacks the files
# and checks that every document row has its file, then prints the figures and drops the
# scratch database (LOKET_DRILL_KEEP=1 keeps it for a look). Exit 0 only if every check
# passed; each failure is named on its own line.
#
# Environment: DATABASE_URL (required), LOKET_BACKUP_DIR, LOKET_DRILL_DATABASE,
# LOKET_DRILL_KEEP, LOKET (the loket command; default: `loket` on PATH, else
# /opt/loket/.venv/bin/loket).
set -euo pipefail

die() { echo "drill: ERROR: $*" >&2; exit 1; }

: "${DATABASE_URL:?drill: DATABASE_URL is not set (the PostgreSQL server to restore on)}"
for tool in pg_restore psql sha256sum tar; do command -v "$tool" >/dev/null || die "$tool not found"; done
loket=${LOKET:-$(command -v loket || echo /opt/loket/.venv/bin/loket)}
[ -x "$loket" ] || die "the loket command was not found (set LOKET=/path/to/loket)"

backup=${1:-}
if [ -z "$backup" ]; then
  backup_dir=${LOKET_BACKUP_DIR:-/var/backups/loket}
  backup=$(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '20*Z' | sort | tail -1)
  [ -n "$backup" ] || die "no backup found in $backup_dir"
fi
[ -f "$backup/MANIFEST" ] || die "$backup is not a backup folder (no MANIFEST)"

scratch=${LOKET_DRILL_DATABASE:-loket_restore_drill}
[[ "$scratch" =~ ^[a-z_][a-z0-9_]*$ ]] || die "LOKET_DRILL_DATABASE must be a plain lower-case name"
# The same server and credentials as DATABASE_URL, another database name (query kept).
base=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$base"}
server=${base%/*}
live=${base##*/}
[ "$scratch" != "$live" ] || die "the scratch database must not be the live one ($live)"
scratch_url="$server/$scratch$query"
admin_url="$server/postgres$query"

failures=()
fail() { echo "drill: FAILED: $*"; failures+=("$*"); }
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  if [ "${LOKET_DRILL_KEEP:-0}" != 1 ]; then
    psql "$admin_url" -X -q -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "drill: backup $backup"
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || die "checksums do not match: the backup is damaged"

PGOPTIONS="-c client_min_messages=warning" psql "$admin_url" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" \
  -c "CREATE DATABASE $scratch" >/dev/null
started=$(date +%s.%N)
pg_restore --exit-on-error --no-owner --no-privileges --jobs 2 --dbname "$scratch_url" "$backup/loket.dump" \
  || die "pg_restore failed: the dump cannot be restored"
restore_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
db_bytes=$(psql "$scratch_url" -X -A -t -c "SELECT pg_database_size(current_database())")

if DATABASE_URL="$scratch_url" LOKET_DATA_DIR="$work/data" "$loket" migrate --check --verbosity 0 >"$work/migrate.txt" 2>&1; then
  schema="up to date with this code"
else
  schema="migrations pending (or the check failed): $(tail -1 "$work/migrate.txt")"
  fail "loket migrate --check: $schema"
fi

echo "drill: rows (restored; at backup: before..after the dump)"
while read -r _ table before after; do
  restored=$(psql "$scratch_url" -X -A -t -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM $table") \
    || { fail "table $table missing"; continue; }
  printf 'drill:   %-26s %9s   (%s..%s)\n' "$table" "$restored" "$before" "$after"
  if [ "$restored" -lt "$before" ] || [ "$restored" -gt "$after" ]; then
    fail "$table has $restored rows, the backup counted $before..$after"
  fi
done < <(grep '^rows ' "$backup/MANIFEST")

mkdir -p "$work/media"
tar -C "$work/media" -xzf "$backup/media.tar.gz" || fail "the files archive cannot be unpacked"
files=$(find "$work/media" -type f | wc -l)
expected_files=$(awk '$1 == "files" {print $2}' "$backup/MANIFEST")
[ "$files" = "$expected_files" ] || fail "the archive holds $files files, the manifest says $expected_files"
# Every document row that names a file finds it (a bucket copy unpacks under media/).
root="$work/media"
[ "$(awk '$1 == "files_from" {print $2}' "$backup/MANIFEST")" = s3 ] && root="$work/media/media"
documents=0
missing=0
while IFS= read -r name; do
  documents=$((documents + 1))
  [ -f "$root/$name" ] || missing=$((missing + 1))
done < <(psql "$scratch_url" -X -A -t -v ON_ERROR_STOP=1 -c "SELECT file FROM cases_document WHERE file <> ''")
[ "$missing" -eq 0 ] || fail "$missing of $documents document files are missing from the archive"

echo "drill: figures"
echo "drill:   dump           $(stat -c %s "$backup/loket.dump") bytes; files archive $(stat -c %s "$backup/media.tar.gz") bytes"
echo "drill:   restored in    ${restore_seconds}s into $scratch ($db_bytes bytes)"
echo "drill:   schema         $schema"
echo "drill:   files          $files in the archive; $documents document rows, $missing missing"
if [ "${#failures[@]}" -gt 0 ]; then
  echo "drill: ${#failures[@]} check(s) FAILED"
  exit 1
fi
echo "drill: OK: the backup restores and is complete"
