//! The API's input parsers: the query string of `/api/events` and `/api/stats`
//! (`EventQuery::parse`) and the body of `POST /api/articles` (`parse_articles`, JSON or
//! JSON lines). The first byte picks which and how.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use rasad_serve::api::parse_articles;
use rasad_serve::params::{EventQuery, MAX_PER_PAGE};

fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = common::select(data) else { return };
    match sel % 4 {
        0 | 1 => {
            let Ok(raw) = std::str::from_utf8(rest) else { return };
            if let Ok(q) = EventQuery::parse(Some(raw), sel % 4 == 0) {
                // What the parser accepts is what the store can run without overflow.
                assert!(q.page >= 1 && (1..=MAX_PER_PAGE).contains(&q.per_page));
                let _ = q.offset();
                if let Some(b) = q.filter.bbox {
                    // Within the documented ranges (an inverted box is valid, and empty).
                    assert!(b[0].abs() <= 180.0 && b[2].abs() <= 180.0, "{b:?}");
                    assert!(b[1].abs() <= 90.0 && b[3].abs() <= 90.0, "{b:?}");
                }
            }
        }
        2 => {
            let _ = parse_articles("application/json", rest);
        }
        _ => {
            let _ = parse_articles("application/x-ndjson", rest);
        }
    }
});
