"""The Python API against `rasad extract` and `rasad ingest`: same events, same clusters."""
import datetime as dt
import json
import subprocess
import sys

import pyarrow as pa
import pytest

import rasad
from conftest import mention_clusters, partition, read_jsonl, score_merge, write_system


@pytest.mark.parametrize("name", ["dev", "dev2", "seed"])
def test_extract_equals_cli(name, eval_dir, cli_output):
    path = eval_dir / f"{name}.jsonl"
    articles = read_jsonl(path)
    cli = cli_output(path)
    assert len(cli) == len(articles)
    n_events = 0
    for a, line in zip(articles, cli):
        got = rasad.extract(a["text"], published=a.get("published"), outlet=a.get("outlet"), id=str(a["id"]),
                            url=a.get("url"))
        assert got == line, a["id"]
        n_events += len(got.get("events", []))
    assert n_events > 0


@pytest.mark.parametrize("name", ["dev", "dev2", "seed"])
def test_extract_many_equals_cli(name, eval_dir, cli_output):
    path = eval_dir / f"{name}.jsonl"
    assert rasad.extract_many(read_jsonl(path)) == cli_output(path)


@pytest.mark.parametrize("name", ["dev", "dev2"])
def test_extract_arrow_equals_cli(name, eval_dir, cli_output):
    path = eval_dir / f"{name}.jsonl"
    arts = read_jsonl(path)
    table = pa.table({
        "id": [str(a["id"]) for a in arts],
        "text": [a["text"] for a in arts],
        "published": [a.get("published") for a in arts],
        "outlet": [a.get("outlet") for a in arts],
    })
    events = rasad.extract_arrow(table)
    assert events.schema == rasad.event_schema()
    assert events.column("error").null_count == len(events)
    # The typed columns hold the whole contract: the events come back exactly.
    want = [line for line in cli_output(path) if line["events"]]
    assert rasad.to_contract(events) == want
    # Typed columns carry the contract's values.
    row = events.slice(0, 1).to_pylist()[0]
    e = want[0]["events"][0]
    assert row["article_id"] == want[0]["id"] and row["event_index"] == 0
    assert row["event_type"] == e["event_type"]
    assert row["location_lat"] == (e.get("location") or {}).get("lat")
    assert row["fatalities"] == e.get("fatalities")
    assert json.loads(row["spans"]) == e["spans"]


def test_dates_and_timestamps_as_published():
    text = "قتل مدنيان أمس بقصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي."
    want = rasad.extract(text, published="2024-03-06", id="a")
    assert rasad.extract(text, published=dt.date(2024, 3, 6), id="a") == want
    assert rasad.extract(text, published=dt.datetime(2024, 3, 6, 9, 30), id="a") == want
    t = pa.table({"id": ["a", "b"], "text": [text, text],
                  "published": pa.array([dt.date(2024, 3, 6), dt.date(2024, 3, 6)], pa.date32())})
    ev = rasad.extract_arrow(t)
    dates = {r["date"] for r in ev.to_pylist()}
    assert dates == {e["date"] for e in want["events"]}
    assert want["events"], "the sentence reports a shelling"


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="not None"):
        rasad.extract(None)
    with pytest.raises(TypeError, match="decode"):
        rasad.extract("نص".encode())
    with pytest.raises(TypeError, match="int"):
        rasad.extract(42)
    with pytest.raises(ValueError, match="not a date"):
        rasad.extract("نص", published="yesterday")
    with pytest.raises(TypeError, match="published"):
        rasad.extract("نص", published=20240306.0)
    with pytest.raises(TypeError, match="outlet"):
        rasad.extract("نص", outlet=5)
    with pytest.raises(TypeError, match="iterable"):
        rasad.extract_many(None)
    with pytest.raises(TypeError, match="iterable"):
        rasad.extract_many("not a list")
    with pytest.raises(TypeError, match="pyarrow"):
        rasad.extract_arrow([{"text": "x"}])
    with pytest.raises(ValueError, match="no text column"):
        rasad.extract_arrow(pa.table({"body": ["x"]}))
    with pytest.raises(TypeError, match="strings"):
        rasad.extract_arrow(pa.table({"text": [1, 2]}))
    with pytest.raises(ValueError, match="not a table of rasad events"):
        rasad.merge_arrow(pa.table({"x": [1]}))
    bad = rasad.extract_arrow(pa.table({"id": ["a"], "text": ["قتل مدنيان بقصف على بلدة كفرنبل في ريف إدلب"]}))
    bad = bad.set_column(bad.schema.get_field_index("spans"), "spans", pa.array(["{broken"] * len(bad)))
    with pytest.raises(ValueError, match="spans"):
        rasad.merge_arrow(bad)
    with pytest.raises(ValueError, match="not a table of rasad events"):
        rasad.to_contract(bad.drop_columns(["location_span"]))
    with pytest.raises(TypeError, match="pyarrow.Table"):
        rasad.to_contract([{"id": 1}])


