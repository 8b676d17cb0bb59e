"""rasad.spark.splits without Spark: every line and row group is read by exactly one split,
whatever the split size (the worker-read path must lose nothing and read nothing twice)."""
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rasad.spark import splits


def _ids(plan):
    """article_id of every row the splits of ``plan`` yield, in order."""
    out = []
    pending = splits._Articles()
    for s in plan:
        for b in splits.read_split(s.root, s.path, s.kind, s.start, s.end, pending):
            out += b.column("article_id").to_pylist()
    for b in pending.flush(force=True):
        out += b.column("article_id").to_pylist()
    return out


def _jsonl(tmp_path):
    """Lines of many lengths without a text (each is one error row named by its id), blank
    lines, a CRLF line and a broken one."""
    lines, want = [], []
    for i in range(60):
        body = "بيان " * (i * 7 % 23)
        lines.append(json.dumps({"id": f"l{i}", "body": body}, ensure_ascii=False))
        want.append(f"l{i}")
        if i % 11 == 0:
            lines.append("")
            lines.append("   ")
    data = "\n".join(lines).encode() + b"\r\n" + b'{"id": "crlf"}\r\n' + b"{broken\n" + b'{"id": "last"}'
    want += ["crlf", None, "last"]
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    return path, data, want


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50, 333, 4096, 1 << 20])
def test_jsonl_byte_ranges_read_each_line_once(tmp_path, size):
    path, data, want = _jsonl(tmp_path)
    plan = splits.plan(str(path), max_split=size, open_cost=0, parallelism=1)
    assert plan[0].start == 0 and plan[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(plan, plan[1:]))
    got = _ids(plan)
    broken = [i for i in got if i.startswith(str(path) + "@")]
    assert len(broken) == 1
    offset = int(broken[0].rsplit("@", 1)[1])
    assert data[offset:offset + 7] == b"{broken"
    assert sorted(i for i in got if i not in broken) == sorted(i for i in want if i)


@pytest.mark.parametrize("size", [1, 500, 3000, 1 << 20])
def test_parquet_row_groups_read_once(tmp_path, size):
    n = 50
    t = pa.table({"id": [f"r{i}" for i in range(n)], "text": pa.array([None] * n, pa.string())})
    path = tmp_path / "a.parquet"
    pq.write_table(t, path, row_group_size=4)
    plan = splits.plan(str(path), max_split=size, open_cost=0, parallelism=1)
    assert sorted(_ids(plan)) == sorted(f"r{i}" for i in range(n))
    # No id column: rows are named file#row, still once each.
    pq.write_table(t.select(["text"]), path, row_group_size=4)
    plan = splits.plan(str(path), max_split=size, open_cost=0, parallelism=1)
    assert sorted(_ids(plan)) == sorted(f"{path}#{i}" for i in range(n))


def test_listing_skips_hidden_and_unknown_and_packs_small_files(tmp_path):
    for name in ("b.txt", "a.md", "c.jsonl", ".hidden.txt", "_SUCCESS", "notes.bin", "sub/d.warc.gz"):
        p = tmp_path / name
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"x" * 10)
    files = splits.list_files(str(tmp_path))
    assert [(p.rsplit("/", 1)[1], k) for p, k, _ in files] == [
        ("a.md", "text"), ("b.txt", "text"), ("c.jsonl", "jsonl"), ("d.warc.gz", "files")]
    assert [f[0].rsplit("/", 1)[1] for f in splits.list_files(str(tmp_path / "*.txt"))] == ["b.txt"]
    plan = splits.plan(str(tmp_path), max_split=1000, open_cost=100, parallelism=1)
    assert len(plan) == 4 and len({s.task for s in plan}) == 1  # small files share a task
    plan = splits.plan(str(tmp_path), max_split=1000, open_cost=500, parallelism=1)
    assert len({s.task for s in plan}) == 4
    with pytest.raises(FileNotFoundError):
        splits.list_files(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="unknown input format"):
        splits.kind_of("x", "csv")


def test_missing_file_is_an_error_row(tmp_path):
    rows = _ids([splits.Split(0, str(tmp_path), str(tmp_path / "gone.jsonl"), "jsonl", 0, 100)])
    assert rows == [f"{tmp_path / 'gone.jsonl'}@0-100"]
