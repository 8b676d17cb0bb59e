//! Load test of `GET /api/events` on a store of at least 50,000 events, over loopback only.
//!
//!     cargo bench -p rasad-serve --bench load
//!
//! The store is built once (cached under `target/rasad-bench/`) from the real extractor's
//! events on the seed, dev and merge sets, replicated with dates shifted three days per
//! copy so copies never merge, until it holds ≥ 50,000 merged events. Two servers run on
//! it, one with the response cache and one without; against each, `RASAD_LOAD_CONCURRENCY`
//! (16) keep-alive connections send a fixed mix of list queries round-robin, bounded by
//! `RASAD_LOAD_REQUESTS` (20,000) and `RASAD_LOAD_SECS` (20 s) per server, and the bench
//! prints requests/s with p50/p99/max latency overall and per query. Client and servers
//! share this process and the machine's cores: the figures are conservative.

#[path = "../tests/common/mod.rs"]
mod common;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rasad_model::{Article, Event};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MIN_EVENTS: u64 = 50_000;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Shift a `YYYY-MM-DD` date by `days`.
fn shift(date: &str, days: i64) -> Option<String> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    let d: u32 = date.get(8..10)?.parse().ok()?;
    Some(rasad_merge::civil_from_days(
        rasad_merge::days_from_civil(y, m, d) + days,
    ))
}

fn build_store(db: &Path, shared: &Path) {
    let x = rasad_extract::Extractor::new().expect("extractor");
    let articles = common::seed_articles(shared);
    let base: Vec<(Article, Vec<Event>)> = articles
        .into_iter()
        .filter_map(|a| x.extract(&a).ok().map(|e| (a, e)))
        .collect();
    let mut store = rasad_store::Store::open(db).expect("store");
    let t = Instant::now();
    let mut copy: i64 = 0;
    loop {
        let have = store.counts().expect("counts").events;
        if have >= MIN_EVENTS {
            eprintln!("store: {have} events in {:.0}s", t.elapsed().as_secs_f64());
            break;
        }
        // Ten copies per transaction.
        let mut items = Vec::new();
        for _ in 0..10 {
            copy += 1;
            for (a, evs) in &base {
                let mut a = a.clone();
                a.id = format!("{}~{copy}", a.id);
                a.text = format!("{}\n[{copy}]", a.text);
                a.url = None;
                let evs: Vec<Event> = evs
                    .iter()
                    .cloned()
                    .map(|mut e| {
                        // Coarse dates become days too, so that no copy merges with another.
                        e.date = e.date.as_deref().and_then(|d| {
                            let day = if d.len() == 10 {
                                d.to_string()
                            } else {
                                format!("{}-01-01", &d[..4])
                            };
                            shift(&day, copy * 3)
                        });
                        e
                    })
                    .collect();
                items.push((a, Ok(evs)));
            }
        }
        store
            .ingest_extracted(items, Some("bench"))
            .expect("ingest");
        eprint!(
            "\rstore: {} events after {copy} copies",
            store.counts().unwrap().events
        );
    }
    store.checkpoint().ok();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

type Latencies = Vec<(usize, Duration)>;

async fn run_phase(
    base: &str,
    queries: &[(&str, String)],
    conc: usize,
    max_requests: usize,
    max_time: Duration,
) -> (Latencies, Duration, usize) {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    // Warm up: every query once (connection pool, SQLite page cache).
    for (_, q) in queries {
        let r = client
            .get(format!("{base}{q}").parse().unwrap())
            .await
            .expect("warm-up request");
        assert_eq!(r.status(), 200, "{q}");
        r.into_body().collect().await.unwrap();
    }
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, next, errors) = (client.clone(), next.clone(), errors.clone());
        let urls: Vec<String> = queries.iter().map(|(_, q)| format!("{base}{q}")).collect();
        tasks.push(tokio::spawn(async move {
            let mut out: Latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= max_requests || start.elapsed() > max_time {
                    break;
                }
                let k = i % urls.len();
                let t = Instant::now();
                match client.get(urls[k].parse().unwrap()).await {
                    Ok(r) if r.status() == 200 => {
                        let _ = r.into_body().collect().await;
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                out.push((k, t.elapsed()));
            }
            out
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    (lat, start.elapsed(), errors.load(Ordering::Relaxed))
}

fn report(
    phase: &str,
    events: u64,
    conc: usize,
    queries: &[(&str, String)],
    lat: &Latencies,
    wall: Duration,
    errors: usize,
) {
    let mut all: Vec<Duration> = lat.iter().map(|(_, d)| *d).collect();
    all.sort();
    println!(
        "load {phase}: GET /api/events on a store of {events} events, {conc} connections, loopback"
    );
    println!(
        "load {phase}: {} requests in {:.2}s = {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {errors} errors",
        all.len(),
        wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64(),
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    for (k, (name, q)) in queries.iter().enumerate() {
        let mut d: Vec<Duration> = lat
            .iter()
            .filter(|(i, _)| *i == k)
            .map(|(_, d)| *d)
            .collect();
        d.sort();
        println!(
            "load {phase}:   {name:<18} n={:<6} p50 {:>8.2} ms  p99 {:>8.2} ms   {q}",
            d.len(),
            percentile(&d, 0.50).as_secs_f64() * 1e3,
            percentile(&d, 0.99).as_secs_f64() * 1e3,
        );
    }
}

fn main() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/rasad-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("load-50k.db");
    let ok = rasad_store::Store::open(&db)
        .ok()
        .and_then(|s| s.counts().ok())
        .is_some_and(|c| c.events >= MIN_EVENTS);
    if !ok {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        build_store(&db, &shared);
    }
    let events = rasad_store::Store::open(&db)
        .unwrap()
        .counts()
        .unwrap()
        .events;

    let cached = common::start(rasad_serve::Config::new(&db));
    let mut cfg = rasad_serve::Config::new(&db);
    cfg.cache = false;
    let uncached = common::start(cfg);
    let queries: Vec<(&str, String)> = vec![
        ("first page (100)", "/api/events".into()),
        ("page 50 (100)", "/api/events?page=50".into()),
        ("type filter", "/api/events?event_type=Battles".into()),
        (
            "admin1 + dates",
            "/api/events?admin1=Aleppo&from=2024-01-01&to=2025-12-31".into(),
        ),
        ("bbox", "/api/events?bbox=39.5,34.0,41.5,36.0".into()),
        ("actor", format!("/api/events?actor={}", common::enc("قسد"))),
        (
            "text search",
            format!("/api/events?q={}", common::enc("قصف")),
        ),
        (
            "geojson 1000",
            "/api/events?format=geojson&per_page=1000".into(),
        ),
    ];
    let max_requests = env_num("RASAD_LOAD_REQUESTS", 20_000) as usize;
    let max_time = Duration::from_secs(env_num("RASAD_LOAD_SECS", 20));
    let conc = env_num("RASAD_LOAD_CONCURRENCY", 16) as usize;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut errors = 0;
    // The same query mix against a server with its response cache (a dashboard's repeated
    // views, answered from memory) and one without (every request reaches SQLite).
    for (phase, server) in [("cached", &cached), ("uncached", &uncached)] {
        let base = format!("http://{}", server.addr);
        let (lat, wall, errs) =
            rt.block_on(run_phase(&base, &queries, conc, max_requests, max_time));
        errors += errs;
        report(phase, events, conc, &queries, &lat, wall, errs);
    }
    assert_eq!(errors, 0, "some requests failed");
}
