//! Helpers shared by the targets (included with `#[path]`; not a target itself).

#![allow(dead_code)]

use std::path::PathBuf;

/// A scratch file of this process with the given extension, holding `data`: the readers
/// that take a path (`read_path`, the gazetteer importers) are fuzzed through the real
/// file system, as `rasad ingest` and `rasad gazetteer import` call them.
pub fn scratch(ext: &str, data: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rasad-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(format!("input{ext}"));
    std::fs::write(&p, data).expect("write scratch file");
    p
}

/// Split the first byte off as a selector.
pub fn select(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(s, rest)| (*s, rest))
}
