//! The write path: deduplicate, extract, store, re-merge — one transaction per batch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rasad_extract::Extractor;
use rasad_merge::{cluster, cluster_uid, day_range, merge, Features, Mention};
use rasad_model::{Article, Event, Status};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

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
    let folded = rasad_text::fold(text);
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
        let id = article_id(a, &hash);
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
    /// Extraction runs on all cores; the write is one transaction.
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
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(fresh.len().max(1));
        let chunk = fresh.len().div_ceil(threads).max(1);
        let results: Vec<std::result::Result<Vec<Event>, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = fresh
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|a| {
                                // A panic in extraction must cost one article, not the run.
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    extractor.extract(a)
                                }))
                                .map_err(|_| "extractor panicked".to_string())
                                .and_then(|r| r.map_err(|e| e.to_string()))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![Err("extractor thread panicked".into())])
                })
                .collect()
        });
        let items: Vec<(Article, std::result::Result<Vec<Event>, String>)> =
            fresh.into_iter().cloned().zip(results).collect();
        let mut report = self.ingest_extracted(items, source)?;
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
        let mut report = IngestReport {
            seen: items.len() as u64,
            ..Default::default()
        };
        let at = now();
        let tx = self.conn.transaction()?;
        let mut new_rows: Vec<i64> = Vec::new();
        for (article, result) in items {
            let hash = text_hash(&article.text);
            let id = article_id(&article, &hash);
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
            let mut folded = rasad_text::fold(&article.text);
            if let Some(t) = &article.title {
                folded = format!("{}\n{folded}", rasad_text::fold(t));
            }
            tx.prepare_cached("INSERT INTO articles_fts (rowid, folded) VALUES (?1, ?2)")?
                .execute(params![rowid, folded])?;
            report.added += 1;
            for (i, mut e) in events.into_iter().enumerate() {
                e.event_id = format!("{id}#{i}");
                let days = e.date.as_deref().and_then(day_range);
                let admin1 = e
                    .admin1
                    .as_ref()
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty());
                tx.prepare_cached(
                    "INSERT INTO mentions (article, idx, event_type, admin1, day_start, day_end, coarse, event_uid, json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8)",
                )?
                .execute(params![
                    rowid,
                    i as i64,
                    e.event_type,
                    admin1,
                    days.map(|d| d.0),
                    days.map(|d| d.1),
                    days.is_some_and(|d| d.1 > d.0) as i64,
                    serde_json::to_string(&e)?
                ])?;
                new_rows.push(tx.last_insert_rowid());
                report.mentions += 1;
            }
        }
        report.events_changed = remerge(&tx, &new_rows, at)? as u64;
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

/// A stored mention with what merging needs.
struct Loaded {
    mention: Mention,
    uid: String,
    features: Features,
}

fn load(tx: &Transaction, rowid: i64) -> Result<Option<Loaded>> {
    let row: Option<(String, i64, String, String)> = tx
        .prepare_cached(
            "SELECT a.id, m.idx, m.event_uid, m.json FROM mentions m JOIN articles a ON a.rowid = m.article WHERE m.rowid = ?1",
        )?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((article_id, idx, uid, json)) = row else {
        return Ok(None);
    };
    let event: Event = serde_json::from_str(&json)?;
    let mention = Mention {
        article_id,
        index: idx as u32,
        event,
    };
    let features = Features::of(&mention);
    Ok(Some(Loaded {
        mention,
        uid,
        features,
    }))
}

