//! API handlers. Each checks its input, runs one store call on the blocking pool and
//! renders the answer; all errors leave as JSON (see [`crate::error`]).

use crate::backend;
use crate::cache;
use crate::error::{json_error, Result, ServeError};
use crate::formats;
use crate::params::{EventQuery, Format};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rasad_model::Article;
use serde_json::json;
use std::sync::Arc;

/// Longest id accepted in a path (article ids are URLs or hashes; longer is not an id).
const MAX_ID: usize = 512;

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

fn id_from(p: std::result::Result<Path<String>, PathRejection>) -> Result<String> {
    let Path(id) = p.map_err(|e| ServeError::BadRequest(format!("bad id: {e}")))?;
    if id.is_empty() || id.len() > MAX_ID {
        return Err(ServeError::BadRequest(format!(
            "id must be 1..{MAX_ID} bytes"
        )));
    }
    Ok(id)
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
        if a.id.trim().is_empty() || a.id.len() > MAX_ID {
            return Err(ServeError::BadRequest(format!(
                "article id must be 1..{MAX_ID} bytes"
            )));
        }
    }
    Ok(articles)
}

fn too_many(n: usize) -> ServeError {
    ServeError::BadRequest(format!(
        "{n} articles in one request; at most {}",
        crate::MAX_ARTICLES_PER_POST
    ))
}

pub async fn post_articles(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    // Authorisation first: an anonymous client learns nothing about body handling.
    check_write(&s, &headers)?;
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServeError::TooLarge(crate::MAX_BODY_BYTES),
        _ => ServeError::BadRequest(e.body_text()),
    })?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let articles = parse_articles(ct, &body)?;

    let mut writer = s.inner.writer.lock().await;
    let extractor = match writer.as_ref() {
        Some(x) => x.clone(),
        None => {
            let x = tokio::task::spawn_blocking(rasad_extract::Extractor::new)
                .await
                .map_err(|e| ServeError::Internal(e.to_string()))??;
            let x = Arc::new(x);
            *writer = Some(x.clone());
            x
        }
    };
    let report =
        backend::run_write(&s, move |st| backend::ingest(st, &articles, &extractor)).await?;
    drop(writer);
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
