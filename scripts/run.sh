#!/usr/bin/env bash
# Install what is missing, build the app and the relay, and start Cahier on
# http://localhost:8080 with its data in ./data/cahier.sqlite3.
#
# Environment: CAHIER_ADDR (default 127.0.0.1:8080), CAHIER_DATA (default
# ./data); every other relay flag has a CAHIER_* variable too (see
# `relay --help`). Extra arguments are passed to the relay.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

scripts/build-app.sh
cargo build --release -p cahier-relay
export CAHIER_ADDR="${CAHIER_ADDR:-127.0.0.1:8080}"
export CAHIER_DATA="${CAHIER_DATA:-./data}"
echo "Cahier: open http://${CAHIER_ADDR/127.0.0.1/localhost}/ (data in $CAHIER_DATA)" >&2
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exec "$target_dir/release/relay" --static dist "$@"
