"""``python -m rasad.spark bench``: Rasad on Spark against the ``rasad`` binary.

Builds ``--articles`` articles (default 200,000) from the dev texts, copy *k* published
*k* days later (so dates, and the merge's groups, spread over the years as a real archive
does), as Parquet for Spark and JSON Lines for the CLI. Then, each in its own process:

1. ``rasad extract`` (one thread): the baseline;
2. for each master (``local[1]``, ``local[2]``), both extraction paths over the same
   Parquet, written to Spark's ``noop`` sink (no output I/O):
   - ``dataframe``: ``spark.read.parquet`` + :func:`rasad.spark.extract_events` (the JVM
     reads the file and converts the rows to Arrow and the events back);
   - ``workers``: :func:`rasad.spark.extract_files` (the Python workers read their own
     splits; the JVM ships split descriptors and receives events);
   (``--worker-formats parquet,jsonl`` adds the worker path over the JSON Lines file);
3. ``extract_files`` on the last master written to Parquet, then ``merge_events`` over
   those events (read back from Parquet).

For every figure: wall time, articles/s, and CPU seconds by role — the JVM, the Python
workers, the driver (user + system from ``/proc/<pid>/stat``, reaped children
included) — and the CPU that *other* processes used meanwhile (``/proc/stat`` busy time
less ours: on a shared machine, the cores that were not ours), with the load average
before and after. For each path: the wall-clock ratio local[2] ÷ local[1], and an
estimate of it on an idle two-core machine from CPU times, 2 × (local[1]'s worker CPU) ÷
(local[2]'s total CPU): on a long run local[1] goes at the pace of its one Python worker,
with the JVM's share on the other core, and local[2] cannot beat two cores doing all its
work (on short runs start-up costs sit on local[1]'s critical path, and the estimate is
low). CPU times barely change when other processes share the machine; the wall clock
does. Session start-up is excluded, and each Spark figure is timed after a warm-up pass of
the same path over the first 4,000 articles, which starts the Python workers (imports, one
extractor each) and gets the JVM's side of the path compiled: a cluster's executors pay
that once, not per 200,000 articles. Prints one line per figure, the ratios, and a JSON
summary. ``--conf`` adds Spark settings to every run, e.g.
``--conf spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1`` (the JVM compiles with
C1 only: less JIT CPU on short jobs).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def add_arguments(p):
    p.add_argument("--articles", type=int, default=200_000)
    p.add_argument("--dev", help="JSON Lines of articles to replicate (default ../shared/eval/dev.jsonl)")
    p.add_argument("--rasad", help="the rasad binary (default target/release/rasad, or on PATH)")
    p.add_argument("--work", help="folder for the generated data (default: a temporary one, removed)")
    p.add_argument("--masters", default="local[1],local[2]")
    p.add_argument("--paths", default="dataframe,workers", help="extraction paths to time (dataframe, workers)")
    p.add_argument("--worker-formats", default="parquet", help="inputs of the workers path (parquet, jsonl)")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="extra Spark setting for every run (e.g. spark.sql.execution.arrow.maxRecordsPerBatch=10000)")
    p.add_argument("--no-merge", action="store_true")
    p.add_argument("--one", help=argparse_hidden())
    p.add_argument("--input", help=argparse_hidden())
    p.add_argument("--events-out", help=argparse_hidden())


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def _default_dev() -> Path:
    here = Path(__file__).resolve()
    for up in here.parents:
        cand = up.parent / "shared" / "eval" / "dev.jsonl"
        if cand.is_file():
            return cand
    return Path("../shared/eval/dev.jsonl")


def _default_rasad() -> str:
    here = Path(__file__).resolve()
    for up in here.parents:
        cand = up / "target" / "release" / "rasad"
        if cand.is_file():
            return str(cand)
    return shutil.which("rasad") or "rasad"


#: Articles of the warm-up pass run before each timed Spark figure.
WARM_ARTICLES = 4000


def generate(dev: Path, n: int, work: Path):
    """n articles from dev's texts, copy k published k days later; Parquet + JSON Lines."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = [json.loads(l) for l in dev.read_text(encoding="utf-8").splitlines() if l.strip()]
    ids, texts, pubs, outlets = [], [], [], []
    for i in range(n):
        a = src[i % len(src)]
        k = i // len(src)
        p = a.get("published")
        try:
            p = (date.fromisoformat(p[:10]) + timedelta(days=k)).isoformat() if p else None
        except ValueError:
            p = None
        ids.append(f"{a['id']}~{k}")
        texts.append(a["text"])
        pubs.append(p)
        outlets.append(a.get("outlet"))
    t = pa.table({"id": ids, "text": texts, "published": pubs, "outlet": outlets})
    # Written as an archive of distinct articles would be: replicated texts would otherwise
    # shrink to a few MB by dictionary encoding, one split, and Spark would see a single
    # partition (local[2] then runs one task and cannot be faster than local[1]).
    pq.write_table(t, work / "articles.parquet", row_group_size=5000, use_dictionary=False, compression="none")
    # The warm-up input: enough articles for a task per core on either path.
    w = t.slice(0, min(n, WARM_ARTICLES))
    pq.write_table(w, work / "warm.parquet", row_group_size=500, use_dictionary=False, compression="none")
    with open(work / "warm.jsonl", "w", encoding="utf-8") as f:
        for row in w.to_pylist():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(work / "articles.jsonl", "w", encoding="utf-8") as f:
        for row in t.to_pylist():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return sum(len(x.encode()) for x in texts)


