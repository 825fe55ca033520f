#!/usr/bin/env bash
# Runs PostgreSQL 15 in the foreground as the postgres user (initdb and postgres refuse root) on the cluster in $1,
# created at the first start, archiving its WAL under $3 for point-in-time recovery.
set -euo pipefail
data=$1 port=$2 backups=$3
here=$(cd "$(dirname "$0")" && pwd)
bin=/usr/lib/postgresql/15/bin
as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)

mkdir -p "$(dirname "$data")"
if [ ! -e "$data/PG_VERSION" ]; then
    echo "Creating a PostgreSQL cluster in $data..."
    staging="$data.initdb"
    rm -rf "$staging" && mkdir -p "$staging" && chown postgres:postgres "$staging"
    password_file=$(mktemp) && chown postgres "$password_file"
    printf '%s' "$POSTGRES_PASSWORD" > "$password_file"
    "${as_postgres[@]}" "$bin/initdb" --pgdata="$staging" --username=postgres --pwfile="$password_file" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
    rm -f "$password_file"
    mv "$staging" "$data"
fi
rm -f "$data/postmaster.pid" # left by a killed server; ours is the only one on this folder

# One archive per cluster, named by its system identifier: a new cluster's segments reuse an old one's names, while a
# cluster restored from a backup keeps the identifier and goes on in the same archive.
system_identifier=$(LC_ALL=C "$bin/pg_controldata" "$data" | sed -n 's/^Database system identifier: *//p')
wal_archive="$backups/wal/$system_identifier"
mkdir -p "$wal_archive" && chmod 755 "$backups" "$backups/wal" && chown postgres:postgres "$wal_archive"

# fsync off: local data is throwaway. Terse errors: a unique-key error's DETAIL would quote a patient's email address.
# archive_timeout keeps the archive at most about a minute behind; restore_command is read only by a recovery.
"${as_postgres[@]}" "$bin/postgres" -D "$data" -p "$port" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300 -c fsync=off \
    -c log_error_verbosity=terse \
    -c wal_level=replica -c archive_mode=on -c archive_timeout=60 \
    -c "archive_command=bash '$here/archive-wal.sh' %p %f '$wal_archive'" \
    -c "restore_command=bash '$here/restore-wal.sh' %f %p '$wal_archive'" &
postmaster=$!

# A stop is SIGTERM, which PostgreSQL takes as a smart shutdown: it waits for every client to leave, the services'
# pools and the AppHost's health checks among them, and was killed first, so every start began with crash recovery.
# SIGINT is its fast shutdown: clients are cut off and the cluster is left clean. SIGQUIT (a crash) passes through.
trap 'kill -INT "$postmaster"' TERM INT
trap 'kill -QUIT "$postmaster"' QUIT
# A trap ends a wait early; waiting again returns PostgreSQL's own exit status.
while true; do
    wait "$postmaster" && exit 0 || status=$?
    kill -0 "$postmaster" 2>/dev/null || exit "$status"
done
