"""The worker-read path: Spark's Python workers read the input themselves.

Why: on the DataFrame path (:func:`rasad.spark.extract_events` over ``spark.read``) the
JVM reads the files, builds rows, converts them to Arrow for the Python worker and the
events back. On ``local[1]`` that keeps about 1.3 cores busy for one core of extraction,
so two cores cannot give two extractions' worth. Here the driver only lists the files and
cuts them into *splits* (descriptor rows: path, kind, byte range); ``mapInArrow`` over the
descriptors reads each split in the worker (pyarrow for Parquet, Rust for JSON Lines,
Rasad's own readers for WARC/HTML/feeds), extracts with the GIL released and yields event
batches. The JVM ships a few descriptor rows in and receives events, which are much
smaller than the texts.

Splits, as Spark cuts its own file splits (so ``spark.sql.files.maxPartitionBytes`` sizes
both paths): a split is at most ``min(maxPartitionBytes, max(openCostInBytes, total bytes
÷ default parallelism))`` bytes; large files are cut in byte ranges, small ones packed
together (each file counted ``openCostInBytes`` more than its size); one task per split.

- JSON Lines (``.jsonl``, ``.ndjson``, ``.json``): a byte range owns the lines that
  *start* in it (the reader skips to the first line start after ``start`` and finishes
  the line that straddles ``end``), so every line is read exactly once. Parsed by the rules
  of ``rasad extract``; lines without an id are named ``path@byte``. Gzipped (``.gz``):
  whole file.
- Parquet: a byte range owns the row groups whose middle byte lies in it (Spark's rule).
  Columns ``id``, ``text``, ``published`` (string, date or timestamp), ``outlet``,
  ``url``; without an id column, rows are named ``path#row``.
- Text (``.txt``/``.md``): one article per file, id = file name without its extension,
  date from a ``YYYY-MM-DD`` in the file name (as :func:`rasad.spark.read_articles`).
- WARC/WARC.gz, HTML, RSS/Atom: whole files through ``rasad ingest``'s readers.

Nothing is lost silently: a split that cannot be read (missing or corrupt file, no text
column) is an error row naming the file and byte range, a line that cannot be read is an
error row naming its id or position; events already produced by a split that fails later
are kept.

Paths: local (``/data``, ``file:/data``), and whatever pyarrow's filesystems open
(``s3://``/``s3a://``, ``gs://``, ``hdfs://`` with libhdfs). Where the workers cannot reach
the storage, use the DataFrame path (``python -m rasad.spark run --reader spark``).
"""
from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterator, List, NamedTuple, Optional, Tuple

import rasad

#: Articles handed to Rust per call (and so rows per output batch, about): bounds a
#: worker's memory whatever the split size.
BATCH_ROWS = 2000
#: Extending the last line of a JSON Lines split stops here (the truncated line is then an
#: error row): a file with no newlines must not be read whole by every split.
MAX_LINE = 64 << 20

KINDS = ("jsonl", "parquet", "text", "files")
_EXT = ((".jsonl.gz", "jsonl"), (".ndjson.gz", "jsonl"), (".json.gz", "jsonl"), (".jsonl", "jsonl"),
        (".ndjson", "jsonl"), (".json", "jsonl"), (".parquet", "parquet"), (".txt", "text"), (".md", "text"),
        (".warc.gz", "files"), (".warc", "files"), (".html", "files"), (".htm", "files"), (".xml", "files"),
        (".rss", "files"), (".atom", "files"))


class Split(NamedTuple):
    """One descriptor row: task ``task`` reads bytes [start, end) of ``path`` (a path of
    the filesystem of ``root``) as ``kind``."""
    task: int
    root: str
    path: str
    kind: str
    start: int
    end: int


def kind_of(name: str, fmt: str = "auto") -> Optional[str]:
    """The kind of a file from its name (``fmt`` other than ``auto`` forces one; ``warc``
    is ``files``); ``None`` for names that say nothing (skipped in folders)."""
    if fmt == "warc":
        fmt = "files"
    if fmt != "auto":
        if fmt not in KINDS:
            raise ValueError(f"unknown input format {fmt!r} (auto, jsonl, parquet, text, warc, files)")
        return fmt
    low = name.lower()
    for ext, kind in _EXT:
        if low.endswith(ext):
            return kind
    return None


