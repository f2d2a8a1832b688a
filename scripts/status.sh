#!/usr/bin/env bash
# Regenerates docs/STATUS.md: opcodes and BIFs used by OTP's erts, kernel, stdlib and compiler
# that this runtime implements. Needs the system OTP (for its .beam files).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
cargo run --quiet --release --bin erts-coverage -- \
  --driver-header="$root/usr/include/erl_driver.h" \
  --nif-header="$root/usr/include/erl_nif_api_funcs.h" \
  "$root"/lib/erts-*/ebin "$root"/lib/kernel-*/ebin "$root"/lib/stdlib-*/ebin "$root"/lib/compiler-*/ebin \
  > docs/STATUS.md
echo "wrote docs/STATUS.md"
