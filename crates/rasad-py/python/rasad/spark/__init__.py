"""Rasad on Apache Spark (PySpark 3.5 and 4.x).

- :func:`extract_events`: articles DataFrame in, events out, through ``mapInArrow``; each
  Python worker process builds one extractor the first time it needs one
  (:func:`rasad.engine`) and keeps it while Spark reuses the worker.
- :func:`merge_events`: the store's cross-outlet merge, group by group, with the same
  clusters and ids whatever the partitioning (see *Why the groups are exact* below).
- :func:`extract_files`: files in, events out, the input read by the Python workers
  themselves split by split (:mod:`rasad.spark.splits`); the whole-pipeline path, where
  the JVM's share of the work is small. Use :func:`extract_events` for a DataFrame you
  already have (a table, a query's result).
- ``python -m rasad.spark run --input PATH --output PATH``: files in, Parquet out
  (:mod:`rasad.spark.cli`); ``python -m rasad.spark bench``: the benchmark.

Why the groups are exact: two mentions can only ever be put in one event when they have
the same event type and day ranges within a day of each other (``rasad_merge``'s hard
constraints), and the clustering of a set of mentions decomposes over the components of
that relation. :func:`merge_events` therefore collects the distinct
``(event_type, day_start, day_end)`` triples (a few thousand even for years of news), cuts
each type's days into runs wherever two days or more pass with no event of that type, and
groups mentions by (type, run). Mentions on both sides of a run's edge can never meet, so
nothing is lost at the edges, and every group is handed whole to the same Rust merge the
store runs. Undated mentions are never merged and are spread over a few groups. Ids are the
store's (a hash of the cluster's smallest ``article_id#event_index``), independent of
partitioning. A type reported every day of a long archive is one group (one task); the
merge's cost per group is about linear in its mentions (the clustering sweeps by day).
"""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import rasad

__all__ = ["extract_events", "extract_files", "merge_events", "event_struct", "merged_struct", "day_runs",
           "acled_columns", "read_articles"]

from .splits import extract_files  # noqa: E402  (the worker-read path)

#: Groups for undated mentions (they are never merged; they only need spreading).
UNDATED_GROUPS = 8


def _from_arrow_schema(schema):
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def event_struct():
    """The Spark schema of :func:`extract_events`' rows (that of :func:`rasad.event_schema`)."""
    return _from_arrow_schema(rasad.event_schema())


def merged_struct():
    """The Spark schema of merged records (that of :func:`rasad.merged_schema`)."""
    return _from_arrow_schema(rasad.merged_schema())


def _extract_batches(batches):
    """mapInArrow body: one extractor per worker process, IPC bytes through Rust."""
    import pyarrow as pa

    eng = rasad.engine()
    schema = rasad.event_schema()
    for b in batches:
        if b.num_rows == 0:
            continue
        out = rasad._read_ipc(eng.extract_ipc(rasad._to_ipc(pa.Table.from_batches([b]))))
        for ob in out.to_batches():
            if ob.num_rows:
                yield ob.cast(schema) if ob.schema != schema else ob


def extract_events(df, text: str = "text", id: Optional[str] = "id", published: Optional[str] = "published",
                   outlet: Optional[str] = "outlet", url: Optional[str] = "url"):
    """Extract the events of a DataFrame of articles.

    ``text`` names the text column (required); ``id``, ``published`` (string, date or
    timestamp), ``outlet`` and ``url`` name optional columns (``None`` or absent: not
    used). Returns a DataFrame of :func:`event_struct`: one row per event, and one row
    with ``error`` set for each article that could not be processed. Give ids: they name
    the events and key the merge.
    """
    from pyspark.sql import functions as F

    if text not in df.columns:
        raise ValueError(f"no text column {text!r} in {df.columns}")
    cols = []
    for role, name in (("text", text), ("id", id), ("published", published), ("outlet", outlet), ("url", url)):
        if name is not None and name in df.columns:
            cols.append(F.col(name).cast("string").alias(role))
    return df.select(*cols).mapInArrow(_extract_batches, event_struct())


