//! The HTML reader: tokenizer, entity decoding, tag stripping and the page → article
//! step (boilerplate removal, title, date and outlet from metadata) on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasad_ingest::{html, markup};

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let _ = markup::tokenize(&src);
    let _ = markup::decode_entities(&src);
    let _ = markup::strip_tags(&src);
    let a = html::page_article(&src, Some("https://example.org/news/1"), "fuzz");
    if let Some(p) = &a.published {
        // A date the reader hands over is always YYYY-MM-DD.
        assert!(html::iso_date(p).is_some(), "published {p:?} is not a date");
    }
    let _ = html::any_date(&src);
    let _ = html::host(&src);
});
