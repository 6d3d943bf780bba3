#!/usr/bin/env bash
# The docs tell the truth about the code:
#  1. every C, C++ and CMake sample in docs/ and the READMEs is preceded by
#     `<!-- sample: FILE#REGION -->` and equals that region of FILE (between
#     `[sample:REGION]` and `[/sample:REGION]` marker lines, dedented; the
#     whole file without #REGION), a file that builds in the tests;
#  2. every relative link ([text](path)) names a file or folder that exists;
#  3. every `brick ...` command shown in a sh block parses (brick --parse-only).
# tests/docs/sync_samples.py rewrites the samples from their sources.
# Usage: check_docs.sh <source dir> <brick binary>
set -uo pipefail
root=$1
brick=$2
cd "$root" || exit 1
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

mapfile -t docs < <(find docs -name '*.md' | sort; echo README.md; find sdk examples -name README.md | sort)

# The lines of REGION in FILE, dedented, other regions' markers dropped.
region() {
  local file=$1 name=$2
  awk -v name="$name" '
    function marker(line) { return line ~ /\[\/?sample:[A-Za-z0-9_]+\]/ }
    name == "" { if (!marker($0)) lines[n++] = $0; next }
    index($0, "[/sample:" name "]") { inside = 0; next }
    index($0, "[sample:" name "]") { inside = 1; found = 1; next }
    inside && !marker($0) { lines[n++] = $0 }
    END {
      if (name != "" && !found) exit 3
      indent = -1
      for (i = 0; i < n; i++) {
        if (lines[i] ~ /^[ \t]*$/) continue
        match(lines[i], /^ */)
        if (indent < 0 || RLENGTH < indent) indent = RLENGTH
      }
      for (i = 0; i < n; i++) print (indent > 0 ? substr(lines[i], indent + 1) : lines[i])
    }' "$file"
}

# 1. Samples.
samples=0
for doc in "${docs[@]}"; do
  # Each fenced block in a sample language: its first line, the marker line
  # before it (or nothing) and its body, separated by NUL-free markers.
  while IFS=$'\t' read -r start marker lang; do
    body=$(awk -v s="$start" 'NR > s && /^```/ { exit } NR > s { print }' "$doc")
    if [[ ! $marker =~ ^\<!--\ sample:\ ([^#\ ]+)(#([A-Za-z0-9_]+))?\ --\>$ ]]; then
      fail "$doc:$start: a $lang sample without '<!-- sample: FILE#REGION -->' on the line before"
      continue
    fi
    file=${BASH_REMATCH[1]} name=${BASH_REMATCH[3]}
    if [[ ! -f $file ]]; then
      fail "$doc:$start: sample file '$file' does not exist"
      continue
    fi
    expected=$(region "$file" "$name") || {
      fail "$doc:$start: no region '$name' in $file"
      continue
    }
    if [[ $body != "$expected" ]]; then
      fail "$doc:$start: the sample differs from $file#$name:"
      diff <(echo "$expected") <(echo "$body") | head -20
      continue
    fi
    samples=$((samples + 1))
  done < <(awk '
      /^```(cpp|c|c\+\+|cmake)$/ && !open { lang = substr($0, 4); print NR "\t" prev "\t" lang; open = 1; next }
      /^```/ { open = !open; next }
      !open && $0 !~ /^[ \t]*$/ { prev = $0 }' "$doc")
done

# 2. Links.
links=0
for doc in "${docs[@]}"; do
  dir=$(dirname "$doc")
  while IFS= read -r target; do
    target=${target%%#*}
    [[ -z $target || $target =~ ^[a-z]+: ]] && continue
    if [[ ! -e $dir/$target ]]; then
      fail "$doc: link to '$target', which does not exist"
    fi
    links=$((links + 1))
  done < <(awk '/^```/ { open = !open; next } !open { gsub(/`[^`]*`/, ""); print }' "$doc" |
    grep -o '\](\([^)]*\))' | sed 's/^](\(.*\))$/\1/')
done

# 3. Commands: lines of sh blocks whose command word is brick (any path to
# it), after `$ ` prompts and VAR=value prefixes, with `\` continuations
# joined. Placeholders (<brick prefix>, <N>) become plain words.
commands=0
for doc in "${docs[@]}"; do
  while IFS=$'\t' read -r line text; do
    words=$(sed -E 's/<[^>]*>/placeholder/g; s/\$\(|`/ /g' <<<"$text")
    # Split as the shell would, without running anything: no expansion of
    # commands (removed above), variables stay as written.
    if ! eval "set -- $words" 2>/dev/null; then
      fail "$doc:$line: cannot split '$text'"
      continue
    fi
    while [[ $# -gt 0 && $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do shift; done
    [[ $# -gt 0 ]] || continue
    shift  # the brick command itself
    if ! out=$("$brick" --parse-only "$@" 2>&1); then
      fail "$doc:$line: '$text' does not parse: $out"
      continue
    fi
    commands=$((commands + 1))
  done < <(awk '
      /^```(sh|bash|console)$/ && !open { open = 1; sh = 1; next }
      /^```/ { if (open) { open = 0; sh = 0 } else open = 1; next }
      sh {
        line = $0; sub(/^\$ /, "", line); sub(/[ \t]+#.*$/, "", line)
        sub(/ (\||>|2>|&&|;) .*$/, "", line)  # the brick part of a pipeline or a list
        if (pending != "") { line = pending " " line; n = start } else n = NR
        if (line ~ /\\$/) { sub(/\\$/, "", line); pending = line; start = n; next }
        pending = ""
        tmp = line
        while (tmp ~ /^[A-Za-z_][A-Za-z0-9_]*=[^ ]* /) sub(/^[A-Za-z_][A-Za-z0-9_]*=[^ ]* /, "", tmp)
        split(tmp, w, " ")
        if (w[1] ~ /(^|\/)brick$/) print n "\t" line
      }' "$doc")
done

echo "docs: $samples samples equal to their sources, $links links resolved, $commands brick commands parse"
if ((failures)); then
  echo "docs: $failures problems"
  exit 1
fi
