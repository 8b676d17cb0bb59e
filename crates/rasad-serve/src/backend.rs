//! The bridge to `rasad-store`: a small connection pool, and the shapes the API answers
//! with (built from the store's records, plus the source sentence the dashboard shows).
//!
//! SQL lives in the store only; this module never builds a query.

use crate::error::{Result, ServeError};
use crate::params::EventQuery;
use crate::AppState;
use rasad_model::{Article, Event, Span};
use rasad_store::{Page, Store};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Read connections (opened read-only, reused) and the one read-write connection.
pub struct Pool {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
    /// Bounds the store reads in flight (and so the connections open).
    permits: Arc<tokio::sync::Semaphore>,
    writer: Arc<Mutex<Store>>,
    /// Read only for `data_version` (see [`crate::cache`]): its value is only comparable
    /// between calls on one connection.
    probe: Mutex<Store>,
}

impl Pool {
    /// Open the store read-write (creating and migrating it when needed) for the writer;
    /// read connections open lazily.
    pub fn open(db: &Path, readers: usize) -> Result<Pool> {
        let writer = Store::open(db)?;
        let probe = Store::open_readonly(db)?;
        Ok(Pool {
            probe: Mutex::new(probe),
            db: db.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(tokio::sync::Semaphore::new(readers)),
            writer: Arc::new(Mutex::new(writer)),
        })
    }

    fn take(&self) -> Result<Store> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => Ok(Store::open_readonly(&self.db)?),
        }
    }

    fn give(&self, s: Store) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }
}

/// The store's commit counter as seen by the probe connection.
pub fn data_version(s: &AppState) -> Result<i64> {
    let probe = s.inner.pool.probe.lock().unwrap_or_else(|p| p.into_inner());
    Ok(probe.data_version()?)
}

/// Run a read on the blocking pool with a pooled read-only connection.
pub async fn run<T, F>(s: &AppState, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T> + Send + 'static,
{
    let permit = s
        .inner
        .pool
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| ServeError::Internal(e.to_string()))?;
    let state = s.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let pool = &state.inner.pool;
        let store = pool.take()?;
        let out = f(&store);
        // A connection whose call failed in SQLite may be in a bad state: drop it.
        if !matches!(out, Err(ServeError::Store(_))) {
            pool.give(store);
        }
        out
    })
    .await
    .map_err(|e| ServeError::Internal(format!("store task: {e}")))?
}

/// Run a write on the blocking pool with the read-write connection.
pub async fn run_write<T, F>(s: &AppState, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
{
    let writer = s.inner.pool.writer.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = writer.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut store)
    })
    .await
    .map_err(|e| ServeError::Internal(format!("store task: {e}")))?
}

/// A merged event as the API lists it: the `rasad extract` fields, flattened, plus its id
/// and how many reports were merged into it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub id: String,
    #[serde(flatten)]
    pub event: Event,
    pub source_count: u32,
}

impl From<rasad_store::StoredEvent> for EventRow {
    fn from(s: rasad_store::StoredEvent) -> Self {
        let mut event = s.event;
        event.event_id = s.id.clone();
        EventRow {
            id: s.id,
            event,
            source_count: s.n_sources,
        }
    }
}

