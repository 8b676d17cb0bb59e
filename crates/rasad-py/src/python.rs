//! The PyO3 glue: `rasad._rasad`, wrapped by the `rasad` Python package. Every call that
//! does real work releases the GIL; tables cross as Arrow IPC bytes (see the crate doc).
//! Argument errors become Python exceptions here; an article that cannot be processed is
//! an error row or an `{"id","error"}` line, never an exception.

use crate::articles::{read_ipc, rows, write_ipc, Row};
use crate::jsonl::{parse_lines, Line};
use crate::merging::{merge_batches, merged_schema};
use crate::table::{event_schema, EventTable};
use crate::{extract_result, extractor, valid_published, write_json, PyError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rasad_extract::Extractor;
use rasad_model::{Article, ArticleResult};

fn to_py(e: PyError) -> PyErr {
    match e {
        PyError::Column { .. } | PyError::Arrow(_) => PyValueError::new_err(e.to_string()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// An article row as Python passes it: (id, text, published, outlet, url).
type RowTuple = (String, Option<String>, Option<String>, Option<String>, Option<String>);

fn result_of(ex: &Extractor, r: &Row) -> ArticleResult {
    match &r.text {
        None => ArticleResult::Err { id: r.id.clone(), error: "no \"text\" string".into() },
        Some(text) => extract_result(
            ex,
            Article {
                id: r.id.clone(),
                outlet: r.outlet.clone(),
                url: r.url.clone(),
                published: r.published.clone(),
                title: None,
                text: text.clone(),
            },
        ),
    }
}

/// Loaded lexicons and gazetteer (about 200 ms to build): build one per process.
#[pyclass(frozen, module = "rasad._rasad")]
struct Engine {
    ex: Extractor,
}

#[pymethods]
impl Engine {
    #[new]
    fn new(py: Python<'_>) -> PyResult<Engine> {
        let ex = py.detach(extractor).map_err(to_py)?;
        Ok(Engine { ex })
    }

    /// The `rasad extract` lines (JSON, newline-terminated) of the rows, in order.
    fn extract_jsonl<'py>(&self, py: Python<'py>, rows: Vec<RowTuple>) -> Bound<'py, PyBytes> {
        let out = py.detach(|| {
            let mut out = Vec::with_capacity(rows.len() * 1024);
            for (id, text, published, outlet, url) in rows {
                let r = Row { id, text, published, outlet, url };
                write_json(&mut out, &result_of(&self.ex, &r));
                out.push(b'\n');
            }
            out
        });
        PyBytes::new(py, &out)
    }

    /// Articles (an Arrow IPC stream) in, events (an Arrow IPC stream of the event schema)
    /// out. `first_row` numbers rows without an id.
    #[pyo3(signature = (ipc, first_row = 0))]
    fn extract_ipc<'py>(&self, py: Python<'py>, ipc: &[u8], first_row: usize) -> PyResult<Bound<'py, PyBytes>> {
        let out = py
            .detach(|| -> crate::Result<Vec<u8>> {
                let mut table = EventTable::new();
                let mut batches = Vec::new();
                let mut n = first_row;
                for b in read_ipc(ipc)? {
                    for r in rows(&b, n)? {
                        table.push_result(&r, &result_of(&self.ex, &r));
                    }
                    n += b.num_rows();
                    batches.push(table.finish()?);
                }
                write_ipc(&event_schema(), &batches)
            })
            .map_err(to_py)?;
        Ok(PyBytes::new(py, &out))
    }

    /// A JSON Lines byte range (whole lines, starting at byte `offset` of the file
    /// `source`) in, events (an Arrow IPC stream) out: how a Spark worker that read its
    /// own split extracts it, with no Python object per article. Lines that cannot be
    /// read are error rows.
    fn extract_jsonl_ipc<'py>(&self, py: Python<'py>, data: &[u8], source: &str, offset: u64) -> PyResult<Bound<'py, PyBytes>> {
        let out = py
            .detach(|| -> crate::Result<Vec<u8>> {
                let mut table = EventTable::new();
                for line in parse_lines(data, source, offset) {
                    match line {
                        Line::Article(r) => table.push_result(&r, &result_of(&self.ex, &r)),
                        Line::Bad { id, error } => table.push_error(&id, &Row::default(), &error),
                    }
                }
                write_ipc(&event_schema(), &[table.finish()?])
            })
            .map_err(to_py)?;
        Ok(PyBytes::new(py, &out))
    }
}

