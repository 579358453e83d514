#!/usr/bin/env bash
# Builds the board bundle: hat-VERSION-linux-ARCH.tar.gz, the tools that run on a board
# (hatprofile, hattranslate, hateval, hatpredict) with the shared libraries a stock Debian 12 /
# Raspberry Pi OS lacks (lib/, found through RPATH $ORIGIN/../lib) and the data (share/hat/).
# Unpacked anywhere on a board, it runs without installing anything.
#   scripts/build-board.sh arm64     # Raspberry Pi 4/5 (64-bit OS) and other arm64 boards
#   scripts/build-board.sh amd64     # x86 boards and servers
# As root on Debian 12 it installs what it needs (cross compiler, mmdebstrap, qemu-user). Its
# work goes to $BOARD_DIR (default build-board/): sysroot-ARCH/ (Debian's ARCH packages,
# made once), build-ARCH/, and the bundle.
set -euo pipefail

usage() { echo "usage: scripts/build-board.sh arm64|amd64   (BOARD_DIR=... JOBS=...)" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
arch="$1"
case "$arch" in
  # qemu-user and time: running the bundle here, as the emulated board test does (tests/board/)
  arm64) triplet=aarch64-linux-gnu; compiler_packages=(crossbuild-essential-arm64 qemu-user time) ;;
  amd64) triplet=x86_64-linux-gnu; compiler_packages=(build-essential) ;;
  -h|--help) usage ;;
  *) echo "build-board: no bundle for '$arch': use arm64 or amd64" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
board_dir="${BOARD_DIR:-$root/build-board}"
jobs="${JOBS:-$(nproc)}"
mkdir -p "$board_dir"
board_dir="$(cd "$board_dir" && pwd)"

# Build-machine packages.
host_packages=(cmake ninja-build pkg-config mmdebstrap binutils "${compiler_packages[@]}")
missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "build-board: needs ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "build-board: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The sysroot: Debian 12's ARCH packages of every dependency (made once, about 400 MB).
sysroot="$board_dir/sysroot-$arch"
"$root/scripts/debian-root.sh" "$arch" "libc6-dev,libstdc++-12-dev,libdnnl-dev,ocl-icd-opencl-dev,\
libtbb-dev,libboost-program-options-dev,libsqlite3-dev,libsentencepiece-dev,libyaml-cpp-dev,\
nlohmann-json3-dev,libicu-dev,libssl-dev" "$sysroot"

# Configure (quick when nothing changed) and build the board tools.
build="$board_dir/build-$arch"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/debian-sysroot.cmake" \
  -DHAT_TARGET_ARCH="$arch" -DHAT_SYSROOT="$sysroot" \
  -DHAT_BUILD_TESTS=OFF -DHAT_BUILD_BENCH=OFF -DHAT_ENABLE_CUDA=OFF ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --parallel "$jobs" --target hatprofile hattranslate hateval hatpredict

# Stage: the board component of the install, then every shared library the tools need that a
# base system does not have, found by following DT_NEEDED through the sysroot.
version="$(sed -n 's/^project(hat .*VERSION \([0-9.]*\)).*/\1/p' "$root/CMakeLists.txt")"
name="hat-$version-linux-$arch"
stage="$board_dir/stage/$name"
rm -rf "$board_dir/stage"
cmake --install "$build" --prefix "$stage" --component board >/dev/null
mkdir -p "$stage/lib"

# In every Debian 12 and Raspberry Pi OS system (libc6, libgcc-s1, libstdc++6, essential
# packages): not bundled.
base_libraries=" ld-linux-aarch64.so.1 ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 \
libdl.so.2 librt.so.1 libgcc_s.so.1 libstdc++.so.6 "
lib_dirs=("$sysroot/usr/lib/$triplet" "$sysroot/lib/$triplet" "$sysroot/usr/lib")
find_library() {
  local d
  for d in "${lib_dirs[@]}"; do
    [[ -e "$d/$1" ]] && { echo "$d/$1"; return 0; }
  done
  return 1
}
needed() { readelf -d "$1" | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p"; }  # readelf reads any architecture's ELF
declare -A bundled=()
queue=("$stage"/bin/*)
while ((${#queue[@]})); do
  file="${queue[0]}"
  queue=("${queue[@]:1}")
  for lib in $(needed "$file"); do
    [[ "$base_libraries" == *" $lib "* || -n "${bundled[$lib]:-}" ]] && continue
    path="$(find_library "$lib")" ||
      { echo "build-board: $lib (needed by $(basename "$file")) is not in the sysroot" >&2; exit 1; }
    cp -L "$path" "$stage/lib/$lib"
    bundled[$lib]=1
    queue+=("$stage/lib/$lib")
  done
done

cat >"$stage/README" <<EOF
HAT toolkit $version board bundle (linux-$arch): unpack anywhere and run bin/hatprofile,
bin/hattranslate, bin/hateval or bin/hatpredict; lib/ holds the libraries they need, share/hat/
the search spaces, device profiles and HAT's measurements. Nothing needs installing.
EOF
tar -C "$board_dir/stage" -czf "$board_dir/$name.tar.gz.partial" "$name"
mv "$board_dir/$name.tar.gz.partial" "$board_dir/$name.tar.gz"
echo "build-board: $board_dir/$name.tar.gz ($(du -h "$board_dir/$name.tar.gz" | cut -f1); libraries: ${!bundled[*]})"
