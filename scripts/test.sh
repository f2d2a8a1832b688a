#!/usr/bin/env bash
# The project's single test command: formatting, lints, and the whole test suite (release build,
# because the differential tests run ~110 Erlang programs on our VM and on the real erl).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --release "$@"
