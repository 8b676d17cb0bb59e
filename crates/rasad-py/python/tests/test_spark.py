"""rasad.spark on local[2]: the CLI's events, the store's clusters, whatever the partitioning."""
import random

import pytest

import rasad
import rasad.spark
from conftest import mention_clusters, partition, read_jsonl, score_merge, write_system

SETS = ["dev", "dev2", "merge"]


def articles_df(spark, arts, partitions):
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField(n, T.StringType()) for n in ("id", "text", "published", "outlet")])
    rows = [(str(a["id"]), a["text"], a.get("published"), a.get("outlet")) for a in arts]
    return spark.createDataFrame(rows, schema).repartition(partitions)


def test_extract_events_equals_cli(spark, eval_dir, cli_output):
    arts, want = [], {}
    for name in SETS:
        arts += read_jsonl(eval_dir / f"{name}.jsonl")
        for line in cli_output(eval_dir / f"{name}.jsonl"):
            want[line["id"]] = line["events"]
    table = rasad.spark.extract_events(articles_df(spark, arts, 3)).toArrow()
    assert table.column("error").null_count == len(table)
    got = {r["id"]: r["events"] for r in rasad.to_contract(table)}
    assert got == {k: v for k, v in want.items() if v}
    assert sum(len(v) for v in got.values()) > 300


def _cli_events(eval_dir, cli_output):
    want = {}
    for name in SETS:
        for line in cli_output(eval_dir / f"{name}.jsonl"):
            if line.get("events"):
                want[line["id"]] = line["events"]
    return want


