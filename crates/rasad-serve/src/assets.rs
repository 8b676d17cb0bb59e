//! The dashboard's files: embedded at build time (see `build.rs`), or read from a folder
//! given with `--assets` so the dashboard can be edited without rebuilding the binary.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// Whether the dashboard was built into this binary.
pub fn embedded_count() -> usize {
    embedded::ASSETS.len()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Rasad</title>\
<h1>Rasad API is running</h1><p>The dashboard was not built into this binary. Run \
<code>bash scripts/setup.d/30-web.sh</code> and rebuild (<code>cargo build --release</code>), \
or start with <code>--assets web/dist</code>. The API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>";

/// Serve `uri`'s path from the dashboard (`/` is `index.html`).
pub async fn serve(dir: Option<&Path>, uri: &Uri, headers: &HeaderMap) -> Response {
    let raw = uri.path().trim_start_matches('/');
    let rel = if raw.is_empty() { "index.html" } else { raw };
    if rel.starts_with("api/") {
        return crate::error::json_error(
            StatusCode::NOT_FOUND,
            &format!("no API route {}", uri.path()),
        );
    }
    if let Some(dir) = dir {
        return from_dir(dir, rel).await;
    }
    match embedded::ASSETS.iter().find(|(p, _, _)| *p == rel) {
        Some((p, bytes, etag)) => {
            if headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(*etag)
            {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, *etag)]).into_response();
            }
            let mut r = Response::new(Body::from(*bytes));
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(p)),
            );
            h.insert(header::ETAG, HeaderValue::from_static(etag));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            r
        }
        None if rel == "index.html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response(),
        None => crate::error::json_error(StatusCode::NOT_FOUND, &format!("no file {}", uri.path())),
    }
}

/// Read `rel` under `dir`, refusing any path that could leave it.
async fn from_dir(dir: &Path, rel: &str) -> Response {
    let rel_path = Path::new(rel);
    if !rel_path
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return crate::error::json_error(StatusCode::BAD_REQUEST, "bad path");
    }
    let full: PathBuf = dir.join(rel_path);
    match tokio::fs::read(&full).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(rel)),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => crate::error::json_error(StatusCode::NOT_FOUND, &format!("no file /{rel}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn folder_serving_refuses_escapes() {
        let dir = std::env::temp_dir();
        for bad in ["../etc/passwd", "a/../../x", "/etc/passwd"] {
            let r = from_dir(&dir, bad).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        }
    }

    #[tokio::test]
    async fn api_paths_never_fall_through_to_files() {
        let uri: Uri = "/api/nope".parse().unwrap();
        let r = serve(None, &uri, &HeaderMap::new()).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
    }

    #[tokio::test]
    async fn index_is_served_built_or_not() {
        let uri: Uri = "/".parse().unwrap();
        let r = serve(None, &uri, &HeaderMap::new()).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(
            content_type("vendor/leaflet.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("vendor/countries-50m.json"),
            "application/json"
        );
        assert_eq!(content_type("x.unknown"), "application/octet-stream");
    }
}
