#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the whole test suite. Extra arguments go to ctest,
# e.g. scripts/test.sh -R Attention
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "${BUILD_DIR:-$root/build}"
# ctest runs one test process per core; one OpenMP thread each keeps a small machine from being
# oversubscribed (tests that exercise threading set their own counts).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
ctest --output-on-failure --parallel "${JOBS:-$(nproc)}" "$@"
