#!/usr/bin/env bash
# The custom hosts of examples/, as a user builds them: install brick to a
# prefix, build each example out of tree against it with find_package(Brick)
# and no CMAKE_CXX_STANDARD (Brick::host says what it needs), run it, and
# check the image it writes.
# Usage: examples_test.sh <brick build dir> <examples dir>
set -euo pipefail
build=$1
examples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BRICK_REGISTRY_CACHE="$work/cache/"

cmake --install "$build" --prefix "$work/prefix" >/dev/null
is_png() { [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]]; }

for example in minimal_host composed_host batch_host; do
  cmake -S "$examples/$example" -B "$work/$example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/$example" >/dev/null
done

cd "$work"
out=$("$work/minimal_host/minimal_host" text2image "a blue square" "$work/minimal.png")
echo "$out"
grep -qF "image_paths = ['$work/minimal.png']" <<<"$out" || { echo "minimal_host: unexpected output"; exit 1; }
is_png "$work/minimal.png" || { echo "minimal_host wrote no PNG"; exit 1; }
# A pipeline file by path, and a clear error for a missing one.
"$work/minimal_host/minimal_host" "$work/prefix/share/brick/pipelines/text2image.json" "a red circle" "$work/file.png" >/dev/null
is_png "$work/file.png"
if "$work/minimal_host/minimal_host" "$work/nope.json" 2>"$work/err"; then echo "a missing file ran"; exit 1; fi
grep -qF "nope.json" "$work/err" || { cat "$work/err"; exit 1; }

out=$("$work/composed_host/composed_host" "a red circle" "$work/composed.png" 2>"$work/log")
echo "$out" | tail -4
grep -qF "class SequentialPipelineBlocks" <<<"$out" || { echo "composed_host: no doc"; exit 1; }
grep -qF "composed-1: step 8/8" <<<"$out" || { echo "composed_host: no progress"; exit 1; }
grep -qF "steps seen: 8" <<<"$out" || { echo "composed_host: no step callback"; exit 1; }
is_png "$work/composed.png" || { echo "composed_host wrote no PNG"; exit 1; }
# Its own log sink: an unknown word is reported through it.
"$work/composed_host/composed_host" "a red cat" "$work/cat.png" >/dev/null 2>"$work/log"
grep -qF "[composed_host warning] shapes: prompt 'a red cat'" "$work/log" || { cat "$work/log"; exit 1; }
# The batch host: three prompts, three images and a manifest; run again, it resumes with nothing to do.
printf '%s\n' "a red circle" "a blue square" "a green triangle" >"$work/prompts.txt"
"$work/batch_host/batch_host" "$work/prompts.txt" "$work/batch" 2>"$work/log" || { cat "$work/log"; exit 1; }
[[ $(wc -l <"$work/batch/images/manifest.jsonl") == 3 ]] || { echo "batch_host: not 3 manifest lines"; exit 1; }
is_png "$work/batch/images/prompt-2.png" || { echo "batch_host wrote no PNG"; exit 1; }
"$work/batch_host/batch_host" "$work/prompts.txt" "$work/batch" 2>"$work/log"
grep -qF "3 already done, 0 to run" "$work/log" || { cat "$work/log"; exit 1; }
echo "examples: ok"
