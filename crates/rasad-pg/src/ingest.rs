//! The write path: deduplicate, extract, store, re-merge — one transaction per batch,
//! under the write lock (see the crate doc), with set-based statements.
//!
//! The merge is the SQLite store's algorithm step for step (`rasad_store`'s
//! `ingest.rs`): the candidate search, the "big event" rule, the clustering and the
//! rewrite are the same, only batched: each step is one statement over arrays instead
//! of one statement per mention, because here every statement is a round trip to the
//! server.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use postgres::Transaction;
use rasad_extract::Extractor;
use rasad_merge::{cluster, cluster_uid, day_range, merge, Features, Mention};
use rasad_model::{Article, Event, Status};

use crate::{no_nul, now, text_hash, IngestReport, PgStore, Result, WRITE_LOCK};

/// Events with more reports than this join a re-merge through this many of them (the
/// SQLite store's `BIG_EVENT`; the two must agree for the same merge result).
const BIG_EVENT: i64 = 24;

/// The text search covers this many bytes of an article (title and text, folded):
/// PostgreSQL refuses a `tsvector` over 1 MB, and an untrusted article may be larger.
const SEARCH_BYTES: usize = 512 * 1024;

/// The id an article is stored under: its own, or one derived from its text.
fn article_id(a: &Article, hash: &str) -> String {
    let id = a.id.trim();
    if id.is_empty() {
        format!("sha-{}", &hash[..16])
    } else {
        no_nul(id).into_owned()
    }
}

fn clean_url(a: &Article) -> Option<String> {
    a.url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| no_nul(u).into_owned())
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(|s| no_nul(s).into_owned())
}

