#!/usr/bin/env bash
# Runs PostgreSQL 15 in the foreground on a cluster of its own in $1, as the postgres user (initdb and postgres
# refuse root), creating the cluster at the first start. The superuser's password comes in $POSTGRES_PASSWORD.
set -euo pipefail
data=$1 port=$2
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

# fsync off: local data is throwaway. Terse errors: a unique-key error's DETAIL would quote a patient's email address.
exec "${as_postgres[@]}" "$bin/postgres" -D "$data" -p "$port" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300 -c fsync=off \
    -c log_error_verbosity=terse
