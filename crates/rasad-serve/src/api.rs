//! API handlers. Each checks its input, runs one store call on the blocking pool and
//! renders the answer; all errors leave as JSON (see [`crate::error`]).

use crate::backend;
use crate::cache;
use crate::error::{json_error, Result, ServeError};
use crate::formats;
use crate::params::{EventQuery, Format};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rasad_model::Article;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Longest id accepted, in characters (article ids are URLs or hashes; longer is not an id).
pub const MAX_ID: usize = 512;

pub async fn health(State(s): State<AppState>) -> Result<Response> {
    let counts = backend::run(&s, backend::counts).await?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "events": counts.events,
        "articles": counts.articles,
        "writable": s.inner.write_token.is_some(),
        "dashboard": crate::assets::embedded_count() > 0 || s.inner.assets_dir.is_some(),
    }))
    .into_response())
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

/// Answer from the cache when the store has not changed since the same request was
/// answered; else compute on the blocking pool and keep the answer.
async fn cached<F>(s: &AppState, key: String, compute: F) -> Result<Response>
where
    F: FnOnce(&rasad_store::Store) -> Result<cache::Entry> + Send + 'static,
{
    if !s.inner.use_cache {
        let e = backend::run(s, compute).await?;
        return Ok(([(header::CONTENT_TYPE, e.content_type)], e.body).into_response());
    }
    let state = s.clone();
    let k = key.clone();
    let hit = tokio::task::spawn_blocking(move || -> Result<(i64, Option<cache::Entry>)> {
        let v = backend::data_version(&state)?;
        Ok((v, state.inner.cache.get(&k, v)))
    })
    .await
    .map_err(|e| ServeError::Internal(e.to_string()))??;
    let entry = match hit {
        (_, Some(e)) => e,
        (v, None) => {
            let e = backend::run(s, compute).await?;
            s.inner.cache.put(key, v, e.clone());
            e
        }
    };
    Ok(([(header::CONTENT_TYPE, entry.content_type)], entry.body).into_response())
}

pub async fn list_events(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response> {
    let q = EventQuery::parse(raw.as_deref(), true)?;
    let key = format!("events?{}", raw.unwrap_or_default());
    let format = q.format;
    let mut r = cached(&s, key, move |st| {
        Ok(match q.format {
            Format::Csv => cache::Entry {
                body: formats::acled_csv(&backend::event_details(st, &q)?).into(),
                content_type: "text/csv; charset=utf-8",
            },
            Format::GeoJson => {
                let (rows, total, _) = backend::events(st, &q)?;
                cache::Entry { body: formats::geojson(&rows, total).to_string().into(), content_type: "application/geo+json" }
            }
            Format::Json => {
                let (rows, total, next) = backend::events(st, &q)?;
                let v = json!({ "total": total, "page": q.page, "per_page": q.per_page, "next": next, "events": rows });
                cache::Entry { body: serde_json::to_vec(&v).map_err(|e| ServeError::Internal(e.to_string()))?.into(), content_type: "application/json" }
            }
        })
    })
    .await?;
    if format == Format::Csv {
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static("attachment; filename=\"rasad-events.csv\""),
        );
    }
    Ok(r)
}

/// A path id: 1..[`MAX_ID`] characters with something besides whitespace. Surrounding
/// whitespace is not part of an id (the store trims submitted ids), so it is trimmed here
/// too: an article POSTed as `" a"` is found at `/api/articles/%20a` and at `/api/articles/a`.
fn id_from(p: std::result::Result<Path<String>, PathRejection>) -> Result<String> {
    let Path(id) = p.map_err(|e| ServeError::BadRequest(format!("bad id: {e}")))?;
    check_id(&id)?;
    Ok(id.trim().to_string())
}

/// The id rule of paths and submitted articles (stated in the OpenAPI document).
pub fn check_id(id: &str) -> Result<()> {
    if id.trim().is_empty() || id.chars().count() > MAX_ID {
        return Err(ServeError::BadRequest(format!(
            "id must be 1..{MAX_ID} characters, not all whitespace"
        )));
    }
    Ok(())
}

