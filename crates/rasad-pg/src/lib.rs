//! Rasad's PostgreSQL backend: the operations of `rasad_store::Store` (ingest with the
//! same deduplication and the same incremental cross-outlet merge, filtered event lists,
//! event and article detail, dashboard counts, errors) on a server database, for teams
//! that watch feeds around the clock with several writers and analysts.
//!
//! Callers see one shape: the filter, page, result and report types are
//! `rasad_store`'s ([`EventFilter`], [`Page`], [`StoredEvent`], [`EventDetail`],
//! [`ArticleDetail`], [`Stats`], [`IngestError`], [`Counts`], [`IngestReport`]), the
//! merge is `rasad_merge`'s, and article identity is `rasad_store::text_hash`.
//!
//! # Schema
//! Versioned migrations in [`schema`] (a `rasad_migrations` table, all pending
//! migrations in one transaction). Events keep a typed column for everything the API
//! filters or sorts on, each with an index: B-trees on `lower(...)` for the
//! case-insensitive equality filters (with the day, for ranges and order), a GiST index
//! on `point(lon, lat)` for bounding boxes, a trigram GIN index for actor substrings,
//! and a GIN index on a `tsvector` of each article's folded text.
//!
//! Text search: the folded text (`rasad_text::fold`: hamza, alef, ta marbuta and
//! diacritics variants made equal, lower case) goes through the `simple` configuration
//! (no stemming or stop words, which would need an Arabic dictionary PostgreSQL does not
//! ship) into a stripped `tsvector`; a query's folded words must all occur, like the
//! SQLite store's FTS5 query. A `tsvector` rather than trigrams because the search is by
//! whole words and the index is several times smaller than a trigram index of the text.
//!
//! # Concurrent writers
//! Several processes may ingest at once (two `rasad ingest`, a `rasad watch`, the API).
//! What must hold: no article stored twice, no mention or event lost, and the same
//! merged events as one writer would produce. How:
//!
//! 1. Extraction, the expensive part, runs outside any transaction, in parallel across
//!    processes; so does the cheap pre-check that skips articles already stored.
//! 2. Each batch's write (articles, mentions, re-merge) is one transaction that first
//!    takes a transaction-level advisory lock ([`WRITE_LOCK`]). Batches therefore commit
//!    one after another, and because the transaction runs at READ COMMITTED, every
//!    statement after the lock sees everything committed before it was granted: each
//!    batch merges against the complete store, exactly as if one writer had written
//!    the batches in lock order. The merge is order-independent (event ids come from a
//!    cluster's smallest `article#index` key), so the result equals one writer's.
//!    A finer lock (per event type or key window) would not buy parallelism: a batch of
//!    a few hundred articles touches nearly every type and governorate, and the locked
//!    part is a dozen set-based statements per batch, a small share of extraction.
//! 3. Articles are inserted with `ON CONFLICT DO NOTHING` against the unique id, text
//!    hash and URL indexes, so an article that arrives twice (in one batch, or from a
//!    writer that does not take the lock) is stored once; the unique indexes, not the
//!    pre-check, are what guarantees it. Errors have a unique index too.
//! 4. The lock is released by commit or rollback, including when the process is killed
//!    (the server ends the session), so a killed writer never blocks the others, and its
//!    uncommitted batch leaves no trace: re-running the ingest redoes exactly that batch.
//!
//! Writes are set-based (`unnest` of arrays, one statement per step of a batch), so a
//! batch costs about a dozen round trips whatever its size.

mod ingest;
mod merge;
mod query;
pub mod schema;

use postgres::{Client, NoTls};

/// The client crate, for callers that need a raw connection (tests, benchmarks).
pub use postgres;
pub use rasad_store::{
    text_hash, ArticleDetail, Counts, EventDetail, EventFilter, IngestError, IngestReport, Page,
    Source, Stats, StoredEvent,
};
pub use schema::SCHEMA_VERSION;

/// Advisory lock key every write transaction holds (see the crate doc): "rasadwrt".
pub const WRITE_LOCK: i64 = 0x7261_7361_6477_7274;

