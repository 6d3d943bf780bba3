#!/usr/bin/env bash
# batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS] [REPEATS]: the figures
# of docs/batch.md. The shapes pipeline (pipelines/text2image.json, CPU) on
# JOBS jobs (default 96) of STEPS denoising steps (default 4), run by
#   - one process without MPI,
#   - one process without MPI held to one core (taskset -c 0), as mpirun
#     holds each of its ranks (--bind-to core, its default for 2 ranks),
#   - mpirun -np 1 and mpirun -np 2,
# each REPEATS times (default 3, the median shown), and `brick run` of one
# job for the per-job cost of starting a process. The rate of a batch is its
# own (the last progress line: jobs over the time since the first job was
# handed out; loading the pipeline is not in it); the wall time of the
# median run is printed beside it. Scaling efficiency is the -np 2 rate over
# twice the -np 1 rate. Not a ctest: timings depend on the machine and on
# what else runs on it (the load average is printed before and after).
set -euo pipefail
build=${1:?usage: batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS]}
source_dir=${2:?usage: batch_scaling.sh BUILD_DIR SOURCE_DIR [JOBS] [STEPS]}
count=${3:-96}
steps=${4:-4}
repeats=${5:-3}
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
# measure NAME COMMAND...: REPEATS runs; prints the median's rate, its wall
# time and the mean time of a job inside the pipeline.
declare -A rate
measure() {
  local name=$1
  shift
  local results=() i
  for i in $(seq 1 "$repeats"); do
    local out=$work/out-$name-$i start end mean r ranks
    start=$(now)
    "$@" batch "$pipeline" jobs.jsonl --out "$out" num_inference_steps="$steps" 2>"$work/$name.log" >/dev/null
    end=$(now)
    r=$(grep -oE '[0-9.]+ jobs/s' "$work/$name.log" | tail -1 | cut -d' ' -f1)
    mean=$(grep -oE '"seconds": [0-9.]+' "$out/manifest.jsonl" | awk '{ s += $2 } END { printf "%.4f", s / NR }')
    # Per rank: jobs run and their mean time in the pipeline.
    ranks=$(sed -E 's/.*"seconds": ([0-9.]+), "rank": ([0-9]+).*/\2 \1/' "$out/manifest.jsonl" |
      awk '{ n[$1]++; s[$1] += $2 } END { for (r in n) printf "rank%s:%d@%.1fms ", r, n[r], 1000 * s[r] / n[r] }')
    results+=("$r $(echo "$end - $start" | bc) $mean $ranks")
    rm -rf "$out"
  done
  local median
  median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((repeats + 1) / 2))p")
  read -r r wall mean ranks <<<"$median"
  rate[$name]=$r
  printf '%-14s %7.1f jobs/s  (runs: %s)  %6.2f s wall  %.4f s mean job in the pipeline  %s\n' "$name" "$r" \
    "$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | paste -sd/)" "$wall" "$mean" "$ranks"
}

echo "brick batch, shapes pipeline, $count jobs of $steps steps, $(nproc) cores, median of $repeats runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure single "$brick"
measure single-1core taskset -c 0 "$brick"
measure np1 "${mpi[@]}" -np 1 "$brick"
measure np2 "${mpi[@]}" -np 2 "$brick"
runs=3
start=$(now)
for i in $(seq 1 $runs); do
  "$brick" run "$pipeline" num_inference_steps="$steps" seed="$i" -o "$work/run-$i.png" >/dev/null 2>&1
done
end=$(now)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
run_wall=$(echo "($end - $start) / $runs" | bc -l)
per_job=$(echo "1 / ${rate[single]}" | bc -l)
printf 'brick run, one job: %.3f s (a process each, mean of %d)\n' "$run_wall" "$runs"
printf 'one job in a batch (one process): %.4f s, %.0fx less\n' "$per_job" "$(echo "$run_wall / $per_job" | bc -l)"
printf 'np2 / np1: %.2f, scaling efficiency np2 / (2 x np1): %.0f%%; np2 / single: %.2f\n' \
  "$(echo "${rate[np2]} / ${rate[np1]}" | bc -l)" "$(echo "100 * ${rate[np2]} / (2 * ${rate[np1]})" | bc -l)" \
  "$(echo "${rate[np2]} / ${rate[single]}" | bc -l)"
