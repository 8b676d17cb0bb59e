//! Development aid: time each stage over a JSON Lines file, to see where extraction
//! spends its time (`cargo run --release -p rasad-extract --example stages -- IN.jsonl`).

use rasad_extract::{recognise, time};
use rasad_text::Document;
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args().nth(1).expect("IN.jsonl");
    let x = rasad_extract::Extractor::new().expect("lexicons");
    let arts: Vec<rasad_model::Article> = std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut t = [Duration::ZERO; 6];
    for _ in 0..5 {
        for a in &arts {
            let s = Instant::now();
            let doc = Document::new(&a.text);
            t[0] += s.elapsed();
            let s = Instant::now();
            let items = recognise::items(&doc, x.lexicon());
            let _ = recognise::numbers(&doc, x.lexicon(), &items);
            t[1] += s.elapsed();
            let s = Instant::now();
            let _ = time::find_dates(&doc, x.lexicon(), &items, None);
            t[2] += s.elapsed();
            let s = Instant::now();
            let _ = x.geocoder().find_places_in(&doc, &a.text);
            t[3] += s.elapsed();
            let s = Instant::now();
            let _ = x.extract(a);
            t[4] += s.elapsed();
        }
    }
    let n = (arts.len() * 5) as f64;
    for (name, d) in ["text", "lexicon", "dates", "places", "whole extract"].iter().zip(t.iter()) {
        println!("{name:>14}: {:7.1} µs/article", d.as_secs_f64() * 1e6 / n);
    }
}
