#!/usr/bin/env bash
# Throughput of the Spark driver in local mode: 1 executor core against 2.
#   tools/spark/bench.sh TMALIGN_BINARY [COPIES]
# The 21 zh-ru development pairs (../shared/eval/ntrex-zhru/seg), COPIES times under other
# names (default 4), aligned presegmented with the lexical scorer in 4 partitions; prints the
# wall time of each run, the load average before it, and the peak resident memory of the
# tmalign processes (their largest `maxrss`, from GNU time when installed).
set -euo pipefail
bin=$(realpath "$1"); copies=${2:-4}
here=$(cd "$(dirname "$0")" && pwd)
seg=${TMALIGN_SHARED:-$here/../../../shared}/eval/ntrex-zhru/seg
[ -d "$seg" ] || seg=/work/shared/eval/ntrex-zhru/seg
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
py=${TMALIGN_SPARK_PYTHON:-python3}
for cores in 1 2; do
  echo "load before local[$cores]: $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  SOURCE_DATE_EPOCH=1700000000 PYSPARK_PYTHON=$py "$py" "$here/align_corpus.py" \
    --master "local[$cores]" --tmalign "$bin" --manifest "$work/corpus.tsv" \
    --output "$work/out$cores" --partitions 4 --presegmented --scorer lexical --no-seed 2>/dev/null
  end=$(date +%s.%N)
  echo "local[$cores]: $(wc -l < "$work/corpus.tsv") pairs in $(echo "$end - $start" | bc) s"
done
cmp "$work/out1/corpus.tmx" "$work/out2/corpus.tmx" && echo "merged TMX identical"
