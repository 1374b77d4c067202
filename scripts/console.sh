#!/usr/bin/env bash
# Runs the console on the embedded SQLite database, with demo data when it is empty.
# Installs what is missing, builds in release mode, and serves on http://127.0.0.1:3000/.
# Environment: PSLOG_ADDR, PSLOG_DATABASE_URL (default sqlite://data/pslog.db).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
scripts/build.sh
export LEPTOS_SITE_ROOT="$ROOT/target/site"
exec target/release/pslog serve --demo "$@"
