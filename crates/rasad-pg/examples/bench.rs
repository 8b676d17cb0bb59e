//! PostgreSQL store benchmark: ingest throughput at several volumes (to show it is
//! linear) and the latency of filtered event queries.
//!
//! Articles: the evaluation texts of `../shared/eval/{dev,dev2,merge}.jsonl` replicated
//! with shifted publication dates (so relative dates land on other days), new ids, URLs
//! and a replica marker in the text (so each is a distinct article), extracted for real
//! on all cores and ingested in batches of `RASAD_BENCH_BATCH` (default 500) into a
//! fresh database per volume on the server `RASAD_BENCH_PG` (default `RASAD_TEST_PG`).
//!
//! Run: `RASAD_TEST_PG=postgres://… cargo run --release -p rasad-pg --example bench`
//! (`RASAD_BENCH_SIZES=20000,40000` by default).

use std::path::PathBuf;
use std::time::Instant;

use rasad_model::Article;
use rasad_pg::postgres::{Client, NoTls};
use rasad_pg::{EventFilter, Page, PgStore};

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

fn fresh_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (url.to_string(), String::new()),
    };
    let (head, _) = base.rsplit_once('/').expect("postgres://…/database");
    let mut c = Client::connect(url, NoTls).expect("connect");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    format!("{head}/{name}{query}")
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let Some(server) = env("RASAD_BENCH_PG").or_else(|| env("RASAD_TEST_PG")) else {
        eprintln!("set RASAD_BENCH_PG or RASAD_TEST_PG to a postgres:// URL");
        std::process::exit(2);
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval");
    let mut base: Vec<Article> = Vec::new();
    for f in ["dev.jsonl", "dev2.jsonl", "merge.jsonl"] {
        let Ok(text) = std::fs::read_to_string(dir.join(f)) else {
            eprintln!("{} absent: benchmark skipped", dir.join(f).display());
            return;
        };
        base.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
    }
    let sizes: Vec<usize> = env("RASAD_BENCH_SIZES")
        .unwrap_or_else(|| "20000,40000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let batch: usize = env("RASAD_BENCH_BATCH")
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
        .max(1);
    let extractor = rasad_extract::Extractor::new().expect("extractor");
    let start = rasad_merge::days_from_civil(2015, 1, 1);
    // Replica `rep` of article k: published `rep` * 3 days later (over 10 years), so the
    // replicas of one report spread over many dates instead of piling onto one.
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
    println!(
        "PostgreSQL ingest benchmark: {} distinct eval texts replicated, batch {batch}, {} threads",
        base.len(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    // Extraction alone, one thread, for the split of the ingest time.
    let probe: Vec<Article> = (0..2000).map(replicate).collect();
    let t = Instant::now();
    for a in &probe {
        std::hint::black_box(extractor.extract(a).ok());
    }
    println!(
        "  extraction alone: {:.0} articles/s on one thread",
        probe.len() as f64 / t.elapsed().as_secs_f64()
    );
    let mut last_url = String::new();
    for &n in &sizes {
        let url = fresh_db(&server, &format!("rasad_bench_{n}"));
        let mut store = PgStore::open(&url).expect("open");
        let t = Instant::now();
        let mut report = rasad_pg::IngestReport::default();
        let mut done = 0;
        while done < n {
            let chunk: Vec<Article> = (done..(done + batch).min(n)).map(replicate).collect();
            done += chunk.len();
            report.add(
                &store
                    .ingest_articles_from(&chunk, &extractor, Some("bench"))
                    .expect("ingest"),
            );
        }
        let secs = t.elapsed().as_secs_f64();
        store.analyze().expect("analyze");
        let c = store.counts().expect("counts");
        let size: i64 = store
            .client()
            .query_one("SELECT pg_database_size(current_database())", &[])
            .unwrap()
            .get(0);
        let text: i64 = store
            .client()
            .query_one(
                "SELECT coalesce(sum(octet_length(text)), 0)::int8 FROM articles",
                &[],
            )
            .unwrap()
            .get(0);
        println!(
            "  {n:>7} articles: {secs:6.1} s, {:6.0} articles/s; {} mentions, {} events; database {:.0} MB ({:.1} KB/article beyond the text); peak RSS {:.0} MB",
            n as f64 / secs,
            c.mentions,
            c.events,
            size as f64 / 1e6,
            (size - text) as f64 / 1e3 / n as f64,
            peak_rss_mb()
        );
        last_url = url;
    }
    if last_url.is_empty() {
        return;
    }
    // Query latency on the largest store: 20 filtered lists (100 rows + the total, as
    // the API's /api/events asks), each run 20 times.
    let mut store = PgStore::open_existing(&last_url).expect("open");
    let f = EventFilter::default;
    let filters: Vec<(&str, EventFilter)> = vec![
        ("all", f()),
        (
            "one year",
            EventFilter {
                date_from: Some("2019-01-01".into()),
                date_to: Some("2019-12-31".into()),
                ..f()
            },
        ),
        (
            "one month",
            EventFilter {
                date_from: Some("2020-03".into()),
                date_to: Some("2020-03".into()),
                ..f()
            },
        ),
        (
            "battles",
            EventFilter {
                event_type: Some("Battles".into()),
                ..f()
            },
        ),
        (
            "protests",
            EventFilter {
                event_type: Some("Protests".into()),
                ..f()
            },
        ),
        (
            "air strikes",
            EventFilter {
                sub_event_type: Some("Air/drone strike".into()),
                ..f()
            },
        ),
        (
            "syria",
            EventFilter {
                country: Some("Syria".into()),
                ..f()
            },
        ),
        (
            "yemen",
            EventFilter {
                country: Some("Yemen".into()),
                ..f()
            },
        ),
        (
            "idlib",
            EventFilter {
                admin1: Some("Idlib".into()),
                ..f()
            },
        ),
        (
            "baghdad",
            EventFilter {
                admin1: Some("Baghdad".into()),
                ..f()
            },
        ),
        (
            "actor ar",
            EventFilter {
                actor: Some("قوات النظام".into()),
                ..f()
            },
        ),
        (
            "actor en",
            EventFilter {
                actor: Some("military forces".into()),
                ..f()
            },
        ),
        (
            "current",
            EventFilter {
                status: Some("current".into()),
                ..f()
            },
        ),
        (
            "confident",
            EventFilter {
                min_confidence: Some(0.8),
                ..f()
            },
        ),
        (
            "bbox nw syria",
            EventFilter {
                bbox: Some([35.5, 35.0, 37.5, 36.8]),
                ..f()
            },
        ),
        (
            "text",
            EventFilter {
                text: Some("قصف".into()),
                ..f()
            },
        ),
        (
            "text rare",
            EventFilter {
                text: Some("مسيرة انتحارية".into()),
                ..f()
            },
        ),
        (
            "type+admin1+year",
            EventFilter {
                event_type: Some("Battles".into()),
                admin1: Some("Hama".into()),
                date_from: Some("2018".into()),
                ..f()
            },
        ),
        (
            "country+conf+bbox",
            EventFilter {
                country: Some("Syria".into()),
                min_confidence: Some(0.6),
                bbox: Some([35.0, 32.0, 42.0, 37.5]),
                ..f()
            },
        ),
        (
            "text+date",
            EventFilter {
                text: Some("قتلى".into()),
                date_from: Some("2016".into()),
                date_to: Some("2020".into()),
                ..f()
            },
        ),
    ];
    let mut all: Vec<f64> = Vec::new();
    println!(
        "  filtered lists on the {}-article store (100 rows + total, ms: p50 / p99 of 20 runs):",
        sizes.last().unwrap()
    );
    for (name, filter) in &filters {
        let mut ms: Vec<f64> = Vec::new();
        let mut total = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let rows = store
                .events(
                    filter,
                    Page {
                        offset: 0,
                        limit: 100,
                    },
                )
                .expect("events");
            total = store.count_events(filter).expect("count");
            std::hint::black_box(rows);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        println!(
            "    {name:<18} {total:>7} events  {:7.2} / {:7.2}",
            ms[ms.len() / 2],
            ms[ms.len() - 1]
        );
        all.extend(ms);
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| all[((all.len() - 1) as f64 * q) as usize];
    println!(
        "  all {} queries: p50 {:.2} ms, p99 {:.2} ms",
        all.len(),
        p(0.5),
        p(0.99)
    );
    let t = Instant::now();
    let s = store.stats(&f()).expect("stats");
    println!(
        "  stats over all {} events: {:.1} ms",
        s.events,
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let n = store
        .for_each_detail(&f(), |d| {
            std::hint::black_box(d);
            Ok(())
        })
        .expect("walk");
    println!(
        "  every event with its sources (what an export reads): {n} in {:.2} s",
        t.elapsed().as_secs_f64()
    );
}
