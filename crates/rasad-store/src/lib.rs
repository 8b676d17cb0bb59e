//! Rasad's event store: SQLite (bundled, WAL) holding articles, the events extracted from
//! each (mentions) and the merged real-world events they belong to.
//!
//! Why SQLite: one file, no server, transactions that survive `kill -9`, and FTS5 for
//! searching folded Arabic. Every batch of articles is written in one transaction
//! (articles + mentions + re-merged events), so a run killed at any moment loses only the
//! batch in flight, and re-running the same ingest resumes: articles already stored (same
//! id, same URL or same folded-text hash) are skipped before extraction.
//!
//! Read API for the HTTP server and the CLI: [`Store::events`], [`Store::count_events`],
//! [`Store::event`], [`Store::article`], [`Store::stats`], [`Store::errors`],
//! [`Store::mentions_by_article`]. Write API: [`Store::ingest_articles`] (extract + merge
//! + store) and [`Store::ingest_extracted`] (when the caller already extracted).
//!
//! Merging (see `rasad-merge`) is incremental: each batch re-clusters only the new
//! mentions, the stored mentions they could match (same type, dates within a day, same
//! admin1) and the events those belong to. Event ids are derived from the cluster's
//! smallest `article#index` key, so the same set of articles gives the same ids whatever
//! order they were ingested in.

mod cache;
mod codec;
mod events;
mod ingest;
mod pipeline;
mod query;
mod remerge;
pub mod schema;

use std::path::{Path, PathBuf};

use rasad_model::{Article, Event};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

pub use ingest::{extract_caught, hash_folded, on_all_cores, text_hash, IngestReport, Prepared};
pub use pipeline::Feeder;
pub use events::actor_columns;
pub use schema::SCHEMA_VERSION;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schema: {0}")]
    Schema(String),
    #[error("invalid filter: {0}")]
    Filter(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Filters shared by `events`, `count_events`, `stats` and the exports. Every field is
/// optional; unset fields do not filter. Text fields are compared after
/// `rasad_text::fold` (Arabic spelling variants and case do not matter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventFilter {
    /// First day, `YYYY-MM-DD` inclusive (events with a coarser date match by their start).
    pub date_from: Option<String>,
    /// Last day, `YYYY-MM-DD` inclusive.
    pub date_to: Option<String>,
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    /// Substring of either side's name (Arabic or English, folded).
    pub actor: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    /// `[min_lon, min_lat, max_lon, max_lat]`; events without coordinates never match.
    pub bbox: Option<[f64; 4]>,
    /// `current` or `background` (an event is current when any of its mentions is).
    pub status: Option<String>,
    pub min_confidence: Option<f32>,
    /// Words that must all occur in one of the event's source articles (FTS5 over folded text).
    pub text: Option<String>,
}

/// A page of results: `offset` rows skipped, at most `limit` returned (0 = no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            offset: 0,
            limit: 100,
        }
    }
}

impl Page {
    /// Every row.
    pub const ALL: Page = Page {
        offset: 0,
        limit: 0,
    };
}

/// One page of a keyset listing ([`Store::events_after`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<StoredEvent>,
    /// Cursor of the next page (pass it as `after`); `None` on the last page.
    pub next: Option<String>,
}

/// A merged event as stored: the record plus bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Stable id (16 hex digits), also in `event.event_id`.
    pub id: String,
    /// The merged record (most precise place and date, conservative fatalities).
    pub event: Event,
    /// How many mentions (reports) were merged into it.
    pub n_sources: u32,
    /// Unix seconds of the last change (a new source joined, a merge changed it).
    pub updated_at: i64,
}

/// One report of an event: which article said it, and the event as extracted from it
/// (with its spans into that article's text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub article_id: String,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    /// The mention as extracted (`event_id` = `<article id>#<index>`).
    pub mention: Event,
}

/// An event with every source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDetail {
    pub event: StoredEvent,
    pub sources: Vec<Source>,
}

/// An article with its text and the events extracted from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleDetail {
    pub article: Article,
    /// Where it came from (file path, feed URL).
    pub source: Option<String>,
    pub ingested_at: i64,
    /// `(merged event id, mention)` in article order; the mention's spans index `article.text`.
    pub events: Vec<(String, Event)>,
}

