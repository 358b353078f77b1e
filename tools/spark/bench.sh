#!/usr/bin/env bash
# Throughput of the Spark driver in local mode: 1 executor core against 2.
#
#   tools/spark/bench.sh [TMALIGN_BINARY] [COPIES] [PARTITIONS]
#
# Without TMALIGN_BINARY, builds the release binary (`cargo build --release`, in
# $CARGO_TARGET_DIR or target/) and uses it. The 21 zh-ru development pairs
# (../shared/eval/ntrex-zhru/seg) are copied COPIES times under other names (default 4: 84
# pairs) and aligned presegmented with the lexical scorer in PARTITIONS partitions (default
# 8), first with `local[1]`, then with `local[2]` (each tmalign run uses one thread a task
# core: RAYON_NUM_THREADS from spark.task.cpus). For each run it prints the load average
# before and after, the wall time, the CPU time and the largest peak resident memory of the
# tmalign processes by kind (count / merge / align on the executors, driver-side merges), as
# the driver measures them (each process's own, with GNU time when installed; the JVM and
# the Python workers are not counted: GNU time around the driver would miss them too, as the
# JVM is never waited for); then the speed-up
# wall(local[1]) / wall(local[2]) and whether both merged TMX are identical. Run it on a quiet
# machine: under load the wall times say nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ $# -ge 1 ] && [ -n "$1" ]; then
  bin=$(realpath "$1")
else
  (cd "$repo" && cargo build --release --quiet)
  bin=${CARGO_TARGET_DIR:-$repo/target}/release/tmalign
fi
copies=${2:-4}
parts=${3:-8}
seg=${TMALIGN_SHARED:-$repo/../shared}/eval/ntrex-zhru/seg
[ -d "$seg" ] || seg=/work/shared/eval/ntrex-zhru/seg
[ -d "$seg" ] || { echo "bench.sh: no development pairs at $seg (set TMALIGN_SHARED)" >&2; exit 2; }
py=${TMALIGN_SPARK_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs"
for c in $(seq 1 "$copies"); do
  for f in "$seg"/*.zh; do
    n=$(basename "$f" .zh)
    cp "$f" "$work/docs/c$c-$n.zh"; cp "$seg/$n.ru" "$work/docs/c$c-$n.ru"
    printf '%s\t%s\n' "$work/docs/c$c-$n.zh" "$work/docs/c$c-$n.ru" >> "$work/corpus.tsv"
  done
done
echo "bench: $bin, $(wc -l < "$work/corpus.tsv") pairs, $parts partitions, $(nproc) cores"
declare -A wall
for cores in 1 2; do
  echo "local[$cores]: load before $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  SOURCE_DATE_EPOCH=1700000000 PYSPARK_PYTHON=$py "$py" "$here/align_corpus.py" \
    --master "local[$cores]" --tmalign "$bin" --manifest "$work/corpus.tsv" \
    --output "$work/out$cores" --partitions "$parts" --presegmented --scorer lexical --no-seed \
    --stats "$work/stats$cores.json" 2> "$work/log$cores" \
    || { cat "$work/log$cores" >&2; exit 1; }
  end=$(date +%s.%N)
  wall[$cores]=$(echo "$end - $start" | bc)
  echo "local[$cores]: ${wall[$cores]} s wall; load after $(cut -d' ' -f1-3 /proc/loadavg)"
  "$py" - "$work/stats$cores.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
for kind in ("count", "merge", "align", "driver"):
    if kind in s:
        k = s[kind]
        print(f"  tmalign {kind:6}: {k['runs']:3} runs, {k['cpu_s']:8.1f} s CPU, "
              f"peak RSS {k['peak_rss_kib'] / 1024:7.1f} MB")
print(f"  tmalign total : {sum(k['cpu_s'] for k in s.values()):8.1f} s CPU, peak RSS "
      f"{max(k['peak_rss_kib'] for k in s.values()) / 1024:.1f} MB (largest process)")
EOF
done
echo "speed-up local[2] vs local[1]: $(echo "scale=2; ${wall[1]} / ${wall[2]}" | bc)x (target >= 1.7)"
if cmp -s "$work/out1/corpus.tmx" "$work/out2/corpus.tmx"; then
  echo "merged TMX identical"
else
  echo "merged TMX DIFFER" >&2
  exit 1
fi
