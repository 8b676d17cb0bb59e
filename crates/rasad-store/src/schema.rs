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
    // v5 (store at scale, issue 13). Ingest was quadratic and filtered reads scanned.
    //
    // * `merge_keys`: one row per (merge key, event) with the number of the event's
    //   mentions under that key, so the merge's candidate search reads the distinct events
    //   of a key's day window instead of every mention in it (a window held thousands of
    //   mentions of a few events once the store grew; now its size is the number of
    //   distinct events there). Kept by the write path; '' stands for an unknown admin1.
    //   The old mentions window index goes: nothing reads it any more.
    // * `mentions.akey` (the article id) and `mentions_event` on (event_uid, akey, idx):
    //   an event's first reports in canonical order come off the index instead of a join
    //   and a sort of all its reports in every batch that touches it.
    // * `events.sort_key` (-day, undated last) so that list order, date range and the
    //   keyset cursor are one index range: every equality filter has an index
    //   (column, sort_key, uid) whose rows are already in page order; `events_geo`
    //   (R*Tree) for the bbox, `events_actor` (FTS5 trigram, contentless-delete) for the
    //   actor substring; `event_aggs` holds the unfiltered dashboard counts, kept by
    //   triggers, so `/api/stats` without filters reads a few hundred rows, not every event.
    //   The wide v4 index (every filter column, ~150 bytes per event) goes.
    //   `events_actor` is kept by the write path, not by a trigger, and written last in
    //   each batch: FTS5 flushes its pending terms to disk whenever a later statement of
    //   the transaction opens a savepoint (every statement that fires a trigger does), so
    //   FTS rows written early in a batch were flushed hundreds of times as tiny segments.
    r#"
    ALTER TABLE mentions ADD COLUMN akey TEXT NOT NULL DEFAULT '';
    UPDATE mentions SET akey = (SELECT id FROM articles WHERE articles.rowid = mentions.article);
    DROP INDEX mentions_event;
    CREATE INDEX mentions_event ON mentions(event_uid, akey, idx);
    DROP INDEX mentions_window;
    CREATE TABLE merge_keys (
        event_type TEXT NOT NULL,
        admin1     TEXT NOT NULL,
        coarse     INTEGER NOT NULL,
        day_start  INTEGER NOT NULL,
        day_end    INTEGER NOT NULL,
        event_uid  TEXT NOT NULL,
        n          INTEGER NOT NULL,
        PRIMARY KEY (event_type, admin1, coarse, day_start, day_end, event_uid)
    ) WITHOUT ROWID;
    CREATE INDEX merge_keys_any ON merge_keys(event_type, coarse, day_start);
    CREATE INDEX merge_keys_event ON merge_keys(event_uid);
    INSERT INTO merge_keys
        SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, event_uid, count(*)
        FROM mentions WHERE day_start IS NOT NULL AND day_end IS NOT NULL AND event_uid != ''
        GROUP BY 1, 2, 3, 4, 5, 6;

    ALTER TABLE events ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 9223372036854775807;
    UPDATE events SET sort_key = -day WHERE day IS NOT NULL;
    DROP INDEX events_day;
    DROP INDEX events_type;
    DROP INDEX events_admin1;
    DROP INDEX events_order;
    DROP INDEX events_filter;
    CREATE INDEX events_sort ON events(sort_key, uid);
    CREATE INDEX events_type ON events(event_type COLLATE NOCASE, sort_key, uid);
    CREATE INDEX events_sub_type ON events(sub_event_type COLLATE NOCASE, sort_key, uid);
    CREATE INDEX events_country ON events(country COLLATE NOCASE, sort_key, uid);
    CREATE INDEX events_admin1 ON events(admin1 COLLATE NOCASE, sort_key, uid);
    CREATE INDEX events_status ON events(status, sort_key, uid);
    CREATE INDEX events_confidence ON events(confidence);

    CREATE VIRTUAL TABLE events_geo USING rtree(id, min_lon, max_lon, min_lat, max_lat);
    INSERT INTO events_geo SELECT rowid, lon, lon, lat, lat FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL;
    CREATE VIRTUAL TABLE events_actor USING fts5(actors_folded, content='', contentless_delete=1, tokenize='trigram');
    INSERT INTO events_actor (rowid, actors_folded) SELECT rowid, actors_folded FROM events;

    CREATE TABLE event_aggs (
        dim        INTEGER NOT NULL,   -- 0 all, 1 date, 2 event type, 3 admin1, 4 actor1
        key        TEXT NOT NULL,
        n          INTEGER NOT NULL,
        fatalities INTEGER NOT NULL,
        PRIMARY KEY (dim, key)
    ) WITHOUT ROWID;
    INSERT INTO event_aggs SELECT 0, '', count(*), coalesce(sum(fatalities), 0) FROM events;
    INSERT INTO event_aggs SELECT 1, date, count(*), coalesce(sum(fatalities), 0) FROM events WHERE date IS NOT NULL GROUP BY date;
    INSERT INTO event_aggs SELECT 2, event_type, count(*), coalesce(sum(fatalities), 0) FROM events GROUP BY event_type;
    INSERT INTO event_aggs SELECT 3, admin1, count(*), coalesce(sum(fatalities), 0) FROM events WHERE admin1 IS NOT NULL GROUP BY admin1;
    INSERT INTO event_aggs SELECT 4, actor1, count(*), coalesce(sum(fatalities), 0) FROM events WHERE actor1 IS NOT NULL GROUP BY actor1;

    CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN
        INSERT INTO events_geo SELECT new.rowid, new.lon, new.lon, new.lat, new.lat
            WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
        INSERT INTO event_aggs SELECT d, k, 1, coalesce(new.fatalities, 0) FROM (
            SELECT 0 AS d, '' AS k UNION ALL SELECT 1, new.date UNION ALL SELECT 2, new.event_type
            UNION ALL SELECT 3, new.admin1 UNION ALL SELECT 4, new.actor1) WHERE k IS NOT NULL
            ON CONFLICT (dim, key) DO UPDATE SET n = n + 1, fatalities = fatalities + excluded.fatalities;
    END;
    CREATE TRIGGER events_ad AFTER DELETE ON events BEGIN
        DELETE FROM events_geo WHERE id = old.rowid;
        UPDATE event_aggs SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0)
            WHERE (dim = 0 AND key = '') OR (dim = 1 AND key = old.date) OR (dim = 2 AND key = old.event_type)
               OR (dim = 3 AND key = old.admin1) OR (dim = 4 AND key = old.actor1);
    END;
    CREATE TRIGGER events_au AFTER UPDATE ON events BEGIN
        DELETE FROM events_geo WHERE id = old.rowid AND (old.lat IS NOT new.lat OR old.lon IS NOT new.lon);
        INSERT INTO events_geo SELECT new.rowid, new.lon, new.lon, new.lat, new.lat
            WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL AND (old.lat IS NOT new.lat OR old.lon IS NOT new.lon);
        UPDATE event_aggs SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0)
            WHERE (dim = 0 AND key = '') OR (dim = 1 AND key = old.date) OR (dim = 2 AND key = old.event_type)
               OR (dim = 3 AND key = old.admin1) OR (dim = 4 AND key = old.actor1);
        INSERT INTO event_aggs SELECT d, k, 1, coalesce(new.fatalities, 0) FROM (
            SELECT 0 AS d, '' AS k UNION ALL SELECT 1, new.date UNION ALL SELECT 2, new.event_type
            UNION ALL SELECT 3, new.admin1 UNION ALL SELECT 4, new.actor1) WHERE k IS NOT NULL
            ON CONFLICT (dim, key) DO UPDATE SET n = n + 1, fatalities = fatalities + excluded.fatalities;
    END;
    "#,
    // v6 (issue 13, ingest at scale): the R*Tree, the aggregates and the actor index are
    // kept by the write path, per batch (`events::Derived`), not by triggers: each event
    // write fired five to ten aggregate upserts inside a statement journal, while a batch
    // of a few thousand event writes touches a few hundred aggregate rows.
    // `merge_keys_event` goes: the one statement that used it (moving a big event's keys
    // to the event it joins) finds them from the event's mentions instead.
    r#"
    DROP TRIGGER events_ai;
    DROP TRIGGER events_ad;
    DROP TRIGGER events_au;
    DROP INDEX merge_keys_event;
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
