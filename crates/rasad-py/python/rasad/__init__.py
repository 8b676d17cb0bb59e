"""Rasad (رصد): Arabic news in, ACLED-style conflict events out.

The work is done in Rust (``rasad._rasad``); this package turns Python arguments into the
article rows Rust reads and Rust's answers back into Python objects:

- :func:`extract` / :func:`extract_many`: the JSON contract of ``rasad extract`` as dicts;
- :func:`extract_arrow`: a pyarrow table of articles in, one typed row per event out;
- :func:`merge_arrow`: the store's cross-outlet merge on such a table;
- :func:`to_pandas` / :func:`to_geopandas`: conveniences for notebooks;
- :mod:`rasad.spark`: the same on Apache Spark.

One extractor (lexicons and gazetteer, about 200 ms to load) is built per process, the
first time one is needed, and shared by every call.
"""
from __future__ import annotations

import datetime as _dt
import json as _json
import threading as _threading
from typing import Any, Dict, Iterable, List, Optional

from . import _rasad
from ._rasad import MAX_TEXT, __version__  # noqa: F401

__all__ = [
    "extract",
    "extract_many",
    "extract_arrow",
    "merge_arrow",
    "to_contract",
    "event_schema",
    "merged_schema",
    "to_pandas",
    "to_geopandas",
    "engine",
    "MAX_TEXT",
]

_ENGINE = None
_ENGINE_LOCK = _threading.Lock()

#: Articles per call into Rust in :func:`extract_many` (bounds memory, keeps the GIL free).
CHUNK = 512


def engine():
    """The process's extractor, built on first use (Spark workers build theirs once)."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = _rasad.Engine()
    return _ENGINE


def _text_arg(text: Any) -> str:
    if isinstance(text, str):
        return text
    if text is None:
        raise TypeError("text must be a str, not None")
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("text must be a str, not bytes: decode it first (e.g. data.decode('utf-8'))")
    raise TypeError(f"text must be a str, not {type(text).__name__}")


def _opt_str(name: str, value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")


def _published_arg(value: Any) -> Optional[str]:
    """A publication date: None, ``YYYY-MM-DD`` (or a timestamp starting with it), or a
    :class:`datetime.date`/:class:`datetime.datetime`."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"published must be a str (YYYY-MM-DD), a date or None, not {type(value).__name__}")


def extract(text: str, published=None, outlet: Optional[str] = None, id: Optional[str] = None,
            url: Optional[str] = None) -> Dict[str, Any]:
    """Extract the events of one article.

    Returns exactly what ``rasad extract`` prints for the article, parsed:
    ``{"id", "events": [...]}``, or ``{"id", "error"}`` when the article cannot be
    processed (empty, over :data:`MAX_TEXT` bytes). Arguments of the wrong type raise
    :class:`TypeError`; a ``published`` that is no date raises :class:`ValueError` (as
    ``rasad extract --published`` refuses it). ``id`` defaults to ``"text"``.
    """
    text = _text_arg(text)
    published = _published_arg(published)
    if published is not None and not _rasad.valid_published(published):
        raise ValueError(f"published {published!r} is not a date (YYYY-MM-DD)")
    outlet = _opt_str("outlet", outlet)
    url = _opt_str("url", url)
    if id is None:
        id = "text"
    elif not isinstance(id, str):
        if isinstance(id, int) and not isinstance(id, bool):
            id = str(id)
        else:
            raise TypeError(f"id must be a str, an int or None, not {type(id).__name__}")
    line = engine().extract_jsonl([(id, text, published, outlet, url)])
    return _json.loads(line)