/// The words of an article's folded title and text (the first [`SEARCH_BYTES`]), lower
/// case, each once, joined by spaces: the server builds the `tsvector` from them with
/// `array_to_tsvector(string_to_array(…, ' '))`. Splitting here rather than with
/// `to_tsvector` makes the index and the query (`query::tsquery`) split words the same
/// way, the way the SQLite store splits its FTS queries, and takes the parse off the
/// server: `to_tsvector` on 500 articles took ~130 ms of a ~250 ms insert.
fn search_words(a: &Article) -> String {
    let mut folded = rasad_text::fold(&a.text);
    if let Some(t) = &a.title {
        folded = format!("{}\n{folded}", rasad_text::fold(t));
    }
    if folded.len() > SEARCH_BYTES {
        let mut end = SEARCH_BYTES;
        while !folded.is_char_boundary(end) {
            end -= 1;
        }
        folded.truncate(end);
    }
    let mut words: Vec<String> = crate::query::words(&folded).collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

impl PgStore {
    /// Whether an article with this id, URL or folded text is already stored.
    pub fn contains(&mut self, a: &Article) -> Result<bool> {
        Ok(self.stored(std::slice::from_ref(a))?[0])
    }

    /// For each article, whether the store already has one with its id, URL or folded
    /// text: one query for the whole batch.
    fn stored(&mut self, articles: &[Article]) -> Result<Vec<bool>> {
        let keys: Vec<(String, String, Option<String>)> = articles
            .iter()
            .map(|a| {
                let h = text_hash(&a.text);
                (article_id(a, &h), h, clean_url(a))
            })
            .collect();
        let ids: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
        let hashes: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
        let urls: Vec<&str> = keys.iter().filter_map(|k| k.2.as_deref()).collect();
        let rows = self.client.query(
            "SELECT id, text_hash, url FROM articles
             WHERE id = ANY($1) OR text_hash = ANY($2) OR url = ANY($3)",
            &[&ids, &hashes, &urls],
        )?;
        let mut seen: HashSet<String> = HashSet::new();
        for r in rows {
            seen.insert(format!("i{}", r.get::<_, String>(0)));
            seen.insert(format!("h{}", r.get::<_, String>(1)));
            if let Some(u) = r.get::<_, Option<String>>(2) {
                seen.insert(format!("u{u}"));
            }
        }
        Ok(keys
            .iter()
            .map(|(i, h, u)| {
                seen.contains(&format!("i{i}"))
                    || seen.contains(&format!("h{h}"))
                    || u.as_ref().is_some_and(|u| seen.contains(&format!("u{u}")))
            })
            .collect())
    }

    /// Whether an article is stored under this id or URL (the feed watcher asks before
    /// fetching a page it may already have).
    pub fn has_article_key(&mut self, key: &str) -> Result<bool> {
        let key = no_nul(key);
        let r = self.client.query_opt(
            "SELECT 1 FROM articles WHERE id = $1 OR url = $1 LIMIT 1",
            &[&key.as_ref()],
        )?;
        Ok(r.is_some())
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

    /// [`PgStore::ingest_articles`] noting where the articles came from (file, feed URL).
    /// Extraction runs on all cores, outside the transaction and the write lock.
    pub fn ingest_articles_from(
        &mut self,
        articles: &[Article],
        extractor: &Extractor,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        if articles.is_empty() {
            return Ok(IngestReport::default());
        }
        let known = self.stored(articles)?;
        let fresh: Vec<&Article> = articles
            .iter()
            .zip(&known)
            .filter(|(_, k)| !**k)
            .map(|(a, _)| a)
            .collect();
        let dup = (articles.len() - fresh.len()) as u64;
        let results = extract_all(&fresh, extractor);
        let items: Vec<(Article, std::result::Result<Vec<Event>, String>)> =
            fresh.into_iter().cloned().zip(results).collect();
        let mut report = self.ingest_extracted(items, source)?;
        report.seen += dup;
        report.duplicates += dup;
        Ok(report)
    }

    /// Store articles whose events the caller already extracted (or failed to), merge
    /// their events into the stored ones, all in one transaction under the write lock.
    pub fn ingest_extracted(
        &mut self,
        items: Vec<(Article, std::result::Result<Vec<Event>, String>)>,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        let mut report = IngestReport {
            seen: items.len() as u64,
            ..Default::default()
        };
        if items.is_empty() {
            return Ok(report);
        }
        let at = now();
        let source = source.map(|s| no_nul(s).into_owned());
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;

        // Failed extractions: recorded, not stored (a later run retries them).
        let mut failed: Vec<(Option<String>, String)> = Vec::new();
        // Articles to store, in batch order.
        struct Row {
            id: String,
            hash: String,
            article: Article,
            events: Vec<Event>,
        }
        let mut rows: Vec<Row> = Vec::new();
        for (article, result) in items {
            let hash = text_hash(&article.text);
            let id = article_id(&article, &hash);
            match result {
                Ok(events) => rows.push(Row {
                    id,
                    hash,
                    article,
                    events,
                }),
                Err(msg) => failed.push((Some(id), msg)),
            }
        }
        report.failed = failed.len() as u64;
        insert_errors(&mut tx, at, source.as_deref(), &failed)?;

        // Articles: ON CONFLICT DO NOTHING on id, text hash and URL; RETURNING says which
        // were new (an article repeated within the batch is stored once, first wins).
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let urls: Vec<Option<String>> = rows.iter().map(|r| clean_url(&r.article)).collect();
        let hashes: Vec<&str> = rows.iter().map(|r| r.hash.as_str()).collect();
        let outlets: Vec<Option<String>> = rows.iter().map(|r| opt(&r.article.outlet)).collect();
        let published: Vec<Option<String>> =
            rows.iter().map(|r| opt(&r.article.published)).collect();
        let titles: Vec<Option<String>> = rows.iter().map(|r| opt(&r.article.title)).collect();
        let texts: Vec<String> = rows
            .iter()
            .map(|r| no_nul(&r.article.text).into_owned())
            .collect();
        let search: Vec<String> = rows.iter().map(|r| search_words(&r.article)).collect();
        let inserted = tx.query(
            "INSERT INTO articles (id, url, text_hash, outlet, published, title, text, source, ingested_at, search)
             SELECT id, url, h, o, p, t, x, $8, $9, array_to_tsvector(string_to_array(f, ' '))
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $10::text[])
                  WITH ORDINALITY AS u(id, url, h, o, p, t, x, f, n)
             ORDER BY n
             ON CONFLICT DO NOTHING
             RETURNING rowid, id",
            &[&ids, &urls, &hashes, &outlets, &published, &titles, &texts, &source, &at, &search],
        )?;
        let new_ids: HashMap<String, i64> = inserted
            .iter()
            .map(|r| (r.get::<_, String>(1), r.get::<_, i64>(0)))
            .collect();
        report.added = new_ids.len() as u64;
        report.duplicates = rows.len() as u64 - report.added;

        // Mentions of the new articles.
        let (mut m_article, mut m_idx, mut m_type, mut m_admin1) = (vec![], vec![], vec![], vec![]);
        let (mut m_start, mut m_end, mut m_coarse, mut m_json) = (vec![], vec![], vec![], vec![]);
        let mut m_owner: Vec<String> = Vec::new();
        let mut taken: HashSet<i64> = HashSet::new();
        for row in rows {
            let Some(&rowid) = new_ids.get(&row.id) else {
                continue;
            };
            // Two rows with one id: only the first was inserted.
            if !taken.insert(rowid) {
                continue;
            }
            for (i, mut e) in row.events.into_iter().enumerate() {
                e.event_id = format!("{}#{i}", row.id);
                let days = e.date.as_deref().and_then(day_range);
                let admin1 = e
                    .admin1
                    .as_ref()
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty())
                    .map(|s| no_nul(&s).into_owned());
                m_article.push(rowid);
                m_idx.push(i as i32);
                m_type.push(no_nul(&e.event_type).into_owned());
                m_admin1.push(admin1);
                m_start.push(days.map(|d| d.0 as i32));
                m_end.push(days.map(|d| d.1 as i32));
                m_coarse.push(days.is_some_and(|d| d.1 > d.0));
                m_json.push(serde_json::to_string(&e)?);
                m_owner.push(row.id.clone());
            }
        }
        let mut set: BTreeMap<i64, Loaded> = BTreeMap::new();
        if !m_json.is_empty() {
            let ins = tx.query(
                "INSERT INTO mentions (article, idx, event_type, admin1, day_start, day_end, coarse, event_uid, json)
                 SELECT a, i, t, ad, s, e, c, '', j
                 FROM unnest($1::int8[], $2::int4[], $3::text[], $4::text[], $5::int4[], $6::int4[], $7::bool[], $8::text[])
                      WITH ORDINALITY AS u(a, i, t, ad, s, e, c, j, n)
                 ORDER BY n
                 RETURNING rowid, article, idx",
                &[&m_article, &m_idx, &m_type, &m_admin1, &m_start, &m_end, &m_coarse, &m_json],
            )?;
            // RETURNING order is not promised: match rows back by (article, idx).
            let mut pos: HashMap<(i64, i32), usize> = HashMap::new();
            for (k, (a, i)) in m_article.iter().zip(&m_idx).enumerate() {
                pos.insert((*a, *i), k);
            }
            for r in ins {
                let (rowid, a, i): (i64, i64, i32) = (r.get(0), r.get(1), r.get(2));
                let Some(&k) = pos.get(&(a, i)) else { continue };
                set.insert(
                    rowid,
                    loaded(m_owner[k].clone(), i, String::new(), &m_json[k])?,
                );
            }
            report.mentions = set.len() as u64;
        }
        report.events_changed = remerge(&mut tx, set, at)? as u64;
        bump(&mut tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// Record a per-article error (unreadable file, broken JSON line, failed fetch).
    /// An identical error already recorded for the same source and article is not repeated.
    pub fn record_error(
        &mut self,
        source: Option<&str>,
        article_id: Option<&str>,
        message: &str,
    ) -> Result<()> {
        let mut tx = self.client.transaction()?;
        let source = source.map(|s| no_nul(s).into_owned());
        insert_errors(
            &mut tx,
            now(),
            source.as_deref(),
            &[(
                article_id.map(|s| no_nul(s).into_owned()),
                message.to_string(),
            )],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Count a write in `rasad_state` (last statement before commit: the row lock it takes
/// is held only for the commit).
fn bump(tx: &mut Transaction) -> Result<()> {
    tx.execute(
        "UPDATE rasad_state SET version = version + 1 WHERE id = 1",
        &[],
    )?;
    Ok(())
}

/// Extract every article on all cores; a panic costs one article, not the run.
pub(crate) fn extract_all(
    fresh: &[&Article],
    extractor: &Extractor,
) -> Vec<std::result::Result<Vec<Event>, String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(fresh.len().max(1));
    let chunk = fresh.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = fresh
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|a| {
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
            .zip(fresh.chunks(chunk))
            .flat_map(|(h, part)| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("extractor thread panicked".into()); part.len()])
            })
            .collect()
    })
}

fn insert_errors(
    tx: &mut Transaction,
    at: i64,
    source: Option<&str>,
    errs: &[(Option<String>, String)],
) -> Result<()> {
    if errs.is_empty() {
        return Ok(());
    }
    let ids: Vec<Option<&str>> = errs.iter().map(|e| e.0.as_deref()).collect();
    let msgs: Vec<String> = errs.iter().map(|e| no_nul(&e.1).into_owned()).collect();
    tx.execute(
        "INSERT INTO errors (at, source, article_id, message)
         SELECT $1, $2, i, m FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(i, m, n)
         ORDER BY n
         ON CONFLICT DO NOTHING",
        &[&at, &source, &ids, &msgs],
    )?;
    Ok(())
}

/// A stored mention with what merging needs.
struct Loaded {
    mention: Mention,
    uid: String,
    features: Features,
}

/// A mention as the merge sees it, read back from its stored JSON (as the SQLite store
/// does, so both merge exactly the same values).
fn loaded(article_id: String, idx: i32, uid: String, json: &str) -> Result<Loaded> {
    let event: Event = serde_json::from_str(json)?;
    let mention = Mention {
        article_id,
        index: idx.max(0) as u32,
        event,
    };
    let features = Features::of(&mention);
    Ok(Loaded {
        mention,
        uid,
        features,
    })
}

/// Re-cluster the new mentions with the stored mentions they could belong with, and
/// rewrite the affected events. Returns how many events were written.
fn remerge(tx: &mut Transaction, mut set: BTreeMap<i64, Loaded>, at: i64) -> Result<usize> {
    if set.is_empty() {
        return Ok(0);
    }
    // 1. Events with a stored mention in the window of a new one (same type, dates within
    // a day, same admin1), with the new mentions whose window found them: one query.
    let (mut q_row, mut q_type, mut q_start, mut q_end, mut q_admin1) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (r, l) in &set {
        let Some((start, end)) = l.features.days() else {
            continue;
        };
        q_row.push(*r);
        q_type.push(l.mention.event.event_type.clone());
        q_start.push(start as i32);
        q_end.push(end as i32);
        q_admin1.push(
            l.mention
                .event
                .admin1
                .as_ref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
        );
    }
    let mut by_event: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    if !q_row.is_empty() {
        let found = tx.query(
            "SELECT DISTINCT q.r, w.event_uid
             FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int4[], $5::text[]) AS q(r, t, s, e, a)
             CROSS JOIN LATERAL (
                 SELECT m.event_uid FROM mentions m
                  WHERE m.event_type = q.t AND NOT m.coarse AND m.day_start BETWEEN q.s - 1 AND q.e + 1
                    AND (m.admin1 IS NULL OR q.a IS NULL OR m.admin1 = q.a)
                 UNION
                 SELECT m.event_uid FROM mentions m
                  WHERE m.event_type = q.t AND m.coarse AND m.day_start BETWEEN q.s - 400 AND q.e + 1
                    AND m.day_end >= q.s - 1 AND (m.admin1 IS NULL OR q.a IS NULL OR m.admin1 = q.a)
             ) w
             WHERE w.event_uid <> ''",
            &[&q_row, &q_type, &q_start, &q_end, &q_admin1],
        )?;
        for r in found {
            by_event
                .entry(r.get::<_, String>(1))
                .or_default()
                .insert(r.get::<_, i64>(0));
        }
    }
    // 2. An event joins the set when one of its members is compatible with a finder:
    // entire when small, through its first BIG_EVENT members (by canonical key) when
    // large. Sizes and members of every candidate: two queries.
    let uids: Vec<&str> = by_event.keys().map(String::as_str).collect();
    let mut sizes: HashMap<String, i64> = HashMap::new();
    let mut members: HashMap<String, Vec<(i64, Loaded)>> = HashMap::new();
    if !uids.is_empty() {
        for r in tx.query(
            "SELECT event_uid, count(*) FROM mentions WHERE event_uid = ANY($1) GROUP BY event_uid",
            &[&uids],
        )? {
            sizes.insert(r.get(0), r.get(1));
        }
        for r in tx.query(
            "SELECT uid, rowid, id, idx, json FROM (
                 SELECT m.event_uid AS uid, m.rowid, a.id, m.idx, m.json,
                        row_number() OVER (PARTITION BY m.event_uid ORDER BY a.id, m.idx) AS rn
                   FROM mentions m JOIN articles a ON a.rowid = m.article
                  WHERE m.event_uid = ANY($1)) x
             WHERE rn <= $2 ORDER BY uid, rn",
            &[&uids, &BIG_EVENT],
        )? {
            let uid: String = r.get(0);
            let l = loaded(r.get(2), r.get(3), uid.clone(), r.get(4))?;
            members.entry(uid).or_default().push((r.get(1), l));
        }
    }
    let mut big: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // uid -> (size, head row)
    for (uid, finders) in by_event {
        let size = sizes.get(&uid).copied().unwrap_or(0).max(0) as usize;
        let loaded = members.remove(&uid).unwrap_or_default();
        let compatible = loaded.iter().any(|(_, l)| {
            finders
                .iter()
                .any(|n| rasad_merge::score_features(&set[n].features, &l.features).is_some())
        });
        if !compatible {
            continue;
        }
        if size > BIG_EVENT as usize {
            big.insert(
                uid.clone(),
                (size, loaded.first().map(|m| m.0).unwrap_or(-1)),
            );
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
    let mut old_sizes: HashMap<&str, usize> = HashMap::new();
    for l in set.values().filter(|l| !l.uid.is_empty()) {
        *old_sizes.entry(l.uid.as_str()).or_default() += 1;
    }
    let mut heads: HashMap<i64, &str> = HashMap::new();
    for (uid, (_, head)) in &big {
        heads.insert(*head, uid.as_str());
    }
    // The stored records of big events (they stand in for their members outside the set).
    let mut big_records: HashMap<String, Event> = HashMap::new();
    if !big.is_empty() {
        let keys: Vec<&str> = big.keys().map(String::as_str).collect();
        for r in tx.query("SELECT uid, json FROM events WHERE uid = ANY($1)", &[&keys])? {
            let json: String = r.get(1);
            big_records.insert(r.get(0), serde_json::from_str(&json)?);
        }
    }
    let mut new_uids: HashSet<String> = HashSet::new();
    let mut moves: Vec<(String, String)> = Vec::new(); // big event: old uid -> new uid
    let mut relabel: Vec<(i64, String)> = Vec::new(); // mention row -> new uid
    let mut written: Vec<(String, Event, usize)> = Vec::new();
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
        let unchanged = old_sizes.get(uid.as_str()) == Some(&members.len())
            && members.iter().all(|&i| set[&rows[i]].uid == uid);
        new_uids.insert(uid.clone());
        if unchanged {
            continue;
        }
        let mut extra: Vec<Mention> = Vec::new();
        for old in &followed {
            if let Some(event) = big_records.get(*old) {
                extra.push(Mention {
                    article_id: "\u{10FFFF}merged".into(),
                    index: 0,
                    event: event.clone(),
                });
            }
            if *old != uid {
                moves.push((old.to_string(), uid.clone()));
            }
        }
        let all: Vec<&Mention> = ms.iter().copied().chain(extra.iter()).collect();
        let mut event = merge(&all);
        event.event_id = uid.clone();
        for &i in members {
            if set[&rows[i]].uid != uid {
                relabel.push((rows[i], uid.clone()));
            }
        }
        written.push((uid, event, members.len() + outside));
    }
    let changed = written.len();
    // Writes, one statement each: big events' members follow their head (one UPDATE
    // over the old -> new map, evaluated against the rows as they were), then the set's
    // mentions take their group's id, then the events are written and the vanished ones
    // deleted.
    if !moves.is_empty() {
        let (old, new): (Vec<&str>, Vec<&str>) =
            moves.iter().map(|(o, n)| (o.as_str(), n.as_str())).unzip();
        tx.execute(
            "UPDATE mentions m SET event_uid = mv.new
               FROM unnest($1::text[], $2::text[]) AS mv(old, new)
              WHERE m.event_uid = mv.old",
            &[&old, &new],
        )?;
    }
    if !relabel.is_empty() {
        let (r, u): (Vec<i64>, Vec<&str>) = relabel.iter().map(|(r, u)| (*r, u.as_str())).unzip();
        tx.execute(
            "UPDATE mentions m SET event_uid = x.u
               FROM unnest($1::int8[], $2::text[]) AS x(r, u)
              WHERE m.rowid = x.r",
            &[&r, &u],
        )?;
    }
    write_events(tx, &written, at)?;
    let gone: Vec<&str> = old_sizes
        .keys()
        .copied()
        .filter(|u| !new_uids.contains(*u))
        .collect();
    if !gone.is_empty() {
        tx.execute("DELETE FROM events WHERE uid = ANY($1)", &[&gone])?;
    }
    Ok(changed)
}

