"""``python -m rasad.spark bench``: Rasad on Spark against the ``rasad`` binary.

Builds ``--articles`` articles (default 200,000) from the dev texts, copy *k* published
*k* days later (so dates, and the merge's groups, spread over the years as a real archive
does), as Parquet for Spark and JSON Lines for the CLI. Then, each in its own process so
every figure has its own CPU time (user + system of the process and all its children,
JVM and Python workers included, read from ``/proc``):

1. ``rasad extract`` (one thread): the baseline;
2. ``extract_events`` on ``local[1]`` and on ``local[2]``, written to Spark's ``noop``
   sink (extraction and the Arrow round trip, no output I/O);
3. ``extract_events`` on ``local[2]`` written to Parquet, then ``merge_events`` on
   ``local[2]`` over those events (read back from Parquet).

Session start-up is excluded from the Spark figures (a cluster pays it once). Prints one
line per figure and a JSON summary.
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
    with open(work / "articles.jsonl", "w", encoding="utf-8") as f:
        for row in t.to_pylist():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return sum(len(x.encode()) for x in texts)


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system, with reaped children) of pid and its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    kids = {}
    stats = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rindex(")") + 2:].split()
        ppid = int(fields[1])
        kids.setdefault(ppid, []).append(int(d))
        stats[int(d)] = sum(int(x) for x in fields[11:15]) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo.extend(kids.get(p, []))
    return total


def one(args) -> int:
    """Child process: one Spark measurement, printed as JSON on the last line."""
    from pyspark.sql import SparkSession

    import rasad.spark as rs

    what, master = args.one.split("@", 1)
    spark = (SparkSession.builder.master(master).appName(f"rasad-bench-{what}")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "6g")
             .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
             .config("spark.sql.shuffle.partitions", "16")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    # Warm the session (JVM classes, Python workers) on a tiny job, outside the timing.
    spark.range(4).repartition(2).count()
    me = os.getpid()
    c0, t0 = _tree_cpu(me), time.perf_counter()
    if what == "extract":
        df = spark.read.parquet(args.input)
        ev = rs.extract_events(df)
        if args.events_out:
            ev.write.mode("overwrite").parquet(args.events_out)
        else:
            ev.write.format("noop").mode("overwrite").save()
        rows = None
    else:
        ev = spark.read.parquet(args.input)
        merged = rs.merge_events(ev)
        merged.write.format("noop").mode("overwrite").save()
        rows = ev.count()
    wall = time.perf_counter() - t0
    cpu = _tree_cpu(me) - c0
    n = spark.read.parquet(args.input).count()
    print(json.dumps({"what": what, "master": master, "rows": n if rows is None else rows, "wall_s": wall, "cpu_s": cpu}))
    spark.stop()
    return 0


def _child(args, what, master, input_path, events_out=None):
    cmd = [sys.executable, "-m", "rasad.spark", "bench", "--one", f"{what}@{master}", "--input", str(input_path)]
    if events_out:
        cmd += ["--events-out", str(events_out)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{what} on {master} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


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
        r0 = os.times()
        t = time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            subprocess.run(cmd, stdout=devnull, check=False)
        wall = time.perf_counter() - t
        r1 = os.times()
        cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
        res["cli"] = {"wall_s": wall, "cpu_s": cpu, "articles_per_s": args.articles / wall}
        print(f"rasad extract (1 thread): {wall:.1f} s, {args.articles / wall:,.0f} articles/s, CPU {cpu:.1f} s", flush=True)
        # 2. Spark extraction.
        for master in args.masters.split(","):
            r = _child(args, "extract", master, work / "articles.parquet")
            r["articles_per_s"] = args.articles / r["wall_s"]
            r["of_cli"] = r["articles_per_s"] / res["cli"]["articles_per_s"]
            r["of_cli_cpu"] = res["cli"]["cpu_s"] / r["cpu_s"]
            res[master] = r
            print(f"Spark {master} extract_events: {r['wall_s']:.1f} s, {r['articles_per_s']:,.0f} articles/s "
                  f"({r['of_cli']:.0%} of the CLI), CPU {r['cpu_s']:.1f} s "
                  f"(the CLI's CPU per article is {r['of_cli_cpu']:.0%} of this)", flush=True)
        ms = args.masters.split(",")
        if len(ms) >= 2:
            res["speedup"] = res[ms[1]]["articles_per_s"] / res[ms[0]]["articles_per_s"]
            print(f"{ms[1]} / {ms[0]}: {res['speedup']:.2f}x", flush=True)
        # 3. The merge.
        if not args.no_merge:
            r = _child(args, "extract", ms[-1], work / "articles.parquet", work / "events.parquet")
            res["extract_to_parquet"] = r
            print(f"Spark {ms[-1]} extract_events written to Parquet (the merge's input): {r['wall_s']:.1f} s, "
                  f"CPU {r['cpu_s']:.1f} s", flush=True)
            r = _child(args, "merge", ms[-1], work / "events.parquet")
            res["merge"] = r
            print(f"Spark {ms[-1]} merge_events: {r['rows']:,} mentions in {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s",
                  flush=True)
        res["load_average_after"] = os.getloadavg()
        print(json.dumps(res))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0
