#!/usr/bin/env bash
# Builds berth's release binaries (the cargo build arguments given, e.g. `--bin berth`) and
# prints the folder they are in. On Linux with glibc they are linked statically and not
# position-independent, as the reference's Go binary is: a fresh process then maps one file,
# resolves no symbols and applies no relocations (a PIE berth rewrites 270 KiB of pointers at
# each start), about 1 ms of the 5 ms a `ps` takes. These flags only build with an explicit
# --target (proc macros cannot be static), hence the target folder of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
case "$host" in
  *-linux-gnu)
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static -C relocation-model=static" \
      cargo build --release --locked -q --target "$host" "$@" >&2
    echo "$target_dir/$host/release" ;;
  *)
    cargo build --release --locked -q "$@" >&2
    echo "$target_dir/release" ;;
esac
