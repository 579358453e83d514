#!/usr/bin/env bash
# The arm64 board bundle under emulation (Debian's qemu-user: correctness only; its timings mean
# nothing). The bundle is unpacked into a scratch directory and run on a root holding only what
# every Debian 12 and Raspberry Pi OS system has (libc6, libstdc++6, libgcc-s1), so a library
# missing from the bundle's lib/ fails here. On it:
#   - hatpredict predicts with an rpi4 predictor trained on x86 what the x86 build predicts;
#   - hattranslate gives the x86 build's translations with models the x86 tools made, and its
#     peak RSS with the largest default-space SubTransformer stays within the decoder's bound,
#     2 x (weights + keys and values) + 150 MB;
#   - hatprofile run measures 3 SubTransformers of the default space into a new dataset, within
#     the same bound for the space's largest model, each row recording the kernels that ran
#     (our own loops where oneDNN has only reference code on the Cortex-A72).
#   board_smoke_test.sh BUILD_DIR
# The bundle is BUILD_DIR/board/hat-*-linux-arm64.tar.gz (scripts/test.sh makes it; or
# BOARD_DIR=BUILD_DIR/board scripts/build-board.sh arm64). Without it the test is skipped (77).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "$1" && pwd)"
fail() { echo "board smoke test: $*" >&2; exit 1; }

bundle="$(compgen -G "$build/board/hat-*-linux-arm64.tar.gz" | head -n1 || true)"
if [[ -z "$bundle" ]]; then
  echo "board smoke test: skipped: no arm64 bundle in $build/board (make it with:" \
       "BOARD_DIR=$build/board scripts/build-board.sh arm64)"
  exit 77
fi
command -v qemu-aarch64 >/dev/null || fail "qemu-aarch64 is missing (Debian package qemu-user)"

# A board's base system: Debian 12's arm64 libc6, libstdc++6 and libgcc-s1, nothing else.
base="$build/board/base-arm64"
"$here/../../scripts/debian-root.sh" arm64 libc6,libstdc++6,libgcc-s1 "$base"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset HAT_DATA_DIR HAT_DEVICE_PROFILES
tar -C "$work" -xzf "$bundle"
board="$(compgen -G "$work/hat-*-linux-arm64")"
x86="$build/tools"
# board TOOL ARGS...: the bundle's tool under emulation, on a Raspberry Pi 4's CPU (Cortex-A72:
# NEON, no SVE, so oneDNN picks what it picks there, and our loops replace its reference code);
# its peak RSS (KiB) goes to $work/rss.
board() {
  local tool="$1"
  shift
  /usr/bin/time -f "%M" -o "$work/rss" qemu-aarch64 -cpu cortex-a72 -L "$base" "$board/bin/$tool" "$@"
}
step() { echo "board smoke test: $* (${SECONDS}s)"; }
readelf -h "$board/bin/hattranslate" | grep -q "Machine:.*AArch64" || fail "bin/hattranslate is not an arm64 program"

step "hatpredict"
# hatpredict: a predictor trained on the workstation (x86, into the bundle's share/hat, as a user
# copies one over; training under emulation takes minutes) predicts on the board what it predicts
# on x86, to 0.1 ms (the builds' floating-point kernels differ in rounding only).
arch=HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml
HAT_DATA_DIR="$board/share/hat" "$x86/hatpredict" train --device rpi4 >"$work/predictor.log" 2>&1 ||
  fail "x86 hatpredict train failed: $(cat "$work/predictor.log")"
[[ -s "$board/share/hat/data/predictors/rpi4.predictor" ]] ||
  fail "the predictor was not written into the bundle: $(cat "$work/predictor.log")"
board hatpredict predict --device rpi4 --arch "$arch" >"$work/board-predict.txt" 2>"$work/predict.log" ||
  fail "hatpredict predict failed: $(cat "$work/predict.log")"
HAT_DATA_DIR="$board/share/hat" "$x86/hatpredict" predict --device rpi4 --arch "$arch" \
  >"$work/x86-predict.txt" 2>/dev/null || fail "x86 hatpredict predict failed"
board_ms="$(awk '{print $2}' "$work/board-predict.txt")"
x86_ms="$(awk '{print $2}' "$work/x86-predict.txt")"
awk -v a="$board_ms" -v b="$x86_ms" 'BEGIN { d = a - b; exit !(a > 0 && d < 0.1 && d > -0.1) }' ||
  fail "predictions differ: arm64 '$(cat "$work/board-predict.txt")', x86 '$(cat "$work/x86-predict.txt")'"

