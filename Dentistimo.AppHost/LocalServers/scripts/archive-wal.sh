#!/usr/bin/env bash
# PostgreSQL's archive_command: compresses WAL segment $1 (%p), named $2 (%f), into the archive $3. Nothing is kept
# before the first base backup leaves its marker: none of it could be replayed, and it would fill the disk.
set -euo pipefail
segment=$1 name=$2 archive=$3

[ -e "$archive/.base-backup-taken" ] || exit 0
# Never overwrite an archived segment: the server retries and logs it instead of losing one.
[ ! -e "$archive/$name.zst" ]
# Renamed when complete, so a crash never leaves a truncated segment; fast and low-priority, as they come often.
nice -n 19 zstd -1 -q -c "$segment" > "$archive/.$name.copying"
mv "$archive/.$name.copying" "$archive/$name.zst"
