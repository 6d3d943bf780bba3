#!/usr/bin/env bash
# check_layers.sh SOURCE_DIR: the include rules of docs/architecture.md hold.
#
# The module table of docs/architecture.md (the rows between the
# "<!-- modules -->" markers, bottom layer first) is the rule: a file of
# libbrick's module M (host/src/M/, host/include/brick/host/M/) includes only
# headers of M and of modules listed before it. Also checked: every libbrick
# file sits in a listed module; the SDK and the registry never include the
# host; a first-party plugin includes no host header; the programs built on
# libbrick (host/cli, host/scanner, ...) use its public headers only. Prints
# every violation and exits 1.
set -euo pipefail
src=${1:?usage: check_layers.sh SOURCE_DIR}
cd "$src"

modules=$(sed -n '/<!-- modules -->/,/<!-- \/modules -->/p' docs/architecture.md |
  grep -oE '^\| `[a-z_]+/`' | grep -oE '[a-z_]+' | tr '\n' ' ')
[[ -n $modules ]] || { echo "docs/architecture.md: no module table between <!-- modules --> markers"; exit 1; }

# Every source file of the tree with its includes, as "file<TAB>include" lines
# (a file without includes as "file<TAB>"), read by one awk program.
find host sdk registry plugins -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.c' -o -name '*.cu' \) |
  sort | xargs awk '
    FNR == 1 { print FILENAME "\t" }
    /^[ \t]*#[ \t]*include[ \t]+"/ { match($0, /"[^"]+"/); print FILENAME "\t" substr($0, RSTART + 1, RLENGTH - 2) }' |
  awk -F '\t' -v modules="$modules" '
    BEGIN { n = split(modules, list, " "); for (i = 1; i <= n; ++i) rank[list[i]] = i }
    function fail(message) { print message; ++failures }
    # The module of a libbrick file, "" for other files.
    function module_of_file(f,   m) {
      if (match(f, /^host\/src\/[a-z_]+\//)) return substr(f, 10, RLENGTH - 10)
      if (match(f, /^host\/include\/brick\/host\/[a-z_]+\//)) return substr(f, 25, RLENGTH - 25)
      return ""
    }
    # The module an include names: brick/host/M/x.h (public) or M/x.h (private, from host/src).
    function module_of_include(inc,   parts) {
      if (inc ~ /^brick\/host\/[a-z_]+\//) { split(inc, parts, "/"); return parts[3] }
      if (inc ~ /^[a-z_]+\/[a-z_]+\.h$/) { split(inc, parts, "/"); if (parts[1] in rank) return parts[1] }
      return ""
    }
    {
      file = $1; inc = $2
      if (file == "host/include/brick/host.h") next  # the umbrella header includes every module
      if (file ~ /^host\/(src|include)\//) {
        module = module_of_file(file)
        if (module == "") { if (inc == "") fail(file ": not in a module folder (docs/architecture.md lists the modules)"); next }
        if (!(module in rank)) { if (inc == "") fail(file ": module " module "/ is not in docs/architecture.md"); next }
        if (inc == "") next
        if (inc ~ /^brick\/host\/[a-z_]+\.h$/) { fail(file " includes " inc ": a libbrick header outside the module folders"); next }
        used = module_of_include(inc)
        if (used != "" && rank[used] > rank[module]) fail(file " (" module "/) includes " inc ": " used "/ is above " module "/")
      } else if (file ~ /^host\//) {
        if (inc != "" && inc !~ /^brick\// && module_of_include(inc) != "")
          fail(file " includes " inc ": a private header of libbrick (use its public headers)")
      } else if (inc ~ /^brick\/host[\/.]/) {
        if (file ~ /^(sdk|registry)\//) fail(file ": includes a host header (the SDK and the registry never do)")
        else if (file ~ /^plugins\// && file !~ /\/tools\//)
          fail(file ": a plugin includes a host header; if it needs something, the SDK lacks it")
      }
    }
    END {
      if (failures) { print "check_layers: " failures " violation(s) of docs/architecture.md"; exit 1 }
      sub(/ $/, "", modules); print "check_layers: " n " modules (" modules "), every include runs down"
    }'
