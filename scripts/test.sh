#!/usr/bin/env bash
# Install what is missing and run every test: formatting and lints, the
# native unit and integration tests (real relay, real SQLite and a real
# nats-server, real websockets), the app's wasm build, a short run of the fuzz targets, and
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

step "pandoc and poppler-utils (the booklet's ODT read back, its PDF read as text)"
# The model's booklet tests read the ODT back with pandoc, and the
# browser test reads the printed booklet with pdftotext. Without pandoc
# those tests fail, unless CAHIER_NO_PANDOC says why apt could not
# install it (then they say so and skip the reading).
if ! command -v pandoc >/dev/null || ! command -v pdftotext >/dev/null; then
    if as_root apt-get -o DPkg::Lock::Timeout=300 update -qq \
        && as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq pandoc poppler-utils; then
        :
    else
        export CAHIER_NO_PANDOC="apt-get could not install pandoc and poppler-utils"
        printf 'warning: %s\n' "$CAHIER_NO_PANDOC" >&2
    fi
fi

step "nats-server (the relay's JetStream backend runs its tests on one)"
# Without it the JetStream tests say so and check nothing.
if ! command -v nats-server >/dev/null; then
    if as_root apt-get -o DPkg::Lock::Timeout=300 update -qq \
        && as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq nats-server; then
        :
    else
        printf 'warning: apt-get could not install nats-server; the JetStream tests will skip\n' >&2
    fi
fi
# Debian installs it in /usr/sbin, which a non-root PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac

step "native tests: protocol, model, client, relay, the cahier command, app logic"
cargo test --workspace

step "the relay's integration tests again, on NATS JetStream (CAHIER_TEST_STORE=nats)"
if command -v nats-server >/dev/null; then
    # Each test relay gets a nats-server of its own (relay/tests/common).
    CAHIER_TEST_STORE=nats cargo test -p cahier-relay \
        --test relay --test snapshot --test session --test revoke --test amendments \
        --test attacks --test capability --test presence --test peers
else
    printf 'warning: no nats-server: the storage tests ran on SQLite only\n' >&2
fi

step "fuzzing: each target for 20 s (fuzz/README.md)"
fuzz/run.sh 20

step "browser end-to-end tests (Playwright on Debian chromium)"
tests/run.sh
