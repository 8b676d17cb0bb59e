"""``python -m rasad.spark``: the whole pipeline on Spark, from the command line or
``spark-submit``.

``run --input PATH --output PATH``: read articles (JSON Lines, Parquet, a folder of text
files, WARC/WARC.gz), extract, merge across outlets, write Parquet with ACLED's columns
first and Rasad's after (one row per merged event; ``--mentions``: one row per report,
with its merged event's id in ``cluster_id`` and ``event_id_cnty``). Articles that could
not be read or processed go to ``--errors PATH`` (JSON Lines folder) when given, and are
counted on standard error.

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


def run(args, stop: bool = False) -> int:
    """The ``run`` command; ``stop``: stop the session afterwards (the command line does)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from . import acled_columns, extract_events, merge_events, read_articles

    spark = _session(args.master)
    t0 = time.time()
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
    errors = unread.unionByName(failed)
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
    r.add_argument("--partitions", type=int, help="repartition the articles first (cluster size × 2–4)")
    r.add_argument("--master", help="Spark master when not under spark-submit (e.g. local[2])")
    r.add_argument("--strict", action="store_true", help="exit 1 when some articles were not processed")
    b = sub.add_parser("bench", help="throughput on local[1]/local[2] against the CLI, and the merge's time")
    from . import bench

    bench.add_arguments(b)
    args = p.parse_args(argv)
    if args.cmd == "run":
        return run(args, stop=True)
    return bench.main(args)
