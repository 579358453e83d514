#!/usr/bin/env bash
# Side-by-side decoding speed against CTranslate2 on the same exported model, in eight settings:
# beam 1 and 5, 1 and 2 threads, one sentence at a time and batched. Runs alternate (ours, then
# CTranslate2, then ours, ...) so that a noisy machine slows both alike; the table gives medians
# of whole-process wall times (model loading included, a few ms for either) and the speed-up.
#
#   bench/ctranslate2/compare.sh --model DIR --input FILE --ct2 PREFIX --ct2-src SRC
#     --model DIR      a model from hatexport with uniform heads and ende_layers all 1
#                      (what CTranslate2's Transformer can express; convert.py says why)
#     --input FILE     source sentences, one per line (the first --sentences are used)
#     --ct2 PREFIX     a CTranslate2 build or install holding ct2-translator (bin/ or cli/)
#     --ct2-src SRC    its source tree (convert.py imports SRC/python's model specs)
#     --sentences N    default 100     --repeats R    default 3 (runs of each tool per setting)
#     --max-tokens N   batched mode's tokens per batch (default 4096, hattranslate's default)
#     --settings LIST  e.g. "5:1:single 1:2:batched:2" (beam:threads:mode[:inter]; default: the
#                      eight settings, then 2-thread single ones again as 2 x 1 thread: inter = 2
#                      translates two batches at once, one thread each, in both engines; batched,
#                      100 sentences are one batch, so inter = 2 has nothing to share out)
#     --work DIR       scratch directory (default: a temporary one, removed at the end)
#     --tools DIR      where hattranslate is (default build/tools)
# Without --ct2 (or CT2_HOME) it prints how to build CTranslate2 and exits 0: CTranslate2 is
# not a dependency of the project, only a peer to measure against. Needs Debian's sentencepiece
# (spm_encode, spm_decode, spm_export_vocab), python3-numpy and python3-yaml.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

model="" input="" ct2="${CT2_HOME:-}" ct2_src="${CT2_SRC:-}" sentences=100 repeats=3
max_tokens=4096 settings="" work="" tools="$root/build/tools"
while (($#)); do
  case "$1" in
    --model) model="$2"; shift ;;
    --input) input="$2"; shift ;;
    --ct2) ct2="$2"; shift ;;
    --ct2-src) ct2_src="$2"; shift ;;
    --sentences) sentences="$2"; shift ;;
    --repeats) repeats="$2"; shift ;;
    --max-tokens) max_tokens="$2"; shift ;;
    --settings) settings="$2"; shift ;;
    --work) work="$2"; shift ;;
    --tools) tools="$2"; shift ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -z "$ct2" ]]; then
  cat <<'EOF'
compare: skipped, no CTranslate2 build given (--ct2 PREFIX or CT2_HOME). To build one outside
this repository (4.8.1; with its submodules cpu_features, spdlog and cxxopts):
  cmake -S CT2_SOURCE -B ct2-build -DWITH_MKL=OFF -DWITH_DNNL=ON -DOPENMP_RUNTIME=COMP \
        -DCMAKE_BUILD_TYPE=Release && cmake --build ct2-build -j
then: bench/ctranslate2/compare.sh --model DIR --input FILE --ct2 ct2-build --ct2-src CT2_SOURCE
EOF
  exit 0
fi
[[ -n "$model" && -n "$input" ]] || { echo "compare: --model and --input are required (try --help)" >&2; exit 2; }
[[ -f "$model/config.json" ]] || { echo "compare: $model is not a model directory from hatexport" >&2; exit 2; }
[[ -f "$input" ]] || { echo "compare: no input file $input" >&2; exit 2; }
translator=""
for candidate in "$ct2/bin/ct2-translator" "$ct2/cli/ct2-translator" "$ct2/ct2-translator"; do
  [[ -x "$candidate" ]] && { translator="$candidate"; break; }