def test_bad_articles_are_error_rows():
    huge = "قصف " * (rasad.MAX_TEXT // 4 + 10)
    r = rasad.extract(huge, id="big")
    assert r["id"] == "big" and "too long" in r["error"]
    assert "no text" in rasad.extract("   ", id="e")["error"]
    many = rasad.extract_many([{"id": 1, "text": "نص"}, "not a dict", {"id": "x"}, {"id": "d", "text": "نص", "published": "31/12/2024"},
                               {"id": "n", "text": None}])
    assert many[0]["id"] == "1" and "events" in many[0]
    assert "not an article" in many[1]["error"]
    assert many[2] == {"id": "x", "error": 'no "text" string'}
    assert "not a date" in many[3]["error"]
    assert many[4]["error"] == 'no "text" string'
    t = pa.table({"id": ["ok", "null", "big", "date"],
                  "text": ["قتل مدنيان بقصف على بلدة كفرنبل في ريف إدلب", None, huge, "نص"],
                  "published": [None, None, None, "2024-02-30"]})
    ev = rasad.extract_arrow(t)
    errors = {r["article_id"]: r["error"] for r in ev.to_pylist() if r["error"]}
    assert set(errors) == {"null", "big", "date"}
    assert "too long" in errors["big"] and "not a date" in errors["date"]
    # Random bytes decoded leniently are still only text: no exception, one result each.
    import random

    rng = random.Random(7)
    junk = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))).decode("utf-8", "replace") for _ in range(50)]
    out = rasad.extract_many([{"id": str(i), "text": j} for i, j in enumerate(junk)])
    assert [o["id"] for o in out] == [str(i) for i in range(50)]


def test_to_pandas_and_geopandas(eval_dir):
    arts = read_jsonl(eval_dir / "seed.jsonl")
    df = rasad.to_pandas(rasad.extract_arrow(pa.table({"id": [a["id"] for a in arts], "text": [a["text"] for a in arts],
                                                       "published": [a["published"] for a in arts]})))
    assert len(df) > 0 and "location_lat" in df.columns
    df2 = rasad.to_pandas([rasad.extract(a["text"], published=a["published"], id=a["id"]) for a in arts])
    assert len(df2) == len(df)
    try:
        import geopandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="geopandas"):
            rasad.to_geopandas(df)
        return
    g = rasad.to_geopandas(df)
    assert len(g) == int(df["location_lat"].notna().sum())


def test_merge_arrow_equals_store(eval_dir, store_clusters, tmp_path):
    arts = read_jsonl(eval_dir / "merge.jsonl")
    table = pa.table({"id": [str(a["id"]) for a in arts], "text": [a["text"] for a in arts],
                      "published": [a.get("published") for a in arts], "outlet": [a.get("outlet") for a in arts]})
    merged = rasad.merge_arrow(rasad.extract_arrow(table))
    ours = {(r["article_id"], r["event_index"]): r["cluster_id"] for r in merged.to_pylist() if r["cluster_id"]}
    store = mention_clusters(store_clusters[0])
    assert partition(ours) == partition(store)
    assert ours == store, "the merged ids are the store's ids"
    assert len(set(ours.values())) < len(ours), "the merge set has events reported by several outlets"
    records = rasad.merge_arrow(rasad.extract_arrow(table), records=True)
    assert set(records.column("event_id").to_pylist()) == set(ours.values())
    assert sum(records.column("mentions").to_pylist()) == len(ours)
    if (eval_dir / "score_merge.py").is_file():
        write_system(tmp_path / "ours.jsonl", arts, ours)
        assert score_merge(eval_dir, tmp_path / "ours.jsonl") == score_merge(eval_dir, store_clusters[1])
