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
    /// Articles the extractor refuses (a `published` it cannot read, a text over its
    /// limit); nothing of the request was stored.
    #[error("{0}")]
    Unprocessable(String),
    /// An article whose text or URL is stored under another id.
    #[error("{0}")]
    Conflict(String),
    /// Every extraction slot is taken ([`crate::Limits::max_extractions`]).
    #[error("the server is extracting as many submissions as it allows at once; retry in {0} s")]
    Busy(u32),
    /// Extraction ran past [`crate::Limits::extract_budget`]; nothing was stored.
    #[error("extraction took longer than the {0} s this server allows per request; nothing was stored (send fewer or shorter articles)")]
    OverBudget(u64),
    /// The body did not arrive within [`crate::Limits::body_timeout`].
    #[error("request body not received within {0} s")]
    BodyTimeout(u64),
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
            ServeError::Busy(_) | ServeError::OverBudget(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServeError::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ServeError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServeError::Conflict(_) => StatusCode::CONFLICT,
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
        let mut r = json_error(self.status(), &self.to_string());
        if let ServeError::Busy(s) = self {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

pub type Result<T, E = ServeError> = std::result::Result<T, E>;
