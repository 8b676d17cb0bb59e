//! Streaming ingest: extraction on every core, one writer, batches committed in order.
//!
//! Why: `ingest_articles` extracts a batch on all cores and then writes it while the
//! cores wait; on two cores the writer's time was added to the extractors' instead of
//! overlapping it. Here a reader (the caller's closure, on its own thread) hands batches
//! to extraction workers, each worker folds, hashes and extracts its batch (skipping
//! articles already stored, through its own read-only connection), and the calling
//! thread writes the prepared batches in the order they were fed, one transaction each.
//! The order matters: merging is incremental, so the same batches in the same order give
//! the same events as `rasad ingest` always gave. At most `2 × threads + 2` batches are
//! in flight, so memory does not grow with the input.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Mutex;

use rasad_extract::Extractor;
use rasad_model::Article;

use crate::ingest::{hash_folded, Prepared};
use crate::{IngestReport, Result, Store};

/// What the reader sends the workers, numbered in feeding order (read errors go
/// straight to the writer).
enum Job {
    Batch(Vec<Article>, Option<String>),
}

/// What the writer receives.
enum Ready {
    Batch {
        items: Vec<Prepared>,
        duplicates: u64,
        source: Option<String>,
        len: usize,
    },
    Error {
        source: Option<String>,
        article_id: Option<String>,
        message: String,
    },
}

/// The reader's handle: send batches and per-article read errors. Each call returns
/// `false` once the writer has stopped (a store error): stop reading then.
pub struct Feeder {
    jobs: SyncSender<(u64, Job)>,
    ready: SyncSender<(u64, Ready)>,
    permits: SyncSender<()>,
    next: std::cell::Cell<u64>,
}

impl Feeder {
    fn seq(&self) -> u64 {
        let n = self.next.get();
        self.next.set(n + 1);
        n
    }

    /// Queue a batch (blocks while too many batches are in flight).
    pub fn batch(&self, articles: Vec<Article>, source: Option<&str>) -> bool {
        if articles.is_empty() {
            return true;
        }
        if self.permits.send(()).is_err() {
            return false;
        }
        let seq = self.seq();
        self.jobs
            .send((seq, Job::Batch(articles, source.map(str::to_string))))
            .is_ok()
    }

    /// Record a per-article error (unreadable file, broken line) in order with the batches.
    pub fn error(&self, source: Option<&str>, article_id: Option<&str>, message: &str) -> bool {
        let seq = self.seq();
        self.ready
            .send((
                seq,
                Ready::Error {
                    source: source.map(str::to_string),
                    article_id: article_id.map(str::to_string),
                    message: message.to_string(),
                },
            ))
            .is_ok()
    }
}

/// Extract and prepare one batch: articles already stored are counted, not extracted.
fn prepare(
    articles: Vec<Article>,
    extractor: &Extractor,
    lookup: Option<&Store>,
) -> (Vec<Prepared>, u64) {
    let mut dup = 0;
    let mut out = Vec::with_capacity(articles.len());
    for a in articles {
        let folded = rasad_text::fold(&a.text);
        if let Some(st) = lookup {
            // A failed lookup only costs an extraction: the writer checks again.
            if st.contains_hashed(&a, &hash_folded(&folded)).unwrap_or(false) {
                dup += 1;
                continue;
            }
        }
        out.push(Prepared::extract_folded(a, extractor, folded));
    }
    (out, dup)
}

impl Store {
    /// Ingest a stream of batches: `feed` runs on its own thread and sends batches and
    /// read errors through the [`Feeder`]; `threads` workers extract; this thread writes
    /// each batch in one transaction, in feeding order, and calls `progress` after each
    /// (with the batch's report and its number of articles). Returns what `feed`
    /// returned and the total report; stops at the first store error.
    pub fn ingest_stream<R: Send>(
        &mut self,
        extractor: &Extractor,
        threads: usize,
        feed: impl FnOnce(&Feeder) -> R + Send,
        mut progress: impl FnMut(&IngestReport, usize),
    ) -> Result<(R, IngestReport)> {
        let threads = threads.max(1);
        let inflight = 2 * threads + 2;
        let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Job)>(inflight);
        let (ready_tx, ready_rx) = mpsc::sync_channel::<(u64, Ready)>(inflight);
        let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(inflight);
        let job_rx = Mutex::new(job_rx);
        let path = self.path().map(|p| p.to_path_buf());
        let mut total = IngestReport::default();
        std::thread::scope(|s| {
            for _ in 0..threads {
                let (job_rx, ready_tx, path) = (&job_rx, ready_tx.clone(), path.clone());
                s.spawn(move || {
                    // Each worker's own read-only connection for the "already stored?" check.
                    let lookup = path.and_then(|p| Store::open_readonly(p).ok());
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, job)) = job else { return };
                        let ready = match job {
                            Job::Batch(articles, source) => {
                                let len = articles.len();
                                let (items, duplicates) =
                                    prepare(articles, extractor, lookup.as_ref());
                                Ready::Batch {
                                    items,
                                    duplicates,
                                    source,
                                    len,
                                }
                            }
                        };
                        if ready_tx.send((seq, ready)).is_err() {
                            return;
                        }
                    }
                });
            }
            let feeder = Feeder {
                jobs: job_tx,
                ready: ready_tx,
                permits: permit_tx,
                next: std::cell::Cell::new(0),
            };
            let reader = s.spawn(move || feed(&feeder));
            let written = self.write_in_order(ready_rx, permit_rx, &mut total, &mut progress);
            // On a store error the receivers are gone: the workers and the reader see
            // their sends fail and stop.
            let fed = reader.join();
            match (written, fed) {
                (Err(e), _) => Err(e),
                (Ok(()), Ok(r)) => Ok((r, total)),
                (Ok(()), Err(p)) => std::panic::resume_unwind(p),
            }
        })
    }

    fn write_in_order(
        &mut self,
        ready: Receiver<(u64, Ready)>,
        permits: Receiver<()>,
        total: &mut IngestReport,
        progress: &mut impl FnMut(&IngestReport, usize),
    ) -> Result<()> {
        let mut pending: BTreeMap<u64, Ready> = BTreeMap::new();
        let mut next = 0u64;
        for (seq, r) in ready {
            pending.insert(seq, r);
            while let Some(r) = pending.remove(&next) {
                next += 1;
                match r {
                    Ready::Batch {
                        items,
                        duplicates,
                        source,
                        len,
                    } => {
                        let mut rep = self.write_batch(items, source.as_deref())?;
                        rep.seen += duplicates;
                        rep.duplicates += duplicates;
                        total.add(&rep);
                        let _ = permits.try_recv();
                        progress(&rep, len);
                    }
                    Ready::Error {
                        source,
                        article_id,
                        message,
                    } => self.record_error(source.as_deref(), article_id.as_deref(), &message)?,
                }
            }
        }
        Ok(())
    }
}
