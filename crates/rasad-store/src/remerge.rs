//! The incremental merge of one batch: find the stored events each new mention could
//! belong to (`merge_keys` windows, bounded), bring their first reports into one
//! clustering with the new mentions, and rewrite the events whose members changed.
//! Split from `ingest.rs` (which prepares and inserts) because this is the merge's job.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rasad_merge::{cluster_features, cluster_uid, merge, Features, Mention};
use rasad_model::Event;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::cache::{Cached, Head, HeadCache, MentionCache, MergeKey};
use crate::codec::Json;
use crate::events::{write_event, Derived, Old, OLD_COLUMNS};
use crate::ingest::merge_key;
use crate::query::{EventJson, EVENT_JSON};
use crate::Result;

/// Add `delta` mentions of event `uid` under `key` to `merge_keys` (rows that reach zero go).
fn bump_key(tx: &Transaction, key: &MergeKey, uid: &str, delta: i64) -> Result<()> {
    let args = params![
        key.event_type,
        key.admin1,
        key.coarse as i64,
        key.days.0,
        key.days.1,
        uid,
        delta
    ];
    tx.prepare_cached(
        "INSERT INTO merge_keys (event_type, admin1, coarse, day_start, day_end, event_uid, n)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (event_type, admin1, coarse, day_start, day_end, event_uid) DO UPDATE SET n = n + excluded.n",
    )?
    .execute(args)?;
    if delta < 0 {
        tx.prepare_cached(
            "DELETE FROM merge_keys WHERE event_type = ?1 AND admin1 = ?2 AND coarse = ?3
               AND day_start = ?4 AND day_end = ?5 AND event_uid = ?6 AND n <= 0",
        )?
        .execute(params![
            key.event_type,
            key.admin1,
            key.coarse as i64,
            key.days.0,
            key.days.1,
            uid
        ])?;
    }
    Ok(())
}

/// Move every `merge_keys` row of event `from` to event `to`; call it before the
/// mentions themselves move. The rows are found by the keys of `from`'s mentions (the
/// `mentions_event` index) rather than by an index of `merge_keys` on the event id,
/// which cost ~130 bytes per article and served only this rare move of a big event.
fn move_keys(tx: &Transaction, from: &str, to: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO merge_keys (event_type, admin1, coarse, day_start, day_end, event_uid, n)
         SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, ?1, count(*) FROM mentions
         WHERE event_uid = ?2 AND day_start IS NOT NULL AND day_end IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5
         ON CONFLICT (event_type, admin1, coarse, day_start, day_end, event_uid) DO UPDATE SET n = n + excluded.n",
    )?
    .execute(params![to, from])?;
    tx.prepare_cached(
        "DELETE FROM merge_keys WHERE (event_type, admin1, coarse, day_start, day_end, event_uid) IN (
            SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, ?1 FROM mentions
            WHERE event_uid = ?1 AND day_start IS NOT NULL AND day_end IS NOT NULL)",
    )?
    .execute([from])?;
    Ok(())
}

/// A mention taking part in a re-merge: its parsed form, the event it belonged to when
/// the batch began, and the event the database now says (moves happen as groups are
/// written).
struct Member {
    c: Arc<Cached>,
    uid: String,
    db_uid: String,
}

/// A stored mention, from the cache or parsed from its row.
fn load(tx: &Transaction, cache: &mut MentionCache, rowid: i64) -> Result<Option<Arc<Cached>>> {
    if let Some(c) = cache.get(&rowid) {
        return Ok(Some(c));
    }
    let row: Option<(String, i64, String)> = tx
        .prepare_cached("SELECT akey, idx, json FROM mentions WHERE rowid = ?1")?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Json>(2)?.0)))
        .optional()?;
    let Some((article_id, idx, json)) = row else {
        return Ok(None);
    };
    let event: Event = serde_json::from_str(&json)?;
    let key = merge_key(&event);
    let mention = Mention {
        article_id,
        index: idx as u32,
        event,
    };
    let features = Features::of(&mention);
    let c = Arc::new(Cached {
        mention,
        features,
        key,
    });
    cache.insert(rowid, c.clone());
    Ok(Some(c))
}

