#!/usr/bin/env bash
# PostgreSQL's restore_command during a point-in-time recovery (run as the postgres user): unpacks the archived WAL
# file named $1 (%f) from the archive folder $3 to $2 (%p). It fails for a file the archive does not hold, which is
# how the recovery learns that it reached the archive's end.
set -euo pipefail
name=$1 target=$2 archive=$3

[ -e "$archive/$name.zst" ]
zstd -d -q -c "$archive/$name.zst" > "$target"
