//! `rasad bench-store`: the SQLite store at scale — ingest throughput and linearity,
//! size per article, filtered-query latency, dashboard stats, a full ACLED export.
//!
//! The articles are real texts (`dev`, `dev2` and `merge` of `../shared/eval`)
//! replicated: replica `r` of an article is published `r`-dependent days later (within
//! `--days`), each place its base extraction found is replaced in the text by another
//! place the extractor knows (rotated through every place found in the three sets), and a
//! replica marker is appended so its text hash differs. Every replica goes through the
//! real extractor and the real `Store::ingest_stream`, exactly as `rasad ingest`.
//! Events whose date is written absolutely in the text keep it: many reports then share
//! dates and governorates, which is the load that made the old merge search quadratic.
//!
//! Ingest runs in two equal halves into one store, so the second half shows whether the
//! cost per article grows with the store (linear: the second half takes about as long
//! as the first). CPU time is reported beside wall time: on a shared machine the wall
//! clock measures the neighbours as much as the store.
//!
//! Queries: a mix of 20 kinds of filter (each filter of `/api/events`, alone and
//! combined), each run with distinct values (dates, places, actors drawn from the store)
//! so no answer is served from SQLite's cache of a previous identical query; each query
//! is what `/api/events` does: a 100-row page and the matching count.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use rasad_extract::Extractor;
use rasad_model::Article;
use rasad_store::{EventFilter, Page, Store};

#[derive(clap::Args)]
pub struct Args {
    /// Articles to ingest (in two equal halves).
    #[arg(long, default_value_t = 100_000)]
    pub articles: usize,
    /// Publication dates spread over this many days.
    #[arg(long, default_value_t = 365)]
    pub days: i64,
    /// Articles per transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Where the evaluation sets are.
    #[arg(long, default_value = "../shared/eval")]
    pub shared: PathBuf,
    /// The store to build (default: a fresh file in the temporary directory, removed at
    /// the end). An existing store is reused: only the query part runs.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Keep the store built in the temporary directory.
    #[arg(long)]
    pub keep: bool,
    /// Distinct queries per thread count.
    #[arg(long, default_value_t = 400)]
    pub queries: usize,
}

/// CPU seconds (user + system) this process has used so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Resident, peak resident and anonymous resident memory in MiB (Linux; 0 elsewhere).
/// The anonymous part is the process's own heap; the rest of the resident set is mostly
/// the store file mapped by SQLite (`mmap_size`), which grows with the file up to its cap.
fn memory_mib() -> (f64, f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"))
}

/// The base articles and, per article, the character spans of the places its
/// extraction found (sorted, not overlapping).
struct Base {
    articles: Vec<Article>,
    places: Vec<Vec<(usize, usize)>>,
    /// Every distinct place name the extractor recognised, to rotate through.
    pool: Vec<String>,
}

