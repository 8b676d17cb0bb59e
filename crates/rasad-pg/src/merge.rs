//! The incremental cross-outlet merge, on PostgreSQL: the SQLite store's algorithm
//! (`rasad_store`'s `ingest.rs`, `remerge`) step for step — the candidate search, the
//! "big event" rule, the clustering and the rewrite — only batched: each step is one
//! statement over arrays instead of one statement per mention, because here every
//! statement is a round trip to the server. Runs inside the batch's write transaction,
//! under the write lock.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use postgres::Transaction;
use rasad_merge::{cluster, cluster_uid, day_range, merge, Features, Mention};
use rasad_model::{Event, Status};

use crate::{no_nul, Result};

/// Events with more reports than this join a re-merge through this many of them (the
/// SQLite store's `BIG_EVENT`; the two must agree for the same merge result).
const BIG_EVENT: i64 = 24;

/// A stored mention with what merging needs.
pub(crate) struct Loaded {
    mention: Mention,
    uid: String,
    features: Features,
}

/// A mention as the merge sees it, read back from its stored JSON (as the SQLite store
/// does, so both merge exactly the same values).
pub(crate) fn loaded(article_id: String, idx: i32, uid: String, json: &str) -> Result<Loaded> {
    let event: Event = serde_json::from_str(json)?;
    let mention = Mention {
        article_id,
        index: idx.max(0) as u32,
        event,
    };
    let features = Features::of(&mention);
    Ok(Loaded {
        mention,
        uid,
        features,
    })
}

