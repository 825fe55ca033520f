#!/usr/bin/env bash
# Installs the servers the AppHost runs as executables, where they are missing: Debian's PostgreSQL 15, Redis and
# RabbitMQ, and MailDev 2.2.1 from npm (pinned by the package-lock.json beside this script) into $1.
set -euo pipefail
maildev_dir=$1

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v npm >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/zstd ] || missing+=(zstd) # compresses the archived WAL

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages: ${missing[*]}. Install them with:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing ${missing[*]} with apt-get (a few minutes on a fresh machine)..."
    # Debian would start each package's default daemon on its default port; the AppHost runs its own.
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=true
    fi
    trap '$own_policy && rm -f "$policy"' EXIT
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -o DPkg::Lock::Timeout=300
    apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
fi

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$maildev_dir"
if ! cmp -s "$here/maildev/package-lock.json" "$maildev_dir/package-lock.json" || [ ! -e "$maildev_dir/node_modules/maildev/bin/maildev" ]; then
    echo "Installing MailDev 2.2.1 with npm into $maildev_dir..."
    cp "$here/maildev/package.json" "$here/maildev/package-lock.json" "$maildev_dir/"
    (cd "$maildev_dir" && npm ci --no-audit --no-fund)
fi
echo "PostgreSQL, Redis, RabbitMQ and MailDev are installed."