def filesystem(root: str):
    """``(pyarrow filesystem, path in it)`` for a local path, ``file:`` URI or any URI
    pyarrow opens (``s3a://`` is read as ``s3://``)."""
    from pyarrow import fs

    if root.startswith("file:"):
        root = re.sub(r"^file:(//)?", "", root)
        if not root.startswith("/"):
            root = "/" + root
    elif "://" in root:
        uri = "s3://" + root[len("s3a://"):] if root.startswith("s3a://") else root
        return fs.FileSystem.from_uri(uri)
    return fs.LocalFileSystem(), os.path.abspath(root)


def base_of(root: str) -> str:
    """The part of ``root`` before its first glob character (the folder to list)."""
    if not any(c in root for c in "*?["):
        return root
    cut = min(root.index(c) for c in "*?[" if c in root)
    return root[:cut].rsplit("/", 1)[0] or "/"


def list_files(root: str, fmt: str = "auto") -> List[Tuple[str, str, int]]:
    """``[(path, kind, size)]`` under ``root`` (a file, a folder walked recursively, or a
    glob), sorted; hidden files, ``_SUCCESS`` and the like, and (with ``fmt="auto"``) files
    whose name says nothing are skipped. A file named explicitly is always kept."""
    from pyarrow import fs

    base = base_of(root)
    filesys, bpath = filesystem(base)
    pattern = None if base == root else bpath.rstrip("/") + "/" + root[len(base):].lstrip("/")
    info = filesys.get_file_info(bpath)
    if info.type == fs.FileType.NotFound:
        raise FileNotFoundError(f"no input at {root}")
    if info.type == fs.FileType.File and pattern is None:
        return [(info.path, kind_of(info.path, fmt) or "text", info.size)]
    out = []
    for f in filesys.get_file_info(fs.FileSelector(bpath, recursive=True)):
        if f.type != fs.FileType.File:
            continue
        rel = f.path[len(bpath):].lstrip("/")
        if any(p.startswith((".", "_")) for p in rel.split("/")):
            continue
        if pattern is not None and not fnmatch.fnmatch(f.path, pattern):
            continue
        kind = kind_of(f.path, fmt)
        if kind is not None:
            out.append((f.path, kind, f.size))
    out.sort()
    return out


def _whole(path: str, kind: str) -> bool:
    """Files read whole: compressed, or formats with no line or row-group structure."""
    return kind in ("text", "files") or path.lower().endswith(".gz")


