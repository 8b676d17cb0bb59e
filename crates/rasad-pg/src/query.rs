//! The read path: filtered event lists, one event with its sources, one article with its
//! events, dashboard counts, errors, and the per-article mention dump — the SQLite
//! store's semantics on PostgreSQL's indexes (see the schema for which index serves
//! which filter).

use postgres::types::ToSql;
use rasad_merge::day_range;
use rasad_model::{Article, Event};

use crate::{
    ArticleDetail, EventDetail, EventFilter, IngestError, Page, PgError, PgStore, Result, Source,
    Stats, StoredEvent,
};

type Param = Box<dyn ToSql + Sync>;

/// Escape LIKE wildcards so user text matches literally (`ESCAPE '\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Words as both the index and the queries see them: runs of letters and digits of
/// already folded text, lower case (the SQLite store's FTS query splits the same way).
/// Longer than PostgreSQL's 2 KB lexeme limit: dropped (no one searches for them).
pub(crate) fn words(folded: &str) -> impl Iterator<Item = String> + '_ {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.len() < 2046)
        .map(str::to_lowercase)
}

/// A `tsquery` where every folded word of `text` must occur, each a quoted lexeme (never
/// query syntax: words hold only letters and digits); `None` when there is no word.
pub(crate) fn tsquery(text: &str) -> Option<String> {
    let folded = rasad_text::fold(text);
    let q: Vec<String> = words(&folded).map(|w| format!("'{w}'")).collect();
    (!q.is_empty()).then(|| q.join(" & "))
}

/// `WHERE …` for a filter with `$n` placeholders numbered from 1, and its parameters.
fn where_clause(f: &EventFilter) -> Result<(String, Vec<Param>)> {
    let mut cond: Vec<String> = Vec::new();
    let mut args: Vec<Param> = Vec::new();
    // `{}` in a condition stands for the next placeholder(s).
    let mut push = |c: &str, v: Vec<Param>| {
        let mut c = c.to_string();
        for p in v {
            args.push(p);
            c = c.replacen("{}", &format!("${}", args.len()), 1);
        }
        cond.push(c);
    };
    let day = |d: &str, end: bool| -> Result<i32> {
        day_range(d)
            .map(|r| if end { r.1 } else { r.0 })
            .map(|d| d.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
            .ok_or_else(|| {
                PgError::Filter(format!("bad date {d:?} (want YYYY-MM-DD, YYYY-MM or YYYY)"))
            })
    };
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.replace('\0', " "))
    };
    if let Some(d) = nonempty(&f.date_from) {
        push("day >= {}", vec![Box::new(day(&d, false)?)]);
    }
    if let Some(d) = nonempty(&f.date_to) {
        push("day <= {}", vec![Box::new(day(&d, true)?)]);
    }
    if let Some(t) = nonempty(&f.event_type) {
        push("lower(event_type) = lower({})", vec![Box::new(t)]);
    }
    if let Some(t) = nonempty(&f.sub_event_type) {
        push("lower(sub_event_type) = lower({})", vec![Box::new(t)]);
    }
    if let Some(a) = nonempty(&f.actor) {
        let a = rasad_text::fold(&a).to_lowercase();
        push(
            "actors_folded LIKE {} ESCAPE '\\'",
            vec![Box::new(format!("%{}%", like_escape(&a)))],
        );
    }
    if let Some(c) = nonempty(&f.country) {
        push("lower(country) = lower({})", vec![Box::new(c)]);
    }
    if let Some(a) = nonempty(&f.admin1) {
        push("lower(admin1) = lower({})", vec![Box::new(a)]);
    }
    if let Some([x0, y0, x1, y1]) = f.bbox {
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            return Err(PgError::Filter("bbox must be four finite numbers".into()));
        }
        // The indexed expression (point <@ box) and the same rows as the SQLite store's
        // BETWEEN test (a box includes its edges).
        push(
            "lon IS NOT NULL AND lat IS NOT NULL AND point(lon, lat) <@ box(point({}, {}), point({}, {}))",
            vec![
                Box::new(x0.min(x1)),
                Box::new(y0.min(y1)),
                Box::new(x0.max(x1)),
                Box::new(y0.max(y1)),
            ],
        );
    }
    if let Some(s) = nonempty(&f.status) {
        let s = s.to_lowercase();
        if s != "current" && s != "background" {
            return Err(PgError::Filter(format!(
                "status {s:?} (want current or background)"
            )));
        }
        push("status = {}", vec![Box::new(s)]);
    }
    if let Some(c) = f.min_confidence {
        if c.is_finite() {
            push("confidence >= {}", vec![Box::new(c)]);
        }
    }
    if let Some(t) = nonempty(&f.text) {
        match tsquery(&t) {
            Some(q) => push(
                "uid IN (SELECT m.event_uid FROM mentions m WHERE m.article IN
                   (SELECT rowid FROM articles WHERE search @@ CAST({}::text AS tsquery)))",
                vec![Box::new(q)],
            ),
            None => push("FALSE", vec![]),
        }
    }
    let sql = if cond.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", cond.join(" AND "))
    };
    Ok((sql, args))
}

