//! The write path: deduplicate, extract, store, re-merge — one transaction per batch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rasad_extract::Extractor;
use rasad_merge::{cluster_features, cluster_uid, day_range, merge, Features, Mention};
use rasad_model::{Article, Event, Status};
use std::sync::Arc;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::cache::{Cached, Head, HeadCache, MentionCache, MergeKey};
use crate::codec::{pack, Json};
use crate::query::{EventJson, EVENT_JSON};
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
fn folded_admin1(e: &Event) -> Option<String> {
    e.admin1
        .as_ref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// A mention's merge key, as stored in `mentions` and `merge_keys`.
fn merge_key(e: &Event) -> Option<MergeKey> {
    let days = e.date.as_deref().and_then(day_range)?;
    Some(MergeKey {
        event_type: e.event_type.clone(),
        admin1: folded_admin1(e).unwrap_or_default(),
        coarse: days.1 > days.0,
        days,
    })
}

/// Add `delta` mentions of event `uid` under `key` to `merge_keys` (rows that reach zero go).
fn bump_key(tx: &Transaction, key: &MergeKey, uid: &str, delta: i64) -> Result<()> {
    let args = params![
        key.event_type,
        key.admin1,
        key.coarse as i64,
        key.days.0,
        key.days.1,
        uid,
        delta
    ];
    tx.prepare_cached(
        "INSERT INTO merge_keys (event_type, admin1, coarse, day_start, day_end, event_uid, n)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (event_type, admin1, coarse, day_start, day_end, event_uid) DO UPDATE SET n = n + excluded.n",
    )?
    .execute(args)?;
    if delta < 0 {
        tx.prepare_cached(
            "DELETE FROM merge_keys WHERE event_type = ?1 AND admin1 = ?2 AND coarse = ?3
               AND day_start = ?4 AND day_end = ?5 AND event_uid = ?6 AND n <= 0",
        )?
        .execute(params![
            key.event_type,
            key.admin1,
            key.coarse as i64,
            key.days.0,
            key.days.1,
            uid
        ])?;
    }
    Ok(())
}

/// Move every `merge_keys` row of event `from` to event `to`; call it before the
/// mentions themselves move. The rows are found by the keys of `from`'s mentions (the
/// `mentions_event` index) rather than by an index of `merge_keys` on the event id,
/// which cost ~130 bytes per article and served only this rare move of a big event.
fn move_keys(tx: &Transaction, from: &str, to: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO merge_keys (event_type, admin1, coarse, day_start, day_end, event_uid, n)
         SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, ?1, count(*) FROM mentions
         WHERE event_uid = ?2 AND day_start IS NOT NULL AND day_end IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5
         ON CONFLICT (event_type, admin1, coarse, day_start, day_end, event_uid) DO UPDATE SET n = n + excluded.n",
    )?
    .execute(params![to, from])?;
    tx.prepare_cached(
        "DELETE FROM merge_keys WHERE (event_type, admin1, coarse, day_start, day_end, event_uid) IN (
            SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, ?1 FROM mentions
            WHERE event_uid = ?1 AND day_start IS NOT NULL AND day_end IS NOT NULL)",
    )?
    .execute([from])?;
    Ok(())
}

/// A mention taking part in a re-merge: its parsed form, the event it belonged to when
/// the batch began, and the event the database now says (moves happen as groups are
/// written).
struct Member {
    c: Arc<Cached>,
    uid: String,
    db_uid: String,
}

/// A stored mention, from the cache or parsed from its row.
fn load(tx: &Transaction, cache: &mut MentionCache, rowid: i64) -> Result<Option<Arc<Cached>>> {
    if let Some(c) = cache.get(&rowid) {
        return Ok(Some(c));
    }
    let row: Option<(String, i64, String)> = tx
        .prepare_cached("SELECT akey, idx, json FROM mentions WHERE rowid = ?1")?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Json>(2)?.0)))
        .optional()?;
    let Some((article_id, idx, json)) = row else {
        return Ok(None);
    };
    let event: Event = serde_json::from_str(&json)?;
    let key = merge_key(&event);
    let mention = Mention {
        article_id,
        index: idx as u32,
        event,
    };
    let features = Features::of(&mention);
    let c = Arc::new(Cached {
        mention,
        features,
        key,
    });
    cache.insert(rowid, c.clone());
    Ok(Some(c))
}

