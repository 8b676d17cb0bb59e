//! Load-time and throughput figures of the place stage (prints, asserts nothing):
//! `cargo bench -p rasad-geo`.
//!
//! * building the geocoder from the embedded curated data;
//! * the same plus the compiled gazetteer (when one exists; see `rasad gazetteer path`);
//! * `find_places` throughput on the dev articles (`../shared/eval/dev.jsonl`), one core.

use rasad_geo::Geocoder;
use rasad_text::Document;
use std::time::Instant;

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(v);
    }
    (best, last.expect("n > 0"))
}

/// CPU seconds this thread has used (Linux `/proc/thread-self/stat`, 10 ms ticks): on a
/// shared machine wall time counts other processes' turns too.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let (ms, g) = best_of(5, || Geocoder::curated().expect("curated"));
    println!(
        "curated geocoder ({} entries): built in {ms:.1} ms (best of 5)",
        g.entries().len()
    );
    match rasad_geo::compiled_path().filter(|p| p.is_file()) {
        Some(p) => {
            let (ms, gc) = best_of(5, || Geocoder::with_compiled(&p).expect("compiled"));
            println!(
                "curated + compiled {} ({} entries): loaded and built in {ms:.1} ms (best of 5)",
                p.display(),
                gc.entries().len()
            );
        }
        None => println!("no compiled gazetteer (run scripts/setup.d/20-gazetteer.sh); skipped"),
    }
    let dev =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/dev.jsonl");
    let Ok(text) = std::fs::read_to_string(&dev) else {
        println!("note: {} absent, throughput skipped", dev.display());
        return;
    };
    let texts: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(String::from))
        .collect();
    let docs: Vec<Document> = texts.iter().map(|t| Document::new(t)).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t = Instant::now();
    let mut raw = 0;
    for _ in 0..50 {
        for d in &docs {
            raw += g.raw_match_count(d.folded());
        }
    }
    println!(
        "automaton pass alone: {:.0} articles/s ({} raw matches per article)",
        50.0 * docs.len() as f64 / t.elapsed().as_secs_f64(),
        raw / 50 / docs.len()
    );
    let rounds = 200;
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for (d, t) in docs.iter().zip(&texts) {
            n += g.find_places_in(d, t).len();
        }
    }
    let s = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds()
        .zip(cpu0)
        .map(|(b, a)| b - a)
        .filter(|c| *c > 0.0);
    let articles = (rounds * docs.len()) as f64;
    if let Some(c) = cpu {
        println!("find_places: {:.0} articles/s per CPU second of this thread ({c:.2} CPU s, {s:.2} wall s)", articles / c);
    }
    println!(
        "find_places: {:.0} articles/s, {:.1} MB/s on one core ({} dev articles of {:.1} KB average, {} mentions per round)",
        articles / s,
        (rounds * bytes) as f64 / s / 1e6,
        docs.len(),
        bytes as f64 / docs.len() as f64 / 1000.0,
        n / rounds
    );
}
