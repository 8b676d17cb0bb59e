//! Rasad's HTTP API and map dashboard (`rasad serve`).
//!
//! One axum server answers the JSON API under `/api/` (documented at
//! `/api/openapi.json`, see [`openapi`]) and serves the offline dashboard (Leaflet map,
//! timeline, filters, table, event panel) from files embedded at build time ([`assets`]).
//!
//! The store is SQLite, whose calls block: every store call runs on tokio's blocking pool
//! with a connection taken from a small pool ([`backend::Pool`]). Reads run concurrently
//! (the store uses WAL, so readers never wait for the writer); writes (`POST
//! /api/articles`) are serialised through one writer so two submissions never race in
//! the merge step.
//!
//! ```no_run
//! # async fn f() -> Result<(), rasad_serve::ServeError> {
//! let cfg = rasad_serve::Config::new("rasad.db");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! rasad_serve::serve(listener, cfg, std::future::pending()).await
//! # }
//! ```

pub mod api;
pub mod assets;
pub mod backend;
pub mod cache;
pub mod error;
pub mod formats;
pub mod limits;
pub mod openapi;
pub mod params;
pub mod routes;
mod server;

pub use error::ServeError;
pub use limits::Limits;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

/// Largest accepted request body (a batch of articles).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of articles in one `POST /api/articles`.
pub const MAX_ARTICLES_PER_POST: usize = 1000;
/// Time after which a request is answered 408 instead of holding a connection forever.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite store (created when missing).
    pub db: PathBuf,
    /// Bearer token that unlocks writes; `None` = read-only server.
    pub write_token: Option<String>,
    /// Serve the dashboard from this folder instead of the embedded copy.
    pub assets_dir: Option<PathBuf>,
    /// Read connections kept open (and the number of store reads run at once).
    pub readers: usize,
    /// Keep answers of `/api/events` and `/api/stats` until the store changes (see
    /// [`cache`]); off only to measure the store itself.
    pub cache: bool,
    /// Defences against hostile clients (time and size limits; see [`limits`]).
    pub limits: Limits,
}

impl Config {
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config {
            db: db.into(),
            write_token: None,
            assets_dir: None,
            readers: 8,
            cache: true,
            limits: Limits::default(),
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: backend::Pool,
    pub(crate) write_token: Option<String>,
    pub(crate) assets_dir: Option<PathBuf>,
    /// Serialises the store writes (two submissions never race in the merge step).
    pub(crate) writer: tokio::sync::Mutex<()>,
    /// The extractor, built on the first write (lexicons load then, so a read-only server
    /// never pays for them).
    pub(crate) extractor: tokio::sync::OnceCell<Arc<rasad_extract::Extractor>>,
    /// One permit per extraction allowed at once ([`Limits::max_extractions`]).
    pub(crate) extractions: Arc<tokio::sync::Semaphore>,
    pub(crate) limits: Limits,
    pub(crate) cache: cache::Cache,
    pub(crate) use_cache: bool,
}

impl AppState {
    /// Open (or create) the store and build the state. Fails when the store cannot be opened.
    pub fn new(cfg: &Config) -> Result<AppState, ServeError> {
        let pool = backend::Pool::open(&cfg.db, cfg.readers.max(1))?;
        Ok(AppState {
            inner: Arc::new(Inner {
                pool,
                write_token: cfg.write_token.clone().filter(|t| !t.is_empty()),
                assets_dir: cfg.assets_dir.clone(),
                writer: tokio::sync::Mutex::new(()),
                extractor: tokio::sync::OnceCell::new(),
                extractions: Arc::new(tokio::sync::Semaphore::new(cfg.limits.max_extractions.max(1))),
                limits: cfg.limits.clone(),
                cache: cache::Cache::default(),
                use_cache: cfg.cache,
            }),
        })
    }
}

/// The full router: API routes, then the dashboard for every other path.
pub fn router(state: AppState) -> axum::Router {
    routes::build(state)
}

/// Serve until `shutdown` resolves (then the requests in flight finish).
pub async fn serve(
    listener: tokio::net::TcpListener,
    cfg: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let state = AppState::new(&cfg)?;
    server::run(listener, router(state), &cfg.limits, shutdown).await?;
    Ok(())
}
