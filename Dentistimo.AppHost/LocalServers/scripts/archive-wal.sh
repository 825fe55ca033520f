#!/usr/bin/env bash
# PostgreSQL's archive_command (run as the postgres user): copies the completed WAL segment $1 (%p), named $2 (%f),
# zstd-compressed into the archive folder $3. Segments are kept only from the cluster's first base backup on (the
# backup leaves a marker): before that none could ever be replayed, and a server nobody backs up would fill the disk.
set -euo pipefail
segment=$1 name=$2 archive=$3

[ -e "$archive/.base-backup-taken" ] || exit 0
# A segment already archived is never overwritten: the server retries and says so in its log instead of losing one.
[ ! -e "$archive/$name.zst" ]
# Copied under a side name and renamed when complete, so a crash mid-copy never leaves a truncated segment.
# Fast and at the lowest priority: under load a 16 MB segment fills every few seconds.
nice -n 19 zstd -1 -q -c "$segment" > "$archive/.$name.copying"
mv "$archive/.$name.copying" "$archive/$name.zst"
