#!/usr/bin/env bash
# The release build: the server and the front end (cargo-leptos), then a brotli and a gzip
# copy of each built front-end file, which the server sends to browsers that accept them
# (server/src/assets.rs; without the copies it compresses on the fly, at a lower level).
# Usage: scripts/build.sh   (after scripts/setup.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
cargo leptos build --release
for file in target/site/pkg/*.{wasm,js,css}; do
  [[ -f $file ]] || continue
  brotli --force --best --keep "$file"
  gzip --force --best --keep --no-name "$file"
done
