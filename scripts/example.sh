#!/usr/bin/env bash
# berth's main job on the built-in example: the image-gallery application (an access-log
# API, an image-of-the-day API scaled to 3, and a web front end depending on both, on one
# network), brought up on the local engine. Its base image is built locally from Debian's
# busybox-static, so no registry is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/engine.sh
ensure_engine
berth="$(scripts/release.sh -p berth-cli --bin berth)/berth"
scripts/busybox-image.sh berth-example/busybox:local
cd examples/image-gallery

echo "== berth up -d"
"$berth" up -d
echo
echo "== berth ps"
"$berth" ps
echo
echo "== berth exec -T image-gallery nslookup iotd: the image-of-the-day API as the front end"
echo "   resolves it, one address per replica"
"$berth" exec -T image-gallery nslookup iotd | sed -n '/^Name:/,$p' | grep '^Address'
echo
echo "The application runs. Take it down with:"
echo "  $berth -f $PWD/compose.yaml down"
