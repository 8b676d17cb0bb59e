"""``python -m rasad.spark``: the whole pipeline on Spark, from the command line or
``spark-submit``.

``run --input PATH --output PATH``: read articles (JSON Lines, Parquet, a folder of text
files, WARC/WARC.gz), extract, merge across outlets, write Parquet with ACLED's columns
first and Rasad's after (one row per merged event; ``--mentions``: one row per report,
with its merged event's id in ``cluster_id`` and ``event_id_cnty``). Articles that could
not be read or processed go to ``--errors PATH`` (JSON Lines folder) when given, and are
counted on standard error.

Who reads the input (``--reader``): by default the Python workers, each its own splits
(:mod:`rasad.spark.splits`: the JVM only ships split descriptors and receives events);
``--reader spark`` uses Spark's DataFrame readers and :func:`rasad.spark.extract_events`
(storage that pyarrow cannot open, e.g. HDFS without libhdfs; ``auto`` falls back to it).

``bench``: see :mod:`rasad.spark.bench`.
"""
from __future__ import annotations

import argparse
import sys
import time


def _session(master, app="rasad"):
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    return b.getOrCreate()


def _reader(args) -> str:
    """``workers`` (the workers read their own splits) unless ``--reader spark`` asks for
    Spark's readers, or (``auto``) the driver cannot list the input with pyarrow's
    filesystems (e.g. HDFS without libhdfs): then Spark reads it."""
    if args.reader != "auto":
        return args.reader
    from .splits import list_files

    try:
        list_files(args.input, args.format)
        return "workers"
    except FileNotFoundError:
        raise
    except Exception as e:  # noqa: BLE001 - any filesystem pyarrow cannot open
        print(f"rasad.spark run: the workers cannot read {args.input} with pyarrow ({e}); Spark reads it",
              file=sys.stderr)
        return "spark"


def run(args, stop: bool = False) -> int:
    """The ``run`` command; ``stop``: stop the session afterwards (the command line does)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from . import acled_columns, extract_events, extract_files, merge_events, read_articles

    spark = _session(args.master)
    t0 = time.time()
    reader = _reader(args)
    if reader == "workers":
        # The workers read their splits and extract them (rasad.spark.splits): reading and
        # extraction errors are both error rows of `events`.
        events = extract_files(spark, args.input, args.format)
        if args.partitions:
            events = events.repartition(args.partitions)
        unread = None
    else:
        arts = read_articles(spark, args.input, args.format)
        if args.partitions:
            arts = arts.repartition(args.partitions)
        arts = arts.persist(StorageLevel.MEMORY_AND_DISK)
        unread = arts.where(F.col("error").isNotNull()).select(F.col("id").alias("article_id"), "error")
        events = extract_events(arts.where(F.col("error").isNull()))
    events = events.persist(StorageLevel.MEMORY_AND_DISK)
    failed = events.where(F.col("error").isNotNull()).select("article_id", "error")
    if args.mentions:
        out = acled_columns(merge_events(events).where(F.col("error").isNull()), id_column="cluster_id")
    else:
        out = acled_columns(merge_events(events, records=True), id_column="event_id")
    out.write.mode("overwrite").parquet(args.output)
    errors = failed if unread is None else unread.unionByName(failed)
    n_err = errors.count()
    if args.errors:
        errors.write.mode("overwrite").json(args.errors)
    n_out = spark.read.parquet(args.output).count()
    print(f"rasad.spark run: {n_out} {'mentions' if args.mentions else 'events'} written to {args.output}, "
          f"{n_err} articles not processed, {time.time() - t0:.1f} s", file=sys.stderr)
    if stop:
        spark.stop()
    return 1 if n_err and args.strict else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m rasad.spark", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="files in, Parquet of events out")
    r.add_argument("--input", required=True, help="file, folder or glob (local, hdfs://, s3a://, dbfs:/)")
    r.add_argument("--output", required=True, help="Parquet folder (overwritten)")
    r.add_argument("--format", default="auto", choices=["auto", "jsonl", "parquet", "text", "warc", "files"])
    r.add_argument("--errors", help="JSON Lines folder for articles that could not be processed")
    r.add_argument("--mentions", action="store_true", help="one row per report (with cluster_id) instead of per event")
    r.add_argument("--reader", default="auto", choices=["auto", "workers", "spark"],
                   help="who reads the input: the Python workers, split by split (auto: when pyarrow reaches the "
                        "storage), or Spark's DataFrame readers")
    r.add_argument("--partitions", type=int, help="repartition the articles (spark reader) or the events (workers)")
    r.add_argument("--master", help="Spark master when not under spark-submit (e.g. local[2])")
    r.add_argument("--strict", action="store_true", help="exit 1 when some articles were not processed")
    b = sub.add_parser("bench", help="throughput on local[1]/local[2] against the CLI, and the merge's time")
    from . import bench

    bench.add_arguments(b)
    args = p.parse_args(argv)
    if args.cmd == "run":
        return run(args, stop=True)
    return bench.main(args)
