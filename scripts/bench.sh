#!/usr/bin/env bash
# Benchmark Cahier's relay against the Yjs servers people deploy, and print
# one table. See BENCHMARKS.md for the workloads and how to read the table.
#
#   scripts/bench.sh                      everything (20-25 minutes on 2 cores)
#   scripts/bench.sh --trace-limit 60000  W4 with part of the trace: much shorter
#   scripts/bench.sh --duration 5         shorter typing runs
#   scripts/bench.sh --servers cahier,y-sweet --workloads w1,w4
#   scripts/bench.sh --help               every flag of the generator (installs nothing)
#
# The binaries are found through `cargo metadata`, so CARGO_TARGET_DIR is
# honoured. W4's editing trace is looked up in $CAHIER_TRACES, else in
# ../shared/data/editing-traces beside the clone (--trace PATH overrides).
#
# The peers are installed from their registries into $CAHIER_BENCH_PEERS
# (default ~/.cache/cahier-bench), never into this repository:
#   - y-websocket: @y/websocket-server 0.1.1 with yjs 13 and y-leveldb
#     (its newest release depends on a yjs 14 pre-release);
#   - Hocuspocus: @hocuspocus/server and @hocuspocus/extension-sqlite 4.7.0
#     (better-sqlite3 compiles from source: several minutes, once);
#   - y-sweet 0.9.1 from crates.io (cargo install: ten minutes or so, once).
# A peer that fails to install is skipped, with a message.
#
# The servers run on core 0 and the generator on core 1 (taskset).
set -euo pipefail

cd "$(dirname "$0")/.."

log() { echo "bench.sh: $*" >&2; }

# The release binaries, where cargo puts them (CARGO_TARGET_DIR honoured).
target_dir() {
  cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}

# --help: this script's usage and the generator's flags, before installing
# or building anything but the generator itself.
for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
    log "building the generator to list its flags"
    cargo build --release --quiet -p cahier-bench >&2
    exec "$(target_dir)/release/bench" --help
  fi
done

PEERS="${CAHIER_BENCH_PEERS:-$HOME/.cache/cahier-bench}"
export CAHIER_BENCH_PEERS="$PEERS"
mkdir -p "$PEERS"

YWS_VERSION=0.1.1
HOCUSPOCUS_VERSION=4.7.0
YSWEET_VERSION=0.9.1

install_y_websocket() {
  local dir="$PEERS/y-websocket"
  if [ -f "$dir/node_modules/@y/websocket-server/package.json" ] &&
    grep -q "\"version\": \"$YWS_VERSION\"" "$dir/node_modules/@y/websocket-server/package.json"; then
    return
  fi
  log "installing @y/websocket-server@$YWS_VERSION into $dir"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "@y/websocket-server@$YWS_VERSION" "yjs@13" "y-leveldb@0.2" "ws@6" >&2 ||
    log "y-websocket did not install; it will be skipped"
}

install_hocuspocus() {
  local dir="$PEERS/hocuspocus"
  if [ ! -f "$dir/node_modules/@hocuspocus/server/package.json" ] ||
    ! grep -q "\"version\": \"$HOCUSPOCUS_VERSION\"" "$dir/node_modules/@hocuspocus/server/package.json"; then
    log "installing @hocuspocus/server@$HOCUSPOCUS_VERSION (+ SQLite extension) into $dir"
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
      "@hocuspocus/server@$HOCUSPOCUS_VERSION" "@hocuspocus/extension-sqlite@$HOCUSPOCUS_VERSION" \
      "yjs@13" "y-protocols@1" >&2 ||
      log "hocuspocus did not install; it will be skipped"
  fi
  # Our launcher (SQLite on, default debounce) must sit beside node_modules.
  cp bench/peers/hocuspocus.mjs "$dir/hocuspocus.mjs"
}

install_y_sweet() {
  local root="$PEERS/y-sweet"
  if [ -x "$root/bin/y-sweet" ]; then
    return
  fi
  log "building y-sweet $YSWEET_VERSION from crates.io into $root (log: $PEERS/y-sweet-build.log)"
  if ! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_TARGET_DIR="$PEERS/y-sweet-target" \
    cargo install y-sweet --version "$YSWEET_VERSION" --locked --root "$root" \
    >"$PEERS/y-sweet-build.log" 2>&1; then
    log "y-sweet did not build (see $PEERS/y-sweet-build.log); it will be skipped"
  fi
}

if command -v npm >/dev/null; then
  install_y_websocket
  install_hocuspocus
else
  log "npm not found: y-websocket and hocuspocus will be skipped"
fi
install_y_sweet

log "building the relay and the generator"
cargo build --release -p cahier-relay -p cahier-bench >&2
bin="$(target_dir)/release"

# 2,000 idle connections (W3) need as many descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

if [ "$(nproc)" -ge 2 ]; then
  exec taskset -c 1 "$bin/bench" --server-core 0 --relay "$bin/relay" "$@"
else
  log "fewer than 2 cores: nothing pinned, figures are not comparable"
  exec "$bin/bench" --server-core -1 --relay "$bin/relay" "$@"
fi
