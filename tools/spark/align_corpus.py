#!/usr/bin/env python3
"""Aligns a corpus of document pairs on Apache Spark with tmalign's map-reduce batch learning.

    spark-submit [--master URL] [--files /path/to/tmalign] tools/spark/align_corpus.py \
        --tmalign /path/to/tmalign --manifest corpus.tsv --output OUT [--partitions N] \
        [--scorer lexical] [--presegmented] [--src-lang zh --tgt-lang ru] ...

The manifest has one `SOURCE<TAB>TARGET` a line: local paths (relative ones are taken from the
manifest's folder; on a cluster they must be readable on every executor, e.g. a shared mount)
or URIs. `file:` and `http(s):` URIs are read directly; other schemes (`hdfs:`, `s3a:`, `gs:`…)
are copied into the executor's temporary folder with `hadoop fs -copyToLocal`, so a cluster
with those file systems needs the Hadoop client on its executors (the usual setup).

What runs where:

1. the manifest is split into `--partitions` contiguous shards (`sc.parallelize`, one shard a
   partition); every tmalign run of a task uses as many threads as the task has cores
   (`spark.task.cpus`, default 1, as `RAYON_NUM_THREADS`);
2. per learning stage (1 + 2 x lexical rounds, five by default), one Spark job: as many
   tasks as run at once (Spark's default parallelism; `coalesce`, no shuffle) each run
   `tmalign lexicon count SHARD [--lexicon PREVIOUS] -o part.lexc` on each of their shards
   (one process a shard: memory bounded by the shard) and merge those counts in one `tmalign
   lexicon merge` on the executor's disk (merging is associative and commutative, so grouping
   and order do not matter; with more than 16 task slots the merged files are merged again,
   16 at a time); the driver merges the few results and seals them in one run (`lexicon merge
   --seal`: what later stages use, kilobytes), which goes to every executor with
   `SparkContext.addFile`;
3. every partition runs `tmalign align --batch SHARD --lexicon corpus.lex`; its documents' TMX
   and bead files go into `OUT/docs/` (`--output-writer`): by default in local mode the task
   moves them there itself (renames from a staging folder inside OUT: the driver does no work
   a document, one job for the whole alignment); otherwise (a cluster, where OUT is the
   driver's) the task hands them back as one compressed record and the driver writes them, in
   waves of as many partitions as run at once (`runJob`), the next wave aligning while the
   driver writes one (the driver holds at most three waves' files); `--output-writer
   executors` on a cluster whose executors all see OUT at the same path (a shared mount);
4. each alignment task also merges its shard's TMX files, in manifest order, with `tmalign tm
   merge` (its part of the merged TMX), and the driver merges those parts, in manifest order,
   into `OUT/corpus.tmx`: the same file as all documents merged at once in manifest order
   (the first occurrence of a unit is kept and the units are renumbered in order,
   `--renumber`, so the grouping does not matter), whatever the partitioning, from a few
   files instead of one per document; the driver keeps the final lexicon as
   `OUT/corpus.lex`.

Every `count` and `align` run of a partition is given `--bead-cache` in the executor's work
folder of this application (`SparkFiles.getRootDirectory()`, removed by Spark when the
application ends): the three stages of a lexical round read the same beads, so the first
stores them and the others (and the final alignment) read them back instead of aligning the
partition again. A task that lands on another executor just misses and aligns: the output
never depends on the cache (`--no-bead-cache` turns it off).

The driver reports on stderr, per kind of tmalign run (count, merge, align, tmx: the tasks'
`tm merge`, driver-side), how
many ran, their CPU time and their largest peak resident memory (each process's own, measured
with GNU time `/usr/bin/time` where installed), and writes the same as JSON with `--stats
FILE`. `--timeline FILE` writes the wall and CPU time (of the driver's whole process tree:
JVM, Python workers, tmalign) of each phase, and each task's CPU and wall time
(`tools/spark/bench.sh` reads it).

Started by this script rather than by spark-submit, the driver JVM runs with
`--driver-java-options` (default: the client compiler only and the serial collector, which
halve its CPU: it only schedules, and in local mode moves bytes) and a class archive
(`--class-archive`, see `class_archive`: Spark's classes mapped ready-loaded, made by the
first run on a machine), which more than halves its start and first job.

The tmalign binary is shipped to the executors with `addFile` (like `--files`). Every output is
the same whatever the number of partitions: the counts are exact sums and every document is
aligned with the same lexicon; the TMX creation date is the driver's start time (or
`SOURCE_DATE_EPOCH` when set) on every executor.
"""

