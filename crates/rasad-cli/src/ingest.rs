//! `rasad ingest`, `rasad watch`, `rasad errors`.
//!
//! Ingest reads files and directories (see `rasad-ingest` for the formats), extracts
//! events, merges them across outlets and stores everything, one transaction per batch:
//! kill it at any moment and run it again, it skips what was committed and goes on.
//! Reading, extraction (every core) and writing (one thread) overlap through
//! `Store::ingest_stream`; batches are written in input order, so the merged events are
//! the same as a batch-by-batch run's.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rasad_extract::Extractor;
use rasad_ingest::{discover, read_path, Item, Watcher};
use rasad_model::Article;
use rasad_store::IngestReport;

use crate::db::Db;

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories (recursive): .jsonl, .txt, .md, .html, RSS/Atom .xml, .warc, .warc.gz.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The store (created if missing).
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    /// Articles per transaction: what a killed run can lose and must redo. Larger
    /// batches amortise the merge's re-reading of the events they touch.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args)]
pub struct WatchArgs {
    /// Feed URL (RSS or Atom); repeat for several.
    #[arg(long = "feed", required = true)]
    pub feeds: Vec<String>,
    /// Poll interval: 90s, 10m, 1h (a bare number is seconds).
    #[arg(long, default_value = "10m")]
    pub every: String,
    /// The store (created if missing).
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    /// Poll each feed once and exit.
    #[arg(long)]
    pub once: bool,
    /// Per-request timeout.
    #[arg(long, default_value = "30s")]
    pub timeout: String,
}

#[derive(clap::Args)]
pub struct ErrorsArgs {
    /// The store.
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    /// Most recent errors to list (0 = all).
    #[arg(long, default_value_t = 100)]
    pub limit: u64,
    /// One JSON object per error.
    #[arg(long)]
    pub json: bool,
}

/// `90s`, `10m`, `1h`, `2d` or a bare number of seconds.
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num
        .parse()
        .with_context(|| format!("duration {s:?}: want e.g. 90s, 10m, 1h"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        u => anyhow::bail!("duration {s:?}: unknown unit {u:?}"),
    };
    anyhow::ensure!(
        secs.is_finite() && secs > 0.0 && secs < 1e9,
        "duration {s:?} out of range"
    );
    Ok(Duration::from_secs_f64(secs))
}

/// Rough count of articles in a file, for the progress bar's length and ETA.
fn estimate(path: &std::path::Path) -> u64 {
    let jsonl = rasad_ingest::kind_of(path) == Some(rasad_ingest::Kind::Jsonl);
    if !jsonl {
        return 1;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return 1;
    };
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let mut n = 0u64;
    loop {
        let buf = match std::io::BufRead::fill_buf(&mut r) {
            Ok(b) if !b.is_empty() => b,
            _ => break,
        };
        n += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let len = buf.len();
        std::io::BufRead::consume(&mut r, len);
    }
    n.max(1)
}

fn progress(total: u64, quiet: bool) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles  {per_sec}  ETA {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Writes batches to the store and keeps the tally.
struct Sink<'a> {
    store: &'a mut Db,
    extractor: &'a Extractor,
    batch: Vec<Article>,
    size: usize,
    source: String,
    report: IngestReport,
    read_errors: u64,
    failure: Option<anyhow::Error>,
    pb: &'a ProgressBar,
}

impl Sink<'_> {
    fn item(&mut self, item: Item) {
        if self.failure.is_some() {
            return;
        }
        match item {
            Item::Article(a) => {
                self.batch.push(a);
                if self.batch.len() >= self.size {
                    self.flush();
                }
            }
            Item::Error { id, message } => {
                self.read_errors += 1;
                self.pb.inc(1);
                if let Err(e) = self
                    .store
                    .record_error(Some(&self.source), id.as_deref(), &message)
                {
                    self.failure = Some(e.into());
                }
            }
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() || self.failure.is_some() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        match self
            .store
            .ingest_articles_from(&batch, self.extractor, Some(&self.source))
        {
            Ok(r) => {
                self.report.add(&r);
                self.pb.inc(batch.len() as u64);
                if self.pb.position() > self.pb.length().unwrap_or(0) {
                    self.pb.set_length(self.pb.position());
                }
                self.pb.set_message(format!(
                    "{} new, {} dup, {} failed",
                    self.report.added, self.report.duplicates, self.report.failed
                ));
            }
            Err(e) => {
                self.failure = Some(anyhow::Error::new(e).context("writing a batch to the store"))
            }
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let files = discover(&args.paths).context("listing inputs")?;
    anyhow::ensure!(!files.is_empty(), "no input files under {:?}", args.paths);
    let mut store = Db::open(&args.db)?;
    let extractor = Extractor::new().context("loading the extractor")?;
    let total: u64 = files.iter().map(|f| estimate(f)).sum();
    let pb = progress(total, args.quiet);
    let started = Instant::now();
    let size = args.batch.max(1);
    let nfiles = files.len();
    // SQLite: reading, extraction on every core and the one writer overlap
    // (`Store::ingest_stream`); PostgreSQL: batch by batch through the `Db` interface
    let (read_errors, report) = match &mut store {
        Db::Sqlite(s) => stream(s, files, &extractor, size, &pb)?,
        db => batch_by_batch(db, &files, &extractor, size, &pb)?,
    };
    pb.finish_and_clear();
    let counts = store.counts()?;
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "ingested {} files: {} new articles, {} already stored, {} failed extraction, {} unreadable; {} mentions; store now {} articles, {} events ({:.0} articles/s)",
            nfiles,
            report.added,
            report.duplicates,
            report.failed,
            read_errors,
            report.mentions,
            counts.articles,
            counts.events,
            report.seen as f64 / secs
        );
    }
    Ok(if report.failed + read_errors > 0 {
        1
    } else {
        0
    })
}

