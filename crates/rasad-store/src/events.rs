//! Event rows and what hangs off them: the merged record (typed columns and JSON), its
//! point in the R*Tree, its actor names in the trigram index, and the `event_aggs`
//! counts, kept per batch by the write path (schema v6; v5 used triggers).

use std::collections::HashMap;

use rasad_merge::day_range;
use rasad_model::{Event, Status};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::codec::pack;
use crate::Result;

/// Write the merged record, its point in the R*Tree, and note its aggregates and actor
/// names in `derived` (written at the end of the batch). `stored`: whether a row may
/// already exist under `uid` (its old values then leave the aggregates).
pub(crate) fn write_event(
    tx: &Transaction,
    uid: &str,
    e: &Event,
    n: usize,
    at: i64,
    stored: bool,
    one_report: bool,
    derived: &mut Derived,
) -> Result<()> {
    let loc = e.location.as_ref();
    let (names, actor1) = actor_columns(e);
    let day = e.date.as_deref().and_then(day_range).map(|d| d.0);
    let old: Option<Old> = if stored {
        tx.prepare_cached(&format!("SELECT {OLD_COLUMNS} FROM events WHERE uid = ?1"))?
            .query_row([uid], Old::from_row)
            .optional()?
    } else {
        None
    };
    let country = e.country.as_ref().or(loc.and_then(|l| l.country.as_ref()));
    let admin1 = e.admin1.as_ref().or(loc.and_then(|l| l.admin1.as_ref()));
    let (lat, lon) = (loc.and_then(|l| l.lat), loc.and_then(|l| l.lon));
    // An upsert, not INSERT OR REPLACE: the row keeps its rowid (the R*Tree and the
    // actor index point at it).
    let rowid: i64 = tx.prepare_cached(
        "INSERT INTO events (uid, event_type, sub_event_type, date, day, country, admin1, admin2, location,
            lat, lon, actors_folded, actor1, fatalities, status, confidence, n_sources, updated_at, json, sort_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
         ON CONFLICT (uid) DO UPDATE SET event_type = excluded.event_type, sub_event_type = excluded.sub_event_type,
            date = excluded.date, day = excluded.day, country = excluded.country, admin1 = excluded.admin1,
            admin2 = excluded.admin2, location = excluded.location, lat = excluded.lat, lon = excluded.lon,
            actors_folded = excluded.actors_folded, actor1 = excluded.actor1, fatalities = excluded.fatalities,
            status = excluded.status, confidence = excluded.confidence, n_sources = excluded.n_sources,
            updated_at = excluded.updated_at, json = excluded.json, sort_key = excluded.sort_key
         RETURNING rowid",
    )?
    .query_row(params![
        uid,
        e.event_type,
        e.sub_event_type,
        e.date,
        day,
        country,
        admin1,
        loc.and_then(|l| l.admin2.clone()),
        loc.map(|l| l.name.as_deref().unwrap_or(l.name_ar.as_str())),
        lat,
        lon,
        names,
        actor1,
        e.fatalities,
        if e.status == Status::Background { "background" } else { "current" },
        e.confidence as f64,
        n as i64,
        at,
        if one_report { Vec::new() } else { pack(&serde_json::to_string(e)?) },
        sort_key(day),
    ], |r| r.get(0))?;
    let point = lat.zip(lon);
    let indexed = match &old {
        Some(o) => {
            derived.count(o, -1);
            if o.point != point && o.point.is_some() {
                tx.prepare_cached("DELETE FROM events_geo WHERE id = ?1")?.execute([rowid])?;
            }
            o.point == point
        }
        None => false,
    };
    if let (Some((lat, lon)), false) = (point, indexed) {
        tx.prepare_cached("INSERT INTO events_geo VALUES (?1, ?2, ?2, ?3, ?3)")?
            .execute(params![rowid, lon, lat])?;
    }
    derived.count(
        &Old {
            rowid,
            date: e.date.clone(),
            event_type: e.event_type.clone(),
            admin1: admin1.map(|a| a.to_string()),
            actor1,
            fatalities: e.fatalities.map(|f| f as i64),
            point,
        },
        1,
    );
    derived
        .actors
        .entry(rowid)
        .or_insert((old.is_some(), None))
        .1 = Some(names);
    Ok(())
}

