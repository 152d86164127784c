#!/usr/bin/env bash
# Loket backup: one pg_dump (custom format) of the database, then the residents' files (the
# media folder, or the S3 bucket when LOKET_S3_BUCKET is set), a manifest with row and file
# counts for the restore drill to compare against, and checksums. Old backups are pruned.
#
#   deploy/backup.sh                     # reads DATABASE_URL, LOKET_* from the environment
#   systemctl start loket-backup         # the same, with /etc/loket/loket.env
#
# Environment: DATABASE_URL (required, PostgreSQL), LOKET_BACKUP_DIR (/var/backups/loket),
# LOKET_BACKUP_KEEP_DAYS (14), LOKET_MEDIA_DIR (LOKET_DATA_DIR/media), LOKET_S3_BUCKET,
# LOKET_S3_ENDPOINT_URL, LOKET_S3_REGION (and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
# Prints one line per step and the figures; exits non-zero on any failure (the timer's unit
# then shows failed, and the previous backups are left alone).
#
# Order: the dump first, then the files. A file written after the dump is extra (harmless);
# a file removed between the two (the retention purge) is reported missing by the drill.
set -euo pipefail
umask 077

die() { echo "backup: ERROR: $*" >&2; exit 1; }

: "${DATABASE_URL:?backup: DATABASE_URL is not set (PostgreSQL connection URL)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) die "DATABASE_URL is not PostgreSQL; for SQLite copy the file with 'sqlite3 loket.sqlite3 .backup'" ;;
esac
command -v pg_dump >/dev/null || die "pg_dump not found (apt-get install postgresql-client)"

backup_dir=${LOKET_BACKUP_DIR:-/var/backups/loket}
keep_days=${LOKET_BACKUP_KEEP_DAYS:-14}
data_dir=${LOKET_DATA_DIR:-./var}
media_dir=${LOKET_MEDIA_DIR:-$data_dir/media}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest="$backup_dir/$stamp"
partial="$dest.partial"

mkdir -p "$backup_dir"
rm -rf "$partial"
mkdir "$partial"
trap 'rm -rf "$partial"' EXIT

# Rows of the main tables just before and just after the dump: the restored database must
# hold a count between the two (restore-drill.sh checks it; writes go on during the dump).
count_rows() {
  psql "$DATABASE_URL" -X -A -t -F ' ' -v ON_ERROR_STOP=1 -c "
    SELECT 'cases_case', count(*) FROM cases_case UNION ALL
    SELECT 'cases_document', count(*) FROM cases_document UNION ALL
    SELECT 'cases_resident', count(*) FROM cases_resident UNION ALL
    SELECT 'whatsapp_inboundmessage', count(*) FROM whatsapp_inboundmessage UNION ALL
    SELECT 'whatsapp_outboundmessage', count(*) FROM whatsapp_outboundmessage"
}

started=$(date +%s)
counts_before=$(count_rows)
echo "backup: dumping the database"
# --serializable-deferrable: a snapshot that waits for no conflicting writer, never aborts.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --serializable-deferrable \
  --file "$partial/loket.dump" "$DATABASE_URL"

counts_after=$(count_rows)

if [ -n "${LOKET_S3_BUCKET:-}" ]; then
  files_kind=s3
  echo "backup: copying bucket s3://$LOKET_S3_BUCKET"
  s3_args=()
  [ -n "${LOKET_S3_ENDPOINT_URL:-}" ] && s3_args+=(--endpoint-url "$LOKET_S3_ENDPOINT_URL")
  [ -n "${LOKET_S3_REGION:-}" ] && s3_args+=(--region "$LOKET_S3_REGION")
  if command -v aws >/dev/null; then
    aws "${s3_args[@]}" s3 sync --only-show-errors "s3://$LOKET_S3_BUCKET" "$partial/media"
  elif command -v rclone >/dev/null; then
    # rclone reads the same AWS_* variables with an on-the-fly remote.
    rclone sync ":s3,provider=Other,env_auth=true${LOKET_S3_ENDPOINT_URL:+,endpoint=$LOKET_S3_ENDPOINT_URL}:$LOKET_S3_BUCKET" \
      "$partial/media"
  else
    die "LOKET_S3_BUCKET is set but neither aws (awscli) nor rclone is installed"
  fi
  mkdir -p "$partial/media"
  tar -C "$partial" -czf "$partial/media.tar.gz" media
  rm -rf "$partial/media"
else
  files_kind=media
  echo "backup: archiving $media_dir"
  if [ -d "$media_dir" ]; then
    tar -C "$media_dir" -czf "$partial/media.tar.gz" .
  else
    echo "backup: no media folder at $media_dir (no files yet): an empty archive"
    tar -czf "$partial/media.tar.gz" -T /dev/null
  fi
fi
files=$(tar -tzf "$partial/media.tar.gz" | grep -vc '/$' || true)

{
  echo "created $stamp"
  echo "files_from $files_kind"
  echo "files $files"
  echo "dump_bytes $(stat -c %s "$partial/loket.dump")"
  echo "media_bytes $(stat -c %s "$partial/media.tar.gz")"
  join <(sort <<<"$counts_before") <(sort <<<"$counts_after") | sed 's/^/rows /'
} >"$partial/MANIFEST"
(cd "$partial" && sha256sum loket.dump media.tar.gz MANIFEST >SHA256SUMS)

mv "$partial" "$dest"
trap - EXIT
took=$(($(date +%s) - started))
echo "backup: done in ${took}s: $dest"
sed 's/^/backup:   /' "$dest/MANIFEST"

# Prune: complete backups older than LOKET_BACKUP_KEEP_DAYS (never the one just made).
find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime "+$keep_days" ! -path "$dest" -print \
  | while read -r old; do echo "backup: pruning $old"; rm -rf "$old"; done