/// The sentence an event was framed from, with its place in the article so that the
/// mention's spans (article offsets) can be drawn on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub article_id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    pub mention: Event,
    pub sentence: Option<Sentence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    pub event: EventRow,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleEvent {
    /// The merged event this mention belongs to.
    pub event_id: String,
    pub mention: Event,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleDetail {
    pub article: Article,
    pub events: Vec<ArticleEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub key: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub total: u64,
    pub fatalities: u64,
    pub by_day: Vec<Bucket>,
    pub by_type: Vec<Bucket>,
    pub by_admin1: Vec<Bucket>,
    pub by_actor: Vec<Bucket>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngestFailure {
    pub id: String,
    pub error: String,
}

/// What `POST /api/articles` did.
#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    /// Articles in the request.
    pub articles: u64,
    pub added: u64,
    pub duplicates: u64,
    pub failed: u64,
    pub mentions: u64,
    pub events_changed: u64,
    /// Merged event ids the submitted articles' events now belong to (sorted, unique).
    pub events: Vec<String>,
    pub errors: Vec<IngestFailure>,
}

pub struct Counts {
    pub events: u64,
    pub articles: u64,
}

pub fn counts(st: &Store) -> Result<Counts> {
    let c = st.counts()?;
    Ok(Counts {
        events: c.events,
        articles: c.articles,
    })
}

/// One page of events, the total that match, and the keyset cursor of the next page.
pub fn events(st: &Store, q: &EventQuery) -> Result<(Vec<EventRow>, u64, Option<String>)> {
    let f = &q.filter;
    let (stored, next) = match &q.after {
        Some(after) => {
            let p = st.events_after(f, Some(after), q.per_page as u64)?;
            (p.events, p.next)
        }
        None => {
            let page = Page {
                offset: q.offset() as u64,
                limit: q.per_page as u64,
            };
            let v = st.events(f, page)?;
            let next = (v.len() == q.per_page).then(|| v.last().map(|e| e.cursor())).flatten();
            (v, next)
        }
    };
    let rows: Vec<EventRow> = stored.into_iter().map(EventRow::from).collect();
    // The total is only worth a second query when the page does not already show it.
    let total = if q.page == 1 && q.after.is_none() && rows.len() < q.per_page {
        rows.len() as u64
    } else {
        st.count_events(f)?
    };
    Ok((rows, total, next))
}

/// One page of events with their sources (what an ACLED row needs: outlets, notes).
pub fn event_details(st: &Store, q: &EventQuery) -> Result<Vec<rasad_store::EventDetail>> {
    let page = Page {
        offset: q.offset() as u64,
        limit: q.per_page as u64,
    };
    let mut out = Vec::new();
    let listed = match &q.after {
        Some(after) => st.events_after(&q.filter, Some(after), q.per_page as u64)?.events,
        None => st.events(&q.filter, page)?,
    };
    for e in listed {
        if let Some(d) = st.event(&e.id)? {
            out.push(d);
        }
    }
    Ok(out)
}

pub fn event_detail(st: &Store, id: &str) -> Result<Option<EventDetail>> {
    let Some(d) = st.event(id)? else {
        return Ok(None);
    };
    // Each source's sentence needs its article's text; one article may report the event
    // once, but fetch each article once regardless.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut sources = Vec::with_capacity(d.sources.len());
    for s in d.sources {
        if !texts.iter().any(|(id, _)| *id == s.article_id) {
            let text = st
                .article(&s.article_id)?
                .map(|a| a.article.text)
                .unwrap_or_default();
            texts.push((s.article_id.clone(), text));
        }
        let text = &texts
            .iter()
            .find(|(id, _)| *id == s.article_id)
            .expect("just inserted")
            .1;
        let sentence = sentence_of(text, &s.mention);
        sources.push(Source {
            article_id: s.article_id,
            outlet: s.outlet,
            url: s.url,
            published: s.published,
            title: s.title,
            mention: s.mention,
            sentence,
        });
    }
    Ok(Some(EventDetail {
        event: d.event.into(),
        sources,
    }))
}

pub fn article_detail(st: &Store, id: &str) -> Result<Option<ArticleDetail>> {
    let Some(d) = st.article(id)? else {
        return Ok(None);
    };
    Ok(Some(ArticleDetail {
        article: d.article,
        events: d
            .events
            .into_iter()
            .map(|(event_id, mention)| ArticleEvent { event_id, mention })
            .collect(),
    }))
}

pub fn stats(st: &Store, q: &EventQuery) -> Result<Stats> {
    let s = st.stats(&q.filter)?;
    let b = |v: Vec<(String, u64)>| {
        v.into_iter()
            .map(|(key, count)| Bucket { key, count })
            .collect()
    };
    Ok(Stats {
        total: s.events,
        fatalities: s.fatalities,
        by_day: b(s.by_day),
        by_type: b(s.by_type),
        by_admin1: b(s.by_admin1),
        by_actor: b(s.by_actor),
    })
}

/// Split a submission into the articles to extract and those already stored under
/// their own id (`already`); an article whose text or URL is stored under another id is
/// a conflict, because a 2xx must mean the article can be read at its id.
pub fn triage(st: &Store, articles: Vec<Article>) -> Result<(Vec<Article>, u64)> {
    let mut fresh = Vec::with_capacity(articles.len());
    let mut already = 0;
    // Ids, texts and URLs of this request. An id given twice is one article (the first
    // copy counts, as the store would keep it); two ids sharing a text or URL would leave
    // the second unreadable at its id, so that is a conflict like one with the store.
    let mut ids = std::collections::HashSet::new();
    let mut keys = std::collections::HashMap::new();
    for a in articles {
        let id = a.id.trim().to_string();
        if !ids.insert(id.clone()) {
            already += 1;
            continue;
        }
        let mut own = vec![format!("text:{}", rasad_store::text_hash(&a.text))];
        if let Some(u) = a.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            own.push(format!("url:{u}"));
        }
        for k in own {
            if let Some(other) = keys.insert(k, id.clone()) {
                return Err(ServeError::Conflict(format!(
                    "articles {other:?} and {id:?} of the request have the same text or URL; nothing was stored"
                )));
            }
        }
        if st.contains(&a)? {
            if st.article(&id)?.is_none() {
                return Err(ServeError::Conflict(format!(
                    "article {id:?}: its text or URL is already stored under another id; nothing was stored"
                )));
            }
            already += 1;
        } else {
            fresh.push(a);
        }
    }
    Ok((fresh, already))
}

