//! The WARC reader on arbitrary bytes: records, HTTP payloads, chunked bodies, and the
//! captured pages → articles step, through `read_path` on a `.warc` file as `rasad
//! ingest` reads it.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use rasad_ingest::{read_path, warc, Item};

fuzz_target!(|data: &[u8]| {
    let _ = warc::dechunk(data);
    let _ = warc::read_warc(std::io::Cursor::new(data), |_| {});
    let path = common::scratch(".warc", data);
    let _ = read_path(&path, &mut |i: Item| {
        if let Item::Article(a) = i {
            assert!(!a.text.trim().is_empty());
        }
    });
});
