//! Bytes → articles: the JSON Lines reader on a stream, and `read_path` on a file whose
//! kind is given by its extension (`.jsonl`, `.txt`) or sniffed from its first bytes
//! (no extension), as `rasad ingest` reads files.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use rasad_ingest::{read_jsonl, read_path, Item};

fn check(item: &Item) {
    if let Item::Article(a) = item {
        // The reader promises never to hand over an article without text.
        assert!(!a.text.trim().is_empty(), "article without text: {a:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = common::select(data) else { return };
    let mut sink = |i: Item| check(&i);
    let _ = read_jsonl(std::io::Cursor::new(rest), "fuzz", &mut sink);
    let ext = match sel % 3 {
        0 => ".jsonl",
        1 => ".txt",
        _ => "",
    };
    let path = common::scratch(ext, rest);
    let _ = read_path(&path, &mut sink);
});
