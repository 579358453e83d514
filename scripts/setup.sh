#!/usr/bin/env bash
# One-command set-up on Debian 12: installs the missing Debian packages (as root), then
# configures and builds the project in Release. Fast when nothing changed.
#   scripts/setup.sh            build into ./build
#   BUILD_DIR=... JOBS=... CMAKE_ARGS="-DHAT_ENABLE_CUDA=OFF" scripts/setup.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
jobs="${JOBS:-$(nproc)}"

# Every dependency is a Debian package (docs/DESIGN.md, "Decisions, and why"). ocl-icd-opencl-dev is only
# libdnnl-dev's recommendation, but Debian's dnnl-config.cmake requires OpenCL (its GPU runtime).
packages=(
  build-essential cmake ninja-build pkg-config git
  libdnnl-dev ocl-icd-opencl-dev libtbb-dev libboost-program-options-dev libsqlite3-dev
  googletest libgtest-dev libsentencepiece-dev libyaml-cpp-dev nlohmann-json3-dev
  libicu-dev libssl-dev trans-de-en
  openssh-client  # hatprofile remote: ssh and scp to a board
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: installing packages needs root; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-}
fi
cmake --build "$build_dir" --parallel "$jobs"
