//! The read path: filtered event lists, one event with its sources, one article with its
//! events, dashboard counts, errors, and the per-article mention dump the merge scorer reads.

use rasad_merge::day_range;
use rasad_model::{Article, Event};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use crate::{
    ArticleDetail, EventDetail, EventFilter, IngestError, Page, Result, Source, Stats, Store,
    StoreError, StoredEvent,
};

/// Escape LIKE wildcards so user text matches literally (`ESCAPE '\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// An FTS5 query where every folded word must occur (each quoted: user text is never syntax).
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let folded = rasad_text::fold(text);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn where_clause(f: &EventFilter) -> Result<(String, Vec<Value>)> {
    let mut cond: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    // Plain `?` placeholders: SQLite numbers them left to right, matching `args`.
    let mut push = |c: &str, v: Vec<Value>| {
        args.extend(v);
        cond.push(c.to_string());
    };
    let day = |d: &str, end: bool| -> Result<i64> {
        day_range(d)
            .map(|r| if end { r.1 } else { r.0 })
            .ok_or_else(|| {
                StoreError::Filter(format!("bad date {d:?} (want YYYY-MM-DD, YYYY-MM or YYYY)"))
            })
    };
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(d) = nonempty(&f.date_from) {
        push("day >= ?", vec![Value::Integer(day(&d, false)?)]);
    }
    if let Some(d) = nonempty(&f.date_to) {
        push("day <= ?", vec![Value::Integer(day(&d, true)?)]);
    }
    if let Some(t) = nonempty(&f.event_type) {
        push("lower(event_type) = lower(?)", vec![Value::Text(t)]);
    }
    if let Some(t) = nonempty(&f.sub_event_type) {
        push("lower(sub_event_type) = lower(?)", vec![Value::Text(t)]);
    }
    if let Some(a) = nonempty(&f.actor) {
        let a = rasad_text::fold(&a).to_lowercase();
        push(
            "actors_folded LIKE ? ESCAPE '\\'",
            vec![Value::Text(format!("%{}%", like_escape(&a)))],
        );
    }
    if let Some(c) = nonempty(&f.country) {
        push("lower(country) = lower(?)", vec![Value::Text(c)]);
    }
    if let Some(a) = nonempty(&f.admin1) {
        push("lower(admin1) = lower(?)", vec![Value::Text(a)]);
    }
    if let Some([x0, y0, x1, y1]) = f.bbox {
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            return Err(StoreError::Filter(
                "bbox must be four finite numbers".into(),
            ));
        }
        push(
            "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
            vec![
                Value::Real(x0.min(x1)),
                Value::Real(x0.max(x1)),
                Value::Real(y0.min(y1)),
                Value::Real(y0.max(y1)),
            ],
        );
    }
    if let Some(s) = nonempty(&f.status) {
        let s = s.to_lowercase();
        if s != "current" && s != "background" {
            return Err(StoreError::Filter(format!(
                "status {s:?} (want current or background)"
            )));
        }
        push("status = ?", vec![Value::Text(s)]);
    }
    if let Some(c) = f.min_confidence {
        if c.is_finite() {
            push("confidence >= ?", vec![Value::Real(c as f64)]);
        }
    }
    if let Some(t) = nonempty(&f.text) {
        match fts_query(&t) {
            Some(q) => push(
                "uid IN (SELECT m.event_uid FROM mentions m WHERE m.article IN
                   (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))",
                vec![Value::Text(q)],
            ),
            None => push("0", vec![]),
        }
    }
    let sql = if cond.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", cond.join(" AND "))
    };
    Ok((sql, args))
}

