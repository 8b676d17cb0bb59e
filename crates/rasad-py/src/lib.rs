//! Rasad for Python: the extraction and the cross-outlet merge over Arrow tables, and the
//! PyO3 extension module (`rasad._rasad`, behind the `python` feature) that the `rasad`
//! Python package (`python/rasad`) and its Spark helpers (`rasad.spark`) are built on.
//!
//! Why Arrow IPC between Python and Rust: a table crosses as one bytes object each way
//! (pyarrow writes and reads IPC streams natively), so Rust reads the articles and builds
//! typed event columns with no Python object per article or per field, and does all of it
//! with the GIL released. Spark's `mapInArrow` hands the same record batches to Python,
//! so the worker path is: Spark → Arrow batch → IPC bytes → Rust → IPC bytes → Arrow batch
//! → Spark.
//!
//! The JSON of `rasad.extract` is written by [`rasad_model::json::write_result`], the
//! writer of `rasad extract`, so the Python dict and the CLI's line are the same object.
//!
//! Modules: [`articles`] reads article rows from Arrow, [`table`] writes events as Arrow
//! columns, [`files`] reads WARC/HTML/feed files given as bytes, [`jsonl`] parses
//! JSON Lines byte ranges as `rasad extract` does, [`merging`] runs [`rasad_merge`] on an event table, `python` (feature
//! `python`) is the PyO3 glue.

pub mod articles;
pub mod files;
pub mod jsonl;
pub mod merging;
pub mod table;
#[cfg(feature = "python")]
mod python;

use rasad_extract::Extractor;
use rasad_geo::{Gazetteer, Geocoder};
use rasad_lexicon::Lexicon;
use rasad_model::{Article, ArticleResult};
use std::path::PathBuf;

/// The compiled gazetteer present when this crate was built (empty when there was none);
/// see `build.rs`.
pub const COMPILED_GAZETTEER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.json"));

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum PyError {
    #[error(transparent)]
    Extract(#[from] rasad_extract::ExtractError),
    #[error(transparent)]
    Geo(#[from] rasad_geo::GeoError),
    #[error(transparent)]
    Lexicon(#[from] rasad_lexicon::LexiconError),
    #[error("Arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A column the call needs is missing or of a type it cannot read.
    #[error("column {name:?}: {msg}")]
    Column { name: String, msg: String },
}

pub type Result<T> = std::result::Result<T, PyError>;

/// The extractor `rasad extract` would build here: embedded lexicons, embedded gazetteer
/// data, and the compiled gazetteer — the file named by `RASAD_GAZETTEER` when that is
/// set (empty: none; a missing file is skipped, as the binary does), else the copy
/// embedded at build time.
pub fn extractor() -> Result<Extractor> {
    let extra = match std::env::var_os("RASAD_GAZETTEER") {
        Some(v) if v.is_empty() => None,
        Some(v) => {
            let p = PathBuf::from(v);
            if p.is_file() {
                Some(Gazetteer::load(&p)?)
            } else {
                None
            }
        }
        None if COMPILED_GAZETTEER.is_empty() => None,
        None => Some(Gazetteer::from_json("compiled gazetteer embedded in rasad-py", COMPILED_GAZETTEER)?),
    };
    Ok(Extractor::with_parts(Lexicon::embedded()?, Geocoder::embedded_with(extra)?)?)
}

/// Extract one article as `rasad extract` does: its events, or the reason it failed.
pub fn extract_result(ex: &Extractor, article: Article) -> ArticleResult {
    match ex.extract(&article) {
        Ok(events) => ArticleResult::Ok { id: article.id, events },
        Err(e) => ArticleResult::Err { id: article.id, error: e.to_string() },
    }
}

/// Append the `rasad extract` line of `r` (no newline) to `out`.
pub fn write_json(out: &mut Vec<u8>, r: &ArticleResult) {
    rasad_model::json::write_result(out, r);
}

/// Whether `p` is a publication date the extractor accepts (`YYYY-MM-DD…`).
pub fn valid_published(p: &str) -> bool {
    let p = p.trim();
    p.is_empty() || rasad_extract::parse_published(p).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_gazetteer_parses_when_present() {
        if !COMPILED_GAZETTEER.is_empty() {
            let g = Gazetteer::from_json("embedded", COMPILED_GAZETTEER).expect("embedded gazetteer parses");
            assert!(!g.entries.is_empty());
        }
    }

    #[test]
    fn result_json_is_the_cli_line() {
        let ex = extractor().expect("extractor");
        let text = "دمشق - قتل ثلاثة مدنيين أمس الثلاثاء بقصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي.";
        let a = Article { id: "t1".into(), published: Some("2024-03-06".into()), text: text.into(), ..Default::default() };
        let r = extract_result(&ex, a.clone());
        let mut out = Vec::new();
        write_json(&mut out, &r);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(v["id"], "t1");
        let events = v["events"].as_array().expect("events");
        assert!(!events.is_empty(), "a shelling with three dead is an event: {v}");
        // Same bytes as serde's serialisation of the same result.
        assert_eq!(out, serde_json::to_vec(&r).unwrap());
        let bad = extract_result(&ex, Article { id: "t2".into(), published: Some("yesterday".into()), text: text.into(), ..Default::default() });
        assert!(matches!(bad, ArticleResult::Err { .. }));
    }

    #[test]
    fn published_validation() {
        assert!(valid_published("2024-02-29"));
        assert!(valid_published("2024-02-29T10:00:00Z"));
        assert!(valid_published(""));
        assert!(!valid_published("29/02/2024"));
        assert!(!valid_published("2024-02-30"));
    }
}
