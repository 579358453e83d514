#!/usr/bin/env bash
# The main job on the built-in default: set up, prepare the default German->English corpus
# (Debian's trans-de-en), and train the default SuperTransformer within a time budget. Running it
# again continues the training where it stopped (and does nothing once it is finished).
# Later stages of the HAT pipeline (profiling, search, export) join here as they land.
#   TIME_BUDGET=10m scripts/quickstart.sh      extra arguments go to hattrain
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
tools="${BUILD_DIR:-$root/build}/tools"
cd "$root"
if [[ ! -f data/default/metadata.json ]]; then
  "$tools/hatdata" prepare-default --out data/default
fi
"$tools/hattrain" --data data/default --space default --save-dir checkpoints/default --resume \
  --time-budget "${TIME_BUDGET:-30m}" "$@"
