#!/usr/bin/env bash
# Builds the small base image the examples and the engine tests run, from Debian's
# busybox-static, with no registry: `docker import` of a root file system made on the spot.
set -euo pipefail
image="${1:-berth-example/busybox:local}"
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
busybox="$(command -v busybox || true)"
if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q static; then
  [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static && busybox=/bin/busybox
fi
if [ -z "$busybox" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static file >/dev/null
  busybox=/bin/busybox
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www"
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  # The list names busybox itself: linking it would replace the binary.
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
tar -C "$root" -c . | docker import -c 'CMD ["sh"]' - "$image" >/dev/null
echo "built $image"
