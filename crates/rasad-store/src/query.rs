//! The read path: filtered event lists, one event with its sources, one article with its
//! events, dashboard counts, errors, and the per-article mention dump the merge scorer reads.

use std::collections::HashMap;

use rasad_merge::day_range;
use rasad_model::{Article, Event};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};

use crate::codec::Json;
use crate::{
    ArticleDetail, EventDetail, EventFilter, EventPage, IngestError, Page, Result, Source, Stats,
    Store, StoreError, StoredEvent,
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

/// The filter as SQL over `events`. Every condition is one an index serves (see schema
/// v5): the date range is a `sort_key` range (the list order's own index), text
/// columns compare `COLLATE NOCASE` (ASCII case, as `lower()` did) on indexes that
/// carry `sort_key`, the bbox goes through the R*Tree and the actor through the trigram
/// index, each then checked exactly on the row.
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
    let from = nonempty(&f.date_from).map(|d| day(&d, false)).transpose()?;
    let to = nonempty(&f.date_to).map(|d| day(&d, true)).transpose()?;
    if from.is_some() || to.is_some() {
        // day >= from and day <= to, undated events excluded: sort_key = -day, and
        // undated events sort at i64::MAX.
        let lo = to.map(|t| -t).unwrap_or(i64::MIN);
        let hi = from.map(|f| -f).unwrap_or(i64::MAX - 1);
        push(
            "sort_key BETWEEN ? AND ?",
            vec![Value::Integer(lo), Value::Integer(hi)],
        );
    }
    if let Some(t) = nonempty(&f.event_type) {
        push("event_type = ? COLLATE NOCASE", vec![Value::Text(t)]);
    }
    if let Some(t) = nonempty(&f.sub_event_type) {
        push("sub_event_type = ? COLLATE NOCASE", vec![Value::Text(t)]);
    }
    if let Some(a) = nonempty(&f.actor) {
        let a = rasad_text::fold(&a).to_lowercase();
        let like = Value::Text(format!("%{}%", like_escape(&a)));
        if a.chars().count() >= 3 {
            // A trigram phrase query finds the events whose names contain the string
            // (the index is contentless, so its own LIKE cannot check); the LIKE on the
            // row decides.
            push(
                "rowid IN (SELECT rowid FROM events_actor WHERE events_actor MATCH ?)
                 AND actors_folded LIKE ? ESCAPE '\\'",
                vec![Value::Text(format!("\"{}\"", a.replace('"', "\"\""))), like],
            );
        } else {
            // One or two letters are in nearly every name: no index narrows that.
            push("actors_folded LIKE ? ESCAPE '\\'", vec![like]);
        }
    }
    if let Some(c) = nonempty(&f.country) {
        push("country = ? COLLATE NOCASE", vec![Value::Text(c)]);
    }
    if let Some(a) = nonempty(&f.admin1) {
        push("admin1 = ? COLLATE NOCASE", vec![Value::Text(a)]);
    }
    if let Some([x0, y0, x1, y1]) = f.bbox {
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            return Err(StoreError::Filter(
                "bbox must be four finite numbers".into(),
            ));
        }
        let (x0, x1, y0, y1) = (x0.min(x1), x0.max(x1), y0.min(y1), y0.max(y1));
        // The R*Tree holds 32-bit bounds rounded outwards: it finds a superset, the
        // row's own coordinates decide.
        push(
            "rowid IN (SELECT id FROM events_geo WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)
             AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
            [x0, x1, y0, y1, x0, x1, y0, y1]
                .into_iter()
                .map(Value::Real)
                .collect(),
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

#[cfg(test)]
pub(crate) fn where_clause_for_test(f: &EventFilter) -> Result<(String, Vec<Value>)> {
    where_clause(f)
}

/// Whether a filter sets nothing (the dashboard's first view: maintained aggregates serve it).
fn is_empty(f: &EventFilter) -> bool {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    blank(&f.date_from)
        && blank(&f.date_to)
        && blank(&f.event_type)
        && blank(&f.sub_event_type)
        && blank(&f.actor)
        && blank(&f.country)
        && blank(&f.admin1)
        && f.bbox.is_none()
        && blank(&f.status)
        && f.min_confidence.is_none_or(|c| !c.is_finite())
        && blank(&f.text)
}

/// A keyset cursor: the list position after which the next page starts. Opaque to
/// clients (`<sort key>.<uid>`); anything else is refused, not guessed at.
fn parse_cursor(c: &str) -> Result<(i64, String)> {
    let bad = || StoreError::Filter(format!("bad cursor {c:?} (use the `next` of a previous page)"));
    let (k, uid) = c.trim().split_once('.').ok_or_else(bad)?;
    let k: i64 = k.parse().map_err(|_| bad())?;
    if uid.is_empty() || uid.len() > 64 || !uid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    Ok((k, uid.to_string()))
}

/// The columns that give an event's record: its stored JSON, and for an event stored
/// without one (a single report: see [`EventJson`]) that report's mention JSON.
pub(crate) const EVENT_JSON: &str = "json, CASE WHEN length(json) = 0 THEN
    (SELECT m.json FROM mentions m WHERE m.event_uid = events.uid) END";

/// An event's record as stored. Why two forms: most events have one report, and their
/// record is `merge` of that one mention, so schema v6 stores an empty BLOB instead of a
/// second copy of the mention's JSON (about 600 bytes per event) and rebuilds the record
/// on read; events of several reports keep their merged JSON.
pub(crate) enum EventJson {
    Merged(String),
    OneReport(String),
}

impl EventJson {
    /// Columns `i` and `i + 1` of a row selected with [`EVENT_JSON`].
    pub(crate) fn at(r: &Row, i: usize) -> rusqlite::Result<EventJson> {
        match r.get_ref(i)? {
            rusqlite::types::ValueRef::Blob(b) if b.is_empty() => {
                Ok(EventJson::OneReport(r.get::<_, Json>(i + 1)?.0))
            }
            _ => Ok(EventJson::Merged(r.get::<_, Json>(i)?.0)),
        }
    }

    /// The event record, its `event_id` set to `uid`.
    pub(crate) fn event(&self, uid: &str) -> Result<Event> {
        match self {
            EventJson::Merged(json) => Ok(serde_json::from_str(json)?),
            EventJson::OneReport(json) => {
                let event: Event = serde_json::from_str(json)?;
                let mention = rasad_merge::Mention {
                    article_id: String::new(),
                    index: 0,
                    event,
                };
                let mut e = rasad_merge::merge(&[&mention]);
                e.event_id = uid.to_string();
                Ok(e)
            }
        }
    }
}

fn stored_event(r: &Row) -> rusqlite::Result<(String, EventJson, i64, i64)> {
    Ok((r.get(0)?, EventJson::at(r, 1)?, r.get(3)?, r.get(4)?))
}

fn to_stored((id, json, n, at): (String, EventJson, i64, i64)) -> Result<StoredEvent> {
    let event: Event = json.event(&id)?;
    Ok(StoredEvent {
        id,
        event,
        n_sources: n.max(0) as u32,
        updated_at: at,
    })
}

impl StoredEvent {
    /// The keyset cursor just after this event in list order (for
    /// [`Store::events_after`]): its sort key, derived from its date as stored, and id.
    pub fn cursor(&self) -> String {
        let day = self.event.date.as_deref().and_then(day_range).map(|d| d.0);
        format!("{}.{}", crate::events::sort_key(day), self.id)
    }
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
            "SELECT uid, {EVENT_JSON}, n_sources, updated_at FROM events{w}
             ORDER BY sort_key, uid LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), stored_event)?;
        rows.map(|r| to_stored(r?)).collect()
    }

    /// Keyset pagination: the `limit` events (0 = all) that follow the cursor `after` in
    /// list order (newest first, undated last), and the cursor of the next page (`None`
    /// on the last page). Unlike an offset, a deep page costs what the first one does,
    /// and events added meanwhile do not shift the pages.
    pub fn events_after(
        &self,
        filter: &EventFilter,
        after: Option<&str>,
        limit: u64,
    ) -> Result<EventPage> {
        let (w, mut args) = where_clause(filter)?;
        let mut w = w;
        if let Some(c) = after.map(str::trim).filter(|c| !c.is_empty()) {
            let (k, uid) = parse_cursor(c)?;
            w.push_str(if w.is_empty() { " WHERE " } else { " AND " });
            w.push_str("(sort_key, uid) > (?, ?)");
            args.push(Value::Integer(k));
            args.push(Value::Text(uid));
        }
        let lim = if limit == 0 {
            -1
        } else {
            limit.min(i64::MAX as u64) as i64
        };
        args.push(Value::Integer(lim));
        let sql = format!(
            "SELECT uid, {EVENT_JSON}, n_sources, updated_at FROM events{w}
             ORDER BY sort_key, uid LIMIT ?"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), stored_event)?;
        let events = rows.map(|r| to_stored(r?)).collect::<Result<Vec<_>>>()?;
        let next = match events.last() {
            Some(e) if limit > 0 && events.len() as u64 == limit => Some(e.cursor()),
            _ => None,
        };
        Ok(EventPage { events, next })
    }

    /// How many events match `filter` (for pagination).
    pub fn count_events(&self, filter: &EventFilter) -> Result<u64> {
        if is_empty(filter) {
            return Ok(self.total_events()?.0);
        }
        let (w, args) = where_clause(filter)?;
        let n: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM events{w}"))?
            .query_row(rusqlite::params_from_iter(args), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Events and fatalities in the whole store, from the maintained aggregates.
    fn total_events(&self) -> Result<(u64, u64)> {
        let r: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT n, fatalities FROM event_aggs WHERE dim = 0 AND key = ''")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (n, f) = r.unwrap_or((0, 0));
        Ok((n.max(0) as u64, f.max(0) as u64))
    }

    /// One event with every source (article id, outlet, URL, the mention with its spans).
    pub fn event(&self, id: &str) -> Result<Option<EventDetail>> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT uid, {EVENT_JSON}, n_sources, updated_at FROM events WHERE uid = ?1"),
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
                r.get::<_, Json>(5)?.0,
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
            Ok((r.get::<_, String>(0)?, r.get::<_, Json>(1)?.0))
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
    /// acting side (top 50 each, except days which are all listed in order). Without a
    /// filter they come from `event_aggs` (kept by triggers), so the dashboard's first
    /// view does not read every event.
    pub fn stats(&self, filter: &EventFilter) -> Result<Stats> {
        if is_empty(filter) {
            return self.stats_from_aggregates();
        }
        // One pass over the matching rows, counted here: five GROUP BY queries (total,
        // day, type, admin1, actor) read every matching row five times (3.8 s for one
        // event type at 158,000 events).
        let (w, args) = where_clause(filter)?;
        let sql = format!("SELECT date, event_type, admin1, actor1, fatalities FROM events{w}");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let (mut events, mut fatalities) = (0u64, 0i64);
        let mut dims: [HashMap<String, u64>; 4] = Default::default();
        while let Some(r) = rows.next()? {
            events += 1;
            fatalities += r.get::<_, Option<i64>>(4)?.unwrap_or(0);
            for (d, map) in dims.iter_mut().enumerate() {
                if let Some(k) = r.get_ref(d)?.as_str_or_null().ok().flatten() {
                    match map.get_mut(k) {
                        Some(n) => *n += 1,
                        None => {
                            map.insert(k.to_string(), 1);
                        }
                    }
                }
            }
        }
        let [by_day, by_type, by_admin1, by_actor] = dims;
        let top = |m: HashMap<String, u64>| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.truncate(50);
            v
        };
        let mut by_day: Vec<(String, u64)> = by_day.into_iter().filter(|(d, _)| d.len() == 10).collect();
        by_day.sort();
        Ok(Stats {
            events,
            fatalities: fatalities.max(0) as u64,
            by_day,
            by_type: top(by_type),
            by_admin1: top(by_admin1),
            by_actor: top(by_actor),
        })
    }

    fn stats_from_aggregates(&self) -> Result<Stats> {
        let (events, fatalities) = self.total_events()?;
        let group = |dim: i64, order: &str, limit: &str| -> Result<Vec<(String, u64)>> {
            let sql = format!(
                "SELECT key AS k, n FROM event_aggs WHERE dim = ?1 AND n > 0 ORDER BY {order} {limit}"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([dim], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?;
            Ok(rows.collect::<std::result::Result<_, _>>()?)
        };
        Ok(Stats {
            events,
            fatalities,
            by_day: group(1, "k", "")?
                .into_iter()
                .filter(|(d, _)| d.len() == 10)
                .collect(),
            by_type: group(2, "n DESC, k", "LIMIT 50")?,
            by_admin1: group(3, "n DESC, k", "LIMIT 50")?,
            by_actor: group(4, "n DESC, k", "LIMIT 50")?,
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
                Ok((r.get::<_, String>(0)?, r.get::<_, Json>(1)?.0))
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