/// Insert or replace merged events: one statement for the batch.
fn write_events(tx: &mut Transaction, events: &[(String, Event, usize)], at: i64) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    // Later rows replace earlier ones with the same id (as SQLite's INSERT OR REPLACE);
    // one statement may not update a row twice.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, (uid, _, _)) in events.iter().enumerate() {
        last.insert(uid.as_str(), i);
    }
    let mut c: Cols = Cols::default();
    for (i, (uid, e, n)) in events.iter().enumerate() {
        if last[uid.as_str()] != i {
            continue;
        }
        c.push(uid, e, *n)?;
    }
    tx.execute(
        "INSERT INTO events (uid, event_type, sub_event_type, date, day, country, admin1, admin2, location,
            lat, lon, actors_folded, actor1, fatalities, status, confidence, n_sources, updated_at, json)
         SELECT u, t, st, d, dy, c, a1, a2, l, la, lo, af, ac, f, s, cf, n, $18, j
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::float8[], $11::float8[], $12::text[], $13::text[],
                       $14::int4[], $15::text[], $16::float4[], $17::int4[], $19::text[])
                AS x(u, t, st, d, dy, c, a1, a2, l, la, lo, af, ac, f, s, cf, n, j)
         ON CONFLICT (uid) DO UPDATE SET
            event_type = EXCLUDED.event_type, sub_event_type = EXCLUDED.sub_event_type,
            date = EXCLUDED.date, day = EXCLUDED.day, country = EXCLUDED.country,
            admin1 = EXCLUDED.admin1, admin2 = EXCLUDED.admin2, location = EXCLUDED.location,
            lat = EXCLUDED.lat, lon = EXCLUDED.lon, actors_folded = EXCLUDED.actors_folded,
            actor1 = EXCLUDED.actor1, fatalities = EXCLUDED.fatalities, status = EXCLUDED.status,
            confidence = EXCLUDED.confidence, n_sources = EXCLUDED.n_sources,
            updated_at = EXCLUDED.updated_at, json = EXCLUDED.json",
        &[
            &c.uid, &c.event_type, &c.sub_type, &c.date, &c.day, &c.country, &c.admin1, &c.admin2,
            &c.location, &c.lat, &c.lon, &c.actors, &c.actor1, &c.fatalities, &c.status,
            &c.confidence, &c.n, &at, &c.json,
        ],
    )?;
    Ok(())
}

