#!/usr/bin/env bash
# The release build, without cargo-leptos (compiling it took 12m47s of a new machine's first
# run; these are the same steps it took, with the same tools):
#   1. the server binary (`target/release/pslog`);
#   2. the front end for wasm32, profile `wasm-release` (Cargo.toml: size over speed);
#   3. wasm-bindgen's JS glue, wasm-opt -Oz, the stylesheet and `public/` into target/site;
#   4. a brotli and a gzip copy of each front-end file, which the server sends to browsers that
#      accept them (server/src/assets.rs; without them it compresses on the fly, lower level).
# .cargo/config.toml sets LEPTOS_OUTPUT_NAME (the hydration script then asks for `pslog.wasm`,
# the name written below) and Leptos's `erase_components` for every build.
# Usage: scripts/build.sh   (after scripts/setup.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
SITE=target/site
PKG=$SITE/pkg
say() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

say "server (release)"
cargo build --release -p server --bin pslog
say "front end (wasm32, wasm-release)"
cargo build --profile wasm-release -p frontend --lib --target wasm32-unknown-unknown

say "wasm-bindgen, wasm-opt, stylesheet"
rm -rf "$PKG.new"
mkdir -p "$PKG.new"
wasm-bindgen --target web --no-typescript --out-name pslog --out-dir "$PKG.new" \
  target/wasm32-unknown-unknown/wasm-release/frontend.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$PKG.new/pslog_bg.wasm" -o "$PKG.new/pslog.wasm"
rm "$PKG.new/pslog_bg.wasm"
cp style/pslog.css "$PKG.new/pslog.css"
for file in "$PKG.new"/*.{wasm,js,css}; do
  brotli --force --best --keep "$file"
  gzip --force --best --keep --no-name "$file"
done
# The new files replace the old in one rename, so a running server never sees half of them.
rm -rf "$PKG.old"
[[ -d $PKG ]] && mv "$PKG" "$PKG.old"
mv "$PKG.new" "$PKG"
rm -rf "$PKG.old"
cp -r public/. "$SITE/"
say "done: target/release/pslog, $PKG ($(du -k "$PKG/pslog.wasm.br" | cut -f1) KB of wasm, brotli)"
