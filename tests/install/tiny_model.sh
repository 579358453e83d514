#!/usr/bin/env bash
# A tiny trained model for the tests that run the tools end to end: in WORK, a corpus of
# word-for-word pairs from 12 words (corpus/), a 60-piece vocabulary (data/), the default space's
# SuperTransformer after UPDATES updates (supernet/), and each ARCH (largest, smallest or a YAML
# file) exported as a model directory (model-ARCH/). Fails with the step's log.
#   tiny_model.sh BIN_DIR WORK UPDATES ARCH...
set -euo pipefail
bin="$1" work="$2" updates="$3"
shift 3
fail() { echo "tiny model: $*" >&2; exit 1; }
cd "$work"
mkdir corpus
for split in train:300:1 valid:20:2 test:20:3; do
  IFS=: read -r name pairs seed <<<"$split"
  awk -v n="$pairs" -v seed="$seed" -v de="corpus/$name.de" -v en="corpus/$name.en" 'BEGIN {
    srand(seed)
    split("der Hund läuft schnell über die Straße und bellt laut Haus alt", d, " ")
    split("the dog runs quickly across the street and barks loudly house old", e, " ")
    for (i = 0; i < n; ++i) {
      s = ""; t = ""
      for (w = 0; w < 3 + int(rand() * 5); ++w) { k = 1 + int(rand() * 12); s = s d[k] " "; t = t e[k] " " }
      print s "." > de; print t "." > en
    }
  }'
done
"$bin/hatdata" prepare --corpus corpus -s de -t en --out data --vocab-size 60 --threads 1 >prepare.log ||
  fail "hatdata prepare failed: $(cat prepare.log)"
"$bin/hattrain" --data data --space default --save-dir supernet --max-update "$updates" \
  --max-tokens 200 --threads 1 >train-supernet.log 2>&1 || fail "hattrain failed: $(cat train-supernet.log)"
for arch in "$@"; do
  "$bin/hatexport" --supernet supernet --arch "$arch" --data data --out "model-$(basename "$arch" .yml)" \
    >"export-$(basename "$arch" .yml).log" 2>&1 || fail "hatexport --arch $arch failed: $(cat "export-$(basename "$arch" .yml).log")"
done