/// The columns of an event row its side tables depend on.
pub(crate) const OLD_COLUMNS: &str = "rowid, date, event_type, admin1, actor1, fatalities, lat, lon";

/// An event row as the aggregates, the R*Tree and the actor index see it.
pub(crate) struct Old {
    rowid: i64,
    date: Option<String>,
    event_type: String,
    admin1: Option<String>,
    actor1: Option<String>,
    fatalities: Option<i64>,
    point: Option<(f64, f64)>,
}

impl Old {
    pub(crate) fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Old> {
        let lat: Option<f64> = r.get(6)?;
        let lon: Option<f64> = r.get(7)?;
        Ok(Old {
            rowid: r.get(0)?,
            date: r.get(1)?,
            event_type: r.get(2)?,
            admin1: r.get(3)?,
            actor1: r.get(4)?,
            fatalities: r.get(5)?,
            point: lat.zip(lon),
        })
    }
}

/// What the write path keeps beside the event rows, gathered over a batch and written at
/// its end. Why not triggers (schema v5 had them): every event write fired five
/// aggregate upserts (ten for an update) inside a statement journal; a batch touches a
/// few hundred aggregate rows, so one upsert per row per batch does the same work once.
#[derive(Default)]
pub(crate) struct Derived {
    /// Event rowid → (whether the actor index holds it from an earlier batch, the folded
    /// names to index now; `None`: the event is gone).
    pub(crate) actors: HashMap<i64, (bool, Option<String>)>,
    /// (dimension, key) → (events, fatalities) to add to `event_aggs`.
    aggs: HashMap<(i64, String), (i64, i64)>,
}

impl Derived {
    /// Count event `e` `sign` times (+1 written, −1 replaced or removed) in the aggregates.
    fn count(&mut self, e: &Old, sign: i64) {
        let f = e.fatalities.unwrap_or(0) * sign;
        let keys = [
            (0, Some("")),
            (1, e.date.as_deref()),
            (2, Some(e.event_type.as_str())),
            (3, e.admin1.as_deref()),
            (4, e.actor1.as_deref()),
        ];
        for (dim, key) in keys {
            if let Some(k) = key {
                let a = self.aggs.entry((dim, k.to_string())).or_default();
                a.0 += sign;
                a.1 += f;
            }
        }
    }

    /// A deleted event: out of the aggregates, the R*Tree and the actor index.
    pub(crate) fn remove(&mut self, tx: &Transaction, old: &Old) -> Result<()> {
        self.count(old, -1);
        if old.point.is_some() {
            tx.prepare_cached("DELETE FROM events_geo WHERE id = ?1")?
                .execute([old.rowid])?;
        }
        self.actors.entry(old.rowid).or_insert((true, None)).1 = None;
        Ok(())
    }

    pub(crate) fn write_aggregates(&mut self, tx: &Transaction) -> Result<()> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO event_aggs (dim, key, n, fatalities) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, fatalities = fatalities + excluded.fatalities",
        )?;
        for ((dim, key), (n, f)) in self.aggs.drain() {
            if n != 0 || f != 0 {
                stmt.execute(params![dim, key, n, f])?;
            }
        }
        Ok(())
    }
}

/// The list order as one integer: newest day first, undated last (then by uid).
pub(crate) fn sort_key(day: Option<i64>) -> i64 {
    day.map(|d| -d).unwrap_or(i64::MAX)
}

/// The actor columns an event is filtered and grouped by, the same in every store: both
/// sides' Arabic and English names folded and lowercased (the actor filter's text), and
/// actor1's display name (English, else Arabic: the stats' grouping key).
pub fn actor_columns(e: &Event) -> (String, Option<String>) {
    let mut actors = String::new();
    for a in [&e.actor1, &e.actor2].into_iter().flatten() {
        actors.push_str(&a.name_ar);
        actors.push(' ');
        actors.push_str(&a.name);
        actors.push_str(" | ");
    }
    let actor1 = e.actor1.as_ref().map(|a| if a.name.is_empty() { a.name_ar.clone() } else { a.name.clone() });
    (rasad_text::fold(&actors).to_lowercase(), actor1)
}
