#!/usr/bin/env bash
# The plugin template, as a third party uses it: install brick to a prefix,
# build the template out of tree against that prefix, and run its block
# through the installed brick.
# Then the installed plain C template, with CMake and with the compiler alone.
# Usage: out_of_tree_test.sh <brick build dir> <template dir>
set -euo pipefail
build=$1
template=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The registry cache of these runs stays in the scratch folder.
export BRICK_REGISTRY_CACHE="$work/cache/"

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cp -r "$template" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null

out=$("$work/prefix/bin/brick" run --plugin "$work/build/my_plugin.so" my_plugin.Normalize 'x=tensor([1.0, 3.0])')
echo "$out"
expected='normalized = Tensor(dtype=torch.float32, shape=torch.Size([2]))'
grep -qF "$expected" <<<"$out" || { echo "unexpected output"; exit 1; }
grep -qF -- '[-0.70710' <<<"$out" || { echo "unexpected values"; exit 1; }

# The template's own tests: brick runs its block and its pipeline file.
ctest --test-dir "$work/build" --output-on-failure >/dev/null || { echo "the template's tests failed"; exit 1; }

# The installed brick also finds its own first-party plugins.
"$work/prefix/bin/brick" run example.Affine 'x=tensor([1.0])' | grep -F '[2.0]' >/dev/null

# A prefix of the plugin's own: the plugin goes there, not into brick's,
# and BRICK_PLUGIN_PATH makes it findable.
cmake --install "$work/build" --prefix "$work/own" >/dev/null
test -f "$work/own/lib/brick/plugins/my_plugin.so" || { echo "not installed into its own prefix"; exit 1; }
test ! -e "$work/prefix/lib/brick/plugins/my_plugin.so" || { echo "installed into brick's prefix"; exit 1; }
BRICK_PLUGIN_PATH="$work/own/lib/brick/plugins" "$work/prefix/bin/brick" inspect my_plugin | grep -F 'class Normalize' >/dev/null

# No prefix given: beside brick's own plugins, findable by name.
cmake --install "$work/build" >/dev/null
"$work/prefix/bin/brick" inspect my_plugin | grep -F 'class Normalize' >/dev/null
# The installed registry scanner (beside the installed plugin folder) lists
# the installed plugins' blocks. (grep reads it all: `grep -q` stops at the
# first match, and brick, still writing, would die of SIGPIPE under pipefail.)
"$work/prefix/bin/brick" inspect | grep -F 'example.Affine' >/dev/null
# The plain C template, from the installed copy: CMake, its test, and the
# compiler one-liner its README gives.
cp -r "$work/prefix/share/brick/plugin-template-c" "$work/src-c"
cmake -S "$work/src-c" -B "$work/build-c" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build-c" >/dev/null
ctest --test-dir "$work/build-c" --output-on-failure >/dev/null || { echo "the C template's test failed"; exit 1; }
cc -std=c99 -O2 -Wall -Werror -shared -fPIC -fvisibility=hidden -I"$work/prefix/include" \
  "$work/src-c/my_plugin.c" -o "$work/my_c_plugin.so"
"$work/prefix/bin/brick" run -p "$work/my_c_plugin.so" my_c_plugin.AddOffset 'x=tensor([1.0, 2.0])' offset=2 |
  grep -F '[3.0, 4.0]' >/dev/null || { echo "the C plugin built by cc gave another answer"; exit 1; }
echo "out-of-tree plugins (C++ and C): ok"
