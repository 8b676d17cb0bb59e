//! The write path: deduplicate, extract, store, re-merge — one transaction per batch.

use std::sync::Arc;

use rasad_extract::Extractor;
use rasad_merge::{day_range, Features, Mention};
use rasad_model::{Article, Event};

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::cache::{Cached, MergeKey};
use crate::codec::pack;
use crate::events::Derived;
use crate::remerge::remerge;
use crate::{now, Result, Store};

/// What one ingest call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Articles offered.
    pub seen: u64,
    /// Articles newly stored.
    pub added: u64,
    /// Articles skipped because the store already had them (same id, URL or text).
    pub duplicates: u64,
    /// Articles whose extraction failed (recorded in `errors`, not stored, retried next run).
    pub failed: u64,
    /// Mentions (extracted events) stored.
    pub mentions: u64,
    /// Merged events created or changed.
    pub events_changed: u64,
}

impl IngestReport {
    pub fn add(&mut self, o: &IngestReport) {
        self.seen += o.seen;
        self.added += o.added;
        self.duplicates += o.duplicates;
        self.failed += o.failed;
        self.mentions += o.mentions;
        self.events_changed += o.events_changed;
    }
}

/// Identity of an article's text: 32 hex digits hashing the folded text with whitespace
/// collapsed, so the same report re-published with other diacritics, hamza spelling or
/// line breaks is recognised as the same article.
pub fn text_hash(text: &str) -> String {
    hash_folded(&rasad_text::fold(text))
}

/// [`text_hash`] of text already folded (the write path folds each article once, for the
/// hash and the search index both).
pub fn hash_folded(folded: &str) -> String {
    let mut h1: u64 = 0xcbf29ce484222325;
    let mut h2: u64 = 0x9e3779b97f4a7c15;
    let mut feed = |b: u8| {
        h1 ^= b as u64;
        h1 = h1.wrapping_mul(0x100000001b3);
        h2 = (h2 ^ b as u64)
            .wrapping_mul(0xff51afd7ed558ccd)
            .rotate_left(29);
    };
    let mut first = true;
    for w in folded.split_whitespace() {
        if !first {
            feed(b' ');
        }
        first = false;
        w.bytes().for_each(&mut feed);
    }
    format!("{h1:016x}{h2:016x}")
}

/// An article ready for the writer: extracted (or failed), its text folded and hashed,
/// each extracted event already serialised, deflated and turned into the merge's
/// features. Built on the extraction threads so the single writer (the ingest's
/// bottleneck) only writes and merges.
pub struct Prepared {
    pub(crate) article: Article,
    /// The id the article is stored under (its own, else derived from the text hash).
    pub(crate) id: String,
    pub(crate) result: std::result::Result<Vec<Ready>, String>,
    pub(crate) hash: String,
    /// Folded title and text for the FTS index (empty for a failed article).
    pub(crate) fts: String,
}

/// One extracted event of a prepared article, as the writer stores and merges it.
pub(crate) struct Ready {
    pub cached: Arc<Cached>,
    /// The event JSON (with `event_id` = `article#index`), deflated.
    pub packed: Vec<u8>,
    /// The folded admin1 column.
    pub admin1: Option<String>,
}

impl Prepared {
    /// Fold and hash `article` beside its extraction result.
    pub fn new(article: Article, result: std::result::Result<Vec<Event>, String>) -> Prepared {
        let folded = rasad_text::fold(&article.text);
        Prepared::with_folded(article, result, folded)
    }

    /// [`Prepared::new`] when the text is already folded.
    pub(crate) fn with_folded(
        article: Article,
        result: std::result::Result<Vec<Event>, String>,
        folded: String,
    ) -> Prepared {
        let hash = hash_folded(&folded);
        let id = article_id(&article, &hash);
        let fts = match (&result, &article.title) {
            (Err(_), _) => String::new(),
            (Ok(_), Some(t)) => format!("{}\n{folded}", rasad_text::fold(t)),
            (Ok(_), None) => folded,
        };
        let result = result.and_then(|events| {
            events
                .into_iter()
                .enumerate()
                .map(|(i, mut e)| {
                    e.event_id = format!("{id}#{i}");
                    let packed = pack(&serde_json::to_string(&e).map_err(|e| e.to_string())?);
                    let admin1 = folded_admin1(&e);
                    let key = merge_key(&e);
                    let mention = Mention {
                        article_id: id.clone(),
                        index: i as u32,
                        event: e,
                    };
                    let features = Features::of(&mention);
                    Ok(Ready {
                        cached: Arc::new(Cached {
                            mention,
                            features,
                            key,
                        }),
                        packed,
                        admin1,
                    })
                })
                .collect()
        });
        Prepared {
            article,
            id,
            result,
            hash,
            fts,
        }
    }

