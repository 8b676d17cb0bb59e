//! Development aid: the extraction loop alone, for profilers.
//!
//! `cargo run --release -p rasad-extract --example profile -- IN.jsonl [REPS]` extracts
//! every article of IN.jsonl REPS times (default 100) and writes each result line into
//! a buffer, exactly as `rasad extract` does, then prints µs per article. Under
//! `perf record` or `valgrind --tool=callgrind` it shows where extraction spends its
//! time without the CLI around it; `scripts/profile.sh` turns two callgrind runs into
//! instructions per article, a figure that does not move with the machine's load.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use rasad_model::{json, Article, ArticleResult};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: profile IN.jsonl [REPS]");
        std::process::exit(2);
    };
    let reps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let x = rasad_extract::Extractor::new().expect("lexicons and gazetteer");
    let text = std::fs::read_to_string(&path).expect("input file");
    let articles: Vec<Article> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let t = Instant::now();
    let mut bytes = 0usize;
    let mut line = Vec::new();
    for _ in 0..reps {
        for a in &articles {
            let events = x.extract(a).unwrap_or_default();
            line.clear();
            json::write_result(&mut line, &ArticleResult::Ok { id: a.id.clone(), events });
            bytes += line.len();
        }
    }
    let n = (reps * articles.len()).max(1) as f64;
    let secs = t.elapsed().as_secs_f64();
    println!("{:.1} µs/article, {:.0} articles/s, {bytes} bytes of JSON", secs * 1e6 / n, n / secs);
}