/// Re-cluster the new mentions with the stored mentions they could belong with, and
/// rewrite the affected events. Returns how many events were written.
pub(crate) fn remerge(
    tx: &mut Transaction,
    mut set: BTreeMap<i64, Loaded>,
    at: i64,
) -> Result<usize> {
    if set.is_empty() {
        return Ok(0);
    }
    // 1. Events with a stored mention in the window of a new one (same type, dates within
    // a day, same admin1), with the new mentions whose window found them: one query.
    let (mut q_row, mut q_type, mut q_start, mut q_end, mut q_admin1) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (r, l) in &set {
        let Some((start, end)) = l.features.days() else {
            continue;
        };
        q_row.push(*r);
        q_type.push(l.mention.event.event_type.clone());
        q_start.push(start as i32);
        q_end.push(end as i32);
        q_admin1.push(
            l.mention
                .event
                .admin1
                .as_ref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
        );
    }
    let mut by_event: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    if !q_row.is_empty() {
        let found = tx.query(
            "SELECT DISTINCT q.r, w.event_uid
             FROM unnest($1::int8[], $2::text[], $3::int4[], $4::int4[], $5::text[]) AS q(r, t, s, e, a)
             CROSS JOIN LATERAL (
                 SELECT m.event_uid FROM mentions m
                  WHERE m.event_type = q.t AND NOT m.coarse AND m.day_start BETWEEN q.s - 1 AND q.e + 1
                    AND (m.admin1 IS NULL OR q.a IS NULL OR m.admin1 = q.a)
                 UNION
                 SELECT m.event_uid FROM mentions m
                  WHERE m.event_type = q.t AND m.coarse AND m.day_start BETWEEN q.s - 400 AND q.e + 1
                    AND m.day_end >= q.s - 1 AND (m.admin1 IS NULL OR q.a IS NULL OR m.admin1 = q.a)
             ) w
             WHERE w.event_uid <> ''",
            &[&q_row, &q_type, &q_start, &q_end, &q_admin1],
        )?;
        for r in found {
            by_event
                .entry(r.get::<_, String>(1))
                .or_default()
                .insert(r.get::<_, i64>(0));
        }
    }
    // 2. An event joins the set when one of its members is compatible with a finder:
    // entire when small, through its first BIG_EVENT members (by canonical key) when
    // large. Sizes and members of every candidate: two queries.
    let uids: Vec<&str> = by_event.keys().map(String::as_str).collect();
    let mut sizes: HashMap<String, i64> = HashMap::new();
    let mut members: HashMap<String, Vec<(i64, Loaded)>> = HashMap::new();
    if !uids.is_empty() {
        for r in tx.query(
            "SELECT event_uid, count(*) FROM mentions WHERE event_uid = ANY($1) GROUP BY event_uid",
            &[&uids],
        )? {
            sizes.insert(r.get(0), r.get(1));
        }
        for r in tx.query(
            "SELECT uid, rowid, id, idx, json FROM (
                 SELECT m.event_uid AS uid, m.rowid, a.id, m.idx, m.json,
                        row_number() OVER (PARTITION BY m.event_uid ORDER BY a.id, m.idx) AS rn
                   FROM mentions m JOIN articles a ON a.rowid = m.article
                  WHERE m.event_uid = ANY($1)) x
             WHERE rn <= $2 ORDER BY uid, rn",
            &[&uids, &BIG_EVENT],
        )? {
            let uid: String = r.get(0);
            let l = loaded(r.get(2), r.get(3), uid.clone(), r.get(4))?;
            members.entry(uid).or_default().push((r.get(1), l));
        }
    }
    let mut big: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // uid -> (size, head row)
    for (uid, finders) in by_event {
        let size = sizes.get(&uid).copied().unwrap_or(0).max(0) as usize;
        let loaded = members.remove(&uid).unwrap_or_default();
        let compatible = loaded.iter().any(|(_, l)| {
            finders
                .iter()
                .any(|n| rasad_merge::score_features(&set[n].features, &l.features).is_some())
        });
        if !compatible {
            continue;
        }
        if size > BIG_EVENT as usize {
            big.insert(
                uid.clone(),
                (size, loaded.first().map(|m| m.0).unwrap_or(-1)),
            );
        }
        set.extend(loaded);
    }
    // 3. Cluster and rewrite.
    let rows: Vec<i64> = set.keys().copied().collect();
    let mentions: Vec<Mention> = rows.iter().map(|r| set[r].mention.clone()).collect();
    let labels = cluster(&mentions);
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    let mut old_sizes: HashMap<&str, usize> = HashMap::new();
    for l in set.values().filter(|l| !l.uid.is_empty()) {
        *old_sizes.entry(l.uid.as_str()).or_default() += 1;
    }
    let mut heads: HashMap<i64, &str> = HashMap::new();
    for (uid, (_, head)) in &big {
        heads.insert(*head, uid.as_str());
    }
    // The stored records of big events (they stand in for their members outside the set).
    let mut big_records: HashMap<String, Event> = HashMap::new();
    if !big.is_empty() {
        let keys: Vec<&str> = big.keys().map(String::as_str).collect();
        for r in tx.query("SELECT uid, json FROM events WHERE uid = ANY($1)", &[&keys])? {
            let json: String = r.get(1);
            big_records.insert(r.get(0), serde_json::from_str(&json)?);
        }
    }
    let mut new_uids: HashSet<String> = HashSet::new();
    let mut moves: Vec<(String, String)> = Vec::new(); // big event: old uid -> new uid
    let mut relabel: Vec<(i64, String)> = Vec::new(); // mention row -> new uid
    let mut written: Vec<(String, Event, usize)> = Vec::new();
    for members in groups.values() {
        let ms: Vec<&Mention> = members.iter().map(|&i| &mentions[i]).collect();
        let uid = cluster_uid(&ms);
        let followed: Vec<&str> = members
            .iter()
            .filter_map(|&i| heads.get(&rows[i]).copied())
            .collect();
        let outside: usize = followed
            .iter()
            .map(|u| {
                big[*u]
                    .0
                    .saturating_sub(old_sizes.get(u).copied().unwrap_or(0))
            })
            .sum();
        let unchanged = old_sizes.get(uid.as_str()) == Some(&members.len())
            && members.iter().all(|&i| set[&rows[i]].uid == uid);
        new_uids.insert(uid.clone());
        if unchanged {
            continue;
        }
        let mut extra: Vec<Mention> = Vec::new();
        for old in &followed {
            if let Some(event) = big_records.get(*old) {
                extra.push(Mention {
                    article_id: "\u{10FFFF}merged".into(),
                    index: 0,
                    event: event.clone(),
                });
            }
            if *old != uid {
                moves.push((old.to_string(), uid.clone()));
            }
        }
        let all: Vec<&Mention> = ms.iter().copied().chain(extra.iter()).collect();
        let mut event = merge(&all);
        event.event_id = uid.clone();
        for &i in members {
            if set[&rows[i]].uid != uid {
                relabel.push((rows[i], uid.clone()));
            }
        }
        written.push((uid, event, members.len() + outside));
    }
    let changed = written.len();
    // Writes, one statement each: big events' members follow their head (one UPDATE
    // over the old -> new map, evaluated against the rows as they were), then the set's
    // mentions take their group's id, then the events are written and the vanished ones
    // deleted.
    if !moves.is_empty() {
        let (old, new): (Vec<&str>, Vec<&str>) =
            moves.iter().map(|(o, n)| (o.as_str(), n.as_str())).unzip();
        tx.execute(
            "UPDATE mentions m SET event_uid = mv.new
               FROM unnest($1::text[], $2::text[]) AS mv(old, new)
              WHERE m.event_uid = mv.old",
            &[&old, &new],
        )?;
    }
    if !relabel.is_empty() {
        let (r, u): (Vec<i64>, Vec<&str>) = relabel.iter().map(|(r, u)| (*r, u.as_str())).unzip();
        tx.execute(
            "UPDATE mentions m SET event_uid = x.u
               FROM unnest($1::int8[], $2::text[]) AS x(r, u)
              WHERE m.rowid = x.r",
            &[&r, &u],
        )?;
    }
    write_events(tx, &written, at)?;
    let gone: Vec<&str> = old_sizes
        .keys()
        .copied()
        .filter(|u| !new_uids.contains(*u))
        .collect();
    if !gone.is_empty() {
        tx.execute("DELETE FROM events WHERE uid = ANY($1)", &[&gone])?;
    }
    Ok(changed)
}