/// Re-cluster the new mentions with the stored mentions they could belong with, and
/// rewrite the affected events. Returns how many events were written.
fn remerge(
    tx: &Transaction,
    cache: &mut MentionCache,
    heads: &mut HeadCache,
    fresh: &[(i64, Arc<Cached>)],
    at: i64,
    derived: &mut Derived,
) -> Result<usize> {
    if fresh.is_empty() {
        return Ok(0);
    }
    let mut set: BTreeMap<i64, Member> = BTreeMap::new();
    for (r, c) in fresh {
        set.insert(
            *r,
            Member {
                c: c.clone(),
                uid: String::new(),
                db_uid: String::new(),
            },
        );
    }
    let news: Vec<i64> = set.keys().copied().collect();
    // 1. Events with a stored mention in the window of a new one (same type, dates within
    // a day, same admin1), with the new mentions whose window found them. `merge_keys`
    // lists each event once per key, so the window holds events, not every report.
    let mut by_event: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for r in &news {
        let Some(key) = set[r].c.key.clone() else {
            continue;
        };
        let (start, end) = key.days;
        let mut found = |uid: String| {
            if !uid.is_empty() {
                by_event.entry(uid).or_default().insert(*r);
            }
        };
        for uid in window(tx, &key, start, end)? {
            found(uid);
        }
    }
    // 2. An event joins the set when one of its members is compatible with a finder:
    // entire when small, through its first BIG_EVENT members (by canonical key) when
    // large, which keeps a much reported event from making every batch quadratic in
    // its number of reports.
    let mut big: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // uid -> (size, head row)
    // Compatible events by finder with the finder's best score against their members;
    // each finder brings at most COMPATIBLE_CAP of them, the best scored.
    let mut candidates: BTreeMap<String, (usize, Vec<(i64, Arc<Cached>)>)> = BTreeMap::new();
    let mut by_finder: HashMap<i64, Vec<(f32, String)>> = HashMap::new();
    for (uid, finders) in by_event {
        let head = event_head(tx, heads, &uid)?;
        let (size, members) = (head.size, &head.members);
        let mut loaded: Vec<(i64, Arc<Cached>)> = Vec::new();
        let mut best: Vec<Option<f32>> = vec![None; finders.len()];
        for r in members {
            let Some(l) = load(tx, cache, *r)? else {
                continue;
            };
            for (b, n) in best.iter_mut().zip(&finders) {
                if let Some(x) = rasad_merge::score_features(&set[n].c.features, &l.features) {
                    *b = Some(b.map_or(x, |y| y.max(x)));
                }
            }
            loaded.push((*r, l));
        }
        if best.iter().all(Option::is_none) {
            continue;
        }
        for (b, n) in best.iter().zip(&finders) {
            if let Some(x) = b {
                by_finder.entry(*n).or_default().push((*x, uid.clone()));
            }
        }
        if size > BIG_EVENT {
            big.insert(uid.clone(), (size, members.first().copied().unwrap_or(-1)));
        }
        candidates.insert(uid, (size, loaded));
    }
    let joining = joining_events(by_finder.into_values(), COMPATIBLE_CAP);
    big.retain(|uid, _| joining.contains(uid));
    for (uid, (_, loaded)) in candidates {
        if !joining.contains(&uid) {
            continue;
        }
        for (r, c) in loaded {
            set.insert(
                r,
                Member {
                    c,
                    uid: uid.clone(),
                    db_uid: uid.clone(),
                },
            );
        }
    }
    // 3. Cluster and rewrite.
    let rows: Vec<i64> = set.keys().copied().collect();
    let cached: Vec<Arc<Cached>> = rows.iter().map(|r| set[r].c.clone()).collect();
    let mentions: Vec<&Mention> = cached.iter().map(|c| &c.mention).collect();
    let labels = {
        let keys: Vec<(&str, u32)> = mentions.iter().map(|m| (m.article_id.as_str(), m.index)).collect();
        let feats: Vec<&Features> = cached.iter().map(|c| &c.features).collect();
        cluster_features(&keys, &feats)
    };
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    // Old event sizes within the set (big events count their members outside it too).
    let mut old_sizes: HashMap<String, usize> = HashMap::new();
    for l in set.values().filter(|l| !l.uid.is_empty()) {
        *old_sizes.entry(l.uid.clone()).or_default() += 1;
    }
    // Each big event's members outside the set follow its head (smallest key).
    let mut big_heads: HashMap<i64, String> = HashMap::new();
    for (uid, (_, head)) in &big {
        big_heads.insert(*head, uid.clone());
    }
    let mut new_uids: HashSet<String> = HashSet::new();
    let mut changed = 0;
    for members in groups.values() {
        let ms: Vec<&Mention> = members.iter().map(|&i| mentions[i]).collect();
        let uid = cluster_uid(&ms);
        let followed: Vec<String> = members
            .iter()
            .filter_map(|&i| big_heads.get(&rows[i]).cloned())
            .collect();
        let outside: usize = followed
            .iter()
            .map(|u| {
                big[u]
                    .0
                    .saturating_sub(old_sizes.get(u).copied().unwrap_or(0))
            })
            .sum();
        // An event whose members are exactly those it had is left as it is.
        let unchanged = old_sizes.get(uid.as_str()) == Some(&members.len())
            && members.iter().all(|&i| set[&rows[i]].uid == uid);
        new_uids.insert(uid.clone());
        if unchanged {
            continue;
        }
        changed += 1;
        // Every event this group takes members from, or becomes, changes size or reports.
        heads.remove(uid.as_str());
        for &i in members {
            heads.remove(set[&rows[i]].uid.as_str());
        }
        for old in &followed {
            heads.remove(old.as_str());
        }
        // Big events followed: their other members move (one UPDATE) and take part in the
        // record through the event's stored record (reloading every report of a much
        // reported event in every batch would make ingest quadratic in its reports).
        let mut extra: Vec<Mention> = Vec::new();
        for old in &followed {
            let json: Option<EventJson> = tx
                .prepare_cached(&format!("SELECT {EVENT_JSON} FROM events WHERE uid = ?1"))?
                .query_row([old], |r| EventJson::at(r, 0))
                .optional()?;
            if let Some(json) = json {
                let event: Event = json.event(old)?;
                extra.push(Mention {
                    article_id: "\u{10FFFF}merged".into(),
                    index: 0,
                    event,
                });
            }
            if *old != uid {
                move_keys(tx, old, &uid)?;
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE event_uid = ?2")?
                    .execute(params![uid, old])?;
                for m in set.values_mut().filter(|m| m.db_uid == *old) {
                    m.db_uid = uid.clone();
                }
            }
        }
        let all: Vec<&Mention> = ms.iter().copied().chain(extra.iter()).collect();
        let mut event = merge(&all);
        event.event_id = uid.clone();
        // One report: its record is rebuilt from the mention on read (`EventJson`).
        let one_report = all.len() == 1;
        // Only an event some member of the set belonged to can already be stored under
        // this id: the id hashes the group's smallest key, and a stored event's smallest
        // report (its head) is always among the members it brings into the set.
        let stored = old_sizes.contains_key(uid.as_str());
        write_event(tx, &uid, &event, members.len() + outside, at, stored, one_report, derived)?;
        for &i in members {
            let Some(m) = set.get_mut(&rows[i]) else {
                continue;
            };
            if m.db_uid != uid {
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE rowid = ?2")?
                    .execute(params![uid, rows[i]])?;
                if let Some(key) = &m.c.key {
                    if !m.db_uid.is_empty() {
                        bump_key(tx, key, &m.db_uid, -1)?;
                    }
                    bump_key(tx, key, &uid, 1)?;
                }
                m.db_uid = uid.clone();
            }
        }
    }
    for uid in old_sizes.keys().filter(|u| !new_uids.contains(*u)) {
        heads.remove(uid.as_str());
        let gone: Option<Old> = tx
            .prepare_cached(&format!("DELETE FROM events WHERE uid = ?1 RETURNING {OLD_COLUMNS}"))?
            .query_row([uid], Old::from_row)
            .optional()?;
        if let Some(old) = gone {
            derived.remove(tx, &old)?;
        }
    }
    Ok(changed)
}

