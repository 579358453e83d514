#!/usr/bin/env bash
# Holds every library folder's #include lines to its link line: a file in FOLDER may include only
# from the folders of the targets FOLDER's target links (directly or through others), and the
# links themselves go one way (no folder reaches a folder that reaches it back). Prints the folder
# include graph; exits 1 naming each include that breaks the layering.
#   scripts/check_layering.sh BUILD/layering.txt [SOURCE_ROOT]
# layering.txt is written by CMake (hat_write_layering): "FOLDER: FOLDERS IT MAY INCLUDE FROM".
set -euo pipefail

layering="$1"
root="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

declare -A allowed  # folder -> " allowed folders "
folders=()
while IFS=: read -r folder deps; do
  [[ -n "$folder" ]] || continue
  folders+=("$folder")
  allowed[$folder]=" $deps "
done <"$layering"

# The folder that owns a path: the longest listed folder it lies in ("" for none).
owner() {
  local best="" f
  for f in "${folders[@]}"; do
    if [[ "$1" == "$f/"* && ${#f} -gt ${#best} ]]; then best="$f"; fi
  done
  echo "$best"
}

status=0
for a in "${folders[@]}"; do
  for b in ${allowed[$a]}; do
    if [[ "$a" != "$b" && "${allowed[$b]:-}" == *" $a "* ]]; then
      echo "cycle: $a links $b and $b links $a back" >&2
      status=1
    fi
  done
done

declare -A edges  # "from -> to" -> number of include lines
while IFS= read -r file; do
  from="$(owner "$file")"
  [[ -n "$from" ]] || continue
  while IFS= read -r include; do
    [[ -e "$include" ]] || continue  # not a project file
    to="$(owner "$include")"
    [[ "$to" == "$from" ]] && continue
    if [[ -z "$to" || "${allowed[$from]}" != *" $to "* ]]; then
      echo "$file includes $include: ${to:-$(dirname "$include")} is not below $from (its target does not link it)" >&2
      status=1
    fi
    key="$from -> ${to:-$(dirname "$include")}"
    edges[$key]=$((${edges[$key]:-0} + 1))
  done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/p' "$file")
done < <(find "${folders[@]}" -type f \( -name '*.h' -o -name '*.cc' -o -name '*.cu' -o -name '*.cuh' \) | sort)

echo "folder include graph (includes per edge):"
for key in "${!edges[@]}"; do echo "  $key (${edges[$key]})"; done | sort
if ((status == 0)); then echo "layering: every include follows the link lines; no cycles"; fi
exit "$status"