/// Re-cluster the new mentions with the stored mentions they could belong with, and
/// rewrite the affected events. Returns how many events were written.
pub(crate) fn remerge(
    tx: &Transaction,
    cache: &mut MentionCache,
    heads: &mut HeadCache,
    fresh: &[(i64, Arc<Cached>)],
    at: i64,
    derived: &mut Derived,
) -> Result<usize> {
    if fresh.is_empty() {
        return Ok(0);
    }
    let mut set: BTreeMap<i64, Member> = BTreeMap::new();
    for (r, c) in fresh {
        set.insert(
            *r,
            Member {
                c: c.clone(),
                uid: String::new(),
                db_uid: String::new(),
            },
        );
    }
    let news: Vec<i64> = set.keys().copied().collect();
    // 1. Events with a stored mention in the window of a new one (same type, dates within
    // a day, same admin1), with the new mentions whose window found them. `merge_keys`
    // lists each event once per key, so the window holds events, not every report.
    let mut by_event: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for r in &news {
        let Some(key) = set[r].c.key.clone() else {
            continue;
        };
        let (start, end) = key.days;
        let mut found = |uid: String| {
            if !uid.is_empty() {
                by_event.entry(uid).or_default().insert(*r);
            }
        };
        for uid in window(tx, &key, start, end)? {
            found(uid);
        }
    }
    // 2. An event joins the set when one of its members is compatible with a finder:
    // entire when small, through its first BIG_EVENT members (by canonical key) when
    // large, which keeps a much reported event from making every batch quadratic in
    // its number of reports.
    let mut big: BTreeMap<String, (usize, i64)> = BTreeMap::new(); // uid -> (size, head row)
    // Compatible events by finder with the finder's best score against their members;
    // each finder brings at most COMPATIBLE_CAP of them, the best scored.
    let mut candidates: BTreeMap<String, (usize, Vec<(i64, Arc<Cached>)>)> = BTreeMap::new();
    let mut by_finder: HashMap<i64, Vec<(f32, String)>> = HashMap::new();
    for (uid, finders) in by_event {
        let head = event_head(tx, heads, &uid)?;
        let (size, members) = (head.size, &head.members);
        let mut loaded: Vec<(i64, Arc<Cached>)> = Vec::new();
        let mut best: Vec<Option<f32>> = vec![None; finders.len()];
        for r in members {
            let Some(l) = load(tx, cache, *r)? else {
                continue;
            };
            for (b, n) in best.iter_mut().zip(&finders) {
                if let Some(x) = rasad_merge::score_features(&set[n].c.features, &l.features) {
                    *b = Some(b.map_or(x, |y| y.max(x)));
                }
            }
            loaded.push((*r, l));
        }
        if best.iter().all(Option::is_none) {
            continue;
        }
        for (b, n) in best.iter().zip(&finders) {
            if let Some(x) = b {
                by_finder.entry(*n).or_default().push((*x, uid.clone()));
            }
        }
        if size > BIG_EVENT {
            big.insert(uid.clone(), (size, members.first().copied().unwrap_or(-1)));
        }
        candidates.insert(uid, (size, loaded));
    }
    let joining = joining_events(by_finder.into_values(), COMPATIBLE_CAP);
    big.retain(|uid, _| joining.contains(uid));
    for (uid, (_, loaded)) in candidates {
        if !joining.contains(&uid) {
            continue;
        }
        for (r, c) in loaded {
            set.insert(
                r,
                Member {
                    c,
                    uid: uid.clone(),
                    db_uid: uid.clone(),
                },
            );
        }
    }
    // 3. Cluster and rewrite.
    let rows: Vec<i64> = set.keys().copied().collect();
    let cached: Vec<Arc<Cached>> = rows.iter().map(|r| set[r].c.clone()).collect();
    let mentions: Vec<&Mention> = cached.iter().map(|c| &c.mention).collect();
    let labels = {
        let keys: Vec<(&str, u32)> = mentions.iter().map(|m| (m.article_id.as_str(), m.index)).collect();
        let feats: Vec<&Features> = cached.iter().map(|c| &c.features).collect();
        cluster_features(&keys, &feats)
    };
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    // Old event sizes within the set (big events count their members outside it too).
    let mut old_sizes: HashMap<String, usize> = HashMap::new();
    for l in set.values().filter(|l| !l.uid.is_empty()) {
        *old_sizes.entry(l.uid.clone()).or_default() += 1;
    }
    // Each big event's members outside the set follow its head (smallest key).
    let mut big_heads: HashMap<i64, String> = HashMap::new();
    for (uid, (_, head)) in &big {
        big_heads.insert(*head, uid.clone());
    }
    let mut new_uids: HashSet<String> = HashSet::new();
    let mut changed = 0;
    for members in groups.values() {
        let ms: Vec<&Mention> = members.iter().map(|&i| mentions[i]).collect();
        let uid = cluster_uid(&ms);
        let followed: Vec<String> = members
            .iter()
            .filter_map(|&i| big_heads.get(&rows[i]).cloned())
            .collect();
        let outside: usize = followed
            .iter()
            .map(|u| {
                big[u]
                    .0
                    .saturating_sub(old_sizes.get(u).copied().unwrap_or(0))
            })
            .sum();
        // An event whose members are exactly those it had is left as it is.
        let unchanged = old_sizes.get(uid.as_str()) == Some(&members.len())
            && members.iter().all(|&i| set[&rows[i]].uid == uid);
        new_uids.insert(uid.clone());
        if unchanged {
            continue;
        }
        changed += 1;
        // Every event this group takes members from, or becomes, changes size or reports.
        heads.remove(uid.as_str());
        for &i in members {
            heads.remove(set[&rows[i]].uid.as_str());
        }
        for old in &followed {
            heads.remove(old.as_str());
        }
        // Big events followed: their other members move (one UPDATE) and take part in the
        // record through the event's stored record (reloading every report of a much
        // reported event in every batch would make ingest quadratic in its reports).
        let mut extra: Vec<Mention> = Vec::new();
        for old in &followed {
            let json: Option<EventJson> = tx
                .prepare_cached(&format!("SELECT {EVENT_JSON} FROM events WHERE uid = ?1"))?
                .query_row([old], |r| EventJson::at(r, 0))
                .optional()?;
            if let Some(json) = json {
                let event: Event = json.event(old)?;
                extra.push(Mention {
                    article_id: "\u{10FFFF}merged".into(),
                    index: 0,
                    event,
                });
            }
            if *old != uid {
                move_keys(tx, old, &uid)?;
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE event_uid = ?2")?
                    .execute(params![uid, old])?;
                for m in set.values_mut().filter(|m| m.db_uid == *old) {
                    m.db_uid = uid.clone();
                }
            }
        }
        let all: Vec<&Mention> = ms.iter().copied().chain(extra.iter()).collect();
        let mut event = merge(&all);
        event.event_id = uid.clone();
        // One report: its record is rebuilt from the mention on read (`EventJson`).
        let one_report = all.len() == 1;
        // Only an event some member of the set belonged to can already be stored under
        // this id: the id hashes the group's smallest key, and a stored event's smallest
        // report (its head) is always among the members it brings into the set.
        let stored = old_sizes.contains_key(uid.as_str());
        write_event(tx, &uid, &event, members.len() + outside, at, stored, one_report, derived)?;
        for &i in members {
            let Some(m) = set.get_mut(&rows[i]) else {
                continue;
            };
            if m.db_uid != uid {
                tx.prepare_cached("UPDATE mentions SET event_uid = ?1 WHERE rowid = ?2")?
                    .execute(params![uid, rows[i]])?;
                if let Some(key) = &m.c.key {
                    if !m.db_uid.is_empty() {
                        bump_key(tx, key, &m.db_uid, -1)?;
                    }
                    bump_key(tx, key, &uid, 1)?;
                }
                m.db_uid = uid.clone();
            }
        }
    }
    for uid in old_sizes.keys().filter(|u| !new_uids.contains(*u)) {
        heads.remove(uid.as_str());
        let gone: Option<Old> = tx
            .prepare_cached(&format!("DELETE FROM events WHERE uid = ?1 RETURNING {OLD_COLUMNS}"))?
            .query_row([uid], Old::from_row)
            .optional()?;
        if let Some(old) = gone {
            derived.remove(tx, &old)?;
        }
    }
    Ok(changed)
}

