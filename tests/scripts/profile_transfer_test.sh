#!/usr/bin/env bash
# scripts/profile_transfer.sh at a tiny size (two beams at a 64-token vocabulary, 10
# architectures each in 2 rounds, no kernel benchmarks) in a scratch directory: the rounds fill
# every setting, the second round's order is rotated, the table has every ordered pair, its
# summary and each pair's lean and floor, transfer --predictions writes every target row, and a
# rerun measures nothing and prints the same table.
#   profile_transfer_test.sh TOOLS_DIR
set -euo pipefail
tools="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "profile_transfer test: $*" >&2; exit 1; }
run() { TOOLS="$tools" "$root/scripts/profile_transfer.sh" --out "$work/t" --samples 10 --rounds 2 \
          --vocabs 64 --beams 2,1 --no-kernels --kind ops "$@"; }

run >"$work/log" 2>&1 || { cat "$work/log"; fail "the run failed"; }
grep -q 'round 1/2: 5 architectures' "$work/log" || fail "no round of 5"
grep -q 'round 2/2: 10 architectures' "$work/log" || fail "no round of 10"
# Round 1 profiles beam 2 first, round 2 beam 1 first.
order=$(grep -o 'protocol L=30 beam [0-9]' "$work/log" | awk '{ printf "%s", $4 }')
[[ "$order" == "2112" ]] || fail "settings' order per round was $order, not 21 then 12"
for b in 1 2; do
  rows=$("$tools/hatprofile" stats --dataset "$work/t/host-v64-b$b.sqlite" | awk '$1 == "host" { print $2 }')
  [[ "$rows" == 10 ]] || fail "beam $b dataset holds '$rows' rows, not 10"
done
table="$work/t/transfer.txt"
[[ $(grep -c -E '^  V 64 beam [12] -> V 64 beam [12]: ops [0-9.]+%$' "$table") == 2 ]] ||
  fail "the table lacks its two pairs: $(cat "$table")"
grep -q -E '^  ops: [0-2] of 2 pairs under 10%' "$table" || fail "no summary line: $(cat "$table")"
# What each pair's error is made of (no kernels here, so no kernel scale), from its kept report.
[[ $(grep -c -E '^  V 64 beam [12] -> V 64 beam [12]: encoder [0-9.]+ decoder [0-9.]+, floor [0-9.]+%$' "$table") == 2 ]] ||
  fail "the table lacks the pairs' lean and floor: $(cat "$table")"
[[ -s "$work/t/pairs/v64-b2-to-v64-b1.txt" && -s "$work/t/pairs/v64-b1-to-v64-b2.txt" ]] ||
  fail "the pairs' reports were not kept: $(ls "$work/t")"

# hatpredict transfer --predictions: every target row, measured and predicted, split by side.
"$tools/hatpredict" transfer --data "$work/t/host-v64-b2.sqlite" --to-data "$work/t/host-v64-b1.sqlite" \
  --kind ops --predictions "$work/p.csv" >/dev/null
[[ $(head -1 "$work/p.csv") == row,measured_encoder_ms,measured_decoder_ms,measured_ms,outlier,ops_ms,ops_encoder_ms,ops_decoder_ms ]] ||
  fail "predictions header: $(head -1 "$work/p.csv")"
[[ $(tail -n +2 "$work/p.csv" | wc -l) == 10 ]] || fail "predictions: not 10 rows"
# Each side's figures add up to the total, measured and predicted.
awk -F, 'NR > 1 { if ($2 <= 0 || $3 <= 0 || $7 <= 0 || $8 <= 0) bad++;
                  d1 = $2 + $3 - $4; d2 = $7 + $8 - $6; if (d1 * d1 > 1e-6 || d2 * d2 > 1e-6) bad++ }
         END { exit bad > 0 }' "$work/p.csv" || fail "predictions rows do not add up: $(cat "$work/p.csv")"

# A rerun finds every sample and prints the same table.
cp "$table" "$work/first.txt"
run >"$work/log2" 2>&1 || { cat "$work/log2"; fail "the rerun failed"; }
[[ $(grep -c '^hatprofile: 0 measured now' "$work/log2") == 4 ]] || fail "the rerun measured again"
cmp -s "$table" "$work/first.txt" || fail "the rerun's table differs"

TOOLS="$tools" "$root/scripts/profile_transfer.sh" --rounds 0 >/dev/null 2>&1 && fail "--rounds 0 accepted"
echo "profile_transfer test: ok"
