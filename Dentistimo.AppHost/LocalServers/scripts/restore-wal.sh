#!/usr/bin/env bash
# PostgreSQL's restore_command: unpacks WAL file $1 (%f) from the archive $3 to $2 (%p). Failing for a file the archive
# lacks is how a recovery learns it reached the archive's end.
set -euo pipefail
name=$1 target=$2 archive=$3

[ -e "$archive/$name.zst" ]
zstd -d -q -c "$archive/$name.zst" > "$target"