/// Events with more reports than this join a re-merge through this many of them.
pub(crate) const BIG_EVENT: usize = 24;

/// At most this many `merge_keys` rows (events under a key) are read per part of a
/// mention's window. The bound keeps a batch's candidate search linear when the store
/// holds windows far denser than any real archive (a synthetic store gave a mention
/// without admin1 every event of its type within a day: 317 on average, 1,543 at most, at
/// 100,000 articles). Real Arabic-language archives stay well under it: ACLED's busiest
/// country-year in the region (Syria) averages about 110 events a day of all types
/// together, and a window is one event type in one governorate (or, without admin1, the
/// whole store) over three days. Only when a window is fuller can a decision differ from
/// an unbounded search (docs/store.md, "Store at scale").
pub(crate) const WINDOW_CAP: i64 = 256;

/// At most this many compatible stored events join a re-merge through one new mention:
/// those with its best scores (ties by event id). Like [`WINDOW_CAP`], a bound for
/// windows denser than real archives: it bites only when one new mention is compatible
/// (type, governorate, place, sides) with more than 64 distinct stored events within a
/// day of its date; only then can a decision differ from an unbounded merge, and only
/// for the lowest-scored of those events, the least likely to take the mention.
pub(crate) const COMPATIBLE_CAP: usize = 64;

