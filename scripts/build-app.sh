#!/usr/bin/env bash
# Build Cahier's browser app into dist/ (what the relay serves with
# `--static dist`, or any static web server).
#
# Installs whatever is missing, then runs `trunk build --release` from the
# repository root. When the tools are already there it only checks their
# versions, so it is quick to run again. Extra arguments go to trunk, for
# example `scripts/build-app.sh --dist /tmp/site`. With CAHIER_WASM_NAMES=1
# the module keeps its functions' names (for CPU profiles; give a --dist).
#
# Tools:
# - the wasm32-unknown-unknown Rust target;
# - trunk 0.21, built from crates.io;
# - wasm-bindgen-cli at exactly the version app/Cargo.toml pins (trunk only
#   uses a CLI on PATH whose version matches the crate's; otherwise it tries
#   to download one, which fails here);
# - wasm-opt from binaryen 132, the npm registry's build (it runs on node).
#   Trunk runs it on release builds (data-wasm-opt in index.html) and
#   Trunk.toml requires that version. Debian bookworm's binaryen 108 is too
#   old: it rewrites wasm-bindgen's externref table as `anyref`, and the
#   page then dies at start-up in `WebAssembly.Table.set()`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

say() { printf 'build-app: %s\n' "$*" >&2; }

# The wasm-bindgen version pinned in app/Cargo.toml (`wasm-bindgen = "=X"`).
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' app/Cargo.toml)
if [ -z "$bindgen_version" ]; then
    say 'app/Cargo.toml must pin wasm-bindgen with "=X.Y.Z"'
    exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say 'adding the wasm32-unknown-unknown target'
    rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    say 'installing trunk 0.21 (a few minutes)'
    # Release LTO would make this one install take several times longer.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install trunk --version '~0.21' --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
    say "installing wasm-bindgen-cli $bindgen_version (a few minutes)"
    # Deliberately without --locked (the project's install instructions).
    cargo install wasm-bindgen-cli --version "=$bindgen_version" --force
fi

# Keep in step with [tools] wasm_opt in Trunk.toml.
binaryen_version=132.0.0
binaryen_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cahier/binaryen-$binaryen_version"
if ! "$binaryen_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${binaryen_version%%.*}"; then
    if ! command -v npm >/dev/null; then
        say 'installing node and npm (Debian packages)'
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
    fi
    say "installing binaryen $binaryen_version (wasm-opt) from npm"
    mkdir -p "$binaryen_dir"
    npm install --prefix "$binaryen_dir" --no-audit --no-fund --no-save \
        "binaryen@$binaryen_version" >&2
fi
# Ahead of any other wasm-opt on PATH, such as Debian's.
export PATH="$binaryen_dir/node_modules/.bin:$PATH"

# Where trunk writes (its --dist, if given).
dist=dist
for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = --dist ] && [ "$i" -lt $# ]; then
        j=$((i + 1))
        dist=${!j}
    fi
done

if [ -n "${CAHIER_WASM_NAMES:-}" ]; then
    # For profiling (tests/lib/profile.mjs): the same build with the
    # functions' names kept (wasm-opt -g), so a CPU profile names them.
    # Needs a --dist of its own; the page built is index.html all the same.
    names_html=.index-names.html
    trap 'rm -f "$names_html"' EXIT
    sed 's/data-wasm-opt-params="/data-wasm-opt-params="-g /' index.html >"$names_html"
    trunk build "$names_html" --release "$@"
    if [ -e "$dist/$names_html" ]; then
        mv "$dist/$names_html" "$dist/index.html"
    fi
else
    trunk build --release "$@"
fi

# Report what a browser downloads, raw and compressed.
for file in "$dist"/*.wasm "$dist"/*.js; do
    [ -e "$file" ] || continue
    printf 'build-app: %-40s %8d bytes, %8d gzipped\n' "$(basename "$file")" \
        "$(wc -c <"$file")" "$(gzip -9c "$file" | wc -c)" >&2
done
