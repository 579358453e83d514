#!/usr/bin/env bash
# The main job: HAT's whole pipeline on the built-in default, from a fresh Debian 12 machine.
#   set up -> prepare the German->English corpus -> train the SuperTransformer -> profile this
#   machine -> train the rpi4 and host latency predictors -> search for rpi4 -> export the
#   winner and the largest SubTransformer (the baseline) -> fine-tune both -> translate ->
#   the closing table (HAT's Table 2: latency, parameters, BLEU, speed-up, size ratio).
# Every stage continues where a stopped run left it, so running the script again is cheap.
#
#   scripts/quickstart.sh                  the full run (under an hour on 2 cores)
#   scripts/quickstart.sh --smoke          tiny budgets in a scratch directory (a few minutes)
#   TIME_BUDGET=10m RPI4_LATENCY=1.4s scripts/quickstart.sh
# Options: --smoke, --work DIR (where artefacts go; default: the repository, smoke: runs/smoke),
# --no-setup (use the tools already built; with TOOLS=DIR to name them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

smoke=0 setup=1 work=""
while (($#)); do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-setup) setup=0 ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quickstart: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
((setup)) && "$root/scripts/setup.sh"
tools="${TOOLS:-${BUILD_DIR:-$root/build}/tools}"
[[ -x "$tools/hattrain" ]] || { echo "quickstart: no tools in $tools (run scripts/setup.sh)" >&2; exit 1; }
if ((smoke)); then work="${work:-$root/runs/smoke}"; else work="${work:-$root}"; fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
run="$work/runs/quickstart"
mkdir -p "$run"

# Budgets: the full run's, or the smoke run's tiny ones.
if ((smoke)); then
  # a third of the updates on the largest SubTransformer first, as the default space does
  train_args=(--max-update 24 --largest-first-updates 8 --validate-interval 12 --save-interval 12
              --valid-sentences 40)
  finetune_updates=6
  profile_args=(--samples 30 --warmups 1 --iterations 3)
  search_args=(--iterations 2 --parents 4 --mutations 4 --crossovers 4 --valid-sentences 40 --rank-check 0)
  report_args=(--max-sentences 40 --iterations 3)
  translate_lines=2
else
  train_args=(--time-budget "${TIME_BUDGET:-20m}")
  finetune_updates="${FINETUNE_UPDATES:-375}"   # a quarter of the SuperTransformer's 1500 (HAT's Table 6)
  profile_args=(--samples "${PROFILE_SAMPLES:-300}")
  search_args=()
  report_args=()
  translate_lines=3
fi
rpi4_latency="${RPI4_LATENCY:-1.5s}"

# A smoke run keeps its latency data and predictors in its own directory: copies of the device
# profiles whose data paths point there (HAT_DEVICE_PROFILES), so the repository's are untouched.
if [[ "$work" != "$root" ]]; then
  mkdir -p "$work/profiles"
  for f in "$root"/devices/profiles/*.yml; do
    sed -e "s|\.\./\.\./data/|$work/data/|" -e "s|\.\./\.\./|$root/|" "$f" >"$work/profiles/$(basename "$f")"
  done
  export HAT_DEVICE_PROFILES="$work/profiles"
fi

timings=()
stage() {  # stage NAME COMMAND...: runs one stage and records its wall time
  local name="$1" start=$SECONDS
  shift
  echo
  echo "== quickstart: $name"
  "$@"
  timings+=("$(printf '%-34s %4d:%02d' "$name" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)))")
}
data="$work/data/default" supernet="$work/checkpoints/default" models="$run/models"

prepare() { [[ -f "$data/metadata.json" ]] || "$tools/hatdata" prepare-default --out "$data"; }
train() {
  "$tools/hattrain" --data "$data" --space default --save-dir "$supernet" --resume "${train_args[@]}"
}
# --reference: the host is often shared (CI, a laptop); its speed drifts and the predictor divides
# that out (README, Latency profiling).
profile() { "$tools/hatprofile" run --space default --device host --reference smallest "${profile_args[@]}"; }
predictors() {
  "$tools/hatpredict" train --device rpi4
  "$tools/hatpredict" train --device host
}
search() {
  local resume=()
  [[ -f "$run/search/state.json" ]] && resume=(--resume)
  "$tools/hatsearch" --checkpoint "$supernet" --data "$data" --device rpi4 --latency "$rpi4_latency" \
    --out "$run/search" "${resume[@]}" "${search_args[@]}"
}
export_models() {
  "$tools/hatexport" --supernet "$supernet" --data "$data" --arch "$run/search/best.yml" \
    --search-result "$run/search/result.json" --out "$models/winner-inherited" --force
  "$tools/hatexport" --supernet "$supernet" --data "$data" --arch largest \
    --out "$models/largest-inherited" --force
}
finetune() {  # finetune NAME: the exported model, fine-tuned from its inherited weights
  local name="$1" resume=()
  [[ -d "$run/finetune/$name" ]] && resume=(--resume)
  "$tools/hattrain" --data "$data" --space default --init "$models/$name-inherited" \
    --save-dir "$run/finetune/$name" --max-update "$finetune_updates" "${resume[@]}" \
    --export "$models/$name" --export-force
}
translate() {
  head -n "$translate_lines" "$data/test.de" >"$run/examples.de"
  "$tools/hattranslate" --model "$models/winner" --input "$run/examples.de" --output "$run/examples.en"
  paste -d '\n' "$run/examples.de" "$run/examples.en" | sed 'n;s/^/  -> /'
}
report() {
  "$tools/hatreport" --model "winner=$models/winner" --model "largest=$models/largest" --device rpi4 \
    --data "$data" --out "$run/report.md" --json "$run/report.json" "${report_args[@]}"
}

stage "prepare data" prepare
stage "train SuperTransformer" train
stage "profile this machine" profile
stage "latency predictors (rpi4, host)" predictors
stage "search for rpi4 @ $rpi4_latency" search
stage "export winner and largest" export_models
stage "fine-tune winner" finetune winner
stage "fine-tune largest (baseline)" finetune largest
stage "translate examples" translate
stage "report" report

echo
echo "== quickstart: done. Wall time per stage:"
printf '  %s\n' "${timings[@]}"
cat <<EOF

Artefacts:
  corpus and vocabulary      $data
  SuperTransformer           $supernet
  host latency dataset       $work/data/host-latency.sqlite
  latency predictors         $work/data/predictors (rpi4, host)
  search                     $run/search (best.yml, result.json, candidates.sqlite, plot.svg)
  models                     $models (winner, largest: fine-tuned; *-inherited: as exported)
  example translations       $run/examples.en
  table                      $run/report.md, $run/report.json
EOF
