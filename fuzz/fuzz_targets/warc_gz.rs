//! The WARC.gz reader: arbitrary bytes as a `.warc.gz` file (broken gzip streams, members
//! concatenated, truncated), and, so the fuzzer also reaches the WARC parser behind a
//! valid stream, the input gzip-compressed when the first byte is odd.
#![no_main]
#[path = "common.rs"]
mod common;

use flate2::{write::GzEncoder, Compression};
use libfuzzer_sys::fuzz_target;
use rasad_ingest::{read_path, Item};
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = common::select(data) else { return };
    let bytes = if sel & 1 == 1 {
        let mut z = GzEncoder::new(Vec::new(), Compression::fast());
        z.write_all(rest).expect("in-memory gzip");
        z.finish().expect("in-memory gzip")
    } else {
        rest.to_vec()
    };
    let path = common::scratch(".warc.gz", &bytes);
    let _ = read_path(&path, &mut |i: Item| {
        if let Item::Article(a) = i {
            assert!(!a.text.trim().is_empty());
        }
    });
});
