//! The write path: deduplicate, extract, store articles and mentions, then re-merge
//! (`merge.rs`) — one transaction per batch, under the write lock (see the crate doc),
//! with set-based statements.

use std::collections::{BTreeMap, HashMap, HashSet};

use postgres::Transaction;
use rasad_extract::Extractor;
use rasad_merge::day_range;
use rasad_model::{Article, Event};

use crate::merge::{loaded, remerge, Loaded};
use crate::{no_nul, now, text_hash, IngestReport, PgStore, Result, WRITE_LOCK};

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
#[cfg(test)]
fn search_words(a: &Article) -> String {
    search_words_folded(a, rasad_text::fold(&a.text))
}

/// [`search_words`] with the article's text already folded (the write path folds it
/// once, for its hash and its words).
fn search_words_folded(a: &Article, mut folded: String) -> String {
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
        let results = rasad_store::on_all_cores(
            &fresh,
            |a| rasad_store::extract_caught(extractor, a),
            |_| Err("extractor thread panicked".into()),
        );
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
            search: String,
            article: Article,
            events: Vec<Event>,
        }
        let mut rows: Vec<Row> = Vec::new();
        for (article, result) in items {
            // folded once: for the hash and for the search words
            let folded = rasad_text::fold(&article.text);
            let hash = rasad_store::hash_folded(&folded);
            let id = article_id(&article, &hash);
            match result {
                Ok(events) => rows.push(Row {
                    id,
                    hash,
                    search: search_words_folded(&article, folded),
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
        let search: Vec<&str> = rows.iter().map(|r| r.search.as_str()).collect();
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