/// The `rasad extract` lines (JSONL bytes) of an event table: one per article, in the
/// order articles first appear, events by their position; error rows as `{"id","error"}`.
/// Articles without events have no row, so no line.
#[pyfunction]
fn contract_ipc<'py>(py: Python<'py>, ipc: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let out = py
        .detach(|| -> crate::Result<Vec<u8>> {
            let mut order: Vec<String> = Vec::new();
            let mut by: std::collections::HashMap<String, Result<Vec<(u32, rasad_model::Event)>, String>> = Default::default();
            for b in read_ipc(ipc)? {
                for r in crate::table::read_events(&b)? {
                    let slot = by.entry(r.article_id.clone()).or_insert_with(|| {
                        order.push(r.article_id.clone());
                        Ok(Vec::new())
                    });
                    match (r.event, slot) {
                        (Ok(e), Ok(v)) => v.push((r.index.unwrap_or(0), e)),
                        (Err(msg), slot) => *slot = Err(msg),
                        (Ok(_), Err(_)) => {}
                    }
                }
            }
            let mut out = Vec::new();
            for id in order {
                let result = match by.remove(&id) {
                    Some(Ok(mut v)) => {
                        v.sort_by_key(|x| x.0);
                        ArticleResult::Ok { id, events: v.into_iter().map(|x| x.1).collect() }
                    }
                    Some(Err(error)) => ArticleResult::Err { id, error },
                    None => continue,
                };
                write_json(&mut out, &result);
                out.push(b'\n');
            }
            Ok(out)
        })
        .map_err(to_py)?;
    Ok(PyBytes::new(py, &out))
}

/// Merge the mentions of an event table (IPC bytes): the merged id of each row (None for
/// error rows) and the merged records (IPC bytes of the merged schema).
#[pyfunction]
fn merge_ipc<'py>(py: Python<'py>, ipc: &[u8]) -> PyResult<(Vec<Option<String>>, Bound<'py, PyBytes>)> {
    let (ids, bytes) = py
        .detach(|| -> crate::Result<(Vec<Option<String>>, Vec<u8>)> {
            let batches = read_ipc(ipc)?;
            let m = merge_batches(&batches)?;
            let bytes = write_ipc(&merged_schema(), &[m.records])?;
            Ok((m.cluster_ids, bytes))
        })
        .map_err(to_py)?;
    Ok((ids, PyBytes::new(py, &bytes)))
}

/// An empty IPC stream of the event schema (`merged = True`: of merged records).
#[pyfunction]
#[pyo3(signature = (merged = false))]
fn schema_ipc<'py>(py: Python<'py>, merged: bool) -> PyResult<Bound<'py, PyBytes>> {
    let s = if merged { merged_schema() } else { event_schema() };
    let bytes = write_ipc(&s, &[]).map_err(to_py)?;
    Ok(PyBytes::new(py, &bytes))
}

/// The articles of a file given by name and bytes (WARC, WARC.gz, HTML, RSS/Atom,
/// JSON Lines, text): tuples (id, text, published, outlet, url, error).
#[pyfunction]
fn read_file<'py>(py: Python<'py>, name: &str, data: &[u8]) -> Vec<(String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>)> {
    py.detach(|| crate::files::read_file(name, data))
        .into_iter()
        .map(|a| (a.id, a.text, a.published, a.outlet, a.url, a.error))
        .collect()
}

/// Whether a publication date is one the extractor reads (`YYYY-MM-DD`, a longer
/// timestamp starting with one, or empty).
#[pyfunction(name = "valid_published")]
fn py_valid_published(p: &str) -> bool {
    valid_published(p)
}

/// The day range (days since 1970-01-01) a contract date covers, as the merge reads it.
#[pyfunction]
fn day_range(date: &str) -> Option<(i64, i64)> {
    rasad_merge::day_range(date)
}

#[pymodule]
#[pyo3(name = "_rasad")]
fn rasad_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(wrap_pyfunction!(merge_ipc, m)?)?;
    m.add_function(wrap_pyfunction!(contract_ipc, m)?)?;
    m.add_function(wrap_pyfunction!(schema_ipc, m)?)?;
    m.add_function(wrap_pyfunction!(py_valid_published, m)?)?;
    m.add_function(wrap_pyfunction!(day_range, m)?)?;
    m.add_function(wrap_pyfunction!(read_file, m)?)?;
    m.add("MAX_TEXT", rasad_extract::MAX_TEXT)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