    /// Extract `article` (a panic costs this article, not the run) and prepare it.
    pub fn extract(article: Article, extractor: &Extractor) -> Prepared {
        let folded = rasad_text::fold(&article.text);
        Prepared::extract_folded(article, extractor, folded)
    }

    pub(crate) fn extract_folded(
        article: Article,
        extractor: &Extractor,
        folded: String,
    ) -> Prepared {
        let result = extract_caught(extractor, &article);
        Prepared::with_folded(article, result, folded)
    }
}

/// `extractor.extract(article)` with its error as text, and a panic costing this article
/// (an error) rather than the run. Shared by both stores' ingest.
pub fn extract_caught(extractor: &Extractor, article: &Article) -> std::result::Result<Vec<Event>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extractor.extract(article)))
        .map_err(|_| "extractor panicked".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
}

/// `work` on every article, the articles split into one run per core, results in input
/// order; a thread that dies gives `lost(article)` for each of its articles. (The batch
/// ingest of both stores extracts this way.)
pub fn on_all_cores<T: Send>(articles: &[&Article], work: impl Fn(&Article) -> T + Sync, lost: impl Fn(&Article) -> T) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(articles.len().max(1));
    let chunk = articles.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|s| {
        let handles: Vec<_> = articles
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|a| work(a)).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            .zip(articles.chunks(chunk))
            .flat_map(|(h, part)| h.join().unwrap_or_else(|_| part.iter().map(|a| lost(a)).collect()))
            .collect()
    })
}

/// The id an article is stored under: its own, or one derived from its text.
fn article_id(a: &Article, hash: &str) -> String {
    let id = a.id.trim();
    if id.is_empty() {
        format!("sha-{}", &hash[..16])
    } else {
        id.to_string()
    }
}

fn clean_url(a: &Article) -> Option<String> {
    a.url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
}

impl Store {
    /// Whether an article with this id, URL or folded text is already stored.
    pub fn contains(&self, a: &Article) -> Result<bool> {
        let hash = text_hash(&a.text);
        self.contains_hashed(a, &hash)
    }

