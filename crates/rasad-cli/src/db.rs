//! The store a command works on: the embedded SQLite file (the default) or a
//! PostgreSQL server (`--db postgres://…`, or `RASAD_DB` when `--db` is left at its
//! default), and `rasad db migrate`.
//!
//! [`Db`] is an enum over the two backends with the operations the commands use, so
//! `ingest`, `watch`, `query`, `export` and `errors` only change the line that opens the
//! store. An enum rather than a trait object: two backends, known here, and the
//! commands keep calling plain methods.

use std::io::Write;
use std::path::{Path, PathBuf};

use rasad_export::{ExportSummary, Format, Undated};
use rasad_extract::Extractor;
use rasad_model::Article;
use rasad_pg::PgStore;
use rasad_store::{
    Counts, EventDetail, EventFilter, IngestError, IngestReport, Page, Store, StoredEvent,
};

/// The `--db` default of every command; when `--db` is left at it, `RASAD_DB` applies.
pub const DEFAULT_DB: &str = "rasad.db";

/// What a store operation can fail with, whichever the backend.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rasad_store::StoreError),
    #[error(transparent)]
    Postgres(#[from] rasad_pg::PgError),
    #[error(transparent)]
    Export(#[from] rasad_export::ExportError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Unsupported(String),
}

pub type Result<T> = std::result::Result<T, DbError>;

/// Where the store is: `--db`, or `RASAD_DB` when `--db` was not given another value.
pub fn location(db: &Path) -> String {
    let given = db.to_string_lossy().into_owned();
    if given == DEFAULT_DB {
        if let Ok(env) = std::env::var("RASAD_DB") {
            if !env.trim().is_empty() {
                return env.trim().to_string();
            }
        }
    }
    given
}

/// An open store of either kind.
pub enum Db {
    Sqlite(Store),
    Pg(Box<PgStore>),
}

impl Db {
    /// Open for writing: a SQLite file is created and migrated if needed, a PostgreSQL
    /// database migrated (its tables created on first use).
    pub fn open(db: &Path) -> anyhow::Result<Db> {
        use anyhow::Context;
        let at = location(db);
        if rasad_pg::is_url(&at) {
            let pg = PgStore::open(&at).with_context(|| format!("opening {}", redact(&at)))?;
            Ok(Db::Pg(Box::new(pg)))
        } else {
            Ok(Db::Sqlite(
                Store::open(&at).with_context(|| format!("opening {at}"))?,
            ))
        }
    }

    /// Open an existing store for reading, with a clear message when it is missing or
    /// not at this build's schema.
    pub fn open_existing(db: &Path) -> anyhow::Result<Db> {
        use anyhow::Context;
        let at = location(db);
        if rasad_pg::is_url(&at) {
            let pg =
                PgStore::open_existing(&at).with_context(|| format!("opening {}", redact(&at)))?;
            return Ok(Db::Pg(Box::new(pg)));
        }
        let path = PathBuf::from(&at);
        anyhow::ensure!(
            path.exists(),
            "no store at {at} (run `rasad ingest` first, or pass --db)"
        );
        Ok(Db::Sqlite(
            Store::open_readonly(&path).with_context(|| format!("opening {at}"))?,
        ))
    }

    pub fn ingest_articles_from(
        &mut self,
        articles: &[Article],
        extractor: &Extractor,
        source: Option<&str>,
    ) -> Result<IngestReport> {
        Ok(match self {
            Db::Sqlite(s) => s.ingest_articles_from(articles, extractor, source)?,
            Db::Pg(s) => s.ingest_articles_from(articles, extractor, source)?,
        })
    }

    pub fn record_error(
        &mut self,
        source: Option<&str>,
        article_id: Option<&str>,
        message: &str,
    ) -> Result<()> {
        match self {
            Db::Sqlite(s) => s.record_error(source, article_id, message)?,
            Db::Pg(s) => s.record_error(source, article_id, message)?,
        }
        Ok(())
    }

    pub fn has_article_key(&mut self, key: &str) -> Result<bool> {
        Ok(match self {
            Db::Sqlite(s) => s.has_article_key(key)?,
            Db::Pg(s) => s.has_article_key(key)?,
        })
    }

    pub fn counts(&mut self) -> Result<Counts> {
        Ok(match self {
            Db::Sqlite(s) => s.counts()?,
            Db::Pg(s) => s.counts()?,
        })
    }

    pub fn errors(&mut self, limit: u64) -> Result<Vec<IngestError>> {
        Ok(match self {
            Db::Sqlite(s) => s.errors(limit)?,
            Db::Pg(s) => s.errors(limit)?,
        })
    }

    pub fn count_events(&mut self, filter: &EventFilter) -> Result<u64> {
        Ok(match self {
            Db::Sqlite(s) => s.count_events(filter)?,
            Db::Pg(s) => s.count_events(filter)?,
        })
    }

    pub fn events(&mut self, filter: &EventFilter, page: Page) -> Result<Vec<StoredEvent>> {
        Ok(match self {
            Db::Sqlite(s) => s.events(filter, page)?,
            Db::Pg(s) => s.events(filter, page)?,
        })
    }

    /// A keyset page (`rasad query --after`): SQLite only for now; PostgreSQL pages by
    /// offset.
    pub fn events_after(&mut self, filter: &EventFilter, after: Option<&str>, limit: u64) -> Result<rasad_store::EventPage> {
        match self {
            Db::Sqlite(s) => Ok(s.events_after(filter, after, limit)?),
            Db::Pg(_) => Err(DbError::Unsupported("--after (keyset pages) is not built for PostgreSQL yet; use --offset".into())),
        }
    }

    pub fn event(&mut self, id: &str) -> Result<Option<EventDetail>> {
        Ok(match self {
            Db::Sqlite(s) => s.event(id)?,
            Db::Pg(s) => s.event(id)?,
        })
    }

    /// `rasad export`. SQLite goes through `rasad_export` as before. PostgreSQL writes
    /// the formats built from public pieces of `rasad_export` (ACLED CSV with its
    /// columns and row mapping, JSONL, mentions JSONL) from one streamed query;
    /// GeoJSON and Parquet need `rasad_export` to accept another source than a SQLite
    /// `Store` (see the crate doc of `rasad-pg`).
    pub fn export(
        &mut self,
        format: Format,
        filter: &EventFilter,
        out: impl Write + Send,
    ) -> Result<ExportSummary> {
        let pg = match self {
            Db::Sqlite(s) => return Ok(rasad_export::export(s, format, filter, out)?),
            Db::Pg(pg) => pg,
        };
        let written = |written: u64| ExportSummary { written, undated: Undated::default() };
        match format {
            Format::AcledCsv => {
                // the ACLED rules of `rasad_export::dating`: no row without a date
                let mut w = csv::Writer::from_writer(out);
                w.write_record(rasad_export::ACLED_COLUMNS)?;
                let mut failed: Option<DbError> = None;
                let mut undated = Undated::default();
                let mut n = 0;
                pg.for_each_detail(filter, |d| match rasad_export::acled_row(&d) {
                    Some(row) => {
                        n += 1;
                        w.write_record(row.fields()).map_err(|e| stop(&mut failed, e.into()))
                    }
                    None => {
                        undated.ids.push(d.event.id.clone());
                        Ok(())
                    }
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
                w.flush()?;
                Ok(ExportSummary { written: n, undated })
            }
            Format::Jsonl => {
                let mut out = out;
                let mut failed: Option<DbError> = None;
                let n = pg.for_each_detail(filter, |d| {
                    serde_json::to_writer(&mut out, &d)
                        .map_err(DbError::from)
                        .and_then(|_| Ok(out.write_all(b"\n")?))
                        .map_err(|e| stop(&mut failed, e))
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
                out.flush()?;
                Ok(written(n))
            }
            Format::MentionsJsonl => {
                let mut out = out;
                let mut failed: Option<DbError> = None;
                let mut n = 0;
                pg.mentions_by_article(|id, events| {
                    let line = serde_json::json!({"id": id, "events": events});
                    serde_json::to_writer(&mut out, &line)
                        .map_err(DbError::from)
                        .and_then(|_| Ok(out.write_all(b"\n")?))
                        .map_err(|e| stop(&mut failed, e))?;
                    n += 1;
                    Ok(())
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
                out.flush()?;
                Ok(written(n))
            }
            Format::GeoJson | Format::Parquet => Err(DbError::Unsupported(format!(
                "{format:?} export from PostgreSQL is not built yet (acled-csv, jsonl and mentions-jsonl are)"
            ))),
        }
    }
}

/// Keep a writer's error and stop the store's walk (the walk's own error type cannot
/// carry it).
fn stop(slot: &mut Option<DbError>, e: DbError) -> rasad_pg::PgError {
    let msg = e.to_string();
    *slot = Some(e);
    rasad_pg::PgError::Filter(format!("export interrupted: {msg}"))
}

/// A connection URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(clap::Subcommand)]
pub enum DbCommand {
    /// Bring the store's schema to this build's version (creates it when new).
    Migrate {
        /// The store: a SQLite file or postgres://user@host/database (env RASAD_DB).
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    match args.command {
        DbCommand::Migrate { db } => {
            let at = location(&db);
            if rasad_pg::is_url(&at) {
                use anyhow::Context;
                let mut pg = PgStore::connect(&at)
                    .with_context(|| format!("connecting to {}", redact(&at)))?;
                let before = pg.schema_version()?;
                let applied = pg.migrate()?;
                eprintln!(
                    "{}: schema v{before} -> v{} ({} migration{} applied)",
                    redact(&at),
                    rasad_pg::SCHEMA_VERSION,
                    applied.len(),
                    if applied.len() == 1 { "" } else { "s" }
                );
            } else {
                let store = Store::open(&at)?;
                eprintln!("{at}: schema v{}", store.schema_version()?);
            }
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact("rasad.db"), "rasad.db");
    }

    #[test]
    fn an_explicit_db_wins_over_the_environment() {
        // Only the default defers to RASAD_DB (read, never set here: tests share the env).
        assert_eq!(location(Path::new("other.db")), "other.db");
    }
}