/// The SQLite ingest: a reader thread, extraction on every core, this thread writing.
fn stream(store: &mut rasad_store::Store, files: Vec<PathBuf>, extractor: &Extractor, size: usize, pb: &ProgressBar) -> anyhow::Result<(u64, IngestReport)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // The reader runs on its own thread and feeds batches (never spanning two files, so
    // each batch has one source); extraction runs on every core; this thread writes.
    let reader_pb = pb.clone();
    let mut tally = IngestReport::default();
    let streamed = store.ingest_stream(
        extractor,
        threads,
        move |feeder| {
            let mut read_errors = 0u64;
            for f in &files {
                let source = f.display().to_string();
                let mut batch: Vec<Article> = Vec::new();
                let mut alive = true;
                let r = read_path(f, &mut |item| {
                    if !alive {
                        return;
                    }
                    match item {
                        Item::Article(a) => {
                            batch.push(a);
                            if batch.len() >= size {
                                alive = feeder.batch(std::mem::take(&mut batch), Some(&source));
                            }
                        }
                        Item::Error { id, message } => {
                            read_errors += 1;
                            reader_pb.inc(1);
                            alive = feeder.error(Some(&source), id.as_deref(), &message);
                        }
                    }
                });
                if let Err(e) = r {
                    read_errors += 1;
                    alive &= feeder.error(Some(&source), None, &e.to_string());
                }
                if !alive || !feeder.batch(batch, Some(&source)) {
                    break;
                }
            }
            read_errors
        },
        |r, n| {
            tally.add(r);
            pb.inc(n as u64);
            if pb.position() > pb.length().unwrap_or(0) {
                pb.set_length(pb.position());
            }
            pb.set_message(format!(
                "{} new, {} dup, {} failed",
                tally.added, tally.duplicates, tally.failed
            ));
        },
    );
    match streamed {
        Ok(x) => Ok(x),
        Err(e) => {
            pb.abandon();
            Err(anyhow::Error::new(e).context("writing a batch to the store"))
        }
    }
}

/// Any other backend: one batch at a time through [`Db`].
fn batch_by_batch(store: &mut Db, files: &[PathBuf], extractor: &Extractor, size: usize, pb: &ProgressBar) -> anyhow::Result<(u64, IngestReport)> {
    let mut sink = Sink {
        store,
        extractor,
        batch: Vec::new(),
        size,
        source: String::new(),
        report: IngestReport::default(),
        read_errors: 0,
        failure: None,
        pb,
    };
    for f in files {
        sink.source = f.display().to_string();
        if let Err(e) = read_path(f, &mut |item| sink.item(item)) {
            sink.read_errors += 1;
            let msg = e.to_string();
            if let Err(e) = sink.store.record_error(Some(&sink.source), None, &msg) {
                sink.failure = Some(e.into());
            }
        }
        sink.flush();
        if let Some(e) = sink.failure.take() {
            pb.abandon();
            return Err(e);
        }
    }
    Ok((sink.read_errors, sink.report))
}

pub fn watch(args: WatchArgs) -> anyhow::Result<i32> {
    let every = parse_duration(&args.every)?;
    let timeout = parse_duration(&args.timeout)?;
    let mut store = Db::open(&args.db)?;
    let extractor = Extractor::new().context("loading the extractor")?;
    let mut watcher = Watcher::new(timeout);
    let mut failed = false;
    loop {
        for feed in &args.feeds {
            let items = {
                let st = &mut store;
                watcher.poll(feed, &mut |url| st.has_article_key(url).unwrap_or(false))
            };
            let items = match items {
                Ok(items) => items,
                Err(e) => {
                    eprintln!("rasad watch: {e}");
                    store.record_error(Some(feed), None, &e.to_string())?;
                    failed = true;
                    continue;
                }
            };
            let mut articles = Vec::new();
            for item in items {
                match item {
                    Item::Article(a) => articles.push(a),
                    Item::Error { id, message } => {
                        failed = true;
                        store.record_error(Some(feed), id.as_deref(), &message)?;
                    }
                }
            }
            let r = store.ingest_articles_from(&articles, &extractor, Some(feed))?;
            failed |= r.failed > 0;
            eprintln!(
                "{feed}: {} new articles, {} mentions, {} events changed",
                r.added, r.mentions, r.events_changed
            );
        }
        if args.once {
            return Ok(if failed { 1 } else { 0 });
        }
        std::thread::sleep(every);
    }
}

pub fn errors(args: ErrorsArgs) -> anyhow::Result<i32> {
    let mut store = crate::query::open_existing(&args.db)?;
    let errs = store.errors(args.limit)?;
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for e in &errs {
        if args.json {
            serde_json::to_writer(&mut out, e)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                e.at,
                e.source.as_deref().unwrap_or("-"),
                e.article_id.as_deref().unwrap_or("-"),
                e.message.replace(['\n', '\t'], " ")
            )?;
        }
    }
    if !args.json {
        eprintln!("{} errors", errs.len());
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        for bad in ["", "m", "10x", "-5s", "0s", "1e400"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