/// Events with more reports than this join a re-merge through this many of them.
pub(crate) const BIG_EVENT: usize = 24;

/// At most this many `merge_keys` rows (events under a key) are read per part of a
/// mention's window. The bound keeps a batch's candidate search linear when the store
/// holds windows far denser than any real archive (a synthetic store gave a mention
/// without admin1 every event of its type within a day: 317 on average, 1,543 at most, at
/// 100,000 articles). Real Arabic-language archives stay well under it: ACLED's busiest
/// country-year in the region (Syria) averages about 110 events a day of all types
/// together, and a window is one event type in one governorate (or, without admin1, the
/// whole store) over three days. Only when a window is fuller can a decision differ from
/// an unbounded search (docs/store.md, "Store at scale").
pub(crate) const WINDOW_CAP: i64 = 256;

/// At most this many compatible stored events join a re-merge through one new mention:
/// those with its best scores (ties by event id). Like [`WINDOW_CAP`], a bound for
/// windows denser than real archives: it bites only when one new mention is compatible
/// (type, governorate, place, sides) with more than 64 distinct stored events within a
/// day of its date; only then can a decision differ from an unbounded merge, and only
/// for the lowest-scored of those events, the least likely to take the mention.
pub(crate) const COMPATIBLE_CAP: usize = 64;

