#!/usr/bin/env bash
# Install what is missing and run every test: formatting and lints, the
# native unit and integration tests (real relay, real SQLite, real
# websockets), the app's wasm build, a short run of the fuzz targets, and
# the browser end-to-end tests (Playwright on Debian's chromium against a
# real relay).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

step() { printf '\n== %s\n' "$*" >&2; }

step "rustfmt"
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
cargo fmt --all --check

step "clippy"
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
cargo clippy --workspace --all-targets -- -D warnings

step "the browser app builds (wasm, trunk)"
scripts/build-app.sh

step "native tests: protocol, model, client, relay, the cahier command, app logic"
cargo test --workspace

step "fuzzing: each target for 20 s (fuzz/README.md)"
fuzz/run.sh 20

step "browser end-to-end tests (Playwright on Debian chromium)"
tests/run.sh