/// Insert or replace merged events: one statement for the batch.
fn write_events(tx: &mut Transaction, events: &[(String, Event, usize)], at: i64) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    // Later rows replace earlier ones with the same id (as SQLite's INSERT OR REPLACE);
    // one statement may not update a row twice.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, (uid, _, _)) in events.iter().enumerate() {
        last.insert(uid.as_str(), i);
    }
    let mut c: Cols = Cols::default();
    for (i, (uid, e, n)) in events.iter().enumerate() {
        if last[uid.as_str()] != i {
            continue;
        }
        c.push(uid, e, *n)?;
    }
    tx.execute(
        "INSERT INTO events (uid, event_type, sub_event_type, date, day, country, admin1, admin2, location,
            lat, lon, actors_folded, actor1, fatalities, status, confidence, n_sources, updated_at, json)
         SELECT u, t, st, d, dy, c, a1, a2, l, la, lo, af, ac, f, s, cf, n, $18, j
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int4[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::float8[], $11::float8[], $12::text[], $13::text[],
                       $14::int4[], $15::text[], $16::float4[], $17::int4[], $19::text[])
                AS x(u, t, st, d, dy, c, a1, a2, l, la, lo, af, ac, f, s, cf, n, j)
         ON CONFLICT (uid) DO UPDATE SET
            event_type = EXCLUDED.event_type, sub_event_type = EXCLUDED.sub_event_type,
            date = EXCLUDED.date, day = EXCLUDED.day, country = EXCLUDED.country,
            admin1 = EXCLUDED.admin1, admin2 = EXCLUDED.admin2, location = EXCLUDED.location,
            lat = EXCLUDED.lat, lon = EXCLUDED.lon, actors_folded = EXCLUDED.actors_folded,
            actor1 = EXCLUDED.actor1, fatalities = EXCLUDED.fatalities, status = EXCLUDED.status,
            confidence = EXCLUDED.confidence, n_sources = EXCLUDED.n_sources,
            updated_at = EXCLUDED.updated_at, json = EXCLUDED.json",
        &[
            &c.uid, &c.event_type, &c.sub_type, &c.date, &c.day, &c.country, &c.admin1, &c.admin2,
            &c.location, &c.lat, &c.lon, &c.actors, &c.actor1, &c.fatalities, &c.status,
            &c.confidence, &c.n, &at, &c.json,
        ],
    )?;
    Ok(())
}

/// The typed columns of a batch of events, one array per column.
#[derive(Default)]
struct Cols {
    uid: Vec<String>,
    event_type: Vec<String>,
    sub_type: Vec<String>,
    date: Vec<Option<String>>,
    day: Vec<Option<i32>>,
    country: Vec<Option<String>>,
    admin1: Vec<Option<String>>,
    admin2: Vec<Option<String>>,
    location: Vec<Option<String>>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
    actors: Vec<String>,
    actor1: Vec<Option<String>>,
    fatalities: Vec<Option<i32>>,
    status: Vec<String>,
    confidence: Vec<f32>,
    n: Vec<i32>,
    json: Vec<String>,
}

/// A text column's value without NULs.
fn s<T: AsRef<str> + ?Sized>(v: Option<&T>) -> Option<String> {
    v.map(|s| no_nul(s.as_ref()).into_owned())
}

impl Cols {
    /// The same derived columns as the SQLite store's `write_event`.
    fn push(&mut self, uid: &str, e: &Event, n: usize) -> Result<()> {
        let loc = e.location.as_ref();
        let (actors, actor1) = rasad_store::actor_columns(e);
        // NaN coordinates would poison the GiST index's boxes; they match no bbox anyway.
        let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
        self.uid.push(uid.to_string());
        self.event_type.push(no_nul(&e.event_type).into_owned());
        self.sub_type.push(no_nul(&e.sub_event_type).into_owned());
        self.date.push(s(e.date.as_ref()));
        self.day
            .push(e.date.as_deref().and_then(day_range).map(|d| d.0 as i32));
        self.country.push(s(e
            .country
            .as_ref()
            .or(loc.and_then(|l| l.country.as_ref()))));
        self.admin1
            .push(s(e.admin1.as_ref().or(loc.and_then(|l| l.admin1.as_ref()))));
        self.admin2.push(s(loc.and_then(|l| l.admin2.as_ref())));
        self.location.push(
            loc.map(|l| no_nul(l.name.as_deref().unwrap_or(l.name_ar.as_str())).into_owned()),
        );
        self.lat.push(finite(loc.and_then(|l| l.lat)));
        self.lon.push(finite(loc.and_then(|l| l.lon)));
        self.actors.push(no_nul(&actors).into_owned());
        self.actor1.push(s(actor1.as_ref()));
        self.fatalities
            .push(e.fatalities.map(|f| f.min(i32::MAX as u32) as i32));
        self.status.push(
            if e.status == Status::Background {
                "background"
            } else {
                "current"
            }
            .into(),
        );
        self.confidence.push(e.confidence);
        self.n.push(n.min(i32::MAX as usize) as i32);
        self.json.push(serde_json::to_string(e)?);
        Ok(())
    }
}