def plan(root: str, fmt: str = "auto", max_split: int = 128 << 20, open_cost: int = 4 << 20,
         parallelism: int = 2) -> List[Split]:
    """The splits of ``root``, numbered by task, by Spark's rule for file splits (module
    doc): ``max_split`` is ``spark.sql.files.maxPartitionBytes``, ``open_cost``
    ``spark.sql.files.openCostInBytes``, ``parallelism`` the default parallelism."""
    files = list_files(root, fmt)
    total = sum(size + open_cost for _, _, size in files)
    split = max(1, min(max_split, max(open_cost, total // max(1, parallelism))))
    pieces = []
    for path, kind, size in files:
        if _whole(path, kind) or size <= split:
            pieces.append((path, kind, 0, size))
        else:
            pieces.extend((path, kind, s, min(size, s + split)) for s in range(0, size, split))
    out, task, filled = [], 0, 0
    for path, kind, s, e in pieces:
        cost = e - s + open_cost
        if filled and filled + cost > split:
            task, filled = task + 1, 0
        out.append(Split(task, base_of(root), path, kind, s, e))
        filled += cost
    return out


# --- worker side ---------------------------------------------------------------------

_FILESYSTEMS = {}


def _fs_of(root: str):
    """The filesystem of ``root``, one per worker process (S3 clients are costly)."""
    if root not in _FILESYSTEMS:
        _FILESYSTEMS[root] = filesystem(root)[0]
    return _FILESYSTEMS[root]


def error_batch(ids: List[str], errors: List[str]):
    """Error rows of :func:`rasad.event_schema` (every other column null)."""
    import pyarrow as pa

    schema = rasad.event_schema()
    n = len(ids)
    cols = []
    for f in schema:
        if f.name == "article_id":
            cols.append(pa.array(ids, f.type))
        elif f.name == "error":
            cols.append(pa.array(errors, f.type))
        else:
            cols.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _batches(table) -> Iterator:
    schema = rasad.event_schema()
    for b in table.to_batches():
        if b.num_rows:
            yield b if b.schema == schema else b.cast(schema)


def _extract(table) -> Iterator:
    yield from _batches(rasad.extract_arrow(table))


def _read_jsonl(f, path: str, start: int, end: int) -> Iterator:
    """The lines that start in [start, end), through Rust in chunks of about BATCH_ROWS
    lines' worth of bytes."""
    eng = rasad.engine()
    if path.lower().endswith(".gz"):
        import gzip

        data, first = gzip.decompress(f.read()), 0
    else:
        begin = start - 1 if start > 0 else 0
        f.seek(begin)
        data = f.read(end - begin)
        grown = 0
        while data and not data.endswith(b"\n") and grown < MAX_LINE:
            more = f.read(1 << 16)
            if not more:
                break
            nl = more.find(b"\n")
            data += more[:nl + 1] if nl >= 0 else more
            grown += len(more)
            if nl >= 0:
                break
        first = begin
        if start > 0:
            cut = data.find(b"\n")
            if cut < 0:
                return
            data, first = data[cut + 1:], begin + cut + 1
    chunk = 4 << 20
    i = 0
    while i < len(data):
        j = min(len(data), i + chunk)
        if j < len(data):
            nl = data.find(b"\n", j)
            j = len(data) if nl < 0 else nl + 1
        out = rasad._read_ipc(eng.extract_jsonl_ipc(data[i:j], path, first + i))
        yield from _batches(out)
        i = j


def _row_group_start(rg) -> int:
    c = rg.column(0)
    off = c.data_page_offset
    if c.has_dictionary_page and c.dictionary_page_offset is not None and 0 < c.dictionary_page_offset < off:
        off = c.dictionary_page_offset
    return off


def _read_parquet(f, path: str, start: int, end: int) -> Iterator:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(f)
    md = pf.metadata
    names = pf.schema_arrow.names
    if "text" not in names:
        raise ValueError(f"no text column (columns: {', '.join(names)})")
    cols = [c for c in ("id", "text", "published", "outlet", "url") if c in names]
    row = 0
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        s = _row_group_start(rg)
        size = sum(rg.column(j).total_compressed_size for j in range(rg.num_columns))
        if start <= s + size // 2 < end:
            t = pf.read_row_group(i, columns=cols)
            if "id" not in cols:
                t = t.append_column("id", pa.array([f"{path}#{k}" for k in range(row, row + t.num_rows)]))
            for b in t.to_batches(max_chunksize=BATCH_ROWS):
                if b.num_rows:
                    yield from _extract(pa.Table.from_batches([b]))
        row += rg.num_rows


_STEM = re.compile(r"([^/]+?)(\.[^./]*)?$")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _text_article(path: str, data: bytes):
    """(id, text, published) of a text file, or (id, None, error)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    m = _STEM.search(name)
    ident = m.group(1) if m else name
    d = _DATE.search(name)
    try:
        return ident, data.decode("utf-8"), d.group(1) if d else None, None
    except UnicodeDecodeError as e:
        return ident, None, None, f"not UTF-8: {e}"


def _file_uri(root: str, path: str) -> str:
    """The name the DataFrame path (``binaryFiles``) gives a file: ``file:/abs`` locally."""
    if "://" in root:
        scheme = root.split("://", 1)[0]
        return f"{scheme}://{path}" if not path.startswith(f"{scheme}://") else path
    return "file:" + path


class _Articles:
    """Articles of whole-file splits (text, WARC…) gathered into tables of BATCH_ROWS."""

    def __init__(self):
        self.rows = {k: [] for k in ("id", "text", "published", "outlet", "url")}
        self.bad_ids, self.bad_errors = [], []

    def add(self, ident, text, published=None, outlet=None, url=None):
        for k, v in (("id", ident), ("text", text), ("published", published), ("outlet", outlet), ("url", url)):
            self.rows[k].append(v)

    def bad(self, ident, error):
        self.bad_ids.append(ident)
        self.bad_errors.append(error)

    def flush(self, force=False) -> Iterator:
        import pyarrow as pa

        if self.bad_ids:
            yield error_batch(self.bad_ids, self.bad_errors)
            self.bad_ids, self.bad_errors = [], []
        if self.rows["id"] and (force or len(self.rows["id"]) >= BATCH_ROWS):
            t = pa.table({k: pa.array(v, pa.string()) for k, v in self.rows.items()})
            self.rows = {k: [] for k in self.rows}
            yield from _extract(t)


def read_split(root: str, path: str, kind: str, start: int, end: int, pending: Optional[_Articles] = None) -> Iterator:
    """Event batches of one split (worker side). A failure is an error row naming the file
    and range; whole-file kinds add their articles to ``pending`` (flushed by the caller)."""
    f = None
    try:
        filesys = _fs_of(root)
        if kind == "jsonl":
            f = filesys.open_input_file(path)
            yield from _read_jsonl(f, path, start, end)
        elif kind == "parquet":
            f = filesys.open_input_file(path)
            yield from _read_parquet(f, path, start, end)
        elif kind in ("text", "files"):
            # compression=None: pyarrow would otherwise gunzip .gz on the way, and the
            # WARC reader wants the file's own bytes.
            with filesys.open_input_stream(path, compression=None) as s:
                data = s.read()
            if kind == "text":
                ident, text, published, err = _text_article(path, data)
                if err:
                    pending.bad(ident, err)
                else:
                    pending.add(ident, text, published)
            else:
                for ident, text, published, outlet, url, err in rasad._rasad.read_file(_file_uri(root, path), data):
                    if err is not None:
                        pending.bad(ident, err)
                    else:
                        pending.add(ident, text, published, outlet, url)
            yield from pending.flush()
        else:
            raise ValueError(f"unknown split kind {kind!r}")
    except Exception as e:  # noqa: BLE001 - every failure of a split is its error row
        where = path if kind in ("text", "files") else f"{path}@{start}-{end}"
        yield error_batch([where], [f"cannot read {kind} split [{start}, {end}) of {path}: {type(e).__name__}: {e}"])
    finally:
        if f is not None:
            f.close()


def read_splits(batches) -> Iterator:
    """``mapInArrow`` body over descriptor batches: every split of the task, in order."""
    pending = _Articles()
    for b in batches:
        d = b.to_pydict()
        for root, path, kind, s, e in zip(d["root"], d["path"], d["kind"], d["start"], d["end"]):
            yield from read_split(root, path, kind, s, e, pending)
    yield from pending.flush(force=True)


def split_schema():
    from pyspark.sql import types as T

    return T.StructType([T.StructField("task", T.LongType(), False), T.StructField("root", T.StringType(), False),
                         T.StructField("path", T.StringType(), False), T.StructField("kind", T.StringType(), False),
                         T.StructField("start", T.LongType(), False), T.StructField("end", T.LongType(), False)])


def _bytes_conf(spark, key: str, default: int) -> int:
    """A Spark size setting in bytes (``134217728``, ``128m``, ``8MB``, ``4194304b``)."""
    v = spark.conf.get(key, None)
    if not v:
        return default
    m = re.fullmatch(r"\s*(\d+)\s*([kmgt]?)i?b?\s*", str(v).lower())
    if not m:
        return default
    return int(m.group(1)) * 1024 ** " kmgt".index(m.group(2) or " ")


def extract_files(spark, path: str, fmt: str = "auto", max_split: Optional[int] = None):
    """Events (:func:`rasad.spark.event_struct`) of the articles in ``path``, read by the
    Python workers (module doc): JSON Lines, Parquet, text files, WARC/HTML/feeds; errors
    of reading and of extraction are rows with ``error`` set. ``max_split`` (bytes):
    default ``spark.sql.files.maxPartitionBytes``."""
    from pyspark.sql import functions as F

    from . import event_struct

    max_split = max_split or _bytes_conf(spark, "spark.sql.files.maxPartitionBytes", 128 << 20)
    open_cost = _bytes_conf(spark, "spark.sql.files.openCostInBytes", 4 << 20)
    splits = plan(path, fmt, max_split, open_cost, spark.sparkContext.defaultParallelism)
    if not splits:
        raise ValueError(f"no input files under {path} (format {fmt})")
    tasks = splits[-1].task + 1
    desc = spark.createDataFrame([tuple(s) for s in splits], split_schema())
    # One partition per task, and the descriptors joined onto it without a shuffle (the
    # broadcast side is the descriptors): the JVM's whole share of the read.
    ids = spark.range(0, tasks, 1, tasks).withColumnRenamed("id", "task")
    return ids.join(F.broadcast(desc), "task").select(*split_schema().fieldNames()).mapInArrow(read_splits, event_struct())
