//! The crate's one error type, and how each variant becomes an HTTP answer.
//!
//! Every error leaves the server as JSON `{"error": "...", "status": N}` with a status
//! code a client can branch on, so scripts never have to parse an HTML error page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A query parameter or body that does not meet the documented contract.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A write without a valid bearer token.
    #[error("a valid bearer token is required for writes (Authorization: Bearer <token>)")]
    Unauthorized,
    /// A write to a server started without a write token.
    #[error("this server is read-only: start it with --write-token or RASAD_WRITE_TOKEN to accept writes")]
    ReadOnly,
    #[error("request body too large (limit {0} bytes)")]
    TooLarge(usize),
    #[error("unsupported media type: send application/json or application/x-ndjson")]
    UnsupportedMediaType,
    #[error("store: {0}")]
    Store(#[from] rasad_store::StoreError),
    #[error("extractor: {0}")]
    Extract(#[from] rasad_extract::ExtractError),
    /// A blocking task died (a bug, never the client's fault).
    #[error("internal: {0}")]
    Internal(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl ServeError {
    pub fn status(&self) -> StatusCode {
        match self {
            ServeError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServeError::NotFound(_) => StatusCode::NOT_FOUND,
            ServeError::Unauthorized => StatusCode::UNAUTHORIZED,
            ServeError::ReadOnly => StatusCode::FORBIDDEN,
            ServeError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServeError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            // A filter or cursor the store refuses is the client's mistake.
            ServeError::Store(rasad_store::StoreError::Filter(_)) => StatusCode::BAD_REQUEST,
            ServeError::Store(_)
            | ServeError::Extract(_)
            | ServeError::Internal(_)
            | ServeError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Build a JSON error response (also used for axum's own rejections).
pub fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message, "status": status.as_u16() });
    let mut r = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    r
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        json_error(self.status(), &self.to_string())
    }
}

pub type Result<T, E = ServeError> = std::result::Result<T, E>;
