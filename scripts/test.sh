#!/usr/bin/env bash
# Sets up (scripts/setup.sh), installs openssh-server (the hatprofile remote test's sshd), builds
# the arm64 board bundle (scripts/build-board.sh) and runs the whole test suite. Extra arguments go to ctest,
# e.g. scripts/test.sh -R Attention
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build_dir="${BUILD_DIR:-$root/build}"
# The hatprofile remote test starts an sshd of its own on a loopback port (tests/tools/).
if ! dpkg-query -W -f='${Status}' openssh-server 2>/dev/null | grep -q "install ok installed"; then
  if [[ $(id -u) -eq 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
  else
    echo "test: without openssh-server (sudo apt-get install openssh-server) the hatprofile remote test is skipped" >&2
  fi
fi
# The arm64 board bundle, which the emulated board test runs (tests/board/).
BOARD_DIR="$build_dir/board" "$root/scripts/build-board.sh" arm64
cd "$build_dir"
# ctest runs one test process per core; one OpenMP thread each keeps a small machine from being
# oversubscribed (tests that exercise threading set their own counts).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
ctest --output-on-failure --parallel "${JOBS:-$(nproc)}" "$@"
