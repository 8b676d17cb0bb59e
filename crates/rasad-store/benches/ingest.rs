//! Ingest benchmark: the dev articles of `../shared/eval/dev.jsonl` replicated to
//! `RASAD_BENCH_N` (default 50,000) articles with varied ids, publication dates and a
//! replica marker (so the text hash differs), ingested through the real extractor into a
//! SQLite file in batches of `RASAD_BENCH_BATCH` (default 500). Prints articles/s, the
//! split between extraction and storing+merging, and the database size.
//!
//! Run: `cargo bench -p rasad-store --bench ingest` (set `RASAD_BENCH_N=5000` for a quick run).

use std::path::PathBuf;
use std::time::Instant;

use rasad_model::Article;
use rasad_store::Store;

fn main() {
    let dev = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/dev.jsonl");
    let Ok(text) = std::fs::read_to_string(&dev) else {
        eprintln!("note: {} absent, benchmark skipped", dev.display());
        return;
    };
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n = env("RASAD_BENCH_N", 50_000);
    let batch = env("RASAD_BENCH_BATCH", 500).max(1);
    let base: Vec<Article> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!base.is_empty(), "no articles in dev.jsonl");
    // Replica i of article k: publication date shifted by i days from 2015-01-01 onwards,
    // so relative dates ("أمس", "الأربعاء الماضي") land on different days.
    let start = rasad_merge::days_from_civil(2015, 1, 1);
    let replicate = |j: usize| -> Article {
        let a = &base[j % base.len()];
        let rep = j / base.len();
        let mut b = a.clone();
        b.id = format!("{}-r{rep}", a.id);
        b.url = a.url.as_ref().map(|u| format!("{u}?r={rep}"));
        b.published = Some(rasad_merge::civil_from_days(
            start + (j as i64 * 7919) % 3650,
        ));
        b.text = format!("{}\n(نسخة {rep})", a.text);
        b
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path).expect("store");
    let extractor = rasad_extract::Extractor::new().expect("extractor");

    // Phase timings: extraction alone (same threads as ingest uses), then the full ingest.
    let probe: Vec<Article> = (0..n.min(2000)).map(replicate).collect();
    let t = Instant::now();
    let mut probe_events = 0usize;
    for a in &probe {
        probe_events += extractor.extract(a).map(|e| e.len()).unwrap_or(0);
    }
    let extract_rate = probe.len() as f64 / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut done = 0;
    let mut report = rasad_store::IngestReport::default();
    let (mut t_extract, mut t_store) = (0.0f64, 0.0f64);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    while done < n {
        let chunk: Vec<Article> = (done..(done + batch).min(n)).map(replicate).collect();
        // The same work as `Store::ingest_articles`, timed in its two halves.
        let t1 = Instant::now();
        let per = chunk.len().div_ceil(threads);
        let results: Vec<Result<Vec<rasad_model::Event>, String>> = std::thread::scope(|s| {
            let hs: Vec<_> = chunk
                .chunks(per)
                .map(|part| {
                    let ex = &extractor;
                    s.spawn(move || {
                        part.iter()
                            .map(|a| ex.extract(a).map_err(|e| e.to_string()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter()
                .flat_map(|h| h.join().expect("extract thread"))
                .collect()
        });
        t_extract += t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let items = chunk.into_iter().zip(results).collect::<Vec<_>>();
        let k = items.len();
        report.add(
            &store
                .ingest_extracted(items, Some("bench"))
                .expect("ingest"),
        );
        t_store += t2.elapsed().as_secs_f64();
        done += k;
        if done % (batch * 20) == 0 {
            eprintln!(
                "  {done} articles, {:.0}/s (extract {:.1} s, store+merge {:.1} s)",
                done as f64 / t.elapsed().as_secs_f64(),
                t_extract,
                t_store
            );
        }
    }
    let secs = t.elapsed().as_secs_f64();
    store.checkpoint().expect("checkpoint");
    let counts = store.counts().expect("counts");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "ingest benchmark: {n} articles ({} distinct dev texts), batch {batch}, {threads} threads",
        base.len()
    );
    println!("  extraction alone (1 thread): {extract_rate:.0} articles/s ({probe_events} events in {} articles)", probe.len());
    println!(
        "  ingest (extract + store + merge): {:.1} s, {:.0} articles/s",
        secs,
        n as f64 / secs
    );
    println!(
        "    of which extraction ({threads} threads) {:.1} s = {:.0} articles/s, store+merge {:.1} s = {:.0} articles/s",
        t_extract,
        n as f64 / t_extract.max(1e-9),
        t_store,
        n as f64 / t_store.max(1e-9)
    );
    println!(
        "  stored: {} articles, {} mentions, {} merged events, {} failed",
        counts.articles, counts.mentions, counts.events, report.failed
    );
    println!(
        "  database size: {:.1} MiB ({:.0} bytes/article)",
        size as f64 / 1048576.0,
        size as f64 / n.max(1) as f64
    );
    // Re-ingest of the first batch: everything is a duplicate.
    let t = Instant::now();
    let first: Vec<Article> = (0..batch.min(n)).map(replicate).collect();
    let again = store
        .ingest_articles(&first, &extractor)
        .expect("re-ingest");
    println!(
        "  re-ingest of {} stored articles: {} duplicates in {:.3} s",
        first.len(),
        again.duplicates,
        t.elapsed().as_secs_f64()
    );
}