fn stored_event(r: &Row) -> rusqlite::Result<(String, String, i64, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_stored((id, json, n, at): (String, String, i64, i64)) -> Result<StoredEvent> {
    let event: Event = serde_json::from_str(&json)?;
    Ok(StoredEvent {
        id,
        event,
        n_sources: n.max(0) as u32,
        updated_at: at,
    })
}

impl Store {
    /// Events matching `filter`, newest first (undated last), one page.
    pub fn events(&self, filter: &EventFilter, page: Page) -> Result<Vec<StoredEvent>> {
        let (w, mut args) = where_clause(filter)?;
        let limit = if page.limit == 0 {
            -1
        } else {
            page.limit.min(i64::MAX as u64) as i64
        };
        args.push(Value::Integer(limit));
        args.push(Value::Integer(page.offset.min(i64::MAX as u64) as i64));
        let n = args.len();
        let sql = format!(
            "SELECT uid, json, n_sources, updated_at FROM events{w}
             ORDER BY day IS NULL, day DESC, uid LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), stored_event)?;
        rows.map(|r| to_stored(r?)).collect()
    }

    /// How many events match `filter` (for pagination).
    pub fn count_events(&self, filter: &EventFilter) -> Result<u64> {
        let (w, args) = where_clause(filter)?;
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM events{w}"),
            rusqlite::params_from_iter(args),
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// One event with every source (article id, outlet, URL, the mention with its spans).
    pub fn event(&self, id: &str) -> Result<Option<EventDetail>> {
        let row = self
            .conn
            .query_row(
                "SELECT uid, json, n_sources, updated_at FROM events WHERE uid = ?1",
                [id],
                stored_event,
            )
            .optional()?;
        let Some(row) = row else { return Ok(None) };
        let event = to_stored(row)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.outlet, a.url, a.published, a.title, m.json FROM mentions m
             JOIN articles a ON a.rowid = m.article WHERE m.event_uid = ?1
             ORDER BY a.published IS NULL, a.published, a.id, m.idx",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut sources = Vec::new();
        for r in rows {
            let (article_id, outlet, url, published, title, json) = r?;
            sources.push(Source {
                article_id,
                outlet,
                url,
                published,
                title,
                mention: serde_json::from_str(&json)?,
            });
        }
        Ok(Some(EventDetail { event, sources }))
    }

    /// One article with its text and its events (merged id + mention with spans).
    pub fn article(&self, id: &str) -> Result<Option<ArticleDetail>> {
        let row = self
            .conn
            .query_row(
                "SELECT rowid, id, outlet, url, published, title, text, source, ingested_at FROM articles WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Article {
                            id: r.get(1)?,
                            outlet: r.get(2)?,
                            url: r.get(3)?,
                            published: r.get(4)?,
                            title: r.get(5)?,
                            text: r.get(6)?,
                        },
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, i64>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((rowid, article, source, ingested_at)) = row else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT event_uid, json FROM mentions WHERE article = ?1 ORDER BY idx",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut events = Vec::new();
        for r in rows {
            let (uid, json) = r?;
            events.push((uid, serde_json::from_str(&json)?));
        }
        Ok(Some(ArticleDetail {
            article,
            source,
            ingested_at,
            events,
        }))
    }

    /// Dashboard counts over the events matching `filter`: by day, type, admin1 and
    /// acting side (top 50 each, except days which are all listed in order).
    pub fn stats(&self, filter: &EventFilter) -> Result<Stats> {
        let (w, args) = where_clause(filter)?;
        let (events, fatalities): (i64, i64) = self.conn.query_row(
            &format!("SELECT count(*), coalesce(sum(fatalities), 0) FROM events{w}"),
            rusqlite::params_from_iter(args.clone()),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let group = |col: &str, order: &str, limit: &str| -> Result<Vec<(String, u64)>> {
            let sql = format!(
                "SELECT {col} AS k, count(*) AS n FROM events{w} {and} {col} IS NOT NULL GROUP BY k ORDER BY {order} {limit}",
                and = if w.is_empty() { "WHERE" } else { "AND" }
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.clone()), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        };
        Ok(Stats {
            events: events as u64,
            fatalities: fatalities.max(0) as u64,
            by_day: group("date", "k", "")?
                .into_iter()
                .filter(|(d, _)| d.len() == 10)
                .collect(),
            by_type: group("event_type", "n DESC, k", "LIMIT 50")?,
            by_admin1: group("admin1", "n DESC, k", "LIMIT 50")?,
            by_actor: group("actor1", "n DESC, k", "LIMIT 50")?,
        })
    }

    /// Recorded per-article errors, newest first (`limit` 0 = all).
    pub fn errors(&self, limit: u64) -> Result<Vec<IngestError>> {
        let limit = if limit == 0 {
            -1
        } else {
            limit.min(i64::MAX as u64) as i64
        };
        let mut stmt = self.conn.prepare(
            "SELECT at, source, article_id, message FROM errors ORDER BY rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(IngestError {
                at: r.get(0)?,
                source: r.get(1)?,
                article_id: r.get(2)?,
                message: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every stored article in ingest order with its mentions, each mention's `event_id`
    /// set to the merged event's id: the `mentions-jsonl` export that `score_merge.py` reads.
    pub fn mentions_by_article(
        &self,
        mut f: impl FnMut(&str, Vec<Event>) -> Result<()>,
    ) -> Result<()> {
        let mut arts = self
            .conn
            .prepare("SELECT rowid, id FROM articles ORDER BY rowid")?;
        let mut ments = self.conn.prepare_cached(
            "SELECT event_uid, json FROM mentions WHERE article = ?1 ORDER BY idx",
        )?;
        let mut rows = arts.query([])?;
        while let Some(r) = rows.next()? {
            let (rowid, id): (i64, String) = (r.get(0)?, r.get(1)?);
            let mut events = Vec::new();
            for m in ments.query_map(params![rowid], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })? {
                let (uid, json) = m?;
                let mut e: Event = serde_json::from_str(&json)?;
                e.event_id = uid;
                events.push(e);
            }
            f(&id, events)?;
        }
        Ok(())
    }
}
