#!/usr/bin/env bash
# Demo: build the VM, then with the system erlc compile examples/hello.erl and the OTP
# application in examples/demo_app/, and run them: hello on `beam --bare`, the application on
# `bin/erl` (booting OTP as erl does), and a few lines typed into its Eshell.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v erl >/dev/null 2>&1 || ! command -v erlc >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    $SUDO apt-get install -y erlang-base erlang-dev erlang-crypto erlang-tools \
        erlang-syntax-tools erlang-parsetools
fi

cargo build --release --bin beam
OUT=target/demo
EBIN=$OUT/demo_app/ebin
mkdir -p "$OUT" "$EBIN"
erlc -o "$OUT" examples/hello.erl
erlc -o "$EBIN" examples/demo_app/*.erl
cp examples/demo_app/demo_app.app.src "$EBIN/demo_app.app"

echo "== beam --bare -pa $OUT -s hello main"
target/release/beam --bare -pa "$OUT" -s hello main

echo
echo "== bin/erl -noshell -pa $EBIN -s demo_app run -s init stop"
bin/erl -noshell -pa "$EBIN" -s demo_app run -s init stop

echo
echo "== the Eshell of bin/erl, with typed lines (stdin is a pipe here)"
printf '%s\n' 'application:ensure_all_started(demo_app).' 'demo_counter:bump().' \
    'lists:sum([N * N || N <- lists:seq(1, 10)]).' 'q().' | bin/erl -pa "$EBIN"