pub async fn get_event(
    State(s): State<AppState>,
    p: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    let id = id_from(p)?;
    let id2 = id.clone();
    match backend::run(&s, move |st| backend::event_detail(st, &id2)).await? {
        Some(d) => Ok(Json(d).into_response()),
        None => Err(ServeError::NotFound(format!("event {id:?}"))),
    }
}

pub async fn get_article(
    State(s): State<AppState>,
    p: std::result::Result<Path<String>, PathRejection>,
) -> Result<Response> {
    let id = id_from(p)?;
    let id2 = id.clone();
    match backend::run(&s, move |st| backend::article_detail(st, &id2)).await? {
        Some(d) => Ok(Json(d).into_response()),
        None => Err(ServeError::NotFound(format!("article {id:?}"))),
    }
}

pub async fn stats(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response> {
    let q = EventQuery::parse(raw.as_deref(), false)?;
    let key = format!("stats?{}", raw.unwrap_or_default());
    cached(&s, key, move |st| {
        let v = backend::stats(st, &q)?;
        Ok(cache::Entry {
            body: serde_json::to_vec(&v)
                .map_err(|e| ServeError::Internal(e.to_string()))?
                .into(),
            content_type: "application/json",
        })
    })
    .await
}

/// Compare tokens in time independent of where they first differ.
fn token_matches(given: &str, want: &str) -> bool {
    let (a, b) = (given.as_bytes(), want.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u8 | (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

fn check_write(s: &AppState, headers: &HeaderMap) -> Result<()> {
    let Some(want) = &s.inner.write_token else {
        return Err(ServeError::ReadOnly);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match given {
        Some(g) if token_matches(g, want) => Ok(()),
        _ => Err(ServeError::Unauthorized),
    }
}

/// Parse a submission: one article object, an array of them, or JSON lines.
pub fn parse_articles(content_type: &str, body: &[u8]) -> Result<Vec<Article>> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let articles: Vec<Article> = match mime.as_str() {
        "application/json" | "" => {
            let v: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| ServeError::BadRequest(format!("body is not JSON: {e}")))?;
            let one = |v: serde_json::Value| {
                serde_json::from_value::<Article>(v)
                    .map_err(|e| ServeError::BadRequest(format!("not an article: {e}")))
            };
            match v {
                serde_json::Value::Array(items) => {
                    if items.len() > crate::MAX_ARTICLES_PER_POST {
                        return Err(too_many(items.len()));
                    }
                    items.into_iter().map(one).collect::<Result<_>>()?
                }
                other => vec![one(other)?],
            }
        }
        "application/x-ndjson" | "application/jsonl" | "application/json-seq" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ServeError::BadRequest("body is not UTF-8".into()))?;
            let mut out = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                if out.len() == crate::MAX_ARTICLES_PER_POST {
                    return Err(too_many(out.len() + 1));
                }
                out.push(
                    serde_json::from_str::<Article>(line.trim_start_matches('\u{1e}'))
                        .map_err(|e| ServeError::BadRequest(format!("line {}: {e}", n + 1)))?,
                );
            }
            out
        }
        _ => return Err(ServeError::UnsupportedMediaType),
    };
    if articles.is_empty() {
        return Err(ServeError::BadRequest("no articles in the body".into()));
    }
    for a in &articles {
        check_id(&a.id).map_err(|_| {
            ServeError::BadRequest(format!(
                "article id must be 1..{MAX_ID} characters, not all whitespace"
            ))
        })?;
        if a.text.trim().is_empty() {
            return Err(ServeError::BadRequest(format!("article {:?} has no text", a.id)));
        }
        if let Some(p) = &a.published {
            if !is_date(p) && !is_date_time(p) {
                return Err(ServeError::BadRequest(format!(
                    "article {:?}: published {p:?} is not a date (YYYY-MM-DD) or an RFC 3339 date-time",
                    a.id
                )));
            }
        }
    }
    Ok(articles)
}