fn refs(args: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|b| b.as_ref()).collect()
}

fn to_stored(r: &postgres::Row) -> Result<StoredEvent> {
    let json: String = r.get(1);
    Ok(StoredEvent {
        id: r.get(0),
        event: serde_json::from_str(&json)?,
        n_sources: r.get::<_, i32>(2).max(0) as u32,
        updated_at: r.get(3),
    })
}

impl PgStore {
    /// Events matching `filter`, newest first (undated last), one page.
    pub fn events(&mut self, filter: &EventFilter, page: Page) -> Result<Vec<StoredEvent>> {
        let (w, mut args) = where_clause(filter)?;
        let limit: Option<i64> = (page.limit != 0).then(|| page.limit.min(i64::MAX as u64) as i64);
        args.push(Box::new(limit));
        args.push(Box::new(page.offset.min(i64::MAX as u64) as i64));
        let n = args.len();
        let sql = format!(
            "SELECT uid, json, n_sources, updated_at FROM events{w}
             ORDER BY (day IS NULL), day DESC, uid LIMIT ${} OFFSET ${}",
            n - 1,
            n
        );
        let rows = self.client.query(&sql, &refs(&args))?;
        rows.iter().map(to_stored).collect()
    }

    /// Every event matching `filter`, newest first, handed to `f` one at a time from a
    /// server-side cursor (exports of millions of events without holding them all).
    pub fn for_each_event(
        &mut self,
        filter: &EventFilter,
        mut f: impl FnMut(StoredEvent) -> Result<()>,
    ) -> Result<u64> {
        let (w, args) = where_clause(filter)?;
        let sql = format!(
            "SELECT uid, json, n_sources, updated_at FROM events{w} ORDER BY (day IS NULL), day DESC, uid"
        );
        let mut tx = self.client.transaction()?;
        let portal = tx.bind(sql.as_str(), &refs(&args))?;
        let mut n = 0;
        loop {
            let rows = tx.query_portal(&portal, 2000)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                f(to_stored(r)?)?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// The server's plan for counting the events that match `filter` (`EXPLAIN`): tests
    /// and the benchmark check that each filter is served by an index. With
    /// `avoid_seq_scan` the planner may neither read a table whole nor walk an index
    /// whole (sequential and plain index scans off), so the plan names the index that
    /// serves the condition itself, even on a table small enough to read whole.
    pub fn explain_count(&mut self, filter: &EventFilter, avoid_seq_scan: bool) -> Result<String> {
        let (w, args) = where_clause(filter)?;
        let mut tx = self.client.transaction()?;
        if avoid_seq_scan {
            tx.batch_execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off",
            )?;
        }
        let rows = tx.query(
            &format!("EXPLAIN SELECT count(*) FROM events{w}"),
            &refs(&args),
        )?;
        let plan: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        tx.rollback()?;
        Ok(plan.join("\n"))
    }

    /// Every event matching `filter` with all its sources, oldest first (the order of
    /// ACLED files: the reverse of [`PgStore::events`]), handed to `f` one at a time. One
    /// query read through a server-side cursor, events joined to their sources, so an
    /// export of millions of events neither holds them in memory nor asks the server
    /// once per event.
    pub fn for_each_detail(
        &mut self,
        filter: &EventFilter,
        mut f: impl FnMut(EventDetail) -> Result<()>,
    ) -> Result<u64> {
        let (w, args) = where_clause(filter)?;
        let sql = format!(
            "SELECT e.uid, e.json, e.n_sources, e.updated_at,
                    a.id, a.outlet, a.url, a.published, a.title, m.json
               FROM (SELECT uid, json, n_sources, updated_at, day FROM events{w}) e
               LEFT JOIN mentions m ON m.event_uid = e.uid
               LEFT JOIN articles a ON a.rowid = m.article
              ORDER BY (e.day IS NULL) DESC, e.day, e.uid DESC,
                       (a.published IS NULL), a.published, a.id, m.idx"
        );
        let mut tx = self.client.transaction()?;
        let portal = tx.bind(sql.as_str(), &refs(&args))?;
        let mut current: Option<EventDetail> = None;
        let mut n = 0;
        loop {
            let rows = tx.query_portal(&portal, 2000)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let uid: String = r.get(0);
                if current.as_ref().map(|d| d.event.id != uid).unwrap_or(true) {
                    if let Some(d) = current.take() {
                        f(d)?;
                        n += 1;
                    }
                    current = Some(EventDetail {
                        event: to_stored(r)?,
                        sources: Vec::new(),
                    });
                }
                let Some(article_id) = r.get::<_, Option<String>>(4) else {
                    continue;
                };
                let json: String = r.get(9);
                if let Some(d) = current.as_mut() {
                    d.sources.push(Source {
                        article_id,
                        outlet: r.get(5),
                        url: r.get(6),
                        published: r.get(7),
                        title: r.get(8),
                        mention: serde_json::from_str(&json)?,
                    });
                }
            }
        }
        if let Some(d) = current.take() {
            f(d)?;
            n += 1;
        }
        tx.commit()?;
        Ok(n)
    }

