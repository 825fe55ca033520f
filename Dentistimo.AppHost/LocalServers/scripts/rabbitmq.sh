#!/usr/bin/env bash
# Runs RabbitMQ 3.10 with its management plugin in the foreground as a node of its own, every file under $1.
# The node registers with the epmd the AppHost runs on $ERL_EPMD_PORT, so no epmd daemon outlives the AppHost.
set -euo pipefail
home=$1 amqp_port=$2 management_port=$3 dist_port=$4
mkdir -p "$home/mnesia" "$home/log"
cat > "$home/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
default_user = $RABBITMQ_USER
default_pass = $RABBITMQ_PASSWORD
default_user_tags.administrator = true
loopback_users = none
CONF
echo '[rabbitmq_management].' > "$home/enabled_plugins"
: > "$home/rabbitmq-env.conf" # instead of Debian's default node's /etc/rabbitmq/rabbitmq-env.conf

export RABBITMQ_NODENAME=dentistimo@localhost RABBITMQ_DIST_PORT=$dist_port \
    RABBITMQ_CONF_ENV_FILE=$home/rabbitmq-env.conf RABBITMQ_CONFIG_FILE=$home/rabbitmq.conf \
    RABBITMQ_ENABLED_PLUGINS_FILE=$home/enabled_plugins RABBITMQ_MNESIA_BASE=$home/mnesia \
    RABBITMQ_LOG_BASE=$home/log RABBITMQ_LOGS=- RABBITMQ_PID_FILE=$home/rabbitmq.pid ERL_CRASH_DUMP=$home/erl_crash.dump \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# For every Erlang VM started from here: the node, and the one it starts every minute "to keep epmd alive", which would
# otherwise start an epmd daemon on $ERL_EPMD_PORT whenever it finds the AppHost's gone (while the AppHost stops, say).
export ERL_FLAGS="-start_epmd false"
exec /usr/lib/rabbitmq/bin/rabbitmq-server