/// The typed columns of a batch of events, one array per column.
#[derive(Default)]
struct Cols {
    uid: Vec<String>,
    event_type: Vec<String>,
    sub_type: Vec<String>,
    date: Vec<Option<String>>,
    day: Vec<Option<i32>>,
    country: Vec<Option<String>>,
    admin1: Vec<Option<String>>,
    admin2: Vec<Option<String>>,
    location: Vec<Option<String>>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
    actors: Vec<String>,
    actor1: Vec<Option<String>>,
    fatalities: Vec<Option<i32>>,
    status: Vec<String>,
    confidence: Vec<f32>,
    n: Vec<i32>,
    json: Vec<String>,
}

/// A text column's value without NULs.
fn s<T: AsRef<str> + ?Sized>(v: Option<&T>) -> Option<String> {
    v.map(|s| no_nul(s.as_ref()).into_owned())
}

impl Cols {
    /// The same derived columns as the SQLite store's `write_event`.
    fn push(&mut self, uid: &str, e: &Event, n: usize) -> Result<()> {
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
        // NaN coordinates would poison the GiST index's boxes; they match no bbox anyway.
        let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
        self.uid.push(uid.to_string());
        self.event_type.push(no_nul(&e.event_type).into_owned());
        self.sub_type.push(no_nul(&e.sub_event_type).into_owned());
        self.date.push(s(e.date.as_ref()));
        self.day
            .push(e.date.as_deref().and_then(day_range).map(|d| d.0 as i32));
        self.country.push(s(e
            .country
            .as_ref()
            .or(loc.and_then(|l| l.country.as_ref()))));
        self.admin1
            .push(s(e.admin1.as_ref().or(loc.and_then(|l| l.admin1.as_ref()))));
        self.admin2.push(s(loc.and_then(|l| l.admin2.as_ref())));
        self.location.push(
            loc.map(|l| no_nul(l.name.as_deref().unwrap_or(l.name_ar.as_str())).into_owned()),
        );
        self.lat.push(finite(loc.and_then(|l| l.lat)));
        self.lon.push(finite(loc.and_then(|l| l.lon)));
        self.actors
            .push(no_nul(&rasad_text::fold(&actors).to_lowercase()).into_owned());
        self.actor1.push(s(actor1.as_ref()));
        self.fatalities
            .push(e.fatalities.map(|f| f.min(i32::MAX as u32) as i32));
        self.status.push(
            if e.status == Status::Background {
                "background"
            } else {
                "current"
            }
            .into(),
        );
        self.confidence.push(e.confidence);
        self.n.push(n.min(i32::MAX as usize) as i32);
        self.json.push(serde_json::to_string(e)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_folded_unique_and_bounded() {
        let a = Article {
            id: "x".into(),
            title: Some("إدلب".into()),
            text: "قصفٌ على أريحا، وقصفٌ على إدلب. Shelling!".into(),
            ..Default::default()
        };
        let w = search_words(&a);
        let list: Vec<&str> = w.split(' ').collect();
        assert!(list.contains(&rasad_text::fold("أريحا").as_str()));
        assert!(list.contains(&"shelling"), "{w}");
        assert_eq!(
            list.iter()
                .filter(|x| **x == rasad_text::fold("إدلب"))
                .count(),
            1
        );
        assert!(!list.iter().any(|x| x.is_empty()));
        let long = Article {
            text: "ب ".repeat(SEARCH_BYTES) + "آخر",
            ..Default::default()
        };
        assert_eq!(
            search_words(&long),
            "ب",
            "only the first SEARCH_BYTES are indexed"
        );
        assert_eq!(search_words(&Article::default()), "");
    }

    #[test]
    fn ids_come_from_the_text_when_missing() {
        let a = Article {
            id: "  ".into(),
            text: "نص".into(),
            ..Default::default()
        };
        let h = text_hash(&a.text);
        assert_eq!(article_id(&a, &h), format!("sha-{}", &h[..16]));
        let b = Article {
            id: "a\0b".into(),
            url: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(article_id(&b, &h), "a b");
        assert_eq!(clean_url(&b), None);
    }
}
