//! `Extractor::extract` on arbitrary UTF-8: any text, any `published` value. An error
//! is an answer; a panic, a timeout or a blown memory limit is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rasad_extract::Extractor;
use rasad_model::Article;
use std::sync::OnceLock;

static X: OnceLock<Extractor> = OnceLock::new();

fuzz_target!(
    // The lexicons and the gazetteer load once, before the first input, so that the
    // per-input time limit measures extraction and not start-up.
    init: {
        X.get_or_init(|| Extractor::new().expect("extractor loads"));
    },
    |data: &[u8]| {
        let Ok(s) = std::str::from_utf8(data) else { return };
        let x = X.get().expect("built in init");
        // The first line, when short, is the publication date the article claims (fuzzed
        // too: the date parser sees whatever a feed sends); the rest is the text.
        let (published, text) = match s.split_once('\n') {
            Some((p, t)) if p.len() <= 40 => (Some(p.to_string()), t),
            _ => (Some("2024-03-12".to_string()), s),
        };
        let a = Article { id: "fuzz".into(), outlet: None, url: None, published, title: None, text: text.into() };
        if let Ok(events) = x.extract(&a) {
            let n = text.chars().count();
            for e in &events {
                // Every span points into the text it came from (character offsets).
                let s = &e.spans;
                let all = [s.sentence, s.trigger, s.actor1, s.actor2, s.location, s.admin1, s.date, s.fatalities, s.injuries, s.status];
                for sp in all.iter().flatten().chain(s.weapons.iter()) {
                    assert!(sp.0 <= sp.1 && sp.1 <= n, "span {sp:?} outside 0..{n}");
                }
            }
        }
    }
);
