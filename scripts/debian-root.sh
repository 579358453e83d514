#!/usr/bin/env bash
# Makes DIR: Debian 12's packages for ARCH (comma-separated, with what they depend on) unpacked
# by mmdebstrap --variant=extract, with no maintainer script run (so no emulation and no root
# inside it). Kept as it is while DIR/.hat-packages lists the same packages; made under
# DIR.partial and moved into place, so a failed run leaves no half root. mmdebstrap's output
# goes to DIR.log.
#   scripts/debian-root.sh ARCH PACKAGES DIR
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: scripts/debian-root.sh ARCH PACKAGES DIR" >&2; exit 2; }
arch="$1" packages="$2" dir="$3"
[[ "$(cat "$dir/.hat-packages" 2>/dev/null)" == "$packages" ]] && exit 0
rm -rf "$dir.partial"
mmdebstrap --variant=extract --architectures="$arch" --include="$packages" bookworm \
  "$dir.partial" >"$dir.log" 2>&1 ||
  { echo "debian-root: mmdebstrap failed for $arch ($packages); see $dir.log" >&2; exit 1; }
echo "$packages" >"$dir.partial/.hat-packages"
rm -rf "$dir"
mv "$dir.partial" "$dir"
