#!/usr/bin/env bash
# pslog's JSON API beside Datasette on the same SQLite file: the questions of BENCHMARKS.md
# ("Side by side with Datasette"), each the 50 newest matching CDRs with their total, and a
# CSV export, timed over HTTP on this machine. Installs Datasette (PyPI, in a virtualenv
# under target/) when missing, builds pslog (release), makes the demo file once.
# Usage: scripts/side-by-side.sh [ROWS]   (default 1000000 rows per log)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROWS=${1:-1000000}
WORK="$ROOT/target/side-by-side"
FILE="$WORK/pslog-$ROWS.db"
mkdir -p "$WORK"
say() { printf '\033[1m[side-by-side]\033[0m %s\n' "$*" >&2; }

if [[ ! -x "$WORK/venv/bin/datasette" ]]; then
  say "installing Datasette 0.65 into $WORK/venv"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet 'datasette>=0.65,<0.66'
fi
if [[ ! -x target/release/pslog ]]; then
  say "building pslog (release)"
  scripts/setup.sh
  scripts/build.sh
fi
if [[ ! -f $FILE ]]; then
  say "writing $ROWS demo rows per log into $FILE"
  target/release/pslog --database "sqlite://$FILE" demo --rows "$ROWS"
fi
# Everything into the main file: Datasette's immutable mode (-i) does not read the WAL.
python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')" "$FILE"
TOKEN=$(target/release/pslog --database "sqlite://$FILE" token add "side-by-side-$$" --scope read | tail -1)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PSLOG_PORT=$(free_port)
DATASETTE_PORT=$(free_port)
LEPTOS_SITE_ROOT="$ROOT/target/site" target/release/pslog --database "sqlite://$FILE" serve \
  --addr "127.0.0.1:$PSLOG_PORT" >"$WORK/pslog.log" 2>&1 &
PSLOG_PID=$!
"$WORK/venv/bin/datasette" serve -i "$FILE" --port "$DATASETTE_PORT" >"$WORK/datasette.log" 2>&1 &
DATASETTE_PID=$!
cleanup() {
  kill "$PSLOG_PID" "$DATASETTE_PID" 2>/dev/null || true
  target/release/pslog --database "sqlite://$FILE" token revoke "side-by-side-$$" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for port in "$PSLOG_PORT" "$DATASETTE_PORT"; do
  for _ in $(seq 1 120); do
    python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$port" 2>/dev/null && break
    sleep 0.5
  done
done
python3 scripts/side_by_side.py --pslog "http://127.0.0.1:$PSLOG_PORT" --token "$TOKEN" \
  --datasette "http://127.0.0.1:$DATASETTE_PORT/$(basename "$FILE" .db)" --rows "$ROWS"