/// Everything that can go wrong in the PostgreSQL store.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schema: {0}")]
    Schema(String),
    #[error("invalid filter: {0}")]
    Filter(String),
}

pub type Result<T> = std::result::Result<T, PgError>;

/// Whether `db` names a PostgreSQL server rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A connection to a Rasad database on a PostgreSQL server. One connection, used from
/// one thread at a time; open one per thread or process.
pub struct PgStore {
    client: Client,
}

impl PgStore {
    /// Connect and migrate to the current schema (creating the tables on first use).
    pub fn open(url: &str) -> Result<PgStore> {
        let mut store = PgStore::connect(url)?;
        schema::migrate(&mut store.client)?;
        Ok(store)
    }

    /// Connect without migrating (readers: `rasad query`, `export`, `errors`); fails if the
    /// database is not at this build's schema version.
    pub fn open_existing(url: &str) -> Result<PgStore> {
        let mut store = PgStore::connect(url)?;
        let v = schema::version(&mut store.client)?;
        if v != SCHEMA_VERSION {
            return Err(PgError::Schema(format!(
                "database schema v{v}, this build reads v{SCHEMA_VERSION} (run `rasad db migrate`)"
            )));
        }
        Ok(store)
    }

    /// Connect without migrating or checking the schema (`rasad db migrate` reports the
    /// version it found before migrating).
    pub fn connect(url: &str) -> Result<PgStore> {
        let mut client = Client::connect(url, NoTls)?;
        // Offsets and days are plain integers; keep the session predictable whatever the
        // server's defaults.
        client.batch_execute("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'")?;
        Ok(PgStore { client })
    }

    /// Apply pending migrations; returns the versions applied (empty when up to date).
    pub fn migrate(&mut self) -> Result<Vec<i64>> {
        schema::migrate(&mut self.client)
    }

    /// The schema version of the connected database.
    pub fn schema_version(&mut self) -> Result<i64> {
        schema::version(&mut self.client)
    }

    /// Row counts.
    pub fn counts(&mut self) -> Result<Counts> {
        let r = self.client.query_one(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions),
                    (SELECT count(*) FROM events), (SELECT count(*) FROM errors)",
            &[],
        )?;
        let n = |i: usize| r.get::<_, i64>(i).max(0) as u64;
        Ok(Counts {
            articles: n(0),
            mentions: n(1),
            events: n(2),
            errors: n(3),
        })
    }

    /// The store's commit counter: it changes whenever a write (ingest batch, recorded
    /// error) has committed, from any connection or process, and only then. An HTTP
    /// server caching answers compares it between requests (as `rasad_store::Store::
    /// data_version` for SQLite); unlike SQLite's, values compare across connections.
    pub fn data_version(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one("SELECT version FROM rasad_state WHERE id = 1", &[])?
            .get(0))
    }

    /// Refresh the planner's statistics (after a large ingest; autovacuum does it later
    /// anyway).
    pub fn analyze(&mut self) -> Result<()> {
        self.client
            .batch_execute("ANALYZE articles; ANALYZE mentions; ANALYZE events")?;
        Ok(())
    }

    /// The underlying connection (tests and benchmarks inspect plans and sizes).
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// Unix seconds now (0 if the clock is before 1970).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// PostgreSQL text cannot hold NUL; each becomes a space, one byte for one byte, so the
/// extractor's byte and character offsets into the text stay true.
pub(crate) fn no_nul(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\0') {
        std::borrow::Cow::Owned(s.replace('\0', " "))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_files() {
        assert!(is_url("postgres://u@h/db"));
        assert!(is_url("postgresql://h/db"));
        assert!(!is_url("rasad.db"));
        assert!(!is_url("/tmp/postgres://x"));
    }

    #[test]
    fn nul_becomes_a_space_of_the_same_length() {
        assert_eq!(no_nul("a\0b"), "a b");
        assert_eq!(no_nul("قصف\0").len(), "قصف ".len());
        assert!(matches!(no_nul("ok"), std::borrow::Cow::Borrowed(_)));
    }
}