/// The events that join a re-merge: for each new mention, the compatible events it found
/// with its best score against them, at most `cap` of them, the best scored (ties to the
/// smaller event id).
pub(crate) fn joining_events(
    by_finder: impl IntoIterator<Item = Vec<(f32, String)>>,
    cap: usize,
) -> BTreeSet<String> {
    let mut joining = BTreeSet::new();
    for mut found in by_finder {
        if found.len() > cap {
            found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            found.truncate(cap);
        }
        joining.extend(found.into_iter().map(|(_, u)| u));
    }
    joining
}

/// Events with a `merge_keys` row in the window of a mention keyed `key` over days
/// `start..=end`: the same event type, admin1 equal or unknown on either side, a
/// day-precise start within a day of the range, or a coarse range overlapping it within
/// a day. The day-precise part is read whole when it holds at most [`WINDOW_CAP`] rows,
/// else as three parts (the same days, the day before, the day after) of at most
/// [`WINDOW_CAP`] rows each, the first in the key's index order (admin1, day range,
/// event id), so nearer days come first and the choice is deterministic; the coarse
/// part reads at most [`WINDOW_CAP`] rows.
pub(crate) fn window(tx: &Transaction, key: &MergeKey, start: i64, end: i64) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let whole = window_part(tx, key, (start - 1, end + 1), false, start, WINDOW_CAP + 1, &mut out)?;
    if whole > WINDOW_CAP as usize {
        out.clear();
        for days in [(start, end), (start - 1, start - 1), (end + 1, end + 1)] {
            window_part(tx, key, days, false, start, WINDOW_CAP, &mut out)?;
        }
    }
    window_part(tx, key, (start - 400, end + 1), true, start, WINDOW_CAP, &mut out)?;
    Ok(out)
}

