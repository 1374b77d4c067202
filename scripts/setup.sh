#!/usr/bin/env bash
# Installs what building and testing pslog need, skipping whatever is already there.
# Usage: scripts/setup.sh [--e2e]   (--e2e adds what only the tests need: PostgreSQL, Chromium)
# Versions: see ../shared/TOOLCHAIN.md — newer ones need a newer rustc than this machine has.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
WASM_BINDGEN=0.2.129

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != *"$WASM_BINDGEN"* ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN" --locked
fi
# wasm-opt (npm binaryen; release builds need it) and Playwright, pinned in end2end's lock file.
if [[ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" || ! -d "$ROOT/end2end/node_modules/@playwright/test" || ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]]; then
  say "installing wasm-opt and Playwright (npm ci in end2end/)"
  (cd "$ROOT/end2end" && npm ci --silent --no-audit --no-fund)
fi

# PostgreSQL: the tests run the server's suite on it too (scripts/postgres.sh starts a
# throwaway cluster; the package's own cluster is not used). The console does not need it.
if [[ ${1:-} == --e2e ]] && ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  say "installing PostgreSQL (Debian package)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# brotli: the release build keeps a brotli copy of the front end (scripts/build.sh).
if ! command -v brotli >/dev/null; then
  say "installing brotli (Debian package)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null
fi

if [[ ${1:-} == --e2e && ! -x /usr/bin/chromium ]]; then
  say "installing Chromium (Debian package)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