    pub(crate) fn contains_hashed(&self, a: &Article, hash: &str) -> Result<bool> {
        let id = article_id(a, hash);
        let url = clean_url(a);
        let found: Option<i64> = self
            .conn
            .prepare_cached("SELECT rowid FROM articles WHERE id = ?1 OR text_hash = ?2 OR (?3 IS NOT NULL AND url = ?3) LIMIT 1")?
            .query_row(params![id, hash, url], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    /// Whether an article is stored under this id or URL (the feed watcher asks before
    /// fetching a page it may already have).
    pub fn has_article_key(&self, key: &str) -> Result<bool> {
        let found: Option<i64> = self
            .conn
            .prepare_cached("SELECT rowid FROM articles WHERE id = ?1 OR url = ?1 LIMIT 1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    /// Extract, merge and store a batch of articles in one transaction. Articles already
    /// stored are skipped before extraction; failures are recorded in `errors`.
    pub fn ingest_articles(
        &mut self,
        articles: &[Article],
        extractor: &Extractor,
    ) -> Result<IngestReport> {
        self.ingest_articles_from(articles, extractor, None)
    }

    /// [`Store::ingest_articles`] noting where the articles came from (file, feed URL).
    /// Extraction runs on all cores; the write is one transaction. (For a stream of
    /// batches, [`Store::ingest_stream`] overlaps extraction with writing.)
    pub fn ingest_articles_from(
        &mut self,
        articles: &[Article],
        extractor: &Extractor,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        let mut fresh: Vec<&Article> = Vec::new();
        let mut dup = 0;
        for a in articles {
            if self.contains(a)? {
                dup += 1;
            } else {
                fresh.push(a);
            }
        }
        let items: Vec<Prepared> = on_all_cores(
            &fresh,
            |a| Prepared::extract(a.clone(), extractor),
            |a| Prepared::new(a.clone(), Err("extractor thread panicked".into())),
        );
        let mut report = self.write_batch(items, source)?;
        report.seen += dup;
        report.duplicates += dup;
        Ok(report)
    }

    /// Store articles whose events the caller already extracted (or failed to), merge
    /// their events into the stored ones, all in one transaction.
    pub fn ingest_extracted(
        &mut self,
        items: Vec<(Article, std::result::Result<Vec<Event>, String>)>,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        let items = items
            .into_iter()
            .map(|(a, r)| Prepared::new(a, r))
            .collect();
        self.write_batch(items, source)
    }

    /// The one write path: a batch of prepared articles, one transaction. On any error the
    /// transaction rolls back and the mention cache is emptied (it may hold rows of the
    /// rolled-back transaction).
    pub fn write_batch(
        &mut self,
        items: Vec<Prepared>,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        let mut fresh = Vec::new();
        let r = self.write_batch_inner(items, source, &mut fresh);
        match r {
            Ok(report) => {
                for (rowid, c) in fresh {
                    self.cache.insert(rowid, c);
                }
                Ok(report)
            }
            Err(e) => {
                self.cache.clear();
                self.heads.clear();
                Err(e)
            }
        }
    }

    fn write_batch_inner(
        &mut self,
        items: Vec<Prepared>,
        source: Option<&str>,
        fresh: &mut Vec<(i64, Arc<Cached>)>,
    ) -> Result<IngestReport> {
        let mut report = IngestReport {
            seen: items.len() as u64,
            ..Default::default()
        };
        let at = now();
        let tx = self.conn.transaction()?;
        // Search-index rows, written after everything else (see schema v5).
        let mut fts_rows: Vec<(i64, String)> = Vec::new();
        for Prepared {
            article,
            id,
            result,
            hash,
            fts,
        } in items
        {
            let events = match result {
                Ok(ev) => ev,
                Err(msg) => {
                    report.failed += 1;
                    insert_error(&tx, at, source, Some(&id), &msg)?;
                    continue;
                }
            };
            let url = clean_url(&article);
            let exists: Option<i64> = tx
                .prepare_cached("SELECT rowid FROM articles WHERE id = ?1 OR text_hash = ?2 OR (?3 IS NOT NULL AND url = ?3) LIMIT 1")?
                .query_row(params![id, hash, url], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                report.duplicates += 1;
                continue;
            }
            tx.prepare_cached(
                "INSERT INTO articles (id, url, text_hash, outlet, published, title, text, source, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![id, url, hash, article.outlet, article.published, article.title, article.text, source, at])?;
            let rowid = tx.last_insert_rowid();
            fts_rows.push((rowid, fts));
            report.added += 1;
            for (i, Ready { cached, packed, admin1 }) in events.into_iter().enumerate() {
                let key = cached.key.as_ref();
                tx.prepare_cached(
                    "INSERT INTO mentions (article, idx, event_type, admin1, day_start, day_end, coarse, event_uid, json, akey)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, ?9)",
                )?
                .execute(params![
                    rowid,
                    i as i64,
                    cached.mention.event.event_type,
                    admin1,
                    key.map(|k| k.days.0),
                    key.map(|k| k.days.1),
                    key.is_some_and(|k| k.coarse) as i64,
                    packed,
                    id,
                ])?;
                fresh.push((tx.last_insert_rowid(), cached));
                report.mentions += 1;
            }
        }
        let mut derived = Derived::default();
        report.events_changed =
            remerge(&tx, &mut self.cache, &mut self.heads, fresh, at, &mut derived)? as u64;
        derived.write_aggregates(&tx)?;
        // The FTS5 tables last: no statement after these opens a savepoint, so FTS5
        // keeps the batch's terms in memory and writes them once, at commit.
        for (rowid, fts) in fts_rows {
            tx.prepare_cached("INSERT INTO articles_fts (rowid, folded) VALUES (?1, ?2)")?
                .execute(params![rowid, fts])?;
        }
        for (rowid, (indexed, names)) in derived.actors {
            if indexed {
                tx.prepare_cached("DELETE FROM events_actor WHERE rowid = ?1")?
                    .execute([rowid])?;
            }
            if let Some(names) = names {
                tx.prepare_cached("INSERT INTO events_actor (rowid, actors_folded) VALUES (?1, ?2)")?
                    .execute(params![rowid, names])?;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Record a per-article error (unreadable file, broken JSON line, failed fetch).
    /// An identical error already recorded for the same source and article is not repeated.
    pub fn record_error(
        &self,
        source: Option<&str>,
        article_id: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        insert_error(&tx, now(), source, article_id, message)?;
        tx.commit()?;
        Ok(())
    }
}

fn insert_error(
    tx: &Transaction,
    at: i64,
    source: Option<&str>,
    article: Option<&str>,
    msg: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO errors (at, source, article_id, message)
         SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
            SELECT 1 FROM errors WHERE source IS ?2 AND article_id IS ?3 AND message = ?4)",
    )?
    .execute(params![at, source, article, msg])?;
    Ok(())
}

/// The admin1 the merge compares: the event's own, trimmed and lower-cased.
pub(crate) fn folded_admin1(e: &Event) -> Option<String> {
    e.admin1
        .as_ref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// A mention's merge key, as stored in `mentions` and `merge_keys`.
pub(crate) fn merge_key(e: &Event) -> Option<MergeKey> {
    let days = e.date.as_deref().and_then(day_range)?;
    Some(MergeKey {
        event_type: e.event_type.clone(),
        admin1: folded_admin1(e).unwrap_or_default(),
        coarse: days.1 > days.0,
        days,
    })
}

