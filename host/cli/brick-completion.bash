# bash completion for brick. Installed to share/bash-completion/completions/brick
# (bash-completion loads it on first use); or: source brick-completion.bash
#
# Completes subcommands, each one's options, targets (installed pipelines and
# blocks from `brick list --names`, and *.json files), plugin files and
# folders, devices, graph formats, and a target's inputs as NAME= after it.

_brick() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n = || return
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  local brick=${words[0]}
  local commands="inspect list run doc graph lock batch serve"
  local search="-p --plugin -P --plugin-dir"
  local sub="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      inspect | list | run | doc | graph | lock | batch | serve) sub=${words[i]}; break ;;
    esac
  done

  case $prev in
    -p | --plugin) COMPREPLY=($(compgen -f -X '!*.so' -- "$cur") $(compgen -d -- "$cur")); return ;;
    -P | --plugin-dir | --out) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o | --output | --lock) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -d | --device) COMPREPLY=($(compgen -W "cpu cuda cuda:0 cuda:1" -- "$cur")); return ;;
    -f | --format) COMPREPLY=($(compgen -W "dot mermaid" -- "$cur")); return ;;
    --isolation) COMPREPLY=($(compgen -W "none process" -- "$cur")); return ;;
    --token-file | --run-dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --host | --port | --pipeline | --workers | --queue-size | --drain-timeout) return ;;
    -w | --workflow | --show | --component | --preview-every) return ;;
    --model) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac

  if [[ -z $sub ]]; then
    COMPREPLY=($(compgen -W "$commands -v --verbose -q --quiet --help --version" -- "$cur"))
    return
  fi

  local options
  case $sub in
    inspect) options="--json --bad $search" ;;
    list) options="--json --names $search" ;;
    run) options="-o --output --show --state --json -w --workflow --model -d --device --component --allow-unknown --preview-every --lock $search" ;;
    doc) options="-w --workflow --repr $search" ;;
    graph) options="-f --format -o --output -w --workflow $search" ;;
    lock) options="-o --output $search" ;;
    batch) options="--out -d --device --resume --fail-fast --quiet --lock $search" ;;
    serve) options="--host --port --pipeline --no-installed -d --device --workers --queue-size --no-watch --token-file --isolation --run-dir --drain-timeout --lock $search" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
    return
  fi

  # The target: the first word after the subcommand that is not an option.
  local target="" j
  for ((j = i + 1; j < cword; j++)); do
    case ${words[j]} in
      -p | --plugin | -P | --plugin-dir | -o | --output | -w | --workflow | -d | --device | -f | --format | --show | --component | --preview-every | --lock | --model | --out) ((j++)) ;;
      -*) ;;
      *) target=${words[j]}; break ;;
    esac
  done
  [[ $sub == serve ]] && return  # serve takes options only
  if [[ -z $target || $sub == lock || $sub == inspect ]]; then
    COMPREPLY=($(compgen -W "$("$brick" list --names 2>/dev/null)" -- "$cur") $(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
    [[ ${#COMPREPLY[@]} -eq 1 && -d ${COMPREPLY[0]} ]] && compopt -o nospace 2>/dev/null
    return
  fi
  if [[ $sub == run && $cur != *=* ]]; then
    # The target's inputs, from its doc ("    name (`type`, ...):" lines).
    local inputs
    inputs=$("$brick" doc "$target" 2>/dev/null | sed -n 's/^      \([A-Za-z_][A-Za-z0-9_]*\) (.*/\1=/p' | sort -u)
    COMPREPLY=($(compgen -W "$inputs" -- "$cur"))
    compopt -o nospace 2>/dev/null
  fi
}
complete -F _brick brick
