#!/usr/bin/env bash
# The plugin template, as a third party uses it: install brick to a prefix,
# build the template out of tree against that prefix, and run its block
# through the installed brick.
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

# The installed brick also finds its own first-party plugins.
"$work/prefix/bin/brick" run example.Affine 'x=tensor([1.0])' | grep -qF '[2.0]'

# Installing the plugin into the prefix makes it findable by name.
cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
"$work/prefix/bin/brick" inspect my_plugin | grep -qF 'class Normalize'
# The installed registry scanner (beside the installed plugin folder) lists
# the installed plugins' blocks.
"$work/prefix/bin/brick" inspect | grep -qF 'example.Affine'
echo "out-of-tree plugin: ok"
