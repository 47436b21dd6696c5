#!/usr/bin/env bash
# Run the browser end-to-end tests: Playwright (playwright-core from npm)
# driving Debian's chromium against the real relay serving the built app.
#
# Installs what is missing and builds only what is stale, so it is cheap
# right after scripts/test.sh's earlier steps:
# - chromium from Debian, if /usr/bin/chromium is absent;
# - tests/node_modules with `npm ci`, if missing or older than the lock file;
# - the release relay and the `cahier` command (`cargo build --release -p
#   cahier-relay -p cahier-cli`: a no-op when they are up to date), and the
#   examples `set_aside` and `presence` of cahier-client (a co-author
#   sending an update every reader must set aside; one whose presence
#   lies), found through `cargo metadata`, so CARGO_TARGET_DIR is honoured;
# - the app (scripts/build-app.sh), if dist/ is missing or older than a
#   source it is built from.
#
# Then `node --test` runs tests/*.test.mjs (or the files given as
# arguments, relative to tests/) with the TAP reporter, whose closing
# "# pass N" / "# fail N" lines CI reads. Screenshots of failing pages go
# to tests/test-results/.
#
# Environment: CAHIER_E2E_DIST tests another build of the app instead of
# dist/ (nothing is built then); CAHIER_RELAY_BIN, CAHIER_CLI_BIN and
# CAHIER_SET_ASIDE_BIN, CAHIER_PRESENCE_BIN use those binaries; CAHIER_TRACE(S) says where the editing traces are
# (tests/lib/trace.mjs).
# CAHIER_SHOTS=dir saves screenshots at the points tests mark with
# lookAt() (the meeting, the review, the booklet, the map), to look at
# pages only a test reaches; CAHIER_PROFILE=dir writes CPU profiles of the
# benches (tests/lib/profile.mjs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

say() { printf 'e2e: %s\n' "$*" >&2; }

# Node 20 or later (its test runner and TAP reporter).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
    say "needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))"
    exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
    say 'installing chromium (Debian package)'
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# npm ci when node_modules does not match package-lock.json.
lock_sum=$(sha256sum tests/package-lock.json | cut -d' ' -f1)
stamp=tests/node_modules/.cahier-lock.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
    say 'installing playwright-core (npm ci)'
    (cd tests && npm ci --no-audit --no-fund)
    echo "$lock_sum" >"$stamp"
fi

target_dir() {
    cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}
if [ -z "${CAHIER_RELAY_BIN:-}" ] || [ -z "${CAHIER_CLI_BIN:-}" ]; then
    cargo build --release -p cahier-relay -p cahier-cli
    export CAHIER_RELAY_BIN="${CAHIER_RELAY_BIN:-$(target_dir)/release/relay}"
    export CAHIER_CLI_BIN="${CAHIER_CLI_BIN:-$(target_dir)/release/cahier}"
fi
# The hostile co-authors: one who sends what must be set aside
# (set_aside.test.mjs), one whose presence lies (dishonest.test.mjs).
if [ -z "${CAHIER_SET_ASIDE_BIN:-}" ] || [ -z "${CAHIER_PRESENCE_BIN:-}" ]; then
    cargo build --release -p cahier-client --example set_aside --example presence
    export CAHIER_SET_ASIDE_BIN="${CAHIER_SET_ASIDE_BIN:-$(target_dir)/release/examples/set_aside}"
    export CAHIER_PRESENCE_BIN="${CAHIER_PRESENCE_BIN:-$(target_dir)/release/examples/presence}"
fi

if [ -z "${CAHIER_E2E_DIST:-}" ]; then
    sources=(app model protocol styles public index.html Trunk.toml Cargo.toml Cargo.lock)
    if [ ! -e dist/index.html ] ||
        [ -n "$(find "${sources[@]}" -newer dist/index.html -print -quit 2>/dev/null)" ]; then
        say 'building the app (dist/ is missing or stale)'
        scripts/build-app.sh
    fi
fi

rm -rf tests/test-results
cd tests
if [ $# -eq 0 ]; then
    set -- *.test.mjs
fi
say "running $*"
status=0
node --test --test-reporter=tap "$@" || status=$?
if [ -d test-results ]; then
    say "screenshots and page logs of failing tests: tests/test-results/"
fi
exit "$status"
