#!/usr/bin/env bash
# batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS]: the figures of
# docs/batch.md. The shapes pipeline (pipelines/text2image.json, CPU) on JOBS
# jobs (default 96) of STEPS denoising steps (default 4), run by
#   - one process without MPI,
#   - mpirun -np 1 and mpirun -np 2,
#   - one process without MPI and OMP_NUM_THREADS=1 (one LibTorch thread, as
#     each rank of mpirun -np 2 on two cores has),
# and `brick run` of one job for the per-job cost of starting a process.
# The rate of a batch is its own (the last progress line: jobs over the time
# since the first job was handed out, the pipeline's loading excluded); the
# wall time of each command is printed beside it. Scaling efficiency is the
# -np 2 rate over twice the one-process rate. Not a ctest: timings depend on
# the machine and on what else runs on it.
set -euo pipefail
build=${1:?usage: batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS]}
source_dir=${2:?usage: batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS]}
count=${3:-96}
steps=${4:-4}
brick=$build/bin/brick
pipeline=$source_dir/pipelines/text2image.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BRICK_REGISTRY_CACHE=$work/cache/
cd "$work"
mpi=(mpirun --oversubscribe)
[[ $EUID -eq 0 ]] && mpi+=(--allow-run-as-root)

colours=(red green blue yellow)
shapes=(circle square triangle)
for i in $(seq 1 "$count"); do
  echo "{\"id\": \"job-$i\", \"prompt\": \"a ${colours[$((i % 4))]} ${shapes[$((i % 3))]}\", \"seed\": $i}"
done >jobs.jsonl

now() { date +%s.%N; }
# measure NAME COMMAND...: prints "NAME  <rate> jobs/s  <wall> s wall  <mean job> s per job in the pipeline"
declare -A rate
measure() {
  local name=$1 out=$work/out-$1
  shift
  local start end
  start=$(now)
  "$@" batch "$pipeline" jobs.jsonl --out "$out" num_inference_steps="$steps" 2>"$work/$name.log" >/dev/null
  end=$(now)
  rate[$name]=$(grep -oE '[0-9.]+ jobs/s' "$work/$name.log" | tail -1 | cut -d' ' -f1)
  local mean
  mean=$(grep -oE '"seconds": [0-9.]+' "$out/manifest.jsonl" | awk '{ s += $2 } END { printf "%.4f", s / NR }')
  printf '%-16s %7.1f jobs/s  %6.2f s wall  %.4f s mean job (pipeline)\n' "$name" "${rate[$name]}" \
    "$(echo "$end - $start" | bc)" "$mean"
}

echo "brick batch, shapes pipeline, $count jobs of $steps steps, $(nproc) cores"
measure single "$brick"
# LibTorch's intra-op threads are all the cores by default; the ranks below
# take one core each. One thread, in one process, for comparison.
measure single-1thread env OMP_NUM_THREADS=1 "$brick"
measure np1 "${mpi[@]}" -np 1 "$brick"
measure np2 "${mpi[@]}" -np 2 "$brick"
runs=3
start=$(now)
for i in $(seq 1 $runs); do
  "$brick" run "$pipeline" num_inference_steps="$steps" seed="$i" -o "$work/run-$i.png" >/dev/null 2>&1
done
end=$(now)
run_wall=$(echo "($end - $start) / $runs" | bc -l)
per_job=$(echo "1 / ${rate[single]}" | bc -l)
printf 'brick run, one job: %.3f s per job (a process each, %d runs)\n' "$run_wall" "$runs"
printf 'per job in one batch process: %.4f s (%.0fx less)\n' "$per_job" "$(echo "$run_wall / $per_job" | bc -l)"
printf 'np1 / single: %.2f   np2 / single: %.2f   scaling efficiency (np2 / (2 x single)): %.0f%%\n' \
  "$(echo "${rate[np1]} / ${rate[single]}" | bc -l)" "$(echo "${rate[np2]} / ${rate[single]}" | bc -l)" \
  "$(echo "100 * ${rate[np2]} / (2 * ${rate[single]})" | bc -l)"
