#!/usr/bin/env bash
# Installs liberts, the embeddable runtime, under PREFIX:
#   PREFIX/lib/liberts.so, PREFIX/lib/liberts.a
#   PREFIX/include/erts/{erts.h,erl_nif.h,erl_drv_nif.h}
#   PREFIX/lib/pkgconfig/erts.pc   (from erts.pc.in)
# after which a host builds with  cc host.c $(pkg-config --cflags --libs erts)
# (PKG_CONFIG_PATH=PREFIX/lib/pkgconfig when PREFIX is not a system prefix).
#
# The library comes from ERTS_BUILD_DIR when set (a folder holding liberts.so and liberts.a,
# e.g. target/release), else from a `cargo build --release --lib` run here first.
# DESTDIR is honoured as usual (files go to DESTDIR/PREFIX, erts.pc names PREFIX).
#
# Usage: bash scripts/install-lib.sh PREFIX
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
case "$1" in
    /*) prefix=$1 ;;
    *) prefix=$PWD/$1 ;;
esac
prefix=${prefix%/}
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${ERTS_BUILD_DIR:-}" ]; then
    build=$ERTS_BUILD_DIR
else
    (cd "$repo" && cargo build --release --lib)
    build=${CARGO_TARGET_DIR:-$repo/target}/release
fi
for f in liberts.so liberts.a; do
    if [ ! -f "$build/$f" ]; then
        echo "$0: no $f in $build (build it with: cargo build --release --lib)" >&2
        exit 1
    fi
done

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml")
if [ -z "$version" ]; then
    echo "$0: no workspace version in $repo/Cargo.toml" >&2
    exit 1
fi

dest=${DESTDIR:-}$prefix
install -d "$dest/lib" "$dest/lib/pkgconfig" "$dest/include/erts"
install -m 0755 "$build/liberts.so" "$dest/lib/liberts.so"
install -m 0644 "$build/liberts.a" "$dest/lib/liberts.a"
for h in erts.h erl_nif.h erl_drv_nif.h; do
    install -m 0644 "$repo/include/$h" "$dest/include/erts/$h"
done
# `|` cannot occur in the values: sed's separator.
case "$prefix$version" in *'|'*)
    echo "$0: PREFIX must not contain '|'" >&2
    exit 1
    ;;
esac
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$repo/erts.pc.in" \
    >"$dest/lib/pkgconfig/erts.pc"
chmod 0644 "$dest/lib/pkgconfig/erts.pc"
echo "installed liberts $version under $dest"