fn load_base(shared: &std::path::Path, extractor: &Extractor) -> anyhow::Result<Base> {
    let mut articles = Vec::new();
    for set in ["dev", "dev2", "merge"] {
        let path = shared.join(format!("{set}.jsonl"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (pass --shared DIR)", path.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let a: Article = serde_json::from_str(line)
                .with_context(|| format!("{}: a line is not an article", path.display()))?;
            articles.push(a);
        }
    }
    anyhow::ensure!(!articles.is_empty(), "no articles under {}", shared.display());
    let mut places = Vec::new();
    let mut pool = std::collections::BTreeSet::new();
    for a in &articles {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for e in extractor.extract(a).unwrap_or_default() {
            let Some(l) = &e.location else { continue };
            let Some(s) = l.span else { continue };
            if s.1 > s.0 && s.slice(&a.text) == l.name_ar {
                spans.push((s.0, s.1));
                pool.insert(l.name_ar.clone());
            }
        }
        spans.sort();
        spans.dedup();
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for s in spans {
            if kept.last().is_none_or(|k| s.0 >= k.1) {
                kept.push(s);
            }
        }
        places.push(kept);
    }
    Ok(Base {
        articles,
        places,
        pool: pool.into_iter().collect(),
    })
}

/// Replica `j` of the base articles (see the module doc).
fn replica(base: &Base, j: usize, days: i64) -> Article {
    let n = base.articles.len();
    let (b, rep) = (j % n, j / n);
    let a = &base.articles[b];
    let mut out = a.clone();
    out.id = format!("{}-r{rep}", a.id);
    out.url = a.url.as_ref().map(|u| format!("{u}?r={rep}"));
    let shift = ((rep as i64) * 7919 + b as i64 * 31).rem_euclid(days.max(1));
    let published = a
        .published
        .as_deref()
        .and_then(rasad_merge::day_range)
        .map(|d| d.0)
        .unwrap_or_else(|| rasad_merge::days_from_civil(2024, 1, 1));
    out.published = Some(rasad_merge::civil_from_days(published + shift));
    if rep > 0 && !base.pool.is_empty() {
        let chars: Vec<char> = a.text.chars().collect();
        let mut text = String::with_capacity(a.text.len() + 64);
        let mut at = 0;
        for (k, &(s, e)) in base.places[b].iter().enumerate() {
            if e > chars.len() || s < at {
                continue;
            }
            text.extend(&chars[at..s]);
            text.push_str(&base.pool[(rep * 7 + k * 13 + b) % base.pool.len()]);
            at = e;
        }
        text.extend(&chars[at.min(chars.len())..]);
        out.text = text;
    }
    out.text.push_str(&format!("\n(نسخة {rep})"));
    out
}

/// Ingest replicas `from..to`; returns (wall s, CPU s, report).
fn ingest(
    store: &mut Store,
    extractor: &Extractor,
    base: &Base,
    range: std::ops::Range<usize>,
    args: &Args,
) -> anyhow::Result<(f64, f64, rasad_store::IngestReport)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let (t, c) = (Instant::now(), cpu_seconds());
    let batch = args.batch.max(1);
    let days = args.days;
    let ((), report) = store.ingest_stream(
        extractor,
        threads,
        |feeder| {
            let mut j = range.start;
            while j < range.end {
                let end = (j + batch).min(range.end);
                let articles = (j..end).map(|k| replica(base, k, days)).collect();
                if !feeder.batch(articles, Some("bench-store")) {
                    break;
                }
                j = end;
            }
        },
        |_, _| {},
    )?;
    Ok((t.elapsed().as_secs_f64(), cpu_seconds() - c, report))
}

/// Distinct values present in the store, to build filters that match something.
struct Values {
    types: Vec<String>,
    sub_types: Vec<String>,
    admin1: Vec<(String, String)>,
    actors: Vec<String>,
    days: (i64, i64),
    points: Vec<(f64, f64)>,
    words: Vec<String>,
}

fn values(store: &Store) -> anyhow::Result<Values> {
    let stats = store.stats(&EventFilter::default())?;
    let sample = store.events(
        &EventFilter::default(),
        Page {
            offset: 0,
            limit: 2000,
        },
    )?;
    let mut sub_types: Vec<String> = sample
        .iter()
        .map(|e| e.event.sub_event_type.clone())
        .collect();
    sub_types.sort();
    sub_types.dedup();
    let mut admin1: Vec<(String, String)> = sample
        .iter()
        .filter_map(|e| {
            Some((
                e.event.country.as_deref()?.to_string(),
                e.event.admin1.as_deref()?.to_string(),
            ))
        })
        .collect();
    admin1.sort();
    admin1.dedup();
    let points = sample
        .iter()
        .filter_map(|e| {
            let l = e.event.location.as_ref()?;
            Some((l.lon?, l.lat?))
        })
        .collect();
    let mut words: Vec<String> = sample
        .iter()
        .filter_map(|e| e.event.location.as_ref().map(|l| l.name_ar.clone()))
        .filter(|w| w.chars().count() >= 3)
        .collect();
    words.sort();
    words.dedup();
    let day = |d: &str| rasad_merge::day_range(d).map(|r| r.0);
    let first = stats.by_day.first().and_then(|(d, _)| day(d)).unwrap_or(0);
    let last = stats.by_day.last().and_then(|(d, _)| day(d)).unwrap_or(0);
    Ok(Values {
        types: stats.by_type.iter().map(|(t, _)| t.clone()).collect(),
        sub_types,
        admin1,
        actors: stats
            .by_actor
            .iter()
            .map(|(a, _)| a.clone())
            .filter(|a| a.chars().count() >= 3)
            .collect(),
        days: (first, last.max(first)),
        points,
        words,
    })
}

