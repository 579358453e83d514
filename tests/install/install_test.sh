#!/usr/bin/env bash
# The installed tree is relocatable: cmake --install into a scratch prefix, move the tree, and run
# the tools from there with no variable pointing anywhere (they must find share/hat beside
# themselves): hatpredict on the rpi4 profile, HAT's latency data and a published configuration
# given by file name; then hatdata, hattrain (the shipped default space, by name), hatexport and
# hattranslate on a tiny corpus.
#   install_test.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }
unset HAT_DATA_DIR HAT_DEVICE_PROFILES

cmake --install "$build" --prefix "$work/installed" >/dev/null
mv "$work/installed" "$work/moved"
bin="$work/moved/bin"
share="$(cd "$work/moved/share/hat" && pwd -P)"
for tool in hatdata hattrain hateval hattranslate hatexport hatprofile hatpredict hatsearch hatreport; do
  [[ -x "$bin/$tool" ]] || fail "bin/$tool is missing"
done
for f in experiments/spaces/default.yml devices/profiles/rpi4.yml experiments/hat-configs/SOURCE.md \
         experiments/hat-configs/LICENSE.md experiments/hat-latency/SOURCE.md \
         experiments/hat-latency/wmt14ende_cpu_raspberrypi_all.csv \
         experiments/hat-configs/wmt14.en-de/subtransformer/HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml; do
  [[ -s "$share/$f" ]] || fail "share/hat/$f is missing"
done
cd "$work"  # nothing is found relative to the working directory either

# The rpi4 profile's data and predictor resolve inside the moved tree.
"$bin/hatpredict" train --device rpi4 >train.log || fail "hatpredict train failed: $(cat train.log)"
grep -qF -- "-> $share/data/predictors/rpi4.predictor" train.log ||
  fail "the rpi4 predictor was not written into the moved tree: $(cat train.log)"
arch=HAT_wmt14ende_raspberrypi@6.0s_bleu@28.2.yml
"$bin/hatpredict" predict --device rpi4 --arch "$arch" >predict.log 2>/dev/null ||
  fail "hatpredict predict --arch $arch failed"
grep -Eq "^$arch: [0-9.]+ ms \(encoder [0-9.]+, decoder [0-9.]+\) \[hybrid, rpi4\]$" predict.log ||
  fail "unexpected prediction: $(cat predict.log)"

# The shipped spaces and HAT's configurations are looked up in the moved tree too (the errors for
# unknown names say where they looked).
"$bin/hatpredict" predict --device rpi4 --arch HAT_nosuch.yml >/dev/null 2>unknown-arch.log &&
  fail "hatpredict accepted an unknown architecture name"
grep -qF "$share/experiments/hat-configs" unknown-arch.log ||
  fail "the published configurations were not looked up in the moved tree: $(cat unknown-arch.log)"
"$bin/hattrain" --space nosuch >/dev/null 2>unknown-space.log && fail "hattrain accepted an unknown space"
grep -qF "$share/experiments/spaces" unknown-space.log ||
  fail "the spaces were not looked up in the moved tree: $(cat unknown-space.log)"

# A tiny corpus and vocabulary, one update of the default space's SuperTransformer (by name, so
# from the moved tree's spaces), its smallest SubTransformer exported and translating.
"$here/tiny_model.sh" "$bin" "$work" 1 smallest
printf 'der Hund läuft.\ndie Straße ist alt.\n' >input.de
"$bin/hattranslate" --model model-smallest --input input.de --output output.en --threads 1 --beam 2 \
  --max-len-b 8 2>translate.log || fail "hattranslate failed: $(cat translate.log)"
[[ $(wc -l <output.en) -eq 2 ]] || fail "expected 2 translations, got: $(cat output.en)"
echo "install test: ok"