def test_extract_files_equals_cli_on_jsonl_and_parquet(spark, eval_dir, cli_output, tmp_path):
    """The worker-read path: byte ranges far smaller than an article, so most lines
    straddle a split edge; each line must be read once, and the events be the CLI's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rasad.spark import splits

    want = _cli_events(eval_dir, cli_output)
    src = tmp_path / "jsonl"
    src.mkdir()
    arts = []
    for name in SETS:
        data = (eval_dir / f"{name}.jsonl").read_bytes()
        if name == "dev2":  # gzipped JSON Lines: read whole by one split
            import gzip

            (src / f"{name}.jsonl.gz").write_bytes(gzip.compress(data))
        else:
            (src / f"{name}.jsonl").write_bytes(data)
        arts += read_jsonl(eval_dir / f"{name}.jsonl")
    (src / "_SUCCESS").write_bytes(b"")  # not an input: skipped
    plan = splits.plan(str(src), max_split=3000, open_cost=0, parallelism=2)
    # Splits smaller than a line, so nearly every line of the plain files crosses an edge.
    plain = [s for s in plan if s.path.endswith(".jsonl")]
    lines = sum(1 for name in SETS if name != "dev2" for _ in read_jsonl(eval_dir / f"{name}.jsonl"))
    assert len(plain) > lines and len({s.task for s in plan}) > lines
    table = rasad.spark.extract_files(spark, str(src), max_split=3000).toArrow()
    assert table.column("error").null_count == len(table), [e for e in table.column("error").to_pylist() if e]
    got = {r["id"]: r["events"] for r in rasad.to_contract(table)}
    assert got == want
    assert sum(len(v) for v in got.values()) > 300
    # Parquet, several row groups per file and splits smaller than a row group.
    pdir = tmp_path / "parquet"
    pdir.mkdir()
    cols = ("id", "text", "published", "outlet")
    for k in range(2):
        part = arts[k::2]
        pq.write_table(pa.table({c: [None if a.get(c) is None else str(a[c]) for a in part] for c in cols}),
                       pdir / f"part-{k}.parquet", row_group_size=7)
    table = rasad.spark.extract_files(spark, str(pdir), max_split=20000).toArrow()
    assert table.column("error").null_count == len(table)
    assert {r["id"]: r["events"] for r in rasad.to_contract(table)} == want


def test_extract_files_error_rows(spark, tmp_path):
    """Bad lines, a corrupt Parquet file, bad WARC bytes and a non-UTF-8 text file are
    error rows; the good articles beside them still give their events."""
    good = "قتل ثلاثة مدنيين أمس بقصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي."
    import json

    lines = [json.dumps({"id": "g1", "text": good, "published": "2024-03-06"}, ensure_ascii=False), "{not json",
             json.dumps({"id": "nt"}), json.dumps({"id": "g2", "text": good, "published": "2024-03-07"},
                                                  ensure_ascii=False)]
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "b.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    (d / "c.warc.gz").write_bytes(b"\x1f\x8bnot gzip at all")
    (d / "2024-03-06-d.txt").write_bytes(b"\xff\xfe broken")
    rows = rasad.spark.extract_files(spark, str(d)).collect()
    errors = {r["article_id"]: r["error"] for r in rows if r["error"]}
    by_file = lambda name: [k for k in errors if name in k]  # noqa: E731
    assert errors["nt"] == 'no "text" string'
    off = len(lines[0].encode()) + 1
    assert errors[f"{d / 'a.jsonl'}@{off}"].startswith("broken JSON")
    assert by_file("b.parquet") and "cannot read parquet split" in errors[by_file("b.parquet")[0]]
    assert by_file("c.warc.gz")
    assert errors["2024-03-06-d"].startswith("not UTF-8")
    assert {r["article_id"] for r in rows if r["event_type"]} == {"g1", "g2"}
    with pytest.raises(FileNotFoundError):
        rasad.spark.extract_files(spark, str(tmp_path / "nowhere"))


def test_extract_events_error_rows_and_column_names(spark):
    from pyspark.sql import types as T

    df = spark.createDataFrame([("a", "قتل مدنيان بقصف على بلدة كفرنبل في ريف إدلب", "2024-03-06"), ("b", None, None),
                                ("c", "نص", "not a date")],
                               T.StructType([T.StructField("doc", T.StringType()), T.StructField("body", T.StringType()),
                                             T.StructField("day", T.StringType())]))
    rows = rasad.spark.extract_events(df, text="body", id="doc", published="day").collect()
    errors = {r["article_id"]: r["error"] for r in rows if r["error"]}
    assert set(errors) == {"b", "c"}
    assert any(r["article_id"] == "a" and r["event_type"] for r in rows)
    with pytest.raises(ValueError, match="no text column"):
        rasad.spark.extract_events(df)


@pytest.fixture(scope="module")
def merge_events_table(spark, eval_dir):
    arts = read_jsonl(eval_dir / "merge.jsonl")
    ev = rasad.spark.extract_events(articles_df(spark, arts, 2))
    return arts, ev.collect()


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_merge_events_equals_store_whatever_the_partitioning(partitions, spark, eval_dir, merge_events_table,
                                                            store_clusters, tmp_path):
    arts, collected = merge_events_table
    rows = list(collected)
    random.Random(partitions).shuffle(rows)
    events = spark.createDataFrame(rows, schema=rasad.spark.event_struct()).repartition(partitions)
    merged = rasad.spark.merge_events(events).select("article_id", "event_index", "cluster_id", "error").collect()
    assert len(merged) == len(rows)
    ours = {(r["article_id"], int(r["event_index"])): r["cluster_id"] for r in merged if r["error"] is None}
    store = mention_clusters(store_clusters[0])
    assert partition(ours) == partition(store)
    assert ours == store
    if partitions == 3:
        write_system(tmp_path / "spark.jsonl", arts, ours)
        assert score_merge(eval_dir, tmp_path / "spark.jsonl") == score_merge(eval_dir, store_clusters[1])
        recs = rasad.spark.merge_events(events, records=True).collect()
        assert {r["event_id"] for r in recs} == set(ours.values())
        assert sum(r["mentions"] for r in recs) == len(ours)


def test_day_runs_cut_only_at_gaps_of_two_days():
    runs = rasad.spark.day_runs([("B", 10, 10), ("B", 11, 11), ("B", 13, 13), ("B", 12, 12), ("B", 20, 20),
                                 ("B", 0, 30), ("E", 11, 11), ("E", 14, 14), ("E", 15, 15)])
    assert len({runs[("B", s, e)] for s, e in [(10, 10), (11, 11), (12, 12), (13, 13), (20, 20), (0, 30)]}) == 1
    assert runs[("E", 11, 11)] != runs[("E", 14, 14)] == runs[("E", 15, 15)]
    runs = rasad.spark.day_runs([("B", 1, 1), ("B", 2, 2), ("B", 4, 4)])
    assert runs[("B", 1, 1)] == runs[("B", 2, 2)] != runs[("B", 4, 4)]


def test_merge_across_a_run_edge(spark):
    """Reports a day apart, on either side of what would be a fixed bucket edge, merge."""
    text1 = "قتل ثلاثة مدنيين اليوم بقصف مدفعي لقوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي."
    text2 = "قتل ثلاثة مدنيين أمس بقصف مدفعي لقوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي."
    from pyspark.sql import types as T

    df = spark.createDataFrame([("x1", text1, "2024-03-31", "a"), ("x2", text2, "2024-04-01", "b")],
                               T.StructType([T.StructField(n, T.StringType()) for n in ("id", "text", "published", "outlet")]))
    ev = rasad.spark.extract_events(df)
    rows = rasad.spark.merge_events(ev.repartition(2)).collect()
    assert {r["date"] for r in rows} == {"2024-03-31"}
    assert len({r["cluster_id"] for r in rows}) == 1, [(r["article_id"], r["cluster_id"]) for r in rows]


def test_run_command_on_jsonl_text_and_warc(spark, eval_dir, tmp_path):
    import pyarrow.parquet as pq

    from rasad.spark import cli

    out = tmp_path / "out"
    code = cli.run(_args(input=str(eval_dir / "merge.jsonl"), output=str(out), errors=str(tmp_path / "err")))
    assert code == 0
    t = pq.read_table(out)
    cols = t.column_names
    assert cols[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    assert {"latitude", "longitude", "interaction", "mentions", "mention_keys"} <= set(cols)
    assert t.num_rows > 10
    # Spark's readers (the DataFrame path) give the same merged events.
    code = cli.run(_args(input=str(eval_dir / "merge.jsonl"), output=str(tmp_path / "out-spark"), reader="spark"))
    ts = pq.read_table(tmp_path / "out-spark")
    assert code == 0 and ts.sort_by("event_id_cnty").to_pylist() == t.sort_by("event_id_cnty").to_pylist()
    # A folder of text files (date in the name) and a WARC file.
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "2024-03-06-a.txt").write_text("قتل ثلاثة مدنيين أمس بقصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي.", encoding="utf-8")
    (texts / "2024-03-07-b.txt").write_text("اندلعت اشتباكات عنيفة اليوم بين الجيش السوري وهيئة تحرير الشام في ريف إدلب.", encoding="utf-8")
    code = cli.run(_args(input=str(texts), output=str(tmp_path / "out2"), mentions=True))
    t2 = pq.read_table(tmp_path / "out2").to_pylist()
    assert code == 0 and {r["article_id"] for r in t2} == {"2024-03-06-a", "2024-03-07-b"}
    assert {r["event_date"] for r in t2 if r["article_id"] == "2024-03-06-a"} == {"2024-03-05"}
    html = ("<html><head><title>قصف</title></head><body><article><p>قتل ثلاثة مدنيين أمس بقصف مدفعي على بلدة كفرنبل "
            "في ريف إدلب الجنوبي، وفق ما أفاد مراسلنا في المنطقة.</p></article></body></html>").encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s" % (len(html), html)
    warc = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a/1\r\n"
            b"WARC-Date: 2024-03-06T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (len(http), http))
    import gzip

    wdir = tmp_path / "warcs"
    wdir.mkdir()
    (wdir / "crawl.warc.gz").write_bytes(gzip.compress(warc))
    code = cli.run(_args(input=str(wdir), output=str(tmp_path / "out3"), mentions=True))
    t3 = pq.read_table(tmp_path / "out3").to_pylist()
    assert code == 0 and t3 and all(r["url"] == "https://example.org/a/1" for r in t3)
    # Parquet in (a date column, as archives store it): the same events as from JSON Lines.
    import datetime as dt

    import pyarrow as pa

    arts = read_jsonl(eval_dir / "merge.jsonl")
    pq.write_table(pa.table({"id": [str(a["id"]) for a in arts], "text": [a["text"] for a in arts],
                             "published": pa.array([dt.date.fromisoformat(a["published"][:10]) for a in arts], pa.date32()),
                             "outlet": [a.get("outlet") for a in arts]}), tmp_path / "arts.parquet")
    code = cli.run(_args(input=str(tmp_path / "arts.parquet"), output=str(tmp_path / "out4")))
    t4 = pq.read_table(tmp_path / "out4")
    assert code == 0
    key = lambda t: sorted(zip(t.column("event_id_cnty").to_pylist(), t.column("mentions").to_pylist()))  # noqa: E731
    assert key(t4) == key(t)


def _args(**kw):
    import argparse

    base = dict(format="auto", errors=None, mentions=False, partitions=None, master=None,
                strict=False, reader="auto")
    base.update(kw)
    return argparse.Namespace(**base)