/// `YYYY-MM-DD`, a day that exists.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r.clone()].iter().all(u8::is_ascii_digit).then(|| s[r].parse().ok()).flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if y == 0 {
        return false; // no year 0 in the proleptic Gregorian calendar of RFC 3339
    }
    (1..=rasad_model::days_in_month(y, m)).contains(&d)
}

/// An RFC 3339 date-time (`2024-03-12T08:30:00Z`, `…T08:30:00.5+03:00`), what OpenAPI's
/// `date-time` format means; the extractor uses its date part.
pub fn is_date_time(s: &str) -> bool {
    let (Some(day), Some(rest)) = (s.get(..10), s.get(10..)) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let two = |t: &str, max: u32| t.len() == 2 && t.bytes().all(|c| c.is_ascii_digit()) && t.parse::<u32>().is_ok_and(|v| v <= max);
    let b = rest.as_bytes();
    if !is_date(day) || b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    if !(two(&rest[0..2], 23) && two(&rest[3..5], 59) && two(&rest[6..8], 60)) {
        return false;
    }
    let mut tail = &rest[8..];
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        tail = &frac[n..];
    }
    match tail.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if tail.len() == 6 && &tail[3..4] == ":" => two(&tail[1..3], 23) && two(&tail[4..6], 59),
        _ => false,
    }
}

fn too_many(n: usize) -> ServeError {
    ServeError::BadRequest(format!(
        "{n} articles in one request; at most {}",
        crate::MAX_ARTICLES_PER_POST
    ))
}

/// Read the whole body within [`crate::Limits::body_timeout`] and [`crate::MAX_BODY_BYTES`]:
/// a client that trickles its body is answered 408 instead of holding the connection.
async fn read_body(s: &AppState, body: Body) -> Result<Bytes> {
    let limit = s.inner.limits.body_timeout;
    match tokio::time::timeout(limit, axum::body::to_bytes(body, crate::MAX_BODY_BYTES)).await {
        Err(_) => Err(ServeError::BodyTimeout(limit.as_secs())),
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => {
            // The length limit surfaces as an error somewhere in the source chain.
            let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(err) = src {
                if err.is::<http_body_util::LengthLimitError>() {
                    return Err(ServeError::TooLarge(crate::MAX_BODY_BYTES));
                }
                src = err.source();
            }
            Err(ServeError::BadRequest(format!("reading the body: {e}")))
        }
    }
}

/// Sets the flag when dropped: tells an extraction still running on the blocking pool
/// that nobody waits for it any more (budget spent, client gone), so it stops at the
/// next article.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The extractor, built on the first write.
async fn extractor(s: &AppState) -> Result<Arc<rasad_extract::Extractor>> {
    s.inner
        .extractor
        .get_or_try_init(|| async {
            let x = tokio::task::spawn_blocking(rasad_extract::Extractor::new)
                .await
                .map_err(|e| ServeError::Internal(e.to_string()))??;
            Ok::<_, ServeError>(Arc::new(x))
        })
        .await
        .cloned()
}

/// One extracted article.
type Extracted = (Article, std::result::Result<Vec<rasad_model::Event>, String>);

