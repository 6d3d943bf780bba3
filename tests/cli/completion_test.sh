#!/usr/bin/env bash
# The bash completion script, driven as bash drives it (COMP_WORDS,
# COMP_CWORD, then the function), against the real brick of the build tree.
# Usage: completion_test.sh <completion script> <brick binary>
set -uo pipefail
script=$1
brick=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BRICK_REGISTRY_CACHE="$work/cache/"
# shellcheck source=/dev/null
source "$script"
failures=0

# complete WORD... : the candidates for the last word.
complete_words() {
  COMP_WORDS=("$brick" "$@")
  COMP_CWORD=$(($# ))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _brick 2>/dev/null
  printf '%s\n' "${COMPREPLY[@]}"
}

expect() {
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  if ! grep -qxF -- "$want" <<<"$got"; then
    echo "FAIL: brick $* <TAB> should offer '$want'; got: $(tr '\n' ' ' <<<"$got")"
    failures=$((failures + 1))
  fi
}

expect run "r"
expect list "li"
expect --device run --dev
expect --names list --na
expect text2image run text2
expect example.Affine doc example.Aff
expect prompt= run text2image pro
expect num_inference_steps= run text2image num_inf
expect mermaid graph text2image -f mer
expect cuda:0 run text2image -d cuda
((failures == 0)) && echo "bash completion: ok"
exit $((failures > 0))
