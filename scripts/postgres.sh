#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: a new cluster in a temporary folder,
# owned by the unprivileged `postgres` user when run as root, on a free port, trusting local
# connections; PSLOG_TEST_POSTGRES_URL names it for the command. The cluster is stopped and
# removed when the command ends, whatever its outcome. When PSLOG_TEST_POSTGRES_URL is already
# set, the command runs against that server instead.
# Usage: scripts/postgres.sh COMMAND [ARGS...]
set -euo pipefail
if [[ -n ${PSLOG_TEST_POSTGRES_URL:-} ]]; then
  exec "$@"
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $BIN ]]; then
  echo "PostgreSQL is not installed: run scripts/setup.sh --e2e" >&2
  exit 1
fi
DATA=$(mktemp -d /tmp/pslog-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_as() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [[ $(id -u) == 0 ]]; then chown postgres "$DATA"; fi
stop() {
  run_as "'$BIN/pg_ctl' -D '$DATA/db' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap stop EXIT
run_as "'$BIN/initdb' -D '$DATA/db' -U pslog --auth=trust -E UTF8 --locale=C.UTF-8" >"$DATA/initdb.log" 2>&1 \
  || { cat "$DATA/initdb.log" >&2; exit 1; }
# fsync off: a throwaway test cluster need not survive a power cut, and tests create many databases.
run_as "'$BIN/pg_ctl' -D '$DATA/db' -l '$DATA/db/server.log' -w \
  -o \"-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null
export PSLOG_TEST_POSTGRES_URL="postgres://pslog@127.0.0.1:$PORT/postgres"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on $PSLOG_TEST_POSTGRES_URL" >&2
"$@"
