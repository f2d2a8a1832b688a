#!/usr/bin/env bash
# Demo: build the VM, compile examples/hello.erl with the system erlc and run it on `beam --bare`,
# then on `beam` booting OTP.
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
mkdir -p "$OUT"
erlc -o "$OUT" examples/hello.erl
echo "== beam --bare -pa $OUT -s hello main"
target/release/beam --bare -pa "$OUT" -s hello main
echo "== beam -noshell -pa $OUT -s hello main -s init stop   (booting OTP, as erl does)"
target/release/beam -noshell -pa "$OUT" -s hello main -s init stop