/// Query `i` of kind `i % 20`, with values varied by `i` so that no two are the same.
fn filter(v: &Values, i: usize) -> EventFilter {
    let pick = |xs: &[String], k: usize| -> Option<String> {
        (!xs.is_empty()).then(|| xs[k % xs.len()].clone())
    };
    let span = (v.days.1 - v.days.0).max(1);
    let from = |k: usize, len: i64| {
        let d = v.days.0 + ((k as i64 * 7919) % span);
        (
            Some(rasad_merge::civil_from_days(d)),
            Some(rasad_merge::civil_from_days(d + len)),
        )
    };
    let k = i / 20;
    let mut f = EventFilter::default();
    let (country, admin1) = v
        .admin1
        .get(k % v.admin1.len().max(1))
        .cloned()
        .map(|(c, a)| (Some(c), Some(a)))
        .unwrap_or((None, None));
    let bbox = |k: usize, r: f64| {
        v.points.get(k % v.points.len().max(1)).map(|&(x, y)| {
            let r = r + (k % 7) as f64 * 0.05;
            [x - r, y - r, x + r, y + r]
        })
    };
    match i % 20 {
        0 => (f.date_from, f.date_to) = from(k, 7),
        1 => (f.date_from, f.date_to) = from(k, 60),
        2 => f.event_type = pick(&v.types, k),
        3 => f.sub_event_type = pick(&v.sub_types, k),
        4 => f.admin1 = admin1,
        5 => f.country = country,
        6 => f.actor = pick(&v.actors, k),
        7 => f.status = Some(if k % 2 == 0 { "current" } else { "background" }.into()),
        8 => f.min_confidence = Some(0.3 + (k % 60) as f32 / 100.0),
        9 => f.bbox = bbox(k, 0.2),
        10 => f.text = pick(&v.words, k),
        11 => {
            f.event_type = pick(&v.types, k);
            (f.date_from, f.date_to) = from(k, 30);
        }
        12 => {
            f.admin1 = admin1;
            f.event_type = pick(&v.types, k / 3);
        }
        13 => {
            f.country = country;
            (f.date_from, f.date_to) = from(k, 14);
        }
        14 => {
            f.actor = pick(&v.actors, k);
            (f.date_from, f.date_to) = from(k, 90);
        }
        15 => {
            f.bbox = bbox(k, 1.0);
            f.event_type = pick(&v.types, k / 2);
        }
        16 => {
            f.text = pick(&v.words, k);
            (f.date_from, f.date_to) = from(k, 120);
        }
        17 => {
            f.min_confidence = Some(0.5 + (k % 40) as f32 / 100.0);
            f.status = Some("current".into());
            f.admin1 = admin1;
        }
        18 => {
            f.sub_event_type = pick(&v.sub_types, k);
            f.country = country;
            (f.date_from, f.date_to) = from(k, 45);
        }
        _ => {
            f.event_type = pick(&v.types, k);
            f.admin1 = admin1;
            f.min_confidence = Some(0.4 + (k % 50) as f32 / 100.0);
            (f.date_from, f.date_to) = from(k, 30);
        }
    }
    f
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Run `n` distinct queries (`offset` keeps thread counts from sharing filters) on
/// `threads` threads, each with its own read-only connection; latencies in ms, sorted.
fn run_queries(
    path: &std::path::Path,
    v: &Values,
    threads: usize,
    n: usize,
    offset: usize,
) -> anyhow::Result<Vec<f64>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<anyhow::Result<Vec<f64>>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| {
                let next = &next;
                s.spawn(move || -> anyhow::Result<Vec<f64>> {
                    let store = Store::open_readonly(path)?;
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            return Ok(out);
                        }
                        let f = filter(v, offset + i);
                        let t = Instant::now();
                        let page = store.events(
                            &f,
                            Page {
                                offset: 0,
                                limit: 100,
                            },
                        )?;
                        // What `/api/events` does: the total only when the page is full.
                        if page.len() == 100 {
                            store.count_events(&f)?;
                        }
                        out.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("query thread panicked"))))
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by(|a, b| a.total_cmp(b));
    Ok(all)
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let (path, temporary) = match &args.db {
        Some(p) => (p.clone(), false),
        None => (
            std::env::temp_dir().join(format!("rasad-bench-store-{}.db", std::process::id())),
            !args.keep,
        ),
    };
    let mut out = std::io::stdout().lock();
    let fresh = !path.exists();
    if fresh {
        let extractor = Extractor::new().context("loading the extractor")?;
        let base = load_base(&args.shared, &extractor)?;
        writeln!(
            out,
            "bench-store: {} articles from {} real texts ({} places rotated), dates over {} days, batches of {}, {} cores",
            args.articles,
            base.articles.len(),
            base.pool.len(),
            args.days,
            args.batch,
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        )?;
        let mut store = Store::open(&path)?;
        let half = args.articles / 2;
        let mut walls = Vec::new();
        for (k, range) in [0..half, half..args.articles].into_iter().enumerate() {
            let n = range.len();
            let (wall, cpu, r) = ingest(&mut store, &extractor, &base, range, &args)?;
            let (rss, peak, anon) = memory_mib();
            let counts = store.counts()?;
            writeln!(
                out,
                "  ingest half {}: {n} articles in {wall:.1} s = {:.0} articles/s; CPU {cpu:.1} s = {:.0} articles per CPU-second; {} mentions; store now {} events; resident {rss:.0} MiB (peak {peak:.0}, heap {anon:.0})",
                k + 1,
                n as f64 / wall.max(1e-9),
                n as f64 / cpu.max(1e-9),
                r.mentions,
                counts.events
            )?;
            walls.push((wall, cpu));
            out.flush()?;
        }
        let (w1, c1) = walls[0];
        let (w2, c2) = walls[1];
        writeln!(
            out,
            "  all {} articles: {:.1} s = {:.0} articles/s; {} articles took {:.2}× the time of the first {} (CPU {:.2}×)",
            args.articles,
            w1 + w2,
            args.articles as f64 / (w1 + w2).max(1e-9),
            args.articles,
            (w1 + w2) / w1.max(1e-9),
            half,
            (c1 + c2) / c1.max(1e-9)
        )?;
        let t = Instant::now();
        store.checkpoint()?;
        writeln!(out, "  checkpoint + optimize: {:.1} s", t.elapsed().as_secs_f64())?;
    }
    let store = Store::open(&path)?;
    let counts = store.counts()?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    let text = store.text_bytes()?;
    writeln!(
        out,
        "  store: {} articles, {} mentions, {} events; {:.1} MiB = {:.0} bytes/article, {:.0} beyond the article text ({:.0} bytes of text per article)",
        counts.articles,
        counts.mentions,
        counts.events,
        size as f64 / 1048576.0,
        size as f64 / counts.articles.max(1) as f64,
        size.saturating_sub(text) as f64 / counts.articles.max(1) as f64,
        text as f64 / counts.articles.max(1) as f64
    )?;
    for (table, bytes) in store.table_bytes()? {
        writeln!(
            out,
            "    {table}: {:.1} MiB ({:.0} bytes/article)",
            bytes as f64 / 1048576.0,
            bytes as f64 / counts.articles.max(1) as f64
        )?;
    }
    drop(store);

    let v = values(&Store::open_readonly(&path)?)?;
    for (k, threads) in [1usize, 16].into_iter().enumerate() {
        let n = args.queries.max(20);
        let lat = run_queries(&path, &v, threads, n, k * n)?;
        writeln!(
            out,
            "  /api/events queries (100 rows + total), {threads} thread(s), {} distinct filters of 20 kinds: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            lat.len(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(0.0)
        )?;
    }
    // The slowest kinds, single-threaded, to show where the time goes.
    let ro = Store::open_readonly(&path)?;
    let mut kinds: Vec<(f64, usize)> = Vec::new();
    for kind in 0..20 {
        let mut worst: f64 = 0.0;
        for rep in 0..5 {
            let f = filter(&v, 100_000 + rep * 20 + kind);
            let t = Instant::now();
            let page = ro.events(&f, Page { offset: 0, limit: 100 })?;
            if page.len() == 100 {
                ro.count_events(&f)?;
            }
            worst = worst.max(t.elapsed().as_secs_f64() * 1e3);
        }
        kinds.push((worst, kind));
    }
    kinds.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slow: Vec<String> = kinds
        .iter()
        .take(4)
        .map(|(ms, k)| format!("kind {k} {ms:.1} ms"))
        .collect();
    writeln!(out, "    slowest kinds (worst of 5): {}", slow.join(", "))?;
    let t = Instant::now();
    let stats = ro.stats(&EventFilter::default())?;
    let unfiltered = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    ro.stats(&filter(&v, 2))?;
    let by_type = t.elapsed().as_secs_f64() * 1e3;
    writeln!(
        out,
        "  /api/stats: {unfiltered:.1} ms without filters ({} events, {} days), {by_type:.1} ms for one event type",
        stats.events,
        stats.by_day.len()
    )?;
    let t = Instant::now();
    let mut sink = std::io::sink();
    let n = rasad_export::export(
        &ro,
        rasad_export::Format::AcledCsv,
        &EventFilter::default(),
        &mut sink,
    )?
    .written;
    writeln!(
        out,
        "  export acled-csv of all {n} events: {:.1} s",
        t.elapsed().as_secs_f64()
    )?;
    drop(ro);
    if temporary && fresh {
        for ext in ["db", "db-wal", "db-shm"] {
            let _ = std::fs::remove_file(path.with_extension(ext));
        }
    } else {
        writeln!(out, "  store kept at {}", path.display())?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_rotate_places_and_shift_dates() {
        let base = Base {
            articles: vec![Article {
                id: "a".into(),
                published: Some("2024-02-29".into()),
                text: "قصف على سراقب اليوم".into(),
                ..Default::default()
            }],
            places: vec![vec![(8, 13)]],
            pool: vec!["أريحا".into(), "بنش".into()],
        };
        let r0 = replica(&base, 0, 30);
        assert_eq!(r0.text, "قصف على سراقب اليوم\n(نسخة 0)");
        let r1 = replica(&base, 1, 30);
        assert_eq!(r1.id, "a-r1");
        assert!(r1.text.starts_with("قصف على بنش اليوم"), "{}", r1.text);
        assert_ne!(r1.published, r0.published);
        let r2 = replica(&base, 2, 30);
        assert_ne!(r1.text, r2.text);
    }

    #[test]
    fn cpu_time_moves() {
        let c = cpu_seconds();
        let mut x = 0u64;
        for i in 0..30_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(cpu_seconds() >= c);
    }
}
