#!/usr/bin/env bash
# Runs the whole test suite: formatting, clippy for each package and feature set, the Rust
# tests of each package, the server's tests again on PostgreSQL, then the Playwright suite
# against a release server on its own temporary database, on SQLite and on PostgreSQL.
# PostgreSQL is a throwaway cluster (scripts/postgres.sh) unless PSLOG_TEST_POSTGRES_URL names
# a server. Installs what is missing first. Exits non-zero on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/setup.sh --e2e
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all --check

# Never --workspace: feature unification would build `app` with ssr and hydrate at once.
step "clippy"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "rust tests"
cargo test -p app --features ssr
# One test at a time: each test starts its own server, and Leptos's rendering state is
# per process, so servers on several tests' runtimes at once can stall one another's pages
# (a stand-alone server has one runtime and is not affected).
cargo test -p server -- --test-threads=1

step "rust tests on PostgreSQL"
scripts/postgres.sh cargo test -p server -- --test-threads=1

step "release build"
scripts/build.sh

step "end-to-end (Playwright)"
# A free port, so that a console already running here does not get in the way.
PSLOG_E2E_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PSLOG_E2E_PORT
(cd end2end && npx playwright test)

step "end-to-end (Playwright) on PostgreSQL"
# shellcheck disable=SC2016 # expanded by the inner shell, once the server is up
scripts/postgres.sh bash -c 'psql -q "$PSLOG_TEST_POSTGRES_URL" -c "CREATE DATABASE pslog_e2e" &&
  cd end2end && PSLOG_E2E_DATABASE="${PSLOG_TEST_POSTGRES_URL%/*}/pslog_e2e" npx playwright test'
