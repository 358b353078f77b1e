#!/usr/bin/env bash
# Throughput of the Spark driver in local mode: 1 executor core against 2.
#
#   tools/spark/bench.sh [TMALIGN_BINARY] [PAIRS] [PARTITIONS] [KIND]
#
# Without TMALIGN_BINARY (or with ''), builds the release binary (`cargo build --release`, in
# $CARGO_TARGET_DIR or target/) and uses it. The corpus is PAIRS document pairs (default 2100)
# made of the 21 zh-ru development pairs (../shared/eval/ntrex-zhru), copied under other names
# until there are PAIRS: KIND `docs` (default) copies the whole documents (news articles of
# ~80 sentences, what a corpus builder aligns), `pieces` the documents cut at gold bead
# boundaries into pairs of three beads (as tests/spark_local.rs's thousands_of_pairs test).
# They are aligned presegmented with the lexical scorer in PARTITIONS partitions (default 8),
# first with `local[1]`, then with `local[2]` (each tmalign run uses one thread a task core).
#
# For each run it prints the load average before and after, the wall time, and the driver's
# timeline (`align_corpus.py --timeline`): per phase (Spark start, each learning stage's count
# job and its sealing merge on the driver, the alignment, the final `tm merge`) the wall time
# and the CPU time of the whole process tree (JVM, Python, tmalign), and the CPU of the tasks
# (tmalign and its Python worker), the part that more cores share, and in how many steps (a
# task's tmalign runs and, around the alignment, its handing over of the files: an alignment
# task has three, `align`, `place` or `pack`, and its `tm merge`). Then the speed-up
# wall(local[1]) / wall(local[2]) (meaningful on a quiet machine only), the speed-up Amdahl's
# law expects from the local[1] run's CPU times (whole-tree CPU outside the tasks counted as
# serial, the tasks' CPU shared by two cores: what a quiet machine should show, give or take
# the JVM's own threads and idle waits), and whether both runs wrote identical outputs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ $# -ge 1 ] && [ -n "$1" ]; then
  bin=$(realpath "$1")
else
  (cd "$repo" && cargo build --release --quiet)
  bin=${CARGO_TARGET_DIR:-$repo/target}/release/tmalign
