#!/usr/bin/env bash
# README's command blocks name only what exists: every ```sh block of README.md is read line by
# line, and each command in it is checked against the source tree and the build.
#   readme_commands_test.sh SOURCE_DIR BUILD_DIR [README]   check README (default SOURCE_DIR/README.md)
#   readme_commands_test.sh --self-test SOURCE_DIR BUILD_DIR  check that a README with known
#                                                           faults fails, each named by its line
# Rules, per command (a line is split into commands at |, ; and &&; quoted text is left out):
#  - build/tools/X and build/bench/X exist in BUILD_DIR; scripts/X exists in SOURCE_DIR.
#  - Every flag (--name or -n) of a build/tools command is listed by `X --help`, or by
#    `X SUBCOMMAND --help` when the word after X is a subcommand; every flag of a scripts/X command
#    is one of the option labels of the script's `case`. Bench programs take no flags here.
#  - Every word naming a path inside the repository's own folders (experiments/, devices/,
#    scripts/, docs/, ...) exists in SOURCE_DIR. Outputs are exempt by rule: paths under runs/,
#    data/, checkpoints/ and models/ are made by the quickstart or by an earlier README command.
#  - A bare *.yml file name (no folder: a published HAT configuration, which the tools look up by
#    file name; that lookup has its own test) must name exactly one file under
#    experiments/hat-configs/.
#  - No placeholders: a command block holds no "...".
# And every Markdown link of README.md and docs/ stays inside the repository: no URL, and the
# file it names (relative to the linking file, anchor dropped) exists below SOURCE_DIR.
# A failure prints README:LINE: what is wrong, and the test exits 1.
set -uo pipefail
set -f  # words of commands are split, never globbed

self_test=0
if [[ "${1:-}" == --self-test ]]; then self_test=1; shift; fi
src="$(cd "${1:?usage: readme_commands_test.sh SOURCE_DIR BUILD_DIR [README]}" && pwd)"
build="$(cd "${2:?usage: readme_commands_test.sh SOURCE_DIR BUILD_DIR [README]}" && pwd)"
readme="${3:-$src/README.md}"

repo_folders='^(bench|cmake|devices|docs|experiments|latency|scripts|search|supernet|tests|tools|util)/'
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() {  # fail LINE MESSAGE
  echo "$(basename "$readme"):$1: $2"
  failures=$((failures + 1))
}

# The help text of `TOOL [SUBCOMMAND]`, cached; empty (and a failure) when --help fails.
help_of() {  # help_of TOOL_PATH SUBCOMMAND
  local key
  key="$(echo "$1 $2" | tr '/ ' '__')"
  if [[ ! -f "$scratch/$key" ]]; then
    if [[ -n "$2" ]]; then "$1" "$2" --help >"$scratch/$key" 2>&1 || : >"$scratch/$key"
    else "$1" --help >"$scratch/$key" 2>&1 || : >"$scratch/$key"; fi
  fi
  cat "$scratch/$key"
}