import argparse
import errno
import hashlib
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib


# The driver JVM only schedules (in local mode it also runs the executor, which only moves
# bytes between Python and tmalign): the client compiler alone and one GC thread halve its
# CPU at start and per job (measured: start 10.6 s -> 5.5 s CPU; 8 small jobs 7.6 s -> 4.8 s),
# and on few cores that CPU is taken from the tasks.
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tmalign", required=True, help="the tmalign binary (Linux, for the executors)")
    p.add_argument("--manifest", required=True, help="SOURCE<TAB>TARGET a line")
    p.add_argument("--output", required=True, help="output folder on the driver")
    p.add_argument("--partitions", type=int, default=0, help="default: Spark's default parallelism")
    p.add_argument("--master", default=None, help="Spark master when not run by spark-submit")
    p.add_argument("--scorer", default="lexical", help="tmalign --scorer (default lexical)")
    p.add_argument("--presegmented", action="store_true")
    p.add_argument("--src-lang")
    p.add_argument("--tgt-lang")
    p.add_argument("--max-bead")
    p.add_argument("--no-seed", action="store_true")
    p.add_argument("--formats", default="tmx,beads", help="tmalign align --formats")
    p.add_argument("--no-bead-cache", action="store_true",
                   help="align every partition anew at every step (see above)")
    p.add_argument("--stats", help="write the tmalign processes' CPU and peak memory here (JSON)")
    p.add_argument("--driver-java-options", default=QUICK_JVM, metavar="OPTIONS",
                   help="the driver JVM's options when this script starts it (not under "
                   "spark-submit, nor when spark.driver.extraJavaOptions is set); default "
                   f"'{QUICK_JVM}'; '' for the JVM's defaults")
    p.add_argument("--class-archive", default=default_class_archive_dir(), metavar="DIR",
                   help="where the driver JVM's class archive is kept when this script starts "
                   "the JVM (see above; default: %(default)s); 'none' for no archive")
    p.add_argument("--output-writer", choices=("auto", "executors", "driver"), default="auto",
                   help="who writes the per-document files into --output: the executors "
                   "(the folder must be the same path on every executor: local mode, or a "
                   "shared mount), or the driver, which gets them through Spark; auto: the "
                   "executors in local mode, the driver otherwise")
    p.add_argument("--timeline", help="write the driver's phases (wall and CPU seconds of the "
                   "whole process tree) and every task's CPU and wall time here (JSON)")
    return p.parse_args(argv)


