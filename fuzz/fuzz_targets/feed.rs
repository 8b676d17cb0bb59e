//! The RSS/Atom reader on arbitrary text: sniffing, parsing, entries → articles, and
//! resolving a link against the feed's URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasad_ingest::{entry_article, feed, Item};

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let _ = feed::is_feed(&src);
    let f = feed::parse_feed(&src);
    for (i, e) in f.entries.into_iter().enumerate() {
        if let Some(link) = &e.link {
            let _ = feed::resolve("https://example.org/feed/", link);
            let _ = feed::resolve(link, "../a?b#c");
        }
        if let Item::Article(a) = entry_article(e, f.title.as_deref(), &format!("fuzz#{i}")) {
            assert!(!a.text.trim().is_empty());
        }
    }
});