def day_runs(triples: List[Tuple[str, int, int]]) -> dict:
    """``{(event_type, day_start, day_end): run}``: per event type, the day ranges cut into
    runs wherever two days or more pass with none of them (see the module doc). Runs are
    numbered per type from 0 in day order, so they do not depend on partitioning."""
    out = {}
    by_type = {}
    for t, s, e in triples:
        by_type.setdefault(t, []).append((s, e))
    for t, ranges in by_type.items():
        ranges.sort()
        run, reach = -1, None
        for s, e in ranges:
            if reach is None or s > reach + 1:
                run += 1
                reach = e
            else:
                reach = max(reach, e)
            out[(t, s, e)] = run
    return out


def _merge_groups(records: bool):
    def body(table):
        import pyarrow as pa

        keep = [c for c in table.column_names if not c.startswith("_rasad_")]
        table = table.select(keep)
        if records:
            return rasad.merge_arrow(table, records=True)
        return rasad.merge_arrow(table)

    return body


def merge_events(events_df, records: bool = False):
    """Merge the mentions of an events DataFrame (:func:`extract_events`) across outlets.

    Returns the events with ``cluster_id`` (the merged event's id, the id ``rasad ingest``
    gives it; null for error rows), or with ``records=True`` one row per merged event
    (:func:`merged_struct`). Same clusters and ids as :func:`rasad.merge_arrow` on the
    whole table, whatever the partitioning.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = events_df.sparkSession
    ok = events_df.where(F.col("error").isNull())
    etype = F.coalesce(F.trim(F.col("event_type")), F.lit(""))
    triples = (ok.where(F.col("day_start").isNotNull() & F.col("day_end").isNotNull())
               .select(etype.alias("t"), "day_start", "day_end").distinct().collect())
    runs = day_runs([(r["t"], r["day_start"], r["day_end"]) for r in triples])
    keyed = ok.withColumn("_rasad_type", etype)
    if runs:
        mapping = spark.createDataFrame(
            [(t, s, e, run) for (t, s, e), run in runs.items()],
            T.StructType([T.StructField("_rasad_type", T.StringType()), T.StructField("day_start", T.IntegerType()),
                          T.StructField("day_end", T.IntegerType()), T.StructField("_rasad_run", T.IntegerType())]))
        keyed = keyed.join(F.broadcast(mapping), ["_rasad_type", "day_start", "day_end"], "left")
    else:
        keyed = keyed.withColumn("_rasad_run", F.lit(None).cast("int"))
    undated = -1 - F.pmod(F.hash(F.col("article_id")), F.lit(UNDATED_GROUPS))
    keyed = keyed.withColumn("_rasad_run", F.coalesce(F.col("_rasad_run"), undated))
    if records:
        schema = merged_struct()
    else:
        schema = T.StructType(event_struct().fields + [T.StructField("cluster_id", T.StringType(), True)])
    grouped = keyed.groupBy("_rasad_type", "_rasad_run")
    body = _merge_groups(records)
    if hasattr(grouped, "applyInArrow"):
        merged = grouped.applyInArrow(body, schema)
    else:  # PySpark 3.5: the pandas flavour of the same grouped call
        import pyarrow as pa

        def pandas_body(pdf):
            return body(pa.Table.from_pandas(pdf, preserve_index=False)).to_pandas()

        merged = grouped.applyInPandas(pandas_body, schema)
    if records:
        return merged
    errors = events_df.where(F.col("error").isNotNull()).withColumn("cluster_id", F.lit(None).cast("string"))
    return merged.unionByName(errors.select(*[c.name for c in schema.fields]))


def acled_columns(df, id_column: str = "event_id"):
    """ACLED's columns first (ACLED's names, Rasad's values: ``event_id_cnty``,
    ``event_date``, ``year``, ``actor1``, ``inter1``, ``interaction``, ``location``,
    ``latitude``…; ``fatalities`` stays null where unknown, where ACLED writes 0), then
    every Rasad column not already there."""
    from pyspark.sql import functions as F

    a, b = F.col("actor1_inter"), F.col("actor2_inter")
    interaction = (F.when(a.isNull(), F.lit(None).cast("int"))
                   .when(b.isNull(), a * 10)
                   .otherwise(F.least(a, b) * 10 + F.greatest(a, b)))
    acled = [
        F.col(id_column).alias("event_id_cnty"),
        F.col("date").alias("event_date"),
        F.substring(F.col("date"), 1, 4).cast("int").alias("year"),
        F.col("time_precision"),
        F.col("event_type"),
        F.col("sub_event_type"),
        F.col("actor1_name").alias("actor1"),
        F.col("actor1_inter").alias("inter1"),
        F.col("actor2_name").alias("actor2"),
        F.col("actor2_inter").alias("inter2"),
        interaction.alias("interaction"),
        F.col("country"),
        F.col("admin1"),
        F.col("location_admin2").alias("admin2"),
        F.col("location_admin3").alias("admin3"),
        F.col("location_name").alias("location"),
        F.col("location_lat").alias("latitude"),
        F.col("location_lon").alias("longitude"),
        F.col("location_geo_precision").alias("geo_precision"),
        (F.col("outlet") if "outlet" in df.columns else F.lit(None).cast("string")).alias("source"),
        F.col("notes"),
        F.col("fatalities"),
    ]
    taken = {"time_precision", "event_type", "sub_event_type", "country", "admin1", "notes", "fatalities"}
    return df.select(*acled, *[F.col(c) for c in df.columns if c not in taken])


def read_articles(spark, path: str, fmt: str = "auto"):
    """Articles from ``path``: JSON Lines, Parquet, a folder of text files (one article
    each; id = file name, date from a YYYY-MM-DD in the name) or WARC/WARC.gz (HTML,
    RSS/Atom also) files read by Rasad's own readers. Columns: id, text, published, outlet,
    url, error (the last for records that could not be read)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if fmt == "auto":
        p = path.rstrip("/").lower()
        if p.endswith((".jsonl", ".ndjson", ".json")):
            fmt = "jsonl"
        elif p.endswith(".parquet"):
            fmt = "parquet"
        elif p.endswith((".warc", ".warc.gz", ".html", ".htm", ".xml", ".rss", ".atom")):
            fmt = "files"
        else:
            fmt = _sniff_dir(spark, path)
    if fmt == "jsonl":
        df = spark.read.json(path)
    elif fmt == "parquet":
        df = spark.read.parquet(path)
    elif fmt == "text":
        df = (spark.read.option("wholetext", True).text(path)
              .withColumn("_file", F.input_file_name())
              .select(F.regexp_extract("_file", r"([^/]+?)(\.[^./]*)?$", 1).alias("id"),
                      F.col("value").alias("text"),
                      F.regexp_extract(F.regexp_extract("_file", r"([^/]+)$", 1), r"(\d{4}-\d{2}-\d{2})", 1)
                      .alias("published")))
        df = df.withColumn("published", F.when(F.col("published") == "", None).otherwise(F.col("published")))
    elif fmt in ("files", "warc"):
        from rasad import _rasad

        schema = T.StructType([T.StructField(n, T.StringType(), n != "id")
                               for n in ("id", "text", "published", "outlet", "url", "error")])
        rdd = spark.sparkContext.binaryFiles(path).flatMap(lambda kv: _rasad.read_file(kv[0], bytes(kv[1])))
        return spark.createDataFrame(rdd, schema)
    else:
        raise ValueError(f"unknown input format {fmt!r} (auto, jsonl, parquet, text, warc)")
    for c in ("id", "published", "outlet", "url"):
        if c not in df.columns:
            df = df.withColumn(c, F.lit(None).cast("string"))
    return df.select(*[F.col(c).cast("string") for c in ("id", "text", "published", "outlet", "url")],
                     F.lit(None).cast("string").alias("error"))


def _sniff_dir(spark, path: str) -> str:
    """The format of a folder from the names of its files."""
    import os

    names = []
    local = path[len("file:"):] if path.startswith("file:") else path
    if os.path.isdir(local):
        for root, _, files in os.walk(local):
            names.extend(files)
    else:
        jvm = spark.sparkContext._jvm
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        names = [s.getPath().getName() for s in fs.listStatus(hpath)]
    names = [n.lower() for n in names if not n.startswith((".", "_"))]
    for ext, fmt in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl"),
                     (".warc.gz", "files"), (".warc", "files"), (".txt", "text"), (".md", "text")):
        if names and all(n.endswith(ext) for n in names):
            return fmt
    if any(n.endswith((".warc", ".warc.gz", ".html", ".htm")) for n in names):
        return "files"
    return "text"