/// `POST /api/articles`. The contract: a 2xx answer means every submitted article is
/// stored (now or before) under its id and can be read at `/api/articles/{id}`; any other
/// answer means nothing of the request was stored. In order:
///
/// 1. token, body (time and size limits), parse and check every article (400);
/// 2. take an extraction slot, or answer 503 + `Retry-After` when all are busy;
/// 3. articles already stored under their id are skipped; one whose text or URL is
///    stored under another id is a conflict (409): the client should use that id;
/// 4. extract on the blocking pool within the time budget (else 503, nothing stored);
///    an article the extractor refuses makes the request 422, nothing stored;
/// 5. store everything in one transaction.
pub async fn post_articles(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    // Authorisation first: an anonymous client learns nothing about body handling.
    check_write(&s, &headers)?;
    let body = read_body(&s, body).await?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let articles = parse_articles(ct, &body)?;
    drop(body);

    let limits = &s.inner.limits;
    let permit = s
        .inner
        .extractions
        .clone()
        .try_acquire_owned()
        .map_err(|_| ServeError::Busy(limits.retry_after_s))?;
    let x = extractor(&s).await?;

    let (fresh, already) = backend::run(&s, move |st| backend::triage(st, articles)).await?;

    let cancel = Arc::new(AtomicBool::new(false));
    let guard = CancelOnDrop(cancel.clone());
    let task = tokio::task::spawn_blocking(move || -> Option<Vec<Extracted>> {
        // The slot is held until the extraction really ends, even past the budget.
        let _permit = permit;
        let mut out = Vec::with_capacity(fresh.len());
        for a in fresh {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| x.extract(&a)))
                .map_err(|_| "extractor panicked".to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            out.push((a, r));
        }
        Some(out)
    });
    let budget = limits.extract_budget;
    let items = match tokio::time::timeout(budget, task).await {
        Err(_) => return Err(ServeError::OverBudget(budget.as_secs())),
        Ok(joined) => joined
            .map_err(|e| ServeError::Internal(format!("extraction task: {e}")))?
            .ok_or_else(|| ServeError::OverBudget(budget.as_secs()))?,
    };
    drop(guard);
    let refused: Vec<backend::IngestFailure> = items
        .iter()
        .filter_map(|(a, r)| {
            r.as_ref().err().map(|e| backend::IngestFailure {
                id: a.id.trim().to_string(),
                error: e.clone(),
            })
        })
        .collect();
    if !refused.is_empty() {
        let msg = refused
            .iter()
            .map(|f| format!("{}: {}", f.id, f.error))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ServeError::Unprocessable(format!(
            "not stored: the extractor refused {} article(s): {msg}",
            refused.len()
        )));
    }

    let _writer = s.inner.writer.lock().await;
    let report = backend::run_write(&s, move |st| backend::ingest(st, items, already)).await?;
    Ok(Json(report).into_response())
}

/// Answer for methods a route does not have (kept JSON like every other error).
pub async fn method_not_allowed() -> Response {
    json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this path",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("s3cret!", "s3cret"));
        assert!(!token_matches("", "s3cret"));
        assert!(!token_matches("S3cret", "s3cret"));
    }

    #[test]
    fn parses_object_array_and_lines() {
        let one = br#"{"id":"a","text":"x"}"#;
        assert_eq!(parse_articles("application/json", one).unwrap().len(), 1);
        let arr = br#"[{"id":"a","text":"x"},{"id":"b","text":"y","published":"2024-01-01"}]"#;
        assert_eq!(
            parse_articles("application/json; charset=utf-8", arr)
                .unwrap()
                .len(),
            2
        );
        let lines = b"{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\",\"text\":\"y\"}\n";
        assert_eq!(
            parse_articles("application/x-ndjson", lines).unwrap().len(),
            2
        );
    }

    #[test]
    fn refuses_bad_bodies_without_panicking() {
        for (ct, body) in [
            ("application/json", &b"{"[..]),
            ("application/json", b"[]"),
            ("application/json", b"{\"id\":\"\",\"text\":\"x\"}"),
            ("application/json", b"{\"text\":\"x\"}"),
            ("application/json", b"42"),
            ("application/json", b"\xff\xfe"),
            (
                "application/x-ndjson",
                b"{\"id\":\"a\",\"text\":\"x\"}\nnope",
            ),
            ("application/x-ndjson", b"\xff"),
        ] {
            assert!(
                matches!(parse_articles(ct, body), Err(ServeError::BadRequest(_))),
                "{body:?}"
            );
        }
        assert!(matches!(
            parse_articles("text/plain", b"x"),
            Err(ServeError::UnsupportedMediaType)
        ));
        let many = format!("[{}]", vec![r#"{"id":"a","text":"x"}"#; 1001].join(","));
        assert!(parse_articles("application/json", many.as_bytes()).is_err());
    }
}