done
[[ -n "$translator" ]] || { echo "compare: no ct2-translator under $ct2 (bin/, cli/)" >&2; exit 1; }
[[ -f "$ct2_src/python/ctranslate2/specs/transformer_spec.py" ]] ||
  { echo "compare: --ct2-src must name CTranslate2's source tree (python/ctranslate2/specs)" >&2; exit 2; }
[[ -x "$tools/hattranslate" ]] || { echo "compare: no $tools/hattranslate (run scripts/setup.sh)" >&2; exit 1; }
for tool in spm_encode spm_decode spm_export_vocab; do
  command -v "$tool" >/dev/null || { echo "compare: needs $tool (apt-get install sentencepiece)" >&2; exit 1; }
done
[[ -z "$settings" ]] && settings="1:1:single 1:1:batched 1:2:single 1:2:batched 5:1:single 5:1:batched 5:2:single 5:2:batched 1:2:single:2 5:2:single:2"
if [[ -z "$work" ]]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

head -n "$sentences" "$input" >"$work/src.txt"
spm_encode --model "$model/spm.model" <"$work/src.txt" >"$work/src.tok"
# The CTranslate2 library sits next to its translator in a build tree, under lib/ in an install.
export LD_LIBRARY_PATH="$(dirname "$translator"):$(dirname "$translator")/..:$ct2/lib:${LD_LIBRARY_PATH:-}"
PYTHONPATH="$ct2_src/python" /usr/bin/python3 "$here/convert.py" "$model" "$work/ct2-model"

seconds() {  # seconds COMMAND...: wall time of one run (its output goes to $work/log)
  local start end
  start=$(date +%s.%N)
  "$@" >>"$work/log" 2>&1 || { echo "compare: failed: $* (log: $work/log)" >&2; tail -5 "$work/log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }' 
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "| beam | threads (inter x intra) | mode | hattranslate (s) | CTranslate2 (s) | speed-up | same output |"
echo "|---|---|---|---|---|---|---|"
for setting in $settings; do
  IFS=: read -r beam threads mode inter <<<"$setting"
  inter="${inter:-1}"
  intra=$((threads / inter))
  ((intra >= 1)) || { echo "compare: $setting: inter $inter is more than $threads threads" >&2; exit 2; }
  if [[ "$mode" == single ]]; then
    ours_batch=(--max-tokens 1) theirs_batch=(--batch_size 1 --batch_type examples)
  else
    ours_batch=(--max-tokens "$max_tokens") theirs_batch=(--batch_size "$max_tokens" --batch_type tokens)
  fi
  ours=() theirs=()
  for ((r = 0; r < repeats; ++r)); do
    ours+=("$(seconds "$tools/hattranslate" --model "$model" --input "$work/src.txt" \
      --output "$work/ours.txt" --beam "$beam" --threads "$threads" --inter-threads "$inter" \
      --intra-threads "$intra" "${ours_batch[@]}" \
      --lenpen 1 --max-len-a 0 --max-len-b 200)")
    theirs+=("$(seconds "$translator" --model "$work/ct2-model" --src "$work/src.tok" \
      --out "$work/theirs.tok" --beam_size "$beam" --intra_threads "$intra" --inter_threads "$inter" \
      "${theirs_batch[@]}" --length_penalty 1 --max_decoding_length 200 --compute_type float32)")
  done
  spm_decode --model "$model/spm.model" <"$work/theirs.tok" >"$work/theirs.txt"
  same=$(paste -d '\t' "$work/ours.txt" "$work/theirs.txt" | awk -F'\t' '$1 == $2' | wc -l)
  m_ours=$(printf '%s\n' "${ours[@]}" | median)
  m_theirs=$(printf '%s\n' "${theirs[@]}" | median)
  printf '| %s | %s (%s x %s) | %s | %.3f | %.3f | %.2fx | %s/%s |\n' "$beam" "$threads" "$inter" "$intra" "$mode" \
    "$m_ours" "$m_theirs" "$(awk -v a="$m_theirs" -v b="$m_ours" 'BEGIN { print a / b }')" "$same" "$(wc -l <"$work/src.txt")"
done
