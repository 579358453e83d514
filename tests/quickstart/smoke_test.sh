#!/usr/bin/env bash
# The quickstart end to end with tiny budgets (scripts/quickstart.sh --smoke) in a scratch
# directory, then checks of what it must leave behind: every artefact, a winner within the rpi4
# budget, a table with both models, and translations of the example lines.
#   smoke_test.sh TOOLS_DIR
set -euo pipefail
tools="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "smoke test: $*" >&2; exit 1; }

TOOLS="$tools" RPI4_LATENCY=1.5s "$root/scripts/quickstart.sh" --smoke --no-setup --work "$work" | tee "$work/log"

run="$work/runs/quickstart"
for f in data/default/metadata.json data/host-latency.sqlite data/predictors/rpi4.predictor \
         data/predictors/host.predictor runs/quickstart/search/best.yml \
         runs/quickstart/search/result.json runs/quickstart/models/winner/config.json \
         runs/quickstart/models/largest/model.safetensors runs/quickstart/report.md \
         runs/quickstart/report.json runs/quickstart/examples.en; do
  [[ -s "$work/$f" ]] || fail "missing $f"
done
grep -q '^| winner |' "$run/report.md" || fail "no winner row in report.md"
grep -q '^| largest |' "$run/report.md" || fail "no largest row in report.md"
[[ $(wc -l <"$run/examples.en") -eq 2 ]] || fail "expected 2 example translations"
# The winner's predicted rpi4 latency (in the search's result.json) is within the 1.5 s budget.
ms=$(grep -o '"rpi4": *[0-9.e+]*' "$run/search/result.json" | head -1 | sed 's/.*: *//')
awk -v ms="$ms" 'BEGIN { exit !(ms > 0 && ms <= 1500) }' || fail "winner's rpi4 latency $ms ms is not within 1500 ms"
grep -q "Wall time per stage" "$work/log" || fail "no stage timings printed"
# hatpredict on the exported winner predicts what the report printed (the model's own vocabulary
# and Q/K/V width, not the predictor data's).
predicted=$(HAT_DEVICE_PROFILES="$work/profiles" "$tools/hatpredict" predict --device rpi4 \
              --model "$run/models/winner" 2>/dev/null | sed 's/.*: \([0-9.]*\) ms.*/\1/')
reported=$(grep -o '"rpi4": *[0-9.e+]*' "$run/report.json" | head -1 | sed 's/.*: *//')
awk -v a="$predicted" -v b="$reported" 'BEGIN { d = a - b; exit !(a > 0 && d < 0.01 && d > -0.01) }' ||
  fail "hatpredict predict --model gives $predicted ms, the report $reported ms"
# A second run continues: every stage finds its work done and the table comes out again.
TOOLS="$tools" RPI4_LATENCY=1.5s "$root/scripts/quickstart.sh" --smoke --no-setup --work "$work" >"$work/log2"
grep -q '^| winner |' "$work/log2" || fail "the rerun printed no table"
echo "smoke test: ok"