fi
pairs=${2:-2100}
parts=${3:-8}
kind=${4:-docs}
set_dir=${TMALIGN_SHARED:-$repo/../shared}/eval/ntrex-zhru
[ -d "$set_dir/seg" ] || set_dir=/work/shared/eval/ntrex-zhru
[ -d "$set_dir/seg" ] || { echo "bench.sh: no development pairs at $set_dir (set TMALIGN_SHARED)" >&2; exit 2; }
py=${TMALIGN_SPARK_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" - "$set_dir" "$work" "$pairs" "$kind" <<'EOF'
import os, sys
set_dir, work, n, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if kind not in ("docs", "pieces"):
    sys.exit(f"bench.sh: KIND is docs or pieces, not {kind!r}")
read = lambda p: open(p, encoding="utf-8").read()
units = []
for k in range(21):
    zh, ru = read(f"{set_dir}/seg/{k:03}.zh"), read(f"{set_dir}/seg/{k:03}.ru")
    if kind == "docs":
        units.append((zh, ru))
        continue
    zh, ru = zh.splitlines(), ru.splitlines()
    beads = []
    for line in read(f"{set_dir}/gold/{k:03}.gold").splitlines():
        if line.strip():
            a, b = line.strip().split(":")[:2]
            side = lambda s: [int(x) for x in s.strip().strip("[]").split(",") if x.strip()]
            beads.append((side(a), side(b)))
    for i in range(0, len(beads), 3):
        s = [zh[j] for b in beads[i:i + 3] for j in b[0]]
        t = [ru[j] for b in beads[i:i + 3] for j in b[1]]
        if s and t:
            units.append(("\n".join(s) + "\n", "\n".join(t) + "\n"))
os.makedirs(f"{work}/docs")
with open(f"{work}/corpus.tsv", "w", encoding="utf-8") as m:
    for i in range(n):
        s, t = units[i % len(units)]
        stem = f"{work}/docs/c{i // len(units)}-{i % len(units):04}"
        for ext, text in ((".zh", s), (".ru", t)):
            with open(stem + ext, "w", encoding="utf-8") as f:
                f.write(text)
        m.write(f"{stem}.zh\t{stem}.ru\n")
EOF
echo "bench: $bin, $(wc -l < "$work/corpus.tsv") pairs ($kind), $parts partitions, $(nproc) cores"
# a warm-up run on the first 21 pairs, not measured: the driver JVM's class archive (see
# align_corpus.py) is made on a machine's first run, which costs that run ~3 s of CPU once;
# it also brings Spark's and tmalign's files into the page cache for both measured runs
head -n 21 "$work/corpus.tsv" > "$work/warm.tsv"
PYSPARK_PYTHON=$py "$py" "$here/align_corpus.py" --master "local[1]" --tmalign "$bin" \
  --manifest "$work/warm.tsv" --output "$work/warm" --partitions 1 --presegmented \
  --scorer lexical --no-seed 2> "$work/logwarm" || { cat "$work/logwarm" >&2; exit 1; }
declare -A wall
for cores in 1 2; do
  echo "local[$cores]: load before $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  SOURCE_DATE_EPOCH=1700000000 PYSPARK_PYTHON=$py "$py" "$here/align_corpus.py" \
    --master "local[$cores]" --tmalign "$bin" --manifest "$work/corpus.tsv" \
    --output "$work/out$cores" --partitions "$parts" --presegmented --scorer lexical --no-seed \
    --stats "$work/stats$cores.json" --timeline "$work/timeline$cores.json" \
    2> "$work/log$cores" || { cat "$work/log$cores" >&2; exit 1; }
  end=$(date +%s.%N)
  wall[$cores]=$(echo "$end - $start" | bc)
  echo "local[$cores]: ${wall[$cores]} s wall; load after $(cut -d' ' -f1-3 /proc/loadavg)"
  "$py" - "$work/timeline$cores.json" "$work/stats$cores.json" > "$work/summary$cores" <<'EOF'
import json, sys
t, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
serial = parallel = 0.0
for p in t["phases"]:
    if p["phase"] == "spark stop" or p["cpu_s"] is None:
        continue  # the JVM's exit takes its CPU time out of the process tree
    stage = p["phase"].replace(" count+reduce", "")
    tasks = [x for x in t["tasks"]
             if (x["phase"] == stage and p["phase"].endswith("count+reduce"))
             or (stage == "align" and x["phase"] == "align")]
    task_cpu = sum(x["cpu_s"] + x["py_cpu_s"] for x in tasks)
    serial += max(p["cpu_s"] - task_cpu, 0.0)
    parallel += task_cpu
    print(f"  {p['phase']:22} {p['wall_s']:7.1f} s wall {p['cpu_s']:7.1f} s CPU"
          + (f" ({task_cpu:.1f} s in {len(tasks)} steps of tasks)" if tasks else ""))
for kind in ("count", "merge", "align", "tmx", "driver"):
    if kind in s:
        k = s[kind]
        print(f"  tmalign {kind:6}: {k['runs']:3} runs, {k['cpu_s']:8.1f} s CPU, "
              f"peak RSS {k['peak_rss_kib'] / 1024:7.1f} MB")
print(f"  CPU: {serial + parallel:.1f} s = {serial:.1f} s outside the tasks (serial) "
      f"+ {parallel:.1f} s in the tasks (parallel)")
print(f"amdahl {serial:.3f} {parallel:.3f}")
EOF
  grep -v '^amdahl' "$work/summary$cores"
done
echo "speed-up local[2] vs local[1], wall: $(LC_ALL=C printf %.2f "$(echo "scale=4; ${wall[1]} / ${wall[2]}" | bc)")x (target >= 1.7; quiet machine only)"
read -r _ s p < <(grep '^amdahl' "$work/summary1")
echo "speed-up local[2] vs local[1], expected from local[1]'s CPU (Amdahl, (S + P) / (S + P/2)," \
  "S = $s s, P = $p s): $(LC_ALL=C printf %.2f "$(echo "scale=4; ($s + $p) / ($s + $p / 2)" | bc)")x"
same=yes
cmp -s "$work/out1/corpus.tmx" "$work/out2/corpus.tmx" || same=no
cmp -s "$work/out1/corpus.lex" "$work/out2/corpus.lex" || same=no
diff -rq "$work/out1/docs" "$work/out2/docs" > /dev/null || same=no
if [ $same = yes ]; then
  echo "outputs identical (merged TMX, corpus.lex, every per-document file)"
else
  echo "outputs DIFFER" >&2
  exit 1
fi