/// Re-cluster the new mentions with the stored mentions they could belong with, and
/// rewrite the affected events. Returns how many events were written.
fn remerge(tx: &Transaction, new_rows: &[i64], at: i64) -> Result<usize> {
    if new_rows.is_empty() {
        return Ok(0);
    }
    let mut set: BTreeMap<i64, Loaded> = BTreeMap::new();
    for &r in new_rows {
        if let Some(l) = load(tx, r)? {
            set.insert(r, l);
        }
    }
    let news: Vec<i64> = set.keys().copied().collect();
    // 1. Events with a stored mention in the window of a new one (same type, dates within
    // a day, same admin1), with the new mentions whose window found them.
    let mut by_event: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for r in &news {
        let l = &set[r];
        let Some((start, end)) = l.features.days() else {
            continue;
        };
        let admin1 = l
            .mention
            .event
            .admin1
            .as_ref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let mut stmt = tx.prepare_cached(
            "SELECT DISTINCT event_uid FROM mentions WHERE event_type = ?1 AND coarse = 0 AND day_start BETWEEN ?2 - 1 AND ?3 + 1
               AND (admin1 IS NULL OR ?4 IS NULL OR admin1 = ?4)
             UNION
             SELECT DISTINCT event_uid FROM mentions WHERE event_type = ?1 AND coarse = 1 AND day_start BETWEEN ?2 - 400 AND ?3 + 1
               AND day_end >= ?2 - 1 AND (admin1 IS NULL OR ?4 IS NULL OR admin1 = ?4)",
        )?;
        let uids = stmt.query_map(
            params![l.mention.event.event_type, start, end, admin1],
            |r| r.get::<_, String>(0),
        )?;
        for uid in uids {
            let uid = uid?;
            if !uid.is_empty() {
                by_event.entry(uid).or_default().insert(*r);
            }
        }
    }
    // 2. An event joins the set when one of its members is compatible with a finder:
    // entire when small, through its first BIG_EVENT members (by canonical key) when
    // large, which keeps a much reported event from making every batch quadratic in
    // its number of reports.
    let mut big: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // uid -> (size, head row)
    for (uid, finders) in by_event {
        let size: i64 = tx
            .prepare_cached("SELECT count(*) FROM mentions WHERE event_uid = ?1")?
            .query_row([&uid], |r| r.get(0))?;
        let size = size.max(0) as usize;
        let members = event_members(tx, &uid, Some(BIG_EVENT))?;
        let mut loaded: Vec<(i64, Loaded)> = Vec::new();
        let mut compatible = false;
        for r in &members {
            let Some(l) = load(tx, *r)? else { continue };
            compatible |= finders
                .iter()
                .any(|n| rasad_merge::score_features(&set[n].features, &l.features).is_some());
            loaded.push((*r, l));
        }
        if !compatible {
            continue;
        }
        if size > BIG_EVENT {
            big.insert(uid.clone(), (size, members.first().copied().unwrap_or(-1)));
        }
        set.extend(loaded);
    }
    // 3. Cluster and rewrite.
    let rows: Vec<i64> = set.keys().copied().collect();
    let mentions: Vec<Mention> = rows.iter().map(|r| set[r].mention.clone()).collect();
    let labels = cluster(&mentions);
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    // Old event sizes within the set (big events count their members outside it too).
    let mut old_sizes: HashMap<&str, usize> = HashMap::new();
    for l in set.values().filter(|l| !l.uid.is_empty()) {
        *old_sizes.entry(l.uid.as_str()).or_default() += 1;
    }
    // Each big event's members outside the set follow its head (smallest key).
    let mut heads: HashMap<i64, &str> = HashMap::new();
    for (uid, (_, head)) in &big {
        heads.insert(*head, uid.as_str());
    }
    let mut new_uids: HashSet<String> = HashSet::new();
    let mut changed = 0;
    for members in groups.values() {
        let ms: Vec<&Mention> = members.iter().map(|&i| &mentions[i]).collect();
        let uid = cluster_uid(&ms);
        let followed: Vec<&str> = members
            .iter()
            .filter_map(|&i| heads.get(&rows[i]).copied())
            .collect();
        let outside: usize = followed
            .iter()
            .map(|u| {
                big[*u]
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
        // Big events followed: their other members move (one UPDATE) and take part in the
        // record through the event's stored record (reloading every report of a much
        // reported event in every batch would make ingest quadratic in its reports).
        let mut extra: Vec<Mention> = Vec::new();
        for old in &followed {
            let json: Option<String> = tx
                .prepare_cached("SELECT json FROM events WHERE uid = ?1")?
                .query_row([old], |r| r.get(0))
                .optional()?;
            if let Some(json) = json {
                let event: Event = serde_json::from_str(&json)?;
                extra.push(Mention {
                    article_id: "\u{10FFFF}merged".into(),
                    index: 0,
                    event,
                });
            }
            if *old != uid {
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE event_uid = ?2")?
                    .execute(params![uid, old])?;
            }
        }
        let all: Vec<&Mention> = ms.iter().copied().chain(extra.iter()).collect();
        let mut event = merge(&all);
        event.event_id = uid.clone();
        write_event(tx, &uid, &event, members.len() + outside, at)?;
        for &i in members {
            if set[&rows[i]].uid != uid {
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE rowid = ?2")?
                    .execute(params![uid, rows[i]])?;
            }
        }
    }
    for uid in old_sizes.keys().filter(|u| !new_uids.contains(**u)) {
        tx.prepare_cached("DELETE FROM events WHERE uid = ?1")?
            .execute([uid])?;
    }
    Ok(changed)
}

/// Events with more reports than this join a re-merge through this many of them.
const BIG_EVENT: usize = 24;

/// Mention rows of an event in canonical (`article id`, index) order, the first `limit`.
fn event_members(tx: &Transaction, uid: &str, limit: Option<usize>) -> Result<Vec<i64>> {
    let limit = limit.map(|l| l as i64).unwrap_or(-1);
    let rows = tx
        .prepare_cached(
            "SELECT m.rowid FROM mentions m JOIN articles a ON a.rowid = m.article
             WHERE m.event_uid = ?1 ORDER BY a.id, m.idx LIMIT ?2",
        )?
        .query_map(params![uid, limit], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

fn write_event(tx: &Transaction, uid: &str, e: &Event, n: usize, at: i64) -> Result<()> {
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
    tx.prepare_cached(
        "INSERT OR REPLACE INTO events (uid, event_type, sub_event_type, date, day, country, admin1, admin2, location,
            lat, lon, actors_folded, actor1, fatalities, status, confidence, n_sources, updated_at, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?
    .execute(params![
        uid,
        e.event_type,
        e.sub_event_type,
        e.date,
        e.date.as_deref().and_then(day_range).map(|d| d.0),
        e.country.as_ref().or(loc.and_then(|l| l.country.as_ref())),
        e.admin1.as_ref().or(loc.and_then(|l| l.admin1.as_ref())),
        loc.and_then(|l| l.admin2.clone()),
        loc.map(|l| l.name.as_deref().unwrap_or(l.name_ar.as_str())),
        loc.and_then(|l| l.lat),
        loc.and_then(|l| l.lon),
        rasad_text::fold(&actors).to_lowercase(),
        actor1,
        e.fatalities,
        if e.status == Status::Background { "background" } else { "current" },
        e.confidence as f64,
        n as i64,
        at,
        serde_json::to_string(e)?
    ])?;
    Ok(())
}
