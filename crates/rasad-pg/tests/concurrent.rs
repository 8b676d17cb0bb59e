//! Concurrent writers and parity with the SQLite store.
//!
//! Two writers (separate connections, as two `rasad ingest` processes would be) ingest
//! interleaved and overlapping shares of the reports at once while a third connection records errors
//! and reads (the API): every article is stored once, no mention is lost, and the
//! merged events are exactly those of one writer — and, on real extractions of the
//! evaluation texts, exactly those of the SQLite store.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{fresh_db, reports, snapshot, Item};
use rasad_model::Article;
use rasad_pg::{EventFilter, Page, PgStore};

fn ingest_in(url: &str, items: Vec<Item>, batch: usize) {
    let mut store = PgStore::open(url).unwrap();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<Item> = items.by_ref().take(batch).collect();
        store.ingest_extracted(chunk, Some("writer")).unwrap();
    }
}

/// Run writers (each its own connection and share) at once, with a reader/error
/// recorder beside them. The writers start each batch together (a barrier), so their
/// transactions overlap: without the write lock two reports of one event written at
/// the same moment would each found an event of their own.
fn race(url: &str, writers: Vec<(Vec<Item>, usize)>) {
    let stop = Arc::new(AtomicBool::new(false));
    let api = {
        let (url, stop) = (url.to_string(), stop.clone());
        std::thread::spawn(move || {
            let mut s = PgStore::open(&url).unwrap();
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                s.record_error(Some("api"), None, &format!("probe {}", k % 5))
                    .unwrap();
                s.count_events(&EventFilter::default()).unwrap();
                s.stats(&EventFilter::default()).unwrap();
                k += 1;
            }
        })
    };
    let rounds = writers
        .iter()
        .map(|(items, batch)| items.len().div_ceil(*batch))
        .max()
        .unwrap_or(0);
    let barrier = Arc::new(std::sync::Barrier::new(writers.len()));
    let hs: Vec<_> = writers
        .into_iter()
        .map(|(items, batch)| {
            let (url, barrier) = (url.to_string(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = PgStore::open(&url).unwrap();
                let mut chunks = items.chunks(batch);
                for _ in 0..rounds {
                    barrier.wait();
                    if let Some(chunk) = chunks.next() {
                        store
                            .ingest_extracted(chunk.to_vec(), Some("writer"))
                            .unwrap();
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().expect("writer");
    }
    stop.store(true, Ordering::Relaxed);
    api.join().expect("api");
}

/// Two writers' shares: alternate items each (so the reports of one event reach both
/// writers at the same moment and only the write lock keeps them one event), and both
/// take the whole last third (so both try to store the same articles).
fn split(items: Vec<Item>, batch: usize) -> Vec<(Vec<Item>, usize)> {
    let n = items.len();
    let share = |w: usize| -> Vec<Item> {
        items
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 2 == w || *k >= 2 * n / 3)
            .map(|(_, it)| it.clone())
            .collect()
    };
    vec![(share(0), batch), (share(1), batch)]
}

#[test]
fn two_writers_store_each_article_once_and_merge_as_one() {
    let Some(one) = fresh_db("one_writer") else {
        return;
    };
    let Some(two) = fresh_db("two_writers") else {
        return;
    };
    let n = 1200;
    ingest_in(&one, reports(n), 50);
    race(&two, split(reports(n), 30));
    let (mut a, mut b) = (PgStore::open(&one).unwrap(), PgStore::open(&two).unwrap());
    let (ca, cb) = (a.counts().unwrap(), b.counts().unwrap());
    let failed = (0..n).filter(|k| k % 97 == 96).count() as u64;
    assert_eq!(ca.articles, n as u64 - failed);
    assert_eq!(
        (cb.articles, cb.mentions, cb.events),
        (ca.articles, ca.mentions, ca.events)
    );
    let (sa, sb) = (snapshot(&mut a), snapshot(&mut b));
    assert_eq!(sa.len(), n / 4, "four reports per event");
    assert_eq!(sa, sb, "two writers merge exactly as one");
    // Each failed article's error was recorded once, whichever writer saw it first.
    let errs = b.errors(0).unwrap();
    assert_eq!(
        errs.iter()
            .filter(|e| e.source.as_deref() == Some("writer"))
            .count() as u64,
        failed
    );
    assert_eq!(
        errs.iter()
            .filter(|e| e.source.as_deref() == Some("api"))
            .count(),
        5
    );
}

/// The evaluation texts (`../shared/eval`), when present.
fn eval_articles() -> Option<Vec<Article>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval");
    let mut out = Vec::new();
    for f in ["dev.jsonl", "dev2.jsonl", "merge.jsonl"] {
        let Ok(text) = std::fs::read_to_string(dir.join(f)) else {
            eprintln!("skipped: {} absent", dir.join(f).display());
            return None;
        };
        out.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str::<Article>(l).expect("eval article")),
        );
    }
    Some(out)
}

#[test]
fn real_extractions_merge_as_in_sqlite_even_with_two_writers() {
    let Some(articles) = eval_articles() else {
        return;
    };
    let Some(url) = fresh_db("parity") else {
        return;
    };
    let extractor = rasad_extract::Extractor::new().unwrap();
    let items: Vec<Item> = articles
        .iter()
        .map(|a| (a.clone(), extractor.extract(a).map_err(|e| e.to_string())))
        .collect();
    let mut sqlite = rasad_store::Store::open_in_memory().unwrap();
    for chunk in items.chunks(16) {
        sqlite
            .ingest_extracted(chunk.to_vec(), Some("writer"))
            .unwrap();
    }
    race(&url, split(items.clone(), 8));
    let mut pg = PgStore::open(&url).unwrap();
    let want = sqlite.events(&EventFilter::default(), Page::ALL).unwrap();
    let got = pg.events(&EventFilter::default(), Page::ALL).unwrap();
    assert!(
        want.len() > 50,
        "the eval texts give many events ({})",
        want.len()
    );
    let shape = |v: &[rasad_pg::StoredEvent]| {
        let mut s: Vec<(String, u32, String)> = v
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.n_sources,
                    serde_json::to_string(&e.event).unwrap(),
                )
            })
            .collect();
        s.sort();
        s
    };
    assert_eq!(
        shape(&got),
        shape(&want),
        "same merged events as the SQLite store"
    );
    let (cs, cp) = (sqlite.counts().unwrap(), pg.counts().unwrap());
    assert_eq!(
        (cp.articles, cp.mentions, cp.events),
        (cs.articles, cs.mentions, cs.events)
    );
    // The same answers to filters, in the same order.
    let filters = [
        EventFilter {
            event_type: Some("battles".into()),
            ..Default::default()
        },
        EventFilter {
            country: Some("syria".into()),
            date_from: Some("2019".into()),
            ..Default::default()
        },
        EventFilter {
            actor: Some("قوات".into()),
            ..Default::default()
        },
        EventFilter {
            text: Some("قصف".into()),
            ..Default::default()
        },
        EventFilter {
            bbox: Some([35.0, 32.0, 40.0, 37.5]),
            status: Some("current".into()),
            ..Default::default()
        },
    ];
    for f in &filters {
        let a: Vec<String> = sqlite
            .events(f, Page::ALL)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        let b: Vec<String> = pg
            .events(f, Page::ALL)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(a, b, "{f:?}");
        assert_eq!(sqlite.stats(f).unwrap(), pg.stats(f).unwrap(), "{f:?}");
    }
}
