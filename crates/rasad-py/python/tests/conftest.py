"""Shared fixtures: the evaluation sets of ../shared/eval, the `rasad` binary, one
SparkSession for the whole test session.

Tools that are missing (the binary, pyspark, java) skip their tests on a developer
machine and fail them when `CI` is set (CI must never skip silently); the evaluation data
is skipped where absent, as in the Rust tests.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rasad

ROOT = Path(__file__).resolve().parents[4]
SHARED = Path(os.environ.get("RASAD_SHARED", ROOT.parent / "shared"))
EVAL = SHARED / "eval"


def need(cond, why):
    """Skip (developer machine) or fail (CI) when `cond` is false."""
    if cond:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set, so this is a failure, not a skip)")
    pytest.skip(why)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


@pytest.fixture(scope="session")
def eval_dir():
    # Data, not a tool: skipped where absent, as every test of the repository does.
    if not (EVAL / "dev.jsonl").is_file():
        pytest.skip(f"no evaluation data at {EVAL}")
    return EVAL


@pytest.fixture(scope="session")
def rasad_bin():
    exe = os.environ.get("RASAD_BIN") or str(ROOT / "target" / "release" / "rasad")
    need(Path(exe).is_file(), f"no rasad binary at {exe} (cargo build --release -p rasad-cli)")
    return exe


@pytest.fixture(scope="session")
def cli_output(rasad_bin):
    """`rasad extract` of a JSON Lines file, parsed, by article id (cached per file)."""
    cache = {}

    def run(path):
        path = str(path)
        if path not in cache:
            p = subprocess.run([rasad_bin, "extract", path], capture_output=True, check=False)
            assert p.returncode in (0, 1), p.stderr.decode("utf-8", "replace")
            cache[path] = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
        return cache[path]

    return run


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        need(False, "pyspark is not installed (pip install 'pyspark>=3.5')")
    need(shutil.which("java") is not None or os.environ.get("JAVA_HOME"), "no java for Spark (openjdk-17-jre-headless)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    s = (SparkSession.builder.master("local[2]").appName("rasad-tests")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.driver.memory", "2g")
         .config("spark.sql.session.timeZone", "UTC")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def mention_clusters(lines):
    """{(article id, index): merged id} of `rasad export --format mentions-jsonl`-shaped lines."""
    out = {}
    for line in lines:
        for i, e in enumerate(line.get("events", [])):
            out[(line["id"], i)] = e["event_id"]
    return out


def partition(clusters):
    groups = {}
    for k, c in clusters.items():
        groups.setdefault(c, set()).add(k)
    return sorted(sorted(g) for g in groups.values())


@pytest.fixture(scope="session")
def store_clusters(rasad_bin, eval_dir, tmp_path_factory):
    """`rasad ingest` of merge.jsonl, exported as mentions with their merged ids."""
    d = tmp_path_factory.mktemp("store")
    db, out = d / "rasad.db", d / "mentions.jsonl"
    subprocess.run([rasad_bin, "ingest", str(eval_dir / "merge.jsonl"), "--db", str(db), "--quiet"], check=True)
    subprocess.run([rasad_bin, "export", "--db", str(db), "--format", "mentions-jsonl", "--out", str(out)], check=True)
    return read_jsonl(out), out


def score_merge(eval_dir, system_path):
    p = subprocess.run([sys.executable, str(eval_dir / "score_merge.py"), str(eval_dir / "merge.jsonl"), str(system_path),
                        "--json"], capture_output=True, text=True, cwd=str(eval_dir))
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def write_system(path, arts, clusters):
    """An extract-contract file whose events carry their merged ids (what score_merge reads)."""
    with open(path, "w", encoding="utf-8") as f:
        for a in arts:
            r = rasad.extract(a["text"], published=a.get("published"), outlet=a.get("outlet"), id=str(a["id"]))
            for i, e in enumerate(r.get("events", [])):
                e["event_id"] = clusters[(r["id"], i)]
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def pytest_configure(config):
    # PySpark 4 warns about pandas 3 and pandas' own deprecations inside PySpark: not ours.
    config.addinivalue_line("filterwarnings", "ignore::FutureWarning:pyspark")
    config.addinivalue_line("filterwarnings", "ignore:The copy keyword is deprecated")