/// One part of [`window`]: event ids of `merge_keys` rows starting within `days`
/// (coarse or day-precise), at most `limit` of them. Returns the number of rows read.
fn window_part(
    tx: &Transaction,
    key: &MergeKey,
    days: (i64, i64),
    coarse: bool,
    start: i64,
    limit: i64,
    out: &mut Vec<String>,
) -> Result<usize> {
    let sql = match (key.admin1.is_empty(), coarse) {
        (true, false) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND coarse = 0 AND day_start BETWEEN ?2 AND ?3 LIMIT ?5",
        (true, true) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND coarse = 1 AND day_start BETWEEN ?2 AND ?3
               AND day_end >= ?6 - 1 LIMIT ?5",
        (false, false) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND admin1 IN ('', ?4) AND coarse = 0
               AND day_start BETWEEN ?2 AND ?3 LIMIT ?5",
        (false, true) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND admin1 IN ('', ?4) AND coarse = 1
               AND day_start BETWEEN ?2 AND ?3 AND day_end >= ?6 - 1 LIMIT ?5",
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let mut rows = if coarse {
        stmt.query(params![key.event_type, days.0, days.1, key.admin1, limit, start])?
    } else {
        stmt.query(params![key.event_type, days.0, days.1, key.admin1, limit])?
    };
    let mut n = 0;
    while let Some(r) = rows.next()? {
        n += 1;
        let uid: String = r.get(0)?;
        if !uid.is_empty() {
            out.push(uid);
        }
    }
    Ok(n)
}

/// The size and first reports of event `uid`, from the head cache or the database.
fn event_head(tx: &Transaction, heads: &mut HeadCache, uid: &str) -> Result<Arc<Head>> {
    if let Some(h) = heads.get(uid) {
        return Ok(h);
    }
    // The event's number of reports: its `n_sources` (always its mention count, which a
    // test checks); counting the mentions cost a read of every report of a much reported
    // event in every batch that touched it: quadratic ingest.
    let size: i64 = match tx
        .prepare_cached("SELECT n_sources FROM events WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?
    {
        Some(n) => n,
        None => tx
            .prepare_cached("SELECT count(*) FROM mentions WHERE event_uid = ?1")?
            .query_row([uid], |r| r.get(0))?,
    };
    let head = Arc::new(Head {
        size: size.max(0) as usize,
        members: event_members(tx, uid, Some(BIG_EVENT))?,
    });
    heads.insert(uid.to_string(), head.clone());
    Ok(head)
}

/// Mention rows of an event in canonical (`article id`, index) order, the first `limit`
/// (read off the `mentions_event` index: no join, no sort).
fn event_members(tx: &Transaction, uid: &str, limit: Option<usize>) -> Result<Vec<i64>> {
    let limit = limit.map(|l| l as i64).unwrap_or(-1);
    let rows = tx
        .prepare_cached(
            "SELECT rowid FROM mentions WHERE event_uid = ?1 ORDER BY akey, idx LIMIT ?2",
        )?
        .query_map(params![uid, limit], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Write the merged record, its point in the R*Tree, and note its aggregates and actor
/// names in `derived` (written at the end of the batch). `stored`: whether a row may
/// already exist under `uid` (its old values then leave the aggregates).
fn write_event(
    tx: &Transaction,
    uid: &str,
    e: &Event,
    n: usize,
    at: i64,
    stored: bool,
    one_report: bool,
    derived: &mut Derived,
) -> Result<()> {
    let loc = e.location.as_ref();
    let mut actors = String::new();
    for a in [&e.actor1, &e.actor2].into_iter().flatten() {
        actors.push_str(&a.name_ar);
        actors.push(' ');
        actors.push_str(&a.name);
        actors.push_str(" | ");
    }
    let actor1 = e.actor1.as_ref().map(|a| {
        if a.name.is_empty() {
            a.name_ar.clone()
        } else {
            a.name.clone()
        }
    });
    let day = e.date.as_deref().and_then(day_range).map(|d| d.0);
    let names = rasad_text::fold(&actors).to_lowercase();
    let old: Option<Old> = if stored {
        tx.prepare_cached(&format!("SELECT {OLD_COLUMNS} FROM events WHERE uid = ?1"))?
            .query_row([uid], Old::from_row)
            .optional()?
    } else {
        None
    };
    let country = e.country.as_ref().or(loc.and_then(|l| l.country.as_ref()));
    let admin1 = e.admin1.as_ref().or(loc.and_then(|l| l.admin1.as_ref()));
    let (lat, lon) = (loc.and_then(|l| l.lat), loc.and_then(|l| l.lon));
    // An upsert, not INSERT OR REPLACE: the row keeps its rowid (the R*Tree and the
    // actor index point at it).
    let rowid: i64 = tx.prepare_cached(
        "INSERT INTO events (uid, event_type, sub_event_type, date, day, country, admin1, admin2, location,
            lat, lon, actors_folded, actor1, fatalities, status, confidence, n_sources, updated_at, json, sort_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
         ON CONFLICT (uid) DO UPDATE SET event_type = excluded.event_type, sub_event_type = excluded.sub_event_type,
            date = excluded.date, day = excluded.day, country = excluded.country, admin1 = excluded.admin1,
            admin2 = excluded.admin2, location = excluded.location, lat = excluded.lat, lon = excluded.lon,
            actors_folded = excluded.actors_folded, actor1 = excluded.actor1, fatalities = excluded.fatalities,
            status = excluded.status, confidence = excluded.confidence, n_sources = excluded.n_sources,
            updated_at = excluded.updated_at, json = excluded.json, sort_key = excluded.sort_key
         RETURNING rowid",
    )?
    .query_row(params![
        uid,
        e.event_type,
        e.sub_event_type,
        e.date,
        day,
        country,
        admin1,
        loc.and_then(|l| l.admin2.clone()),
        loc.map(|l| l.name.as_deref().unwrap_or(l.name_ar.as_str())),
        lat,
        lon,
        names,
        actor1,
        e.fatalities,
        if e.status == Status::Background { "background" } else { "current" },
        e.confidence as f64,
        n as i64,
        at,
        if one_report { Vec::new() } else { pack(&serde_json::to_string(e)?) },
        sort_key(day),
    ], |r| r.get(0))?;
    let point = lat.zip(lon);
    let indexed = match &old {
        Some(o) => {
            derived.count(o, -1);
            if o.point != point && o.point.is_some() {
                tx.prepare_cached("DELETE FROM events_geo WHERE id = ?1")?.execute([rowid])?;
            }
            o.point == point
        }
        None => false,
    };
    if let (Some((lat, lon)), false) = (point, indexed) {
        tx.prepare_cached("INSERT INTO events_geo VALUES (?1, ?2, ?2, ?3, ?3)")?
            .execute(params![rowid, lon, lat])?;
    }
    derived.count(
        &Old {
            rowid,
            date: e.date.clone(),
            event_type: e.event_type.clone(),
            admin1: admin1.map(|a| a.to_string()),
            actor1,
            fatalities: e.fatalities.map(|f| f as i64),
            point,
        },
        1,
    );
    derived
        .actors
        .entry(rowid)
        .or_insert((old.is_some(), None))
        .1 = Some(names);
    Ok(())
}

/// The columns of an event row its side tables depend on.
const OLD_COLUMNS: &str = "rowid, date, event_type, admin1, actor1, fatalities, lat, lon";

/// An event row as the aggregates, the R*Tree and the actor index see it.
struct Old {
    rowid: i64,
    date: Option<String>,
    event_type: String,
    admin1: Option<String>,
    actor1: Option<String>,
    fatalities: Option<i64>,
    point: Option<(f64, f64)>,
}

impl Old {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Old> {
        let lat: Option<f64> = r.get(6)?;
        let lon: Option<f64> = r.get(7)?;
        Ok(Old {
            rowid: r.get(0)?,
            date: r.get(1)?,
            event_type: r.get(2)?,
            admin1: r.get(3)?,
            actor1: r.get(4)?,
            fatalities: r.get(5)?,
            point: lat.zip(lon),
        })
    }
}

/// What the write path keeps beside the event rows, gathered over a batch and written at
/// its end. Why not triggers (schema v5 had them): every event write fired five
/// aggregate upserts (ten for an update) inside a statement journal; a batch touches a
/// few hundred aggregate rows, so one upsert per row per batch does the same work once.
#[derive(Default)]
struct Derived {
    /// Event rowid → (whether the actor index holds it from an earlier batch, the folded
    /// names to index now; `None`: the event is gone).
    actors: HashMap<i64, (bool, Option<String>)>,
    /// (dimension, key) → (events, fatalities) to add to `event_aggs`.
    aggs: HashMap<(i64, String), (i64, i64)>,
}

impl Derived {
    /// Count event `e` `sign` times (+1 written, −1 replaced or removed) in the aggregates.
    fn count(&mut self, e: &Old, sign: i64) {
        let f = e.fatalities.unwrap_or(0) * sign;
        let keys = [
            (0, Some("")),
            (1, e.date.as_deref()),
            (2, Some(e.event_type.as_str())),
            (3, e.admin1.as_deref()),
            (4, e.actor1.as_deref()),
        ];
        for (dim, key) in keys {
            if let Some(k) = key {
                let a = self.aggs.entry((dim, k.to_string())).or_default();
                a.0 += sign;
                a.1 += f;
            }
        }
    }

    /// A deleted event: out of the aggregates, the R*Tree and the actor index.
    fn remove(&mut self, tx: &Transaction, old: &Old) -> Result<()> {
        self.count(old, -1);
        if old.point.is_some() {
            tx.prepare_cached("DELETE FROM events_geo WHERE id = ?1")?
                .execute([old.rowid])?;
        }
        self.actors.entry(old.rowid).or_insert((true, None)).1 = None;
        Ok(())
    }

    fn write_aggregates(&mut self, tx: &Transaction) -> Result<()> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO event_aggs (dim, key, n, fatalities) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, fatalities = fatalities + excluded.fatalities",
        )?;
        for ((dim, key), (n, f)) in self.aggs.drain() {
            if n != 0 || f != 0 {
                stmt.execute(params![dim, key, n, f])?;
            }
        }
        Ok(())
    }
}

/// The list order as one integer: newest day first, undated last (then by uid).
pub(crate) fn sort_key(day: Option<i64>) -> i64 {
    day.map(|d| -d).unwrap_or(i64::MAX)
}