step "hattranslate"
# hattranslate: the same translations as x86 with the smallest and the largest model (beam 2, at
# most 30 tokens: a model trained 20 updates rarely ends a sentence by itself), and the largest
# within the memory bound, with the weights and the keys and values hattranslate reports.
mkdir "$work/model"
"$here/../install/tiny_model.sh" "$x86" "$work/model" 20 smallest largest >/dev/null
for arch in smallest largest; do
  model="$work/model/model-$arch"
  options=(--model "$model" --input "$work/model/corpus/test.de" --threads 1 --beam 2 --max-len-b 30)
  "$x86/hattranslate" "${options[@]}" --output "$work/x86-$arch.en" 2>/dev/null ||
    fail "x86 hattranslate failed"
  board hattranslate "${options[@]}" --output "$work/board-$arch.en" 2>"$work/translate.log" ||
    fail "hattranslate failed: $(cat "$work/translate.log")"
  cmp -s "$work/x86-$arch.en" "$work/board-$arch.en" ||
    fail "$arch: arm64 and x86 translations differ: $(diff "$work/x86-$arch.en" "$work/board-$arch.en" | head -n 6)"
done
weights_kib=$(($(stat -c %s "$work/model/model-largest/model.safetensors") / 1024))
kv_kib="$(sed -n 's/.*keys\/values \([0-9.]*\) MB.*/\1/p' "$work/translate.log" | awk '{ printf "%d", $1 * 1024 }')"
[[ -n "$kv_kib" ]] || fail "hattranslate did not report its keys and values: $(cat "$work/translate.log")"
# The emulator's own memory counts too: a stricter check than on a board.
bound_kib=$((2 * (weights_kib + kv_kib) + 150 * 1024))
rss_kib="$(tail -n1 "$work/rss")"
((rss_kib <= bound_kib)) || fail "hattranslate (largest) peak RSS $rss_kib KiB > bound $bound_kib KiB"
echo "hattranslate, largest (weights $weights_kib KiB, keys/values $kv_kib KiB): peak RSS $rss_kib KiB" \
     "under emulation (bound $bound_kib)"

step "hatprofile run"
# hatprofile run: 3 SubTransformers of the default space (a short protocol) into a new dataset.
board hatprofile run --space default --samples 3 --device rpi4 --dataset "$work/board.sqlite" \
  -L 6 --beam 2 --warmups 1 --iterations 2 --threads 1 >"$work/profile.log" 2>&1 ||
  fail "hatprofile run failed: $(tail -n 5 "$work/profile.log")"
"$x86/hatprofile" stats --dataset "$work/board.sqlite" >"$work/stats.txt" 2>&1 ||
  fail "the board's dataset does not open on x86: $(cat "$work/stats.txt")"
grep -Eq "^rpi4 +3 +3 " "$work/stats.txt" || fail "expected 3 rpi4 rows: $(cat "$work/stats.txt")"
# Each row records the kernels that ran: on a Cortex-A72 oneDNN has only reference code for ReLU
# and (log-)softmax, and our own loops stand in for it (devices/cpu/reference_fallback.h).
kernels="$(grep "kernels that ran" "$work/stats.txt" || true)"
for own in "eltwise:own loop (oneDNN has ref:any) (3)" "softmax:own loop (oneDNN has ref:any) (3)" "matmul:"; do
  [[ "$kernels" == *"$own"* ]] || fail "the board's rows do not record '$own': $(cat "$work/stats.txt")"
done
echo "$kernels"
# Its models have the rpi4 profile's 32,768-word vocabulary, not the tiny model's 60: the largest
# one's shared embedding is larger by (32768 - 60) x 256 floats; its keys and values (beam 2, 6
# steps) are a few KiB.
bound_kib=$((2 * weights_kib + 2 * (32768 - 60) * 256 * 4 / 1024 + 150 * 1024))
rss_kib="$(tail -n1 "$work/rss")"
((rss_kib <= bound_kib)) || fail "hatprofile run peak RSS $rss_kib KiB > bound $bound_kib KiB"
echo "hatprofile run, 3 samples: peak RSS $rss_kib KiB under emulation (bound $bound_kib)"
step "ok"