def _row(n: int, item: Any):
    """One article dict as the Rust row tuple, or an error line for a bad item (the CLI's
    rules: an id string or number, a text string; other fields strings or ignored)."""
    if not isinstance(item, dict):
        return None, {"id": f"item {n}", "error": f"not an article dict but {type(item).__name__}"}
    raw_id = item.get("id")
    if isinstance(raw_id, str):
        id_ = raw_id
    elif isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        id_ = _json.dumps(raw_id)
    else:
        id_ = f"item {n}"
    text = item.get("text")
    if not isinstance(text, str):
        return None, {"id": id_, "error": 'no "text" string'}

    def s(k):
        v = item.get(k)
        if isinstance(v, (_dt.date, _dt.datetime)) and k == "published":
            return _published_arg(v)
        return v if isinstance(v, str) else None

    return (id_, text, s("published"), s("outlet"), s("url")), None


def extract_many(articles: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Extract many articles given as dicts ``{"id","text","published","outlet","url"}``
    (the JSON Lines fields of ``rasad extract``). Returns one result dict per item, in
    order; an item that is not an article (not a dict, no text, a bad date) is an
    ``{"id","error"}`` result, not an exception."""
    if isinstance(articles, (str, bytes, dict)) or articles is None:
        raise TypeError(f"articles must be an iterable of dicts, not {type(articles).__name__}")
    try:
        it = iter(articles)
    except TypeError:
        raise TypeError(f"articles must be an iterable of dicts, not {type(articles).__name__}") from None
    eng = engine()
    out: List[Dict[str, Any]] = []
    pending: List[Any] = []  # row tuples, or ready error dicts, in order

    def flush():
        rows = [p for p in pending if isinstance(p, tuple)]
        lines = eng.extract_jsonl(rows).splitlines() if rows else []
        k = 0
        for p in pending:
            if isinstance(p, tuple):
                out.append(_json.loads(lines[k]))
                k += 1
            else:
                out.append(p)
        pending.clear()

    for n, item in enumerate(it, 1):
        row, err = _row(n, item)
        pending.append(row if row is not None else err)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return out


def _pa():
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - pyarrow is a dependency of the wheel
        raise ImportError("rasad's Arrow functions need pyarrow: pip install pyarrow") from e
    return pyarrow


def _read_ipc(data: bytes):
    pa = _pa()
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def event_schema():
    """The pyarrow schema of :func:`extract_arrow`'s tables."""
    return _read_ipc(_rasad.schema_ipc(False)).schema


def merged_schema():
    """The pyarrow schema of :func:`merge_arrow`'s merged records."""
    return _read_ipc(_rasad.schema_ipc(True)).schema


def _string_column(pa, table, name: str, role: str, required: bool):
    """Column ``name`` of ``table`` as strings (dates and timestamps as ISO text)."""
    if name is None or name not in table.column_names:
        if required:
            raise ValueError(f"the table has no {role} column {name!r} (columns: {', '.join(table.column_names)})")
        return None
    col = table.column(name)
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col
    if pa.types.is_null(t):
        return pa.nulls(len(col), pa.string())
    if role in ("published", "id") and (pa.types.is_date(t) or pa.types.is_timestamp(t) or pa.types.is_integer(t)):
        return col.cast(pa.string())
    if getattr(pa.types, "is_string_view", lambda _t: False)(t):
        return col.cast(pa.string())
    raise TypeError(f"column {name!r} ({role}) must hold strings, not {t}")


def articles_table(table, text="text", id="id", published="published", outlet="outlet", url="url"):
    """The caller's articles as the table Rust reads (columns renamed and cast)."""
    pa = _pa()
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if not isinstance(table, pa.Table):
        raise TypeError(f"expected a pyarrow.Table or RecordBatch, not {type(table).__name__}")
    cols, names = [], []
    for role, name, required in (("text", text, True), ("id", id, False), ("published", published, False),
                                 ("outlet", outlet, False), ("url", url, False)):
        c = _string_column(pa, table, name, role, required)
        if c is not None:
            cols.append(c)
            names.append(role)
    return pa.Table.from_arrays(cols, names=names)


def _to_ipc(table) -> bytes:
    pa = _pa()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def extract_arrow(table, text="text", id="id", published="published", outlet="outlet", url="url", *,
                  first_row: int = 0):
    """Extract the events of a pyarrow table of articles.

    Columns (names can be changed with the keyword arguments): ``text`` (required),
    ``id``, ``published`` (string, date or timestamp), ``outlet``, ``url``. Returns a table
    of :func:`event_schema`: one row per event, every field of the contract as typed
    columns (``location_*`` and ``actor1_*``/``actor2_*`` flattened, ``spans`` and
    ``field_confidence`` as JSON); :func:`to_contract` gives the very events of
    ``rasad extract`` back from them. An article that cannot be processed is one row whose
    ``error`` says why. Rust works with the GIL released.
    """
    pa = _pa()
    arts = articles_table(table, text=text, id=id, published=published, outlet=outlet, url=url)
    out = engine().extract_ipc(_to_ipc(arts), first_row)
    return _read_ipc(out)


def _event_table(events):
    """``events`` as a pyarrow table of exactly :func:`event_schema` (Spark and pandas
    round trips change string widths and the like; names must all be there)."""
    pa = _pa()
    if isinstance(events, pa.RecordBatch):
        events = pa.Table.from_batches([events])
    if not isinstance(events, pa.Table):
        raise TypeError(f"expected a pyarrow.Table of rasad events, not {type(events).__name__}")
    schema = event_schema()
    missing = [n for n in schema.names if n not in events.column_names]
    if missing:
        raise ValueError(f"not a table of rasad events: no column {', '.join(missing)}")
    try:
        return events.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise ValueError(f"not a table of rasad events: {e}") from None


def to_contract(events) -> List[Dict[str, Any]]:
    """The ``rasad extract`` results of an event table: one ``{"id","events"}`` per
    article (in order of first appearance), ``{"id","error"}`` for error rows. Articles
    without events have no row in the table, so no result."""
    out = _rasad.contract_ipc(_to_ipc(_event_table(events)))
    return [_json.loads(l) for l in out.splitlines()]


def merge_arrow(events, records: bool = False):
    """Merge reports of one event across outlets, as the store does.

    ``events``: a table of :func:`extract_arrow` (error rows are kept, unmerged). Returns
    the same table with ``cluster_id``, the id of the merged event each mention belongs to
    (the store's event id), or with ``records=True`` one row per merged event
    (:func:`merged_schema`: its ``event_id`` is that id, ``mentions`` counts the reports).
    """
    pa = _pa()
    table = _event_table(events)
    ids, merged = _rasad.merge_ipc(_to_ipc(table))
    if records:
        return _read_ipc(merged)
    if isinstance(events, pa.RecordBatch):
        events = pa.Table.from_batches([events])
    return events.append_column("cluster_id", pa.array(ids, pa.string()))


def to_pandas(events):
    """A pandas DataFrame of an event table (or of :func:`extract`'s dicts)."""
    import pandas as pd

    pa = _pa()
    if isinstance(events, dict):
        events = [events]
    if isinstance(events, list):
        rows = []
        for r in events:
            for e in r.get("events", []) if isinstance(r, dict) else []:
                rows.append({"article_id": r.get("id"), **e})
        return pd.json_normalize(rows, sep="_")
    if isinstance(events, (pa.Table, pa.RecordBatch)):
        return events.to_pandas()
    raise TypeError(f"expected an event table or extract() results, not {type(events).__name__}")


def to_geopandas(events):
    """A GeoDataFrame (EPSG:4326 points) of the events that have coordinates. Needs
    ``geopandas`` (``pip install geopandas``)."""
    try:
        import geopandas as gpd
    except ImportError as e:
        raise ImportError("to_geopandas needs geopandas: pip install geopandas") from e
    df = to_pandas(events)
    lat = "location_lat" if "location_lat" in df.columns else None
    lon = "location_lon" if "location_lon" in df.columns else None
    if lat is None or lon is None:
        raise ValueError("no location_lat/location_lon columns: pass events from extract_arrow or extract")
    df = df[df[lat].notna() & df[lon].notna()].copy()
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[lon], df[lat]), crs="EPSG:4326")
