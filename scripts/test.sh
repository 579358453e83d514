#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds the arm64 board bundle (scripts/build-board.sh) and runs the
# whole test suite. Extra arguments go to ctest,
# e.g. scripts/test.sh -R Attention
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build_dir="${BUILD_DIR:-$root/build}"
# The arm64 board bundle, which the emulated board test runs (tests/board/).
BOARD_DIR="$build_dir/board" "$root/scripts/build-board.sh" arm64
cd "$build_dir"
# ctest runs one test process per core; one OpenMP thread each keeps a small machine from being
# oversubscribed (tests that exercise threading set their own counts).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
ctest --output-on-failure --parallel "${JOBS:-$(nproc)}" "$@"