/// The events that join a re-merge: for each new mention, the compatible events it found
/// with its best score against them, at most `cap` of them, the best scored (ties to the
/// smaller event id).
pub(crate) fn joining_events(
    by_finder: impl IntoIterator<Item = Vec<(f32, String)>>,
    cap: usize,
) -> BTreeSet<String> {
    let mut joining = BTreeSet::new();
    for mut found in by_finder {
        if found.len() > cap {
            found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            found.truncate(cap);
        }
        joining.extend(found.into_iter().map(|(_, u)| u));
    }
    joining
}

/// Events with a `merge_keys` row in the window of a mention keyed `key` over days
/// `start..=end`: the same event type, admin1 equal or unknown on either side, a
/// day-precise start within a day of the range, or a coarse range overlapping it within
/// a day. The day-precise part is read whole when it holds at most [`WINDOW_CAP`] rows,
/// else as three parts (the same days, the day before, the day after) of at most
/// [`WINDOW_CAP`] rows each, the first in the key's index order (admin1, day range,
/// event id), so nearer days come first and the choice is deterministic; the coarse
/// part reads at most [`WINDOW_CAP`] rows.
pub(crate) fn window(tx: &Transaction, key: &MergeKey, start: i64, end: i64) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let whole = window_part(tx, key, (start - 1, end + 1), false, start, WINDOW_CAP + 1, &mut out)?;
    if whole > WINDOW_CAP as usize {
        out.clear();
        for days in [(start, end), (start - 1, start - 1), (end + 1, end + 1)] {
            window_part(tx, key, days, false, start, WINDOW_CAP, &mut out)?;
        }
    }
    window_part(tx, key, (start - 400, end + 1), true, start, WINDOW_CAP, &mut out)?;
    Ok(out)
}

/// One part of [`window`]: event ids of `merge_keys` rows starting within `days`
/// (coarse or day-precise), at most `limit` of them. Returns the number of rows read.
fn window_part(
    tx: &Transaction,
    key: &MergeKey,
    days: (i64, i64),
    coarse: bool,
    start: i64,
    limit: i64,
    out: &mut Vec<String>,
) -> Result<usize> {
    let sql = match (key.admin1.is_empty(), coarse) {
        (true, false) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND coarse = 0 AND day_start BETWEEN ?2 AND ?3 LIMIT ?5",
        (true, true) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND coarse = 1 AND day_start BETWEEN ?2 AND ?3
               AND day_end >= ?6 - 1 LIMIT ?5",
        (false, false) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND admin1 IN ('', ?4) AND coarse = 0
               AND day_start BETWEEN ?2 AND ?3 LIMIT ?5",
        (false, true) => "SELECT event_uid FROM merge_keys WHERE event_type = ?1 AND admin1 IN ('', ?4) AND coarse = 1
               AND day_start BETWEEN ?2 AND ?3 AND day_end >= ?6 - 1 LIMIT ?5",
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let mut rows = if coarse {
        stmt.query(params![key.event_type, days.0, days.1, key.admin1, limit, start])?
    } else {
        stmt.query(params![key.event_type, days.0, days.1, key.admin1, limit])?
    };
    let mut n = 0;
    while let Some(r) = rows.next()? {
        n += 1;
        let uid: String = r.get(0)?;
        if !uid.is_empty() {
            out.push(uid);
        }
    }
    Ok(n)
}

/// The size and first reports of event `uid`, from the head cache or the database.
fn event_head(tx: &Transaction, heads: &mut HeadCache, uid: &str) -> Result<Arc<Head>> {
    if let Some(h) = heads.get(uid) {
        return Ok(h);
    }
    // The event's number of reports: its `n_sources` (always its mention count, which a
    // test checks); counting the mentions cost a read of every report of a much reported
    // event in every batch that touched it: quadratic ingest.
    let size: i64 = match tx
        .prepare_cached("SELECT n_sources FROM events WHERE uid = ?1")?
        .query_row([uid], |r| r.get(0))
        .optional()?
    {
        Some(n) => n,
        None => tx
            .prepare_cached("SELECT count(*) FROM mentions WHERE event_uid = ?1")?
            .query_row([uid], |r| r.get(0))?,
    };
    let head = Arc::new(Head {
        size: size.max(0) as usize,
        members: event_members(tx, uid, Some(BIG_EVENT))?,
    });
    heads.insert(uid.to_string(), head.clone());
    Ok(head)
}

/// Mention rows of an event in canonical (`article id`, index) order, the first `limit`
/// (read off the `mentions_event` index: no join, no sort).
fn event_members(tx: &Transaction, uid: &str, limit: Option<usize>) -> Result<Vec<i64>> {
    let limit = limit.map(|l| l as i64).unwrap_or(-1);
    let rows = tx
        .prepare_cached(
            "SELECT rowid FROM mentions WHERE event_uid = ?1 ORDER BY akey, idx LIMIT ?2",
        )?
        .query_map(params![uid, limit], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

