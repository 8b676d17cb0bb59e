//! The server's defences against hostile or broken clients, in one place.
//!
//! | what | limit | answer |
//! |---|---|---|
//! | headers: size | [`Limits::max_header_bytes`] (request line + headers) | 431, connection closed |
//! | headers: time | [`Limits::header_timeout`] from connect to the end of the headers | connection closed |
//! | body: size | [`crate::MAX_BODY_BYTES`] | 413 JSON |
//! | body: time | [`Limits::body_timeout`] to read a whole body (a slow client) | 408 JSON |
//! | extraction: time | [`Limits::extract_budget`] per `POST /api/articles` | 503 JSON, nothing stored |
//! | extraction: concurrency | [`Limits::max_extractions`] requests extracting at once | 503 JSON + `Retry-After` |
//! | whole request | [`crate::REQUEST_TIMEOUT`] | 408 JSON |
//!
//! Extraction is CPU work on tokio's blocking pool; reads use their own bounded pool of
//! store connections ([`crate::backend::Pool`]), so GETs keep being answered while the
//! extraction slots are full. An extraction that overruns its budget cannot be
//! interrupted mid-article, so it keeps its slot until it actually ends (checked between
//! articles of a batch, where it stops): a client that keeps sending such articles gets
//! 503s, not a pile of runaway threads.

use std::time::Duration;

/// Limits on what one client can make the server do. [`Limits::default`] is what `rasad
/// serve` runs with.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests extracting at once (default: the number of cores, at least 1).
    pub max_extractions: usize,
    /// Time one `POST /api/articles` may spend extracting before it is answered 503 and
    /// nothing of it is stored.
    pub extract_budget: Duration,
    /// Time to receive a whole request body.
    pub body_timeout: Duration,
    /// Time from connecting (or from the previous response on a kept-alive connection)
    /// to the end of the request's headers.
    pub header_timeout: Duration,
    /// Largest request line plus headers, in bytes (hyper's floor is 8 KiB).
    pub max_header_bytes: usize,
    /// Seconds a client told 503 (extraction slots full) should wait.
    pub retry_after_s: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_extractions: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .max(1),
            extract_budget: Duration::from_secs(20),
            body_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            retry_after_s: 5,
        }
    }
}