    /// How many events match `filter` (for pagination).
    pub fn count_events(&mut self, filter: &EventFilter) -> Result<u64> {
        let (w, args) = where_clause(filter)?;
        let r = self
            .client
            .query_one(&format!("SELECT count(*) FROM events{w}"), &refs(&args))?;
        Ok(r.get::<_, i64>(0).max(0) as u64)
    }

    /// One event with every source (article id, outlet, URL, the mention with its spans).
    pub fn event(&mut self, id: &str) -> Result<Option<EventDetail>> {
        let id = id.replace('\0', " ");
        let Some(row) = self.client.query_opt(
            "SELECT uid, json, n_sources, updated_at FROM events WHERE uid = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let event = to_stored(&row)?;
        let rows = self.client.query(
            "SELECT a.id, a.outlet, a.url, a.published, a.title, m.json FROM mentions m
             JOIN articles a ON a.rowid = m.article WHERE m.event_uid = $1
             ORDER BY (a.published IS NULL), a.published, a.id, m.idx",
            &[&id],
        )?;
        let mut sources = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.get(5);
            sources.push(Source {
                article_id: r.get(0),
                outlet: r.get(1),
                url: r.get(2),
                published: r.get(3),
                title: r.get(4),
                mention: serde_json::from_str(&json)?,
            });
        }
        Ok(Some(EventDetail { event, sources }))
    }