/// Store articles extracted by the handler and merge their events, in one transaction;
/// then list the merged events the articles now belong to.
pub fn ingest(
    st: &mut Store,
    items: Vec<(Article, std::result::Result<Vec<Event>, String>)>,
    already: u64,
) -> Result<IngestReport> {
    let ids: Vec<String> = items.iter().map(|(a, _)| a.id.trim().to_string()).collect();
    let r = st.ingest_extracted(items, Some("http"))?;
    let mut events = Vec::new();
    for id in &ids {
        if let Some(d) = st.article(id)? {
            events.extend(d.events.into_iter().map(|(id, _)| id));
        }
    }
    events.sort();
    events.dedup();
    let errors = st
        .errors(r.failed)?
        .into_iter()
        .filter(|e| r.failed > 0 && e.source.as_deref() == Some("http"))
        .map(|e| IngestFailure {
            id: e.article_id.unwrap_or_default(),
            error: e.message,
        })
        .collect();
    Ok(IngestReport {
        articles: ids.len() as u64 + already,
        added: r.added,
        duplicates: r.duplicates + already,
        failed: r.failed,
        mentions: r.mentions,
        events_changed: r.events_changed,
        events,
        errors,
    })
}

/// Characters that end a sentence in Arabic news text.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '\n' | '۔')
}

/// The source sentence of a mention: its `sentence` span, or else the sentence(s) around
/// its other spans (older extractions may lack the sentence span).
pub fn sentence_of(text: &str, m: &Event) -> Option<Sentence> {
    let n = text.chars().count();
    let s = &m.spans;
    let span = match s.sentence {
        Some(sp) if sp.0 < sp.1 && sp.1 <= n => sp,
        _ => {
            let parts = [
                s.trigger,
                s.actor1,
                s.actor2,
                s.location,
                s.date,
                s.fatalities,
            ];
            let inside: Vec<Span> = parts
                .into_iter()
                .flatten()
                .filter(|p| p.0 < p.1 && p.1 <= n)
                .collect();
            let lo = inside.iter().map(|p| p.0).min()?;
            let hi = inside.iter().map(|p| p.1).max()?;
            let chars: Vec<char> = text.chars().collect();
            let mut a = lo;
            while a > 0 && !is_sentence_end(chars[a - 1]) {
                a -= 1;
            }
            let mut b = hi;
            while b < n && !is_sentence_end(chars[b]) {
                b += 1;
            }
            if b < n && chars[b] != '\n' {
                b += 1; // keep the full stop
            }
            while a < b && chars[a].is_whitespace() {
                a += 1;
            }
            Span(a, b)
        }
    };
    Some(Sentence {
        start: span.0,
        end: span.1,
        text: span.slice(text).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasad_model::Spans;

    const TEXT: &str = "عنوان\nقصفت القوات مواقع. ثم انسحبت القوات من القرية.";

    #[test]
    fn sentence_from_its_span() {
        let e = Event {
            spans: Spans {
                sentence: Some(Span(6, 24)),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = sentence_of(TEXT, &e).unwrap();
        assert_eq!(s.text, "قصفت القوات مواقع.");
        assert_eq!((s.start, s.end), (6, 24));
    }

    #[test]
    fn sentence_around_other_spans_when_missing() {
        // trigger "انسحبت" starts at char 28
        let start = TEXT.chars().take_while(|_| true).collect::<Vec<_>>();
        let pos = (0..start.len())
            .find(|&i| start[i..].iter().collect::<String>().starts_with("انسحبت"))
            .unwrap();
        let e = Event {
            spans: Spans {
                trigger: Some(Span(pos, pos + 6)),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = sentence_of(TEXT, &e).unwrap();
        assert_eq!(s.text, "ثم انسحبت القوات من القرية.");
        assert_eq!(Span(s.start, s.end).slice(TEXT), s.text);
    }

    #[test]
    fn no_sentence_when_spans_are_absent_or_out_of_range() {
        assert!(sentence_of(TEXT, &Event::default()).is_none());
        let e = Event {
            spans: Spans {
                trigger: Some(Span(500, 510)),
                sentence: Some(Span(3, 900)),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(sentence_of(TEXT, &e).is_none());
        assert!(sentence_of("", &e).is_none());
    }
}
