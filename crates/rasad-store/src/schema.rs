//! Versioned schema migrations.
//!
//! The version lives in SQLite's `PRAGMA user_version`; migration `i` (0-based) brings
//! the database from version `i` to `i + 1` inside one transaction, so a crash mid-way
//! leaves the previous version intact. Never edit a shipped migration: append one.

use rusqlite::Connection;

use crate::StoreError;

/// Migrations in order. Index `i` upgrades from `user_version = i`.
pub const MIGRATIONS: &[&str] = &[
    // v1: articles, their folded-text index, mentions (extracted events), merged events, errors.
    r#"
    CREATE TABLE articles (
        rowid       INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        url         TEXT,
        text_hash   TEXT NOT NULL UNIQUE,
        outlet      TEXT,
        published   TEXT,
        title       TEXT,
        text        TEXT NOT NULL,
        source      TEXT,
        ingested_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    -- Contentless: the folded text is only searched, the original lives in `articles`.
    CREATE VIRTUAL TABLE articles_fts USING fts5(folded, content='', tokenize='unicode61 remove_diacritics 0');

    CREATE TABLE mentions (
        rowid      INTEGER PRIMARY KEY,
        article    INTEGER NOT NULL REFERENCES articles(rowid),
        idx        INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        admin1     TEXT,
        day_start  INTEGER,
        day_end    INTEGER,
        coarse     INTEGER NOT NULL DEFAULT 0,
        event_uid  TEXT NOT NULL,
        json       TEXT NOT NULL,
        UNIQUE (article, idx)
    );
    CREATE INDEX mentions_window ON mentions(event_type, coarse, day_start);
    CREATE INDEX mentions_event ON mentions(event_uid);

    CREATE TABLE events (
        uid            TEXT PRIMARY KEY,
        event_type     TEXT NOT NULL,
        sub_event_type TEXT NOT NULL,
        date           TEXT,
        day            INTEGER,
        country        TEXT,
        admin1         TEXT,
        admin2         TEXT,
        location       TEXT,
        lat            REAL,
        lon            REAL,
        actors_folded  TEXT NOT NULL,
        actor1         TEXT,
        fatalities     INTEGER,
        status         TEXT NOT NULL,
        confidence     REAL NOT NULL,
        n_sources      INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        json           TEXT NOT NULL
    );
    CREATE INDEX events_day ON events(day);
    CREATE INDEX events_type ON events(event_type, day);
    CREATE INDEX events_admin1 ON events(admin1, day);

    CREATE TABLE errors (
        rowid      INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        source     TEXT,
        article_id TEXT,
        message    TEXT NOT NULL
    );
    "#,
    // v2 (added for the HTTP API, issue 5): an index in exactly the order `Store::events`
    // lists events (`day IS NULL, day DESC, uid`), so a page is read off the index instead
    // of sorting every matching row with its JSON: on 50,000 events the first page went
    // from ~120 ms to ~1 ms and page 50 from ~900 ms to ~1.5 ms.
    r#"
    CREATE INDEX events_order ON events(day IS NULL, day DESC, uid);
    "#,
    // v2: the merge window query reads type, day range, admin1 and event from the index
    // alone (a covering index): with the v1 index every window entry cost a table lookup,
    // which dominated ingest once events had hundreds of reports.
    r#"
    DROP INDEX mentions_window;
    CREATE INDEX mentions_window ON mentions(event_type, coarse, day_start, day_end, admin1, event_uid);
    "#,
    // v4 (HTTP API, issue 5): every column the event filters read, so a filtered count
    // (the API's `total`) scans this index instead of table rows that carry the event JSON:
    // on 50,000 events a bbox count went from ~37 to ~12 ms, an actor count from ~63 to
    // ~18 ms, a confidence count from ~54 to ~7 ms.
    r#"
    CREATE INDEX events_filter ON events(day, event_type, sub_event_type, country, admin1, lon, lat, status, confidence, actors_folded);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bring `conn` up to [`SCHEMA_VERSION`]; refuses a database from a newer Rasad.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::Schema(format!(
            "database schema v{current} is newer than this build (v{SCHEMA_VERSION})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(SCHEMA_VERSION)
}