def _procs():
    """{pid: (ppid, command name, own CPU s, reaped children's CPU s)} from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rindex(")") + 2:].split()
        comm = s[s.index("(") + 1:s.rindex(")")]
        out[int(d)] = (int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / tick,
                       (int(fields[13]) + int(fields[14])) / tick)
    return out


ROLES = ("jvm", "workers", "driver")


def cpu_by_role(pid: int) -> dict:
    """CPU seconds of ``pid``'s process tree by role: ``jvm`` (java processes),
    ``workers`` (everything under a JVM: the PySpark daemon and its Python workers,
    reaped ones included), ``driver`` (the rest: this Python process)."""
    procs = _procs()
    kids = {}
    for p, (pp, _, _, _) in procs.items():
        kids.setdefault(pp, []).append(p)
    out = dict.fromkeys(ROLES, 0.0)
    todo = [(pid, "driver")]
    while todo:
        p, inherited = todo.pop()
        if p not in procs:
            continue
        _, comm, own, reaped = procs[p]
        role = "jvm" if comm == "java" else inherited
        out[role] += own
        out["workers" if role != "driver" else "driver"] += reaped
        todo.extend((k, "workers" if role in ("jvm", "workers") else role) for k in kids.get(p, []))
    return out


def _busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores, /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(v[:8]) - v[3] - v[4]) / tick  # all but idle and iowait (guest is inside user)


def _extract_path(spark, rs, what: str, path: str):
    """The events of ``path`` by one of the two paths (``dataframe``: Spark reads the
    Parquet; ``workers``: the Python workers read their splits)."""
    if what == "dataframe":
        return rs.extract_events(spark.read.parquet(path))
    return rs.extract_files(spark, path)


def one(args) -> int:
    """Child process: one Spark measurement, printed as JSON on the last line."""
    from pyspark.sql import SparkSession

    import rasad.spark as rs

    what, master = args.one.split("@", 1)
    b = (SparkSession.builder.master(master).appName(f"rasad-bench-{what}")
         .config("spark.ui.enabled", "false")
         .config("spark.driver.memory", "6g")
         .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
         .config("spark.sql.shuffle.partitions", "16")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000"))
    for kv in args.conf:
        k, v = kv.split("=", 1)
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Warm up outside the timing, as a cluster's executors are warm after their first
    # minutes: the same path over the first WARM_ARTICLES articles starts the Python
    # workers (imports, one extractor each) and gets the JVM's side of the path compiled.
    warm = Path(args.input).with_name("warm" + Path(args.input).suffix)
    if what in ("dataframe", "workers") and warm.is_file():
        _extract_path(spark, rs, what, str(warm)).write.format("noop").mode("overwrite").save()
    elif what == "merge":
        spark.range(4).repartition(2).count()
    me = os.getpid()
    load0, busy0, c0, t0 = os.getloadavg()[0], _busy_s(), cpu_by_role(me), time.perf_counter()
    rows = None
    if what in ("dataframe", "workers"):
        ev = _extract_path(spark, rs, what, args.input)
        if args.events_out:
            ev.write.mode("overwrite").parquet(args.events_out)
        else:
            ev.write.format("noop").mode("overwrite").save()
    else:
        ev = spark.read.parquet(args.input)
        merged = rs.merge_events(ev)
        merged.write.format("noop").mode("overwrite").save()
        rows = ev.count()
    wall = time.perf_counter() - t0
    c1, busy1, load1 = cpu_by_role(me), _busy_s(), os.getloadavg()[0]
    cpu = {r: c1[r] - c0[r] for r in ROLES}
    ours = sum(cpu.values())
    print(json.dumps({"what": what, "master": master, "rows": rows, "wall_s": wall, "cpu_s": ours, "cpu": cpu,
                      "others_cores": max(0.0, (busy1 - busy0 - ours) / wall), "load_before": load0,
                      "load_after": load1}))
    spark.stop()
    return 0


def _child(args, what, master, input_path, events_out=None):
    cmd = [sys.executable, "-m", "rasad.spark", "bench", "--one", f"{what}@{master}", "--input", str(input_path)]
    for kv in args.conf:
        cmd += ["--conf", kv]
    if events_out:
        cmd += ["--events-out", str(events_out)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{what} on {master} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _describe(r) -> str:
    c = r["cpu"]
    return (f"CPU {r['cpu_s']:.1f} s = JVM {c['jvm']:.1f} + workers {c['workers']:.1f} + driver {c['driver']:.1f} "
            f"({r['cpu_s'] / r['wall_s']:.2f} cores busy); other processes used {r['others_cores']:.2f} cores meanwhile, "
            f"load {r['load_before']:.2f} -> {r['load_after']:.2f}")


def main(args) -> int:
    if args.one:
        return one(args)
    dev = Path(args.dev) if args.dev else _default_dev()
    rasad_bin = args.rasad or _default_rasad()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="rasad-spark-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res = {"articles": args.articles, "load_average": os.getloadavg(), "cpus": os.cpu_count()}
    try:
        t = time.perf_counter()
        mb = generate(dev, args.articles, work) / 1e6
        print(f"generated {args.articles:,} articles ({mb:,.0f} MB of text) from {dev} in {time.perf_counter() - t:.1f} s",
              flush=True)
        # 1. The CLI on one core.
        # Not pinned to a core: neither is Spark, and on a shared machine a pinned process
        # waits for its core while the other is free. The CLI runs one thread.
        cmd = [rasad_bin, "extract", str(work / "articles.jsonl")]
        load0, busy0, r0 = os.getloadavg()[0], _busy_s(), os.times()
        t = time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            subprocess.run(cmd, stdout=devnull, check=False)
        wall = time.perf_counter() - t
        r1, busy1, load1 = os.times(), _busy_s(), os.getloadavg()[0]
        cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
        others = max(0.0, (busy1 - busy0 - cpu) / wall)
        res["cli"] = {"wall_s": wall, "cpu_s": cpu, "articles_per_s": args.articles / wall, "others_cores": others,
                      "load_before": load0, "load_after": load1}
        print(f"rasad extract (1 thread): {wall:.1f} s, {args.articles / wall:,.0f} articles/s, CPU {cpu:.1f} s; "
              f"other processes used {others:.2f} cores meanwhile, load {load0:.2f} -> {load1:.2f}", flush=True)
        # 2. Spark extraction, both paths, on each master.
        masters = args.masters.split(",")
        runs = []
        for path in args.paths.split(","):
            if path == "dataframe":
                runs.append(("dataframe", "dataframe", work / "articles.parquet"))
            elif path == "workers":
                for fmt in args.worker_formats.split(","):
                    runs.append((f"workers/{fmt}", "workers", work / f"articles.{fmt}"))
            else:
                raise ValueError(f"unknown path {path!r} (dataframe, workers)")
        for label, what, inp in runs:
            for master in masters:
                r = _child(args, what, master, inp)
                r["articles_per_s"] = args.articles / r["wall_s"]
                r["of_cli"] = r["articles_per_s"] / res["cli"]["articles_per_s"]
                res[f"{label}@{master}"] = r
                print(f"Spark {master} {label:<16} {r['wall_s']:6.1f} s, {r['articles_per_s']:7,.0f} articles/s "
                      f"({r['of_cli']:.0%} of the CLI); {_describe(r)}", flush=True)
            if len(masters) >= 2:
                a, b = res[f"{label}@{masters[0]}"], res[f"{label}@{masters[1]}"]
                speed = b["articles_per_s"] / a["articles_per_s"]
                # local[1] goes at the speed of its one Python worker (the JVM's share runs
                # beside it on the other core); local[2] cannot go faster than two cores
                # doing all of its CPU work. Both are CPU times, which other processes on a
                # shared machine barely change, unlike the wall clock.
                bound = min(2.0, 2 * a["cpu"]["workers"] / b["cpu_s"])
                jvm_share = b["cpu"]["jvm"] / b["cpu_s"]
                res[f"{label}_speedup"] = speed
                res[f"{label}_cpu_estimate"] = bound
                print(f"  {label}: {masters[1]} / {masters[0]} = {speed:.2f}x on the clock (target 1.7x); CPU-time "
                      f"estimate for an idle 2-core machine: 2 x {a['cpu']['workers']:.1f} s (local[1]'s worker) / "
                      f"{b['cpu_s']:.1f} s (local[2]'s total) = {bound:.2f}x (holds when local[1] runs at its worker's "
                      f"pace: long runs); the JVM's share of local[2]'s CPU: {jvm_share:.0%}", flush=True)
        ms = masters
        # 3. The merge.
        if not args.no_merge:
            r = _child(args, "workers", ms[-1], work / "articles.parquet", work / "events.parquet")
            res["extract_to_parquet"] = r
            print(f"Spark {ms[-1]} extract_files written to Parquet (the merge's input): {r['wall_s']:.1f} s; "
                  f"{_describe(r)}", flush=True)
            r = _child(args, "merge", ms[-1], work / "events.parquet")
            res["merge"] = r
            print(f"Spark {ms[-1]} merge_events: {r['rows']:,} mentions in {r['wall_s']:.1f} s; {_describe(r)}",
                  flush=True)
        res["load_average_after"] = os.getloadavg()
        print(json.dumps(res))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0
