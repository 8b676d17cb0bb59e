//! Development aid: time each stage over a JSON Lines file, to see where extraction
//! spends its time (`cargo run --release -p rasad-extract --example stages -- IN.jsonl`).
//! The stages are timed as `Extractor::extract` runs them (one scan for lexicon
//! entries and place names); "whole extract" includes framing, resolution and merging.
//! Wall-clock on a shared machine moves by tens of percent between runs: for a stable
//! figure use `scripts/profile.sh` (instructions per article).

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use rasad_extract::{recognise, time};
use rasad_text::Document;
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args().nth(1).expect("IN.jsonl");
    let x = rasad_extract::Extractor::new().expect("lexicons");
    let arts: Vec<rasad_model::Article> =
        std::fs::read_to_string(path).expect("input file").lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let names = ["text", "scan", "items+numbers", "dates", "places", "whole extract"];
    let mut t = [Duration::ZERO; 6];
    for _ in 0..20 {
        for a in &arts {
            let s = Instant::now();
            let doc = Document::new(&a.text);
            t[0] += s.elapsed();
            let s = Instant::now();
            let scan = x.scanner().scan(doc.folded(), &x.lexicon().matcher);
            t[1] += s.elapsed();
            let s = Instant::now();
            let items = recognise::items_from(scan.lexicon);
            let _ = recognise::numbers(&doc, x.lexicon(), &items);
            t[2] += s.elapsed();
            let s = Instant::now();
            let _ = time::find_dates(&doc, x.lexicon(), &items, None);
            t[3] += s.elapsed();
            let s = Instant::now();
            let _ = x.geocoder().find_places_scanned(&doc, &a.text, &scan.places);
            t[4] += s.elapsed();
            let s = Instant::now();
            let _ = x.extract(a);
            t[5] += s.elapsed();
        }
    }
    let n = (arts.len() * 20).max(1) as f64;
    for (name, d) in names.iter().zip(t.iter()) {
        println!("{name:>14}: {:7.1} µs/article", d.as_secs_f64() * 1e6 / n);
    }
}