check_path_word() {  # check_path_word LINE WORD
  local word="$2"
  word="${word#*=}"          # --flag=PATH, name=PATH
  word="${word%%[,;:)]}"     # trailing punctuation
  if [[ "$word" =~ $repo_folders ]]; then
    [[ -e "$src/$word" ]] || fail "$LINE" "'$word' does not exist in the repository"
  elif [[ "$word" == *.yml && "$word" != */* ]]; then
    # A bare configuration name: resolved by file name among HAT's published configurations.
    local hits
    hits=$(find "$src/experiments/hat-configs" -name "$word" -type f | wc -l)
    [[ "$hits" == 1 ]] || fail "$LINE" "'$word' names $hits files under experiments/hat-configs, not 1"
  fi
}

check_command() {  # check_command WORDS...
  (($#)) || return 0
  while (($#)) && [[ "$1" =~ ^[A-Z_]+=.* ]]; do shift; done  # VAR=value prefixes
  (($#)) || return 0
  local program="$1" sub="" tool="" kind=""
  shift
  case "$program" in
    build/tools/*) tool="$build/tools/${program#build/tools/}"; kind=tool ;;
    build/bench/*)
      # Built only with HAT_BUILD_BENCH=ON: without it there is nothing to check them against.
      [[ -d "$build/bench" ]] || return 0
      tool="$build/bench/${program#build/bench/}"; kind=bench ;;
    scripts/*) tool="$src/$program"; kind=script ;;
  esac
  if [[ -n "$kind" && ! -x "$tool" ]]; then
    fail "$LINE" "'$program' does not exist (or is not executable)"
    return
  fi
  if [[ "$kind" == tool && $# -gt 0 && "$1" != -* ]]; then sub="$1"; shift; fi
  local help=""
  if [[ "$kind" == tool ]]; then
    help="$(help_of "$tool" "$sub")"
    [[ -n "$help" ]] || fail "$LINE" "'$program${sub:+ $sub} --help' fails"
  fi
  local word flag
  for word in "$@"; do
    [[ "$word" == '>'* || "$word" == '<'* ]] && continue
    if [[ "$word" == -* && "$word" != - ]]; then
      flag="${word%%=*}"
      case "$kind" in
        tool)
          grep -qE -- "(^|[ ,\[])$flag([^A-Za-z0-9-]|$)" <<<"$help" ||
            fail "$LINE" "'$program${sub:+ $sub} --help' does not list $flag" ;;
        script)
          grep -qE -- "(^|[ |(])$flag[|)]" "$tool" ||
            fail "$LINE" "'$program' has no option $flag" ;;
        bench) fail "$LINE" "'$program' is given a flag ($flag): bench programs take none here" ;;
      esac
      [[ "$word" == *=* ]] && check_path_word "$LINE" "$word"
    else
      check_path_word "$LINE" "$word"
    fi
  done
}

check_readme() {
  local in_block=0 text
  LINE=0
  while IFS= read -r text || [[ -n "$text" ]]; do
    LINE=$((LINE + 1))
    if ((!in_block)); then
      [[ "$text" == '```sh' ]] && in_block=1
      continue
    fi
    if [[ "$text" == '```'* ]]; then in_block=0; continue; fi
    [[ "$text" == *...* ]] && fail "$LINE" "a placeholder ('...') in a command block"
    text="$(sed -E 's/(^|[[:space:]])#.*$//' <<<"$text")"          # comments
    text="$(sed -E "s/\"[^\"]*\"/Q/g; s/'[^']*'/Q/g" <<<"$text")"  # quoted text
    text="$(sed -E 's/&&|\|\||[|;]/\n/g' <<<"$text")"               # one command a line
    local command
    while IFS= read -r command; do
      # shellcheck disable=SC2086  # word splitting is the point
      check_command $command
    done <<<"$text"
  done <"$readme"
  ((!in_block)) || fail "$LINE" "a command block is not closed"
}

check_links() {  # check_links FILE...: every [text](target) resolves inside the repository
  local file number target resolved
  for file in "$@"; do
    while IFS=: read -r number target; do
      target="${target#](}"; target="${target%)}"; target="${target%%#*}"
      [[ -z "$target" ]] && continue
      if [[ "$target" =~ ^[a-z]+: ]]; then
        echo "${file#"$src"/}:$number: link '$target' leaves the repository"
        failures=$((failures + 1)); continue
      fi
      resolved="$(realpath -m "$(dirname "$file")/$target")"
      if [[ "$resolved" != "$src"/* || ! -e "$resolved" ]]; then
        echo "${file#"$src"/}:$number: link '$target' does not name a file in the repository"
        failures=$((failures + 1))
      fi
    done < <(grep -n -o '\]([^)]*)' "$file")
  done
}

if ((self_test)); then
  # A README with one known fault a line, and one correct line: each fault must be reported
  # with its line number, the correct line not at all.
  readme="$scratch/README.md"
  cat >"$readme" <<'EOF'
# fixture
```sh
build/tools/hatpredict predict --device rpi4 --no-such-flag
build/tools/hatnothing --help
build/tools/hatprofile import-csv --csv experiments/hat-latency/missing.csv --device xeon
scripts/quickstart.sh --smoke --no-such-option
build/tools/hatsearch ... --resume
build/tools/hatpredict predict --device rpi4 --arch HAT_no_such_config.yml
build/tools/hatpredict eval --device rpi4 --kind all   # correct
```
EOF
  cat >"$scratch/links.md" <<'EOF'
[the map](../shared/DESIGN.md) and [upstream](https://example.org/) and [here](README.md#fixture)
EOF
  output="$(check_readme; src="$scratch" check_links "$scratch/links.md")"
  expected=(
    "README.md:3: 'build/tools/hatpredict predict --help' does not list --no-such-flag"
    "README.md:4: 'build/tools/hatnothing' does not exist"
    "README.md:5: 'experiments/hat-latency/missing.csv' does not exist in the repository"
    "README.md:6: 'scripts/quickstart.sh' has no option --no-such-option"
    "README.md:7: a placeholder ('...') in a command block"
    "README.md:8: 'HAT_no_such_config.yml' names 0 files under experiments/hat-configs, not 1"
    "links.md:1: link '../shared/DESIGN.md' does not name a file in the repository"
    "links.md:1: link 'https://example.org/' leaves the repository"
  )
  status=0
  for e in "${expected[@]}"; do
    grep -qF -- "$e" <<<"$output" || { echo "self-test: missing report: $e"; status=1; }
  done
  if grep -q '^README.md:9:' <<<"$output"; then echo "self-test: the correct line 9 was reported"; status=1; fi
  if grep -q "'README.md" <<<"$output"; then echo "self-test: the link to README.md was reported"; status=1; fi
  ((status)) && { echo "self-test: the check printed:"; echo "$output"; }
  exit "$status"
fi

check_readme
# shellcheck disable=SC2046  # one argument per file
check_links "$readme" $(find "$src/docs" -name '*.md' | sort)
if ((failures)); then
  echo "readme commands: $failures problem(s) in $readme"
  exit 1
fi
echo "readme commands: every command block of $readme names existing tools, flags and paths"
