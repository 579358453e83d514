#!/usr/bin/env bash
# The main job on the built-in default. Until the HAT pipeline lands (data, SuperTransformer
# training, profiling, search, export), this sets up and runs the engine benchmark.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"${BUILD_DIR:-$root/build}/bench/bench_linear" "$@"