def default_class_archive_dir():
    """`$XDG_CACHE_HOME/tmalign/spark` (`~/.cache/tmalign/spark` by default)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "tmalign", "spark")


def class_archive(folder):
    """The driver JVM's options for its class archive in `folder` (HotSpot's application class
    data sharing, JEP 350), and, when the archive is yet to be made, (file being written, its
    final name) for [`finish_class_archive`].

    Loading and verifying Spark's classes is most of the driver JVM's start and of its first
    job (measured, with `QUICK_JVM`: start 3.6 s -> 1.4 s CPU, first job 1.2 s -> 0.6 s); the
    archive maps them ready-made. The first run on a machine writes it when its JVM exits
    (that run's start costs more, ~3 s CPU once); the archive is named after what it depends
    on (Spark's version and files, the Java runtime), so another installation makes its own.
    A JVM that cannot use an archive (another build, another class path) runs without it:
    the outputs never depend on it."""
    import pyspark

    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java", path=os.path.join(java_home, "bin") if java_home else None)
    if not java:
        return [], None
    java = os.path.realpath(java)
    st = os.stat(java)
    key = "\0".join([pyspark.__version__, os.path.dirname(os.path.abspath(pyspark.__file__)),
                     os.environ.get("SPARK_HOME", ""), java, str(st.st_size),
                     str(st.st_mtime_ns), QUICK_JVM])
    path = os.path.join(folder, f"spark-{pyspark.__version__}-"
                        f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.jsa")
    # quiet: an archive that does not fit is ignored, and the JVM would say so on stderr
    quiet = ["-XX:+IgnoreUnrecognizedVMOptions", "-Xlog:cds=off,cds+dynamic=off"]
    if os.path.exists(path):
        return quiet + [f"-XX:SharedArchiveFile={path}"], None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return [], None
    # written under a name of this run's own, renamed when whole: concurrent first runs each
    # write their own, and a run that dies leaves no half archive under the final name (its
    # file is removed here by a later run, once its process is gone)
    for name in os.listdir(folder):
        parts = name.rsplit(".", 2)
        if len(parts) == 3 and parts[2] == "tmp" and parts[1].isdigit():
            try:
                os.kill(int(parts[1]), 0)
            except ProcessLookupError:
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass
            except OSError:
                pass  # alive, another user's
    pending = f"{path}.{os.getpid()}.tmp"
    return quiet + [f"-XX:ArchiveClassesAtExit={pending}"], (pending, path)


def finish_class_archive(sc, pending):
    """Ends the driver JVM (which writes the archive as it exits) and names the archive."""
    proc = getattr(getattr(sc, "_gateway", None), "proc", None)
    if proc is None:
        return
    try:
        proc.stdin.close()  # Spark's gateway exits when its standard input closes
        proc.wait(timeout=300)
        if proc.returncode == 0 and os.path.getsize(pending[0]) > 0:
            os.replace(*pending)
    except (OSError, subprocess.TimeoutExpired):
        pass
    finally:
        if os.path.exists(pending[0]):
            os.remove(pending[0])


def tool_options(args):
    """The options every count and align run shares (the lexicon is only valid with them)."""
    out = ["--allow-outside", "--scorer", args.scorer]
    if args.presegmented:
        out.append("--presegmented")
    for flag, value in (("--src-lang", args.src_lang), ("--tgt-lang", args.tgt_lang),
                        ("--max-bead", args.max_bead)):
        if value:
            out += [flag, value]
    if args.no_seed:
        out.append("--no-seed")
    return out


def read_manifest(sc, manifest):
    """(index, source, target) rows; relative local paths resolved against the manifest."""
    scheme = urllib.parse.urlparse(manifest).scheme
    if scheme in ("", "file"):
        path = urllib.parse.urlparse(manifest).path if scheme else manifest
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        base = os.path.dirname(os.path.abspath(path))
    else:
        lines = sc.textFile(manifest).collect()
        base = None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            sys.exit(f"{manifest}:{n}: expected SOURCE<TAB>TARGET")
        fixed = []
        for p in parts:
            p = p.strip()
            if base and not urllib.parse.urlparse(p).scheme and not os.path.isabs(p):
                p = os.path.join(base, p)
            fixed.append(p)
        rows.append((len(rows), fixed[0], fixed[1]))
    if not rows:
        sys.exit(f"{manifest}: no document pairs")
    return rows


GNU_TIME = "/usr/bin/time"

# At most this many counts files go into one merge: the driver's last (sealing) merge and, on
# a cluster with many task slots, each merge of merges (see `stage_counts`). The driver holds
# that many files of a stage at once (a bead stage's are tens of megabytes).
FAN_IN = 16


def run_measured(cmd, env=None):
    """Runs `cmd`; returns (stdout bytes, (CPU seconds, peak RSS in KiB)) of that process.

    The peak comes from GNU time when the machine has it: the `rusage` that `wait4` gives
    here would not do, as Linux carries the high-water mark of the forking Python worker
    (hundreds of MB) over `exec` into the child's. Without GNU time the figure is that upper
    bound."""
    with tempfile.TemporaryDirectory(prefix="tmalign-run-") as d:
        measured = os.access(GNU_TIME, os.X_OK)
        tfile = os.path.join(d, "time")
        full = [GNU_TIME, "-f", "%U %S %M", "-o", tfile, *cmd] if measured else cmd
        with open(os.path.join(d, "out"), "w+b") as out, open(os.path.join(d, "err"), "w+b") as err:
            p = subprocess.Popen(full, stdout=out, stderr=err, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if p.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): "
                                   f"{err.read().decode(errors='replace')}")
            usage = (ru.ru_utime + ru.ru_stime, ru.ru_maxrss)
            if measured:
                with open(tfile, encoding="utf-8") as fh:
                    u, s, m = fh.read().split()[-3:]
                usage = (float(u) + float(s), int(m))
            return out.read(), usage


def run(cmd, env=None):
    return run_measured(cmd, env)[0].decode()


class Stats:
    """Per kind of tmalign run: runs, CPU seconds, largest peak RSS (KiB). Summed over the
    tasks with a Spark accumulator (a retried task counts twice: these are measurements, not
    output)."""

    @staticmethod
    def one(kind, usage):
        return {kind: [1, usage[0], usage[1]]}

    @staticmethod
    def add(a, b):
        out = {k: list(v) for k, v in a.items()}
        for k, (n, cpu, rss) in b.items():
            o = out.setdefault(k, [0, 0.0, 0])
            o[0] += n
            o[1] += cpu
            o[2] = max(o[2], rss)
        return out


def tree_cpu():
    """CPU seconds used so far by this process and every live descendant (the JVM, its Python
    workers, their tmalign runs), each with its reaped children's: what a stage of the run
    costs whatever process does the work. None off Linux (no `/proc`)."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        procs = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                    text = fh.read()
            except OSError:
                continue
            # fields after the command, which may hold spaces: state ppid ... utime stime
            # cutime cstime at 14-17 (1-based), i.e. 11-14 here
            rest = text[text.rfind(")") + 2:].split()
            procs[int(pid)] = (int(rest[1]), sum(int(x) for x in rest[11:15]))
    except (OSError, ValueError, IndexError):
        return None
    kids = {}
    for pid, (ppid, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += procs.get(pid, (0, 0))[1]
        todo += kids.get(pid, [])
    return total / tick


class Timeline:
    """The driver's phases (Spark start, each learning stage's count-and-reduce job and
    driver-side seal, the alignment, the final `tm merge`): wall seconds and the CPU seconds
    of the whole process tree ([`tree_cpu`]) of each, for `--stats`."""

    def __init__(self):
        self.phases = []
        self.start = self.last = time.monotonic()
        self.last_cpu = tree_cpu()

    def mark(self, name):
        now, cpu = time.monotonic(), tree_cpu()
        used = None if cpu is None or self.last_cpu is None else round(cpu - self.last_cpu, 3)
        self.phases.append({"phase": name, "wall_s": round(now - self.last, 3), "cpu_s": used})
        self.last, self.last_cpu = now, cpu


class ListParam:
    """An accumulator of a list (PySpark's `AccumulatorParam` protocol): per-task records."""

    def zero(self, value):
        return []

    def addInPlace(self, a, b):
        a.extend(b)
        return a


class StatsParam:
    """The accumulator parameter of [`Stats`] (PySpark's `AccumulatorParam` protocol)."""

    def zero(self, value):
        return {}

    def addInPlace(self, a, b):
        return Stats.add(a, b)


def fetch(uri, folder):
    """A local path to read `uri` from: local files as they are, others copied into `folder`
    under their own file name (in a subfolder per URI, so equal names never collide)."""
    u = urllib.parse.urlparse(uri)
    if u.scheme == "":
        return uri
    if u.scheme == "file":
        return urllib.parse.unquote(u.path)
    sub = os.path.join(folder, hashlib.sha256(uri.encode()).hexdigest()[:16])
    os.makedirs(sub, exist_ok=True)
    dest = os.path.join(sub, os.path.basename(urllib.parse.unquote(u.path)) or "file")
    if u.scheme in ("http", "https"):
        with urllib.request.urlopen(uri) as r, open(dest, "wb") as f:
            shutil.copyfileobj(r, f)
    else:
        run(["hadoop", "fs", "-copyToLocal", uri, dest])
    return dest


def tool_path(name):
    """The shipped tmalign binary, executable."""
    from pyspark import SparkFiles

    path = SparkFiles.get(name)
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def write_shard(rows, folder):
    """The shard's manifest (absolute local paths, URIs fetched)."""
    manifest = os.path.join(folder, "shard.tsv")
    with open(manifest, "w", encoding="utf-8") as f:
        for _, src, tgt in rows:
            f.write(f"{fetch(src, folder)}\t{fetch(tgt, folder)}\n")
    return manifest


# `tmalign`'s output names (src/tm/naming.rs): the source file name without a format suffix,
# then without a language suffix that names a language tmalign knows.
FORMAT_SUFFIXES = {"txt", "md", "markdown", "html", "htm", "tmx", "text", "xhtml", "docx", "odt",
                   "pdf"}
LANG_CODES = {"zh", "zho", "chi", "cmn", "ru", "rus", "en", "eng"}


def output_stem(path):
    """The stem `tmalign align` names a document's outputs with (see `naming::output_stem`)."""
    name = os.path.basename(path) or "output"
    head, dot, ext = name.rpartition(".")
    if dot and head and ext.lower() in FORMAT_SUFFIXES:
        name = head
    head, dot, tag = name.rpartition(".")
    if dot and head:
        primary, *rest = tag.replace("_", "-").split("-")
        ascii_alpha = primary.isascii() and primary.isalpha()
        if (2 <= len(primary) <= 3 and ascii_alpha and primary.lower() in LANG_CODES
                and all(2 <= len(x) <= 4 and x.isascii() and x.isalnum() for x in rest)):
            name = head
    return name or "output"


def place(src, dst):
    """Moves file `src` to `dst` whole: a rename, or where `dst` is on another file system
    (OUT/docs a link elsewhere), a copy under a temporary name beside `dst`, then a rename."""
    try:
        os.replace(src, dst)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        tmp = f"{dst}.{os.getpid()}.tmp"
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        os.remove(src)


def cache_options(enabled):
    """`--bead-cache` in this application's work folder on the executor (see above)."""
    if not enabled:
        return []
    from pyspark import SparkFiles

    return ["--bead-cache", os.path.join(SparkFiles.getRootDirectory(), "tmalign-bead-cache")]


def aligned_waves(sc, rdd, align, width):
    """The output of `align` over the partitions of `rdd`, `width` partitions (one job) at a
    time. `toLocalIterator`, which streams one partition at a time, runs one job per partition
    after the other: the alignment would never use more than one core; `collect` would hold the
    whole corpus's output on the driver. A wave of as many partitions as run at once uses every
    core and holds that many partitions' output."""
    n = rdd.getNumPartitions()
    for first in range(0, n, width):
        yield sc.runJob(rdd, align, list(range(first, min(first + width, n))))


def ahead(waves):
    """The items of `waves`, computed one wave ahead in a thread, so that the next wave aligns
    while the driver writes this one's files (a queue of one: at most three waves in memory)."""
    import queue
    import threading

    q = queue.Queue(maxsize=1)
    done = object()

    def produce():
        try:
            for wave in waves:
                q.put(wave)
            q.put(done)
        except BaseException as e:  # handed to the consumer, raised there
            q.put(e)

    threading.Thread(target=produce, daemon=True).start()
    while True:
        got = q.get()
        if got is done:
            return
        if isinstance(got, BaseException):
            raise got
        yield from got


def main(argv):
    args = parse_args(argv)
    timeline = Timeline()
    from pyspark import SparkConf, SparkContext

    # a bare SparkContext: the driver uses no DataFrame, and a SparkSession costs seconds of
    # the driver JVM's CPU at start (measured: 5.5 s -> 3.1 s with the options below)
    conf = SparkConf().setAppName("tmalign align_corpus").set(
        "spark.ui.showConsoleProgress", "false")
    if args.master:
        conf.setMaster(args.master)
    pending_archive = None
    # not under spark-submit (whose JVM is already running), nor over the user's own options
    own_jvm = not conf.contains("spark.driver.extraJavaOptions") and not (
        "PYSPARK_GATEWAY_PORT" in os.environ)
    if own_jvm:
        jvm_options = args.driver_java_options.split()
        if args.class_archive != "none":
            archive_options, pending_archive = class_archive(args.class_archive)
            jvm_options += archive_options
        if jvm_options:
            conf.set("spark.driver.extraJavaOptions", " ".join(jvm_options))
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("ERROR")
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or str(int(time.time()))
    env = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    tool_name = os.path.basename(args.tmalign)
    sc.addFile(os.path.abspath(args.tmalign))
    opts = tool_options(args)
    use_cache = not args.no_bead_cache
    # A task holds `spark.task.cpus` cores of its executor: tmalign's worker threads are held
    # to that many, so that `local[1]` is one core and concurrent tasks do not oversubscribe.
    threads = sc.getConf().get("spark.task.cpus") or "1"

    def task_env():
        # the executor's own environment (the driver's paths mean nothing there)
        return dict(os.environ, SOURCE_DATE_EPOCH=epoch, RAYON_NUM_THREADS=threads)

    stats = sc.accumulator({}, StatsParam())
    tasks = sc.accumulator([], ListParam())
    local_stats = {}

    def task_record(phase, kind, usage, wall0, py0):
        """One task's tmalign CPU, its Python worker's own CPU and its wall time."""
        tasks.add([{"phase": phase, "kind": kind, "cpu_s": round(usage[0], 3),
                    "py_cpu_s": round(time.process_time() - py0, 3),
                    "wall_s": round(time.monotonic() - wall0, 3)}])

    def local(kind, cmd, **kw):
        nonlocal local_stats
        out, usage = run_measured(cmd, **kw)
        local_stats = Stats.add(local_stats, Stats.one(kind, usage))
        return out.decode()

    rows = read_manifest(sc, args.manifest)
    parts = args.partitions or sc.defaultParallelism
    # one element a partition, its rows: a shard, which a task that takes several partitions
    # (see `stage_counts`) still counts and aligns as one, so a shard's documents are always
    # counted and aligned together (as the bead cache wants) whatever runs it
    shards = sc.parallelize(rows, min(parts, len(rows))).glom().cache()
    os.makedirs(args.output, exist_ok=True)
    work = tempfile.mkdtemp(prefix="tmalign-spark-")

    def merged_bytes(inputs, d, phase):
        """The counts files `inputs` merged in one `lexicon merge` run (each input read once,
        where a pairwise merge tree reads and writes the growing sums again at every level),
        as bytes; a single file as it is (the driver's sealing merge marks it merged)."""
        if len(inputs) > 1:
            wall0, py0 = time.monotonic(), time.process_time()
            out = os.path.join(d, "merged.lexc")
            _, usage = run_measured([tool_path(tool_name), "lexicon", "merge", *inputs, "-o", out],
                                    env=task_env())
            stats.add(Stats.one("merge", usage))
            task_record(phase, "merge", usage, wall0, py0)
            inputs = [out]
        with open(inputs[0], "rb") as fh:
            return fh.read()

    def count_shards(lex_name, phase):
        """A task's stage: `lexicon count` of each of its shards (one run each: memory bounded
        by a shard), then their counts merged in one run, on the executor's disk: the counts
        files never go through Spark, only the task's merged one, to the driver."""
        def f(shards):
            tool = tool_path(tool_name)
            with tempfile.TemporaryDirectory(prefix="tmalign-count-") as d:
                inputs = []
                for rows in shards:
                    if not rows:
                        continue
                    wall0, py0 = time.monotonic(), time.process_time()
                    sd = os.path.join(d, str(len(inputs)))
                    os.mkdir(sd)
                    inputs.append(os.path.join(d, f"{len(inputs)}.lexc"))
                    cmd = [tool, "lexicon", "count", write_shard(rows, sd), "-o", inputs[-1]]
                    if lex_name:
                        from pyspark import SparkFiles

                        cmd += ["--lexicon", SparkFiles.get(lex_name)]
                    _, usage = run_measured(cmd + opts + cache_options(use_cache), env=task_env())
                    stats.add(Stats.one("count", usage))
                    task_record(phase, "count", usage, wall0, py0)
                if inputs:
                    yield merged_bytes(inputs, d, phase)
        return f

    def merge_task(phase):
        """Merged counts files of earlier tasks merged again (in one run)."""
        def f(it):
            with tempfile.TemporaryDirectory(prefix="tmalign-merge-") as d:
                inputs = []
                # written as they come, so that only one counts file at a time is in memory
                for data in it:
                    inputs.append(os.path.join(d, f"{len(inputs)}.lexc"))
                    with open(inputs[-1], "wb") as fh:
                        fh.write(data)
                    del data
                if inputs:
                    yield merged_bytes(inputs, d, phase)
        return f

    def stage_counts(lex_name, phase):
        """The stage's counts, merged down to at most `FAN_IN` files for the driver's sealing
        merge. Each of `groups` tasks (Spark's default parallelism: as many as run at once)
        counts its share of the shards and merges them ([`count_shards`]; `coalesce`: no
        shuffle, one job); on a cluster with more than `FAN_IN` task slots, groups of
        `FAN_IN` are merged again (shuffled) until few are left."""
        n = min(groups, shards.getNumPartitions())
        merged = shards.coalesce(n).mapPartitions(count_shards(lex_name, phase))
        while n > FAN_IN:
            n = -(-n // FAN_IN)
            merged = (merged.mapPartitionsWithIndex(lambda i, it, n=n: ((i % n, b) for b in it))
                      .partitionBy(n).values().mapPartitions(merge_task(phase)))
        return merged

    local_tool = tool_path(tool_name)
    # tasks that run at once: the count step's tasks (see `stage_counts`)
    groups = max(1, sc.defaultParallelism)
    timeline.mark("spark start")
    lex_name = None
    stage = 0
    while True:
        stage += 1
        phase = f"stage {stage}"
        # the last merge, on the driver, takes the few merged files at once (one read of each;
        # it also marks a single partition's counts as merged) and seals the stage (only what
        # later stages use: a bead stage's table, not its tens of megabytes of pair counts), so
        # the file every partition gets and reads is small
        parts_of_stage = []
        for data in stage_counts(lex_name, phase).collect():
            parts_of_stage.append(os.path.join(work, f"stage{stage}.{len(parts_of_stage)}.lexc"))
            with open(parts_of_stage[-1], "wb") as fh:
                fh.write(data)
            del data
        timeline.mark(f"stage {stage} count+reduce")
        lex_name = f"stage{stage}.lex"
        lex_path = os.path.join(work, lex_name)
        local("driver", [local_tool, "lexicon", "merge", "--seal", *parts_of_stage, "-o", lex_path])
        for part in parts_of_stage:
            os.remove(part)
        sc.addFile(lex_path)
        info = local("driver", [local_tool, "lexicon", "info", lex_path])
        print(f"align_corpus: stage {stage}: {info.strip()}", file=sys.stderr)
        timeline.mark(f"stage {stage} seal")
        if '"complete":true' in info:
            break
        if stage > 64:
            sys.exit("align_corpus: the lexicon never became complete")

    out_dir = os.path.abspath(args.output)
    docs = os.path.join(out_dir, "docs")
    os.makedirs(docs, exist_ok=True)
    writer = args.output_writer
    if writer == "auto":
        writer = "executors" if sc.master.startswith("local") else "driver"

    def align_shard(rows, d):
        """`tmalign align --batch` of a shard into `d/out`: (that folder, the names of its
        documents' TMX files that hold translation units, in manifest order)."""
        wall0, py0 = time.monotonic(), time.process_time()
        from pyspark import SparkFiles

        tool = tool_path(tool_name)
        out = os.path.join(d, "out")
        shard = write_shard(rows, d)
        cmd = [tool, "align", "--batch", shard, "--lexicon",
               SparkFiles.get(lex_name), "-o", out, "--formats", args.formats, "--no-html"]
        _, usage = run_measured(cmd + opts + cache_options(use_cache), env=task_env())
        stats.add(Stats.one("align", usage))
        task_record("align", "align", usage, wall0, py0)
        # a document with no translation unit (every bead a deletion or insertion) gives a
        # TMX with an empty body, which `tm merge` cannot take (no language pair to read): it
        # adds nothing to the merged TMX anyway
        with_units = set()
        for name in os.listdir(out):
            if name.endswith(".tmx"):
                with open(os.path.join(out, name), "rb") as fh:
                    if b"<tu" in fh.read():
                        with_units.add(name)
        with open(shard, encoding="utf-8") as fh:
            stems = [output_stem(line.split("\t")[0]) for line in fh.read().splitlines()]
        order = [f"{stem}.tmx" for stem in stems if f"{stem}.tmx" in with_units]
        if set(order) != with_units:
            raise RuntimeError(f"align_corpus: cannot tell the documents of {sorted(with_units)}"
                               f" by their sources {stems}")
        return out, order

    def shard_tmx(out, order, part):
        """The shard's part of the merged TMX, its documents in manifest order, as `part`
        (False when no document has a unit): merging (first occurrence kept, units
        renumbered in order) gives the same file merged again in partition order
        (`--renumber`) as all documents merged at once in manifest order, whatever the
        partitioning, and the driver merges a few files instead of one per document."""
        if not order:
            return False
        wall0, py0 = time.monotonic(), time.process_time()
        _, usage = run_measured([tool_path(tool_name), "tm", "merge",
                                 *(os.path.join(out, n) for n in order), "-o", part],
                                env=task_env())
        stats.add(Stats.one("tmx", usage))
        task_record("align", "tmx", usage, wall0, py0)
        return True

    def align_to_driver(it):
        """A partition's documents' files and its part of the merged TMX, as records for the
        driver to write (`--output-writer driver`)."""
        for rows in it:
            if not rows:
                continue
            with tempfile.TemporaryDirectory(prefix="tmalign-align-") as d:
                out, order = align_shard(rows, d)
                wall1, py1 = time.monotonic(), time.process_time()
                files = []
                for name in sorted(os.listdir(out)):
                    with open(os.path.join(out, name), "rb") as fh:
                        files.append((name, fh.read()))
                # the shard's files as one compressed record: a few MB instead of tens of MB
                # (TMX is verbose) through the JVM to the driver, compressed here, where the
                # cores are
                yield "docs", rows[0][0], zlib.compress(pickle.dumps(files, protocol=4), 1)
                del files
                tasks.add([{"phase": "align", "kind": "pack", "cpu_s": 0.0,
                            "py_cpu_s": round(time.process_time() - py1, 3),
                            "wall_s": round(time.monotonic() - wall1, 3)}])
                part = os.path.join(d, "part.tmx")
                if shard_tmx(out, order, part):
                    with open(part, "rb") as fh:
                        yield "part", rows[0][0], fh.read()

    # `--output-writer executors`: each task moves its documents' files into OUT/docs and its
    # part of the merged TMX into this folder of OUT (same file system: renames, no copy)
    staging = os.path.join(out_dir, ".align-corpus-staging")

    def align_in_place(it):
        """A partition's documents' files moved into OUT/docs, its part of the merged TMX
        into `staging`, by the task itself: nothing goes through Spark but the part's key, so
        the driver does no work a document (`--output-writer executors`)."""
        for rows in it:
            if not rows:
                continue
            d = tempfile.mkdtemp(prefix="task-", dir=staging)
            try:
                out, order = align_shard(rows, d)
                wall1, py1 = time.monotonic(), time.process_time()
                for name in os.listdir(out):
                    # a retried task writes the same bytes: replacing is harmless
                    place(os.path.join(out, name), os.path.join(docs, name))
                tasks.add([{"phase": "align", "kind": "place", "cpu_s": 0.0,
                            "py_cpu_s": round(time.process_time() - py1, 3),
                            "wall_s": round(time.monotonic() - wall1, 3)}])
                part = os.path.join(d, "part.tmx")
                if shard_tmx(docs, order, part):
                    key = rows[0][0]
                    place(part, os.path.join(staging, f"part-{key:012}.tmx"))
                    yield key
            finally:
                shutil.rmtree(d, ignore_errors=True)

    parts_tmx = []
    if writer == "executors":
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        # one job: the tasks' results are a number each
        for key in shards.mapPartitions(align_in_place).collect():
            parts_tmx.append((key, os.path.join(staging, f"part-{key:012}.tmx")))
    else:
        for kind, key, data in ahead(aligned_waves(sc, shards, align_to_driver, groups)):
            if kind == "part":
                # a shard's merged TMX, by the manifest index of its first document
                parts_tmx.append((key, os.path.join(work, f"part-{key:012}.tmx")))
                with open(parts_tmx[-1][1], "wb") as fh:
                    fh.write(data)
                continue
            for name, body in pickle.loads(zlib.decompress(data)):
                with open(os.path.join(docs, name), "wb") as fh:
                    fh.write(body)
    timeline.mark("align")
    shutil.copyfile(lex_path, os.path.join(out_dir, "corpus.lex"))
    corpus = os.path.join(out_dir, "corpus.tmx")
    if os.path.exists(corpus):
        os.remove(corpus)
    if parts_tmx:
        # renumbered whatever the parts' numbers: a part's survivors may have gaps
        local("driver", [local_tool, "tm", "merge", "--renumber",
                         *(p for _, p in sorted(parts_tmx)), "-o", corpus], env=env)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    timeline.mark("tm merge")
    print(f"align_corpus: {len(rows)} pairs in {parts} partitions, {stage} learning stages -> "
          f"{args.output}", file=sys.stderr)
    report = Stats.add(stats.value, local_stats)
    for kind in ("count", "merge", "align", "tmx", "driver"):
        if kind in report:
            n, cpu, rss = report[kind]
            print(f"align_corpus: tmalign {kind}: {n} runs, {cpu:.1f} s CPU, "
                  f"peak RSS {rss / 1024:.1f} MB", file=sys.stderr)
    if args.stats:
        import json

        with open(args.stats, "w", encoding="utf-8") as fh:
            json.dump({k: {"runs": n, "cpu_s": round(cpu, 3), "peak_rss_kib": rss}
                       for k, (n, cpu, rss) in sorted(report.items())}, fh)
            fh.write("\n")
    sc.stop()
    timeline.mark("spark stop")
    if args.timeline:
        import json

        with open(args.timeline, "w", encoding="utf-8") as fh:
            json.dump({"phases": timeline.phases, "tasks": tasks.value,
                       "total_wall_s": round(time.monotonic() - timeline.start, 3)}, fh, indent=1)
            fh.write("\n")
    if pending_archive:
        finish_class_archive(sc, pending_archive)


if __name__ == "__main__":
    main(sys.argv[1:])
