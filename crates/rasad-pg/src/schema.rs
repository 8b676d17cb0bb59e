//! Versioned schema migrations for PostgreSQL.
//!
//! Applied versions are rows of `rasad_migrations`; migration `i` (0-based) brings the
//! database from version `i` to `i + 1`. All pending migrations run in one transaction
//! that first takes an advisory lock, so two processes starting at once against a fresh
//! database do not both try to create the tables (the second waits, then finds them
//! applied), and a failure leaves the previous version intact (PostgreSQL's DDL is
//! transactional). Never edit a shipped migration: append one.

use postgres::Client;

use crate::{PgError, Result};

/// Advisory lock key held while migrating ("rasadmig" in ASCII).
const MIGRATE_LOCK: i64 = 0x7261_7361_646d_6967;

/// Migrations in order. Index `i` upgrades from version `i`.
pub const MIGRATIONS: &[&str] = &[
    // v1: articles (with a tsvector of the folded text for search), mentions, merged
    // events with a typed column and an index for every filter, errors.
    r#"
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TABLE articles (
        rowid       BIGSERIAL PRIMARY KEY,
        id          TEXT COLLATE "C" NOT NULL UNIQUE,
        url         TEXT,
        text_hash   TEXT NOT NULL UNIQUE,
        outlet      TEXT,
        published   TEXT COLLATE "C",
        title       TEXT,
        text        TEXT NOT NULL,
        source      TEXT,
        ingested_at BIGINT NOT NULL,
        -- Words of the folded title and text (rasad_text::fold, then the 'simple'
        -- configuration: lower case, no stemming, no stop words). Only the words are
        -- kept, like SQLite's contentless FTS5 table: the original lives in `text`.
        search      TSVECTOR NOT NULL
    );
    CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE INDEX articles_search ON articles USING GIN (search);

    CREATE TABLE mentions (
        rowid      BIGSERIAL PRIMARY KEY,
        article    BIGINT NOT NULL REFERENCES articles(rowid),
        idx        INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        admin1     TEXT,
        day_start  INTEGER,
        day_end    INTEGER,
        coarse     BOOLEAN NOT NULL DEFAULT FALSE,
        event_uid  TEXT COLLATE "C" NOT NULL,
        json       TEXT NOT NULL,
        UNIQUE (article, idx)
    );
    -- The merge's candidate search (type, precision, day window, admin1) answered from
    -- the index alone.
    CREATE INDEX mentions_window ON mentions(event_type, coarse, day_start) INCLUDE (day_end, admin1, event_uid);
    CREATE INDEX mentions_event ON mentions(event_uid);

    CREATE TABLE events (
        uid            TEXT COLLATE "C" PRIMARY KEY,
        event_type     TEXT COLLATE "C" NOT NULL,
        sub_event_type TEXT COLLATE "C" NOT NULL,
        date           TEXT COLLATE "C",
        day            INTEGER,
        country        TEXT COLLATE "C",
        admin1         TEXT COLLATE "C",
        admin2         TEXT,
        location       TEXT,
        lat            DOUBLE PRECISION,
        lon            DOUBLE PRECISION,
        actors_folded  TEXT COLLATE "C" NOT NULL,
        actor1         TEXT COLLATE "C",
        fatalities     INTEGER,
        status         TEXT COLLATE "C" NOT NULL,
        confidence     REAL NOT NULL,
        n_sources      INTEGER NOT NULL,
        updated_at     BIGINT NOT NULL,
        json           TEXT NOT NULL
    );
    -- The list order (undated last, newest first, id): a page is read off this index.
    CREATE INDEX events_order ON events((day IS NULL), day DESC, uid);
    -- Date ranges (the order index leads with `day IS NULL`, which a range cannot use).
    CREATE INDEX events_day ON events(day);
    -- Text columns sort bytewise (COLLATE "C") whatever the database's locale, as in
    -- SQLite: the merge picks a big event's head by article id, and lists break ties by id.
    -- Equality filters compare case-insensitively, so the indexes are on lower(...),
    -- with the day for date ranges and the order.
    CREATE INDEX events_type ON events(lower(event_type), day);
    CREATE INDEX events_sub_type ON events(lower(sub_event_type), day);
    CREATE INDEX events_country ON events(lower(country), day);
    CREATE INDEX events_admin1 ON events(lower(admin1), day);
    CREATE INDEX events_status ON events(status, day);
    CREATE INDEX events_confidence ON events(confidence);
    -- Bounding boxes: a GiST index on the point, searched with `<@ box`.
    CREATE INDEX events_point ON events USING GIST (point(lon, lat)) WHERE lon IS NOT NULL AND lat IS NOT NULL;
    -- Actor substrings (`LIKE '%…%'`) through trigrams.
    CREATE INDEX events_actors ON events USING GIN (actors_folded gin_trgm_ops);

    CREATE TABLE errors (
        rowid      BIGSERIAL PRIMARY KEY,
        at         BIGINT NOT NULL,
        source     TEXT,
        article_id TEXT,
        message    TEXT NOT NULL
    );
    -- One row per (source, article, message): concurrent writers recording the same
    -- error insert it once (ON CONFLICT DO NOTHING), which a NOT EXISTS check cannot promise.
    CREATE UNIQUE INDEX errors_once ON errors(source, article_id, md5(message)) NULLS NOT DISTINCT;

    -- A commit counter (PgStore::data_version): every write transaction bumps it just
    -- before committing, so a reader sees the new value exactly when it sees the new
    -- rows; a server caching answers drops them when it changes (SQLite's
    -- `PRAGMA data_version` plays this part for the SQLite store).
    CREATE TABLE rasad_state (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version BIGINT NOT NULL
    );
    INSERT INTO rasad_state VALUES (1, 0);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The version of the database `client` is connected to (0 when never migrated).
pub fn version(client: &mut Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('rasad_migrations') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i32> = client
        .query_one("SELECT max(version) FROM rasad_migrations", &[])?
        .get(0);
    Ok(v.unwrap_or(0) as i64)
}

/// Bring the database up to [`SCHEMA_VERSION`]; refuses a database from a newer Rasad.
/// Returns the migrations applied.
pub fn migrate(client: &mut Client) -> Result<Vec<i64>> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS rasad_migrations (
            version    INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let current: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM rasad_migrations",
            &[],
        )?
        .get::<_, i32>(0) as i64;
    if current > SCHEMA_VERSION {
        return Err(PgError::Schema(format!(
            "database schema v{current} is newer than this build (v{SCHEMA_VERSION})"
        )));
    }
    let mut applied = Vec::new();
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql)?;
        let v = (i + 1) as i32;
        tx.execute("INSERT INTO rasad_migrations (version) VALUES ($1)", &[&v])?;
        applied.push(v as i64);
    }
    tx.commit()?;
    Ok(applied)
}