/// Counts for dashboards; each list is sorted by count descending (by day: by day).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub events: u64,
    pub fatalities: u64,
    pub by_day: Vec<(String, u64)>,
    pub by_type: Vec<(String, u64)>,
    pub by_admin1: Vec<(String, u64)>,
    pub by_actor: Vec<(String, u64)>,
}

/// A per-article ingest error, as listed by `rasad errors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestError {
    pub at: i64,
    pub source: Option<String>,
    pub article_id: Option<String>,
    pub message: String,
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub articles: u64,
    pub mentions: u64,
    pub events: u64,
    pub errors: u64,
}

/// An open store. Not `Sync`: open one per thread (SQLite WAL lets readers run beside
/// one writer; the server opens read-only connections).
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Parsed mentions the merge step read recently (bounded; see `cache`).
    cache: cache::MentionCache,
    /// Sizes and first reports of events the merge step read recently (bounded).
    heads: cache::HeadCache,
}

/// Mentions kept parsed per cache generation (at most twice this many, ~2 KB each).
const CACHE_GENERATION: usize = 16_384;

impl Store {
    /// Open (creating if needed) a store file for reading and writing, migrate it to
    /// the current schema, and switch it to WAL.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // 16 KiB pages for a new store (the size is fixed when the first table is
        // created; an existing store keeps its own): an article row (2–3 KB of text) left
        // about a third of each 4 KiB page empty, ~900 bytes per article.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode: a committed transaction survives a killed process (it is in
        // the WAL file); only an OS crash can lose the last few, never corrupt.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A 64 MiB page cache and memory-mapped reads: the merge step reads recent
        // mentions back in every batch, and the default 2 MiB cache sends it to the OS.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Checkpoint the WAL every ~32 MiB rather than every 4 MiB: the hot pages of the
        // indexes are written back once per checkpoint, not once per few batches.
        conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
        let _ = conn.pragma_update(None, "mmap_size", 268_435_456i64);
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            cache: cache::MentionCache::new(CACHE_GENERATION),
            heads: cache::HeadCache::new(CACHE_GENERATION),
        })
    }

    /// Open an existing store read-only (the HTTP server). Fails if the file is missing
    /// or its schema is older or newer than this build's.
    pub fn open_readonly(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v != SCHEMA_VERSION {
            return Err(StoreError::Schema(format!(
                "database schema v{v}, this build reads v{SCHEMA_VERSION} (open it read-write once to migrate)"
            )));
        }
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            cache: cache::MentionCache::new(CACHE_GENERATION),
            heads: cache::HeadCache::new(CACHE_GENERATION),
        })
    }

    /// A throwaway in-memory store (tests, one-shot pipelines).
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: None,
            cache: cache::MentionCache::new(CACHE_GENERATION),
            heads: cache::HeadCache::new(CACHE_GENERATION),
        })
    }

    /// The file this store lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// SQLite's `PRAGMA data_version` for this connection: it changes whenever another
    /// connection has committed since the last call. The HTTP server keeps one connection
    /// just for this and drops its cached answers when it changes (issue 5). Values are
    /// only comparable between calls on the same connection.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Row counts.
    pub fn counts(&self) -> Result<Counts> {
        let c = |t: &str| -> Result<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64)
        };
        Ok(Counts {
            articles: c("articles")?,
            mentions: c("mentions")?,
            events: c("events")?,
            errors: c("errors")?,
        })
    }

    /// Bytes of article text stored (to tell the store's own footprint from the text).
    pub fn text_bytes(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM articles",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Bytes on disk per table or index (SQLite's `dbstat`), largest first; empty when
    /// the SQLite build lacks `dbstat`.
    pub fn table_bytes(&self) -> Result<Vec<(String, u64)>> {
        let Ok(mut stmt) = self.conn.prepare(
            "SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC",
        ) else {
            return Ok(Vec::new());
        };
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows
            .filter_map(|r| r.ok())
            .map(|(n, b)| (n, b.max(0) as u64))
            .collect())
    }

    /// Fold the WAL into the main file and reclaim space (after a large ingest).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;")?;
        Ok(())
    }
}

/// Unix seconds now (0 if the clock is before 1970).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