    /// One article with its text and its events (merged id + mention with spans).
    pub fn article(&mut self, id: &str) -> Result<Option<ArticleDetail>> {
        let id = id.replace('\0', " ");
        let Some(r) = self.client.query_opt(
            "SELECT rowid, id, outlet, url, published, title, text, source, ingested_at
               FROM articles WHERE id = $1",
            &[&id],
        )?
        else {
            return Ok(None);
        };
        let rowid: i64 = r.get(0);
        let article = Article {
            id: r.get(1),
            outlet: r.get(2),
            url: r.get(3),
            published: r.get(4),
            title: r.get(5),
            text: r.get(6),
        };
        let (source, ingested_at): (Option<String>, i64) = (r.get(7), r.get(8));
        let mut events = Vec::new();
        for m in self.client.query(
            "SELECT event_uid, json FROM mentions WHERE article = $1 ORDER BY idx",
            &[&rowid],
        )? {
            let json: String = m.get(1);
            events.push((m.get::<_, String>(0), serde_json::from_str(&json)?));
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
    pub fn stats(&mut self, filter: &EventFilter) -> Result<Stats> {
        let (w, args) = where_clause(filter)?;
        let r = self.client.query_one(
            &format!("SELECT count(*), coalesce(sum(fatalities), 0)::int8 FROM events{w}"),
            &refs(&args),
        )?;
        let (events, fatalities): (i64, i64) = (r.get(0), r.get(1));
        let mut group = |col: &str, order: &str, limit: &str| -> Result<Vec<(String, u64)>> {
            let sql = format!(
                "SELECT {col} AS k, count(*) AS n FROM events{w} {and} {col} IS NOT NULL GROUP BY k ORDER BY {order} {limit}",
                and = if w.is_empty() { "WHERE" } else { "AND" }
            );
            Ok(self
                .client
                .query(&sql, &refs(&args))?
                .iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1).max(0) as u64))
                .collect())
        };
        Ok(Stats {
            events: events.max(0) as u64,
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
    pub fn errors(&mut self, limit: u64) -> Result<Vec<IngestError>> {
        let limit: Option<i64> = (limit != 0).then(|| limit.min(i64::MAX as u64) as i64);
        Ok(self
            .client
            .query(
                "SELECT at, source, article_id, message FROM errors ORDER BY rowid DESC LIMIT $1",
                &[&limit],
            )?
            .iter()
            .map(|r| IngestError {
                at: r.get(0),
                source: r.get(1),
                article_id: r.get(2),
                message: r.get(3),
            })
            .collect())
    }

    /// Every stored article in ingest order with its mentions, each mention's `event_id`
    /// set to the merged event's id: the `mentions-jsonl` export that `score_merge.py` reads.
    pub fn mentions_by_article(
        &mut self,
        mut f: impl FnMut(&str, Vec<Event>) -> Result<()>,
    ) -> Result<()> {
        let mut tx = self.client.transaction()?;
        let portal = tx.bind(
            "SELECT a.id, coalesce(array_agg(m.event_uid ORDER BY m.idx) FILTER (WHERE m.rowid IS NOT NULL), '{}'),
                    coalesce(array_agg(m.json ORDER BY m.idx) FILTER (WHERE m.rowid IS NOT NULL), '{}')
               FROM articles a LEFT JOIN mentions m ON m.article = a.rowid
              GROUP BY a.rowid, a.id ORDER BY a.rowid",
            &[],
        )?;
        loop {
            let rows = tx.query_portal(&portal, 1000)?;
            if rows.is_empty() {
                break;
            }
            for r in rows {
                let id: String = r.get(0);
                let uids: Vec<String> = r.get(1);
                let jsons: Vec<String> = r.get(2);
                let mut events = Vec::with_capacity(jsons.len());
                for (uid, json) in uids.into_iter().zip(jsons) {
                    let mut e: Event = serde_json::from_str(&json)?;
                    e.event_id = uid;
                    events.push(e);
                }
                f(&id, events)?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_folded_words_never_syntax() {
        assert_eq!(tsquery("…"), None);
        assert_eq!(tsquery("\"OR*").as_deref(), Some("'or'"));
        assert_eq!(tsquery("it's").as_deref(), Some("'it' & 's'"));
        let q = tsquery("أريحا & إدلب | !").unwrap();
        assert_eq!(
            q,
            format!(
                "'{}' & '{}'",
                rasad_text::fold("أريحا"),
                rasad_text::fold("إدلب")
            )
        );
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let f = EventFilter {
            date_from: Some("2023-01-01".into()),
            bbox: Some([37.0, 36.0, 36.0, 35.0]),
            status: Some("Current".into()),
            ..Default::default()
        };
        let (w, args) = where_clause(&f).unwrap();
        assert_eq!(args.len(), 6);
        assert!(w.contains("day >= $1"), "{w}");
        assert!(w.contains("box(point($2, $3), point($4, $5))"), "{w}");
        assert!(w.contains("status = $6"), "{w}");
        for bad in [
            EventFilter {
                date_to: Some("soon".into()),
                ..Default::default()
            },
            EventFilter {
                bbox: Some([f64::NAN, 0.0, 1.0, 1.0]),
                ..Default::default()
            },
            EventFilter {
                status: Some("x".into()),
                ..Default::default()
            },
        ] {
            assert!(where_clause(&bad).is_err());
        }
    }
}
