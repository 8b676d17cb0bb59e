//! Cross-outlet merging: many reports (mentions) of one real-world event become one event.
//!
//! One event is reported by several outlets with different wording, dates relative to
//! different publication days, spellings and tolls. Counting reports instead of events is
//! the classic failure of automatic coders, so every stored event is a *cluster* of
//! mentions.
//!
//! # How two mentions are compared ([`score`])
//! Hard constraints (any failure = the pair can never share an event):
//! - not from the same article (an article that lists two events means two events);
//! - same `event_type`, same country and admin1 when both are known;
//! - dates compatible: day-precise dates at most one day apart (outlets date by their own
//!   publication day), coarser dates overlapping within a day; undated mentions never merge;
//! - places compatible: same site (folded names equal or one contains the other as whole
//!   words, generic words such as بلدة/مدينة/حي dropped), or one of them coarse (ريف, بادية,
//!   قضاء… or `geo_precision` 3) with no admin2 conflict, or both within [`NEAR_KM`] — the last
//!   only when the victims/targets also agree, because nearby villages are hit on the same
//!   day by the same side all the time;
//! - sides compatible: the acting side (actor1) must not be a *different* named actor
//!   (lexicon id, then English canonical name, then folded Arabic); vague sides
//!   ("مسلحين مجهولين", "جهات خارجة عن القانون", "مدنيين") agree with anything. Battles are
//!   symmetric: the sides may be swapped between outlets.
//!
//! The pair then gets an evidence score (same day +1, next day +0.5, same site +2, coarse
//! containment +0.5, near +0.5, actor1 agreeing +1, actor2 agreeing +1, actor2 disagreeing
//! −0.5). Two mentions are merged on a score of at least [`MERGE_THRESHOLD`].
//!
//! # Clustering ([`cluster`])
//! Agglomerative with complete linkage: candidate pairs are processed best first (ties by
//! the mentions' canonical keys), and two clusters join only when *every* cross pair is
//! compatible. Complete linkage stops chains (Monday–Tuesday–Wednesday shelling of one
//! village never becomes one event), and because the result depends only on the *set* of
//! mentions and their keys, it is the same whatever order articles arrive in.
//!
//! # Merged record ([`merge`])
//! Most precise location and date, the sub-event type most outlets agree on, and the
//! lowest stated fatality figure (ACLED's conservative rule).

use rasad_model::{Actor, Event, Location, Status};
use std::collections::HashMap;

/// Minimum evidence score for two mentions to seed a merge.
pub const MERGE_THRESHOLD: f32 = 2.0;
/// Threshold when either mention is background: a recalled event is by definition one
/// reported before, so agreement on type, day and admin1 plus any one more clue suffices.
pub const BACKGROUND_THRESHOLD: f32 = 1.0;
/// Distance under which two differently named sites may still be one event.
pub const NEAR_KM: f64 = 10.0;
/// Minimum mean score over all cross pairs when two clusters join.
pub const MIN_LINK_MEAN: f32 = 1.0;

/// One event mention: an event extracted from one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The article's id (its identity in the store).
    pub article_id: String,
    /// Position of the event among the article's events.
    pub index: u32,
    pub event: Event,
}

impl Mention {
    /// The canonical key that orders mentions and names clusters: `<article id>#<index>`.
    pub fn key(&self) -> String {
        format!("{}#{}", self.article_id, self.index)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date `YYYY-MM-DD` of a day number.
pub fn civil_from_days(z: i64) -> String {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The inclusive day range a contract date covers: `YYYY-MM-DD` one day, `YYYY-MM` the
/// month, `YYYY` the year. `None` for anything else (never panics on odd input).
pub fn day_range(date: &str) -> Option<(i64, i64)> {
    let date = date.trim();
    let date = date.get(..10.min(date.len())).unwrap_or(date);
    let parts: Vec<&str> = date.split('-').collect();
    let num = |s: &str| -> Option<i64> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y)?;
            Some((days_from_civil(y, 1, 1), days_from_civil(y, 12, 31)))
        }
        [y, m] => {
            let (y, m) = (num(y)?, num(m)? as u32);
            if !(1..=12).contains(&m) {
                return None;
            }
            Some((
                days_from_civil(y, m, 1),
                days_from_civil(y, m, days_in_month(y, m)),
            ))
        }
        [y, m, d] => {
            let (y, m, d) = (num(y)?, num(m)? as u32, num(d)? as u32);
            if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
                return None;
            }
            let n = days_from_civil(y, m, d);
            Some((n, n))
        }
        _ => None,
    }
}

/// Words that name the *kind* of place, dropped before names are compared.
const PLACE_WORDS: &[&str] = &[
    "بلده",
    "مدينه",
    "قريه",
    "حي",
    "منطقه",
    "مخيم",
    "مجمع",
    "ساحه",
    "مبنى",
    "مركز",
    "بلدات",
    "قرى",
    "احياء",
    "ناحيه",
    "قضاء",
    "ريف",
    "باديه",
    "محافظه",
    "ضواحي",
    "اطراف",
    "محيط",
    "قاعده",
    "مطار",
];
/// Place-kind words that make a location coarse (a district, a countryside, a desert).
const COARSE_WORDS: &[&str] = &[
    "ناحيه",
    "قضاء",
    "ريف",
    "باديه",
    "محافظه",
    "ضواحي",
    "اطراف",
    "محيط",
];
/// Direction adjectives that follow a coarse place ("ريف حماة الشمالي الغربي").
const DIRECTION_WORDS: &[&str] = &[
    "الشمالي",
    "الجنوبي",
    "الشرقي",
    "الغربي",
    "الشماليه",
    "الجنوبيه",
    "الشرقيه",
    "الغربيه",
    "الاوسط",
];
/// Stems of sides that name nobody in particular: they agree with any actor.
const VAGUE_STEMS: &[&str] = &[
    "مجهول",
    "خارجه",
    "مسلحين",
    "مسلحون",
    "ارهاب",
    "جهات",
    "جهه",
    "مدني",
    "اشخاص",
    "شخص",
    "عناصر",
    "محتج",
    "متظاهر",
    "اهالي",
    "سكان",
    "شاب",
    "مواطن",
    "مجموعات",
    "مجموعه",
    "افراد",
    "unidentified",
    "unknown",
    "civilians",
    "protesters",
    "rioters",
];

/// A place name with the letters that outlets interchange when writing Kurdish, Syriac
/// or foreign names merged: ص/س/ث, ط/ت, ض/د, ظ/ذ/ز, ح/ه, ق/ك, ع/ا ("خانصور"/"خانسور",
/// "حيمو"/"هيمو").
fn skeleton(compact: &str) -> String {
    compact
        .chars()
        .map(|c| match c {
            'ص' | 'ث' => 'س',
            'ط' => 'ت',
            'ض' => 'د',
            'ظ' | 'ذ' => 'ز',
            'ح' => 'ه',
            'ق' => 'ك',
            'ع' => 'ا',
            c => c,
        })
        .collect()
}

/// Lexicon ids of sides that name nobody in particular.
const GENERIC_IDS: &[&str] = &[
    "civilians",
    "protesters",
    "rioters",
    "unidentified_armed_group",
    "unknown",
];

/// Levenshtein distance of two short strings, by characters: whether it is at most `max`
fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != cb) as usize)
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        if cur.iter().min().copied().unwrap_or(0) > max {
            return false;
        }
        prev = cur;
    }
    prev[b.len()] <= max
}

/// Letters and digits, with a fast path for ASCII and the Arabic block (the general
/// Unicode table lookup dominated merge profiles).
fn is_word_char(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        '\u{0621}'..='\u{064A}' | '\u{0660}'..='\u{0669}' | '\u{0671}'..='\u{06D3}' => true,
        '\u{0600}'..='\u{06FF}' => false,
        _ => c.is_alphanumeric(),
    }
}

fn words(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn strip_al(w: &str) -> &str {
    let w = w
        .strip_prefix('و')
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(w);
    w.strip_prefix("ال")
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(w)
}

/// Comparable features of a place, computed once per mention.
#[derive(Debug, Clone, Default)]
struct PlaceFeat {
    words: Vec<String>,
    compact: String,
    coarse: bool,
    admin2: Option<String>,
    gazetteer_id: Option<String>,
    coords: Option<(f64, f64)>,
    /// Geocoded to the place itself (geo_precision 1), not to a region's centroid.
    exact: bool,
    /// `compact` with letters that transliterations confuse merged (see [`skeleton`]).
    skeleton: String,
}

fn place_feat(loc: &Location) -> Option<PlaceFeat> {
    let mut ws = words(&rasad_text::fold(&loc.name_ar));
    // A place named like its governorate ("بغداد", "إدلب") is read as the governorate:
    // "in Idlib" in a report rarely pins the city.
    let named_as_admin1 = match (&loc.name, &loc.admin1) {
        (Some(n), Some(a)) => !n.trim().is_empty() && n.trim().eq_ignore_ascii_case(a.trim()),
        _ => false,
    };
    let mut coarse = loc.geo_precision == Some(3) || named_as_admin1;
    while ws.len() > 1 && PLACE_WORDS.contains(&ws[0].as_str()) {
        coarse |= COARSE_WORDS.contains(&ws[0].as_str());
        ws.remove(0);
    }
    if coarse {
        while ws.len() > 1 && DIRECTION_WORDS.contains(&ws[ws.len() - 1].as_str()) {
            ws.pop();
        }
    }
    if ws.is_empty() && loc.gazetteer_id.is_none() && loc.lat.is_none() {
        return None;
    }
    let compact = ws.iter().map(|w| strip_al(w)).collect::<String>();
    let skeleton = skeleton(&compact);
    let coords = match (loc.lat, loc.lon) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => Some((a, b)),
        _ => None,
    };
    Some(PlaceFeat {
        words: ws,
        compact,
        coarse,
        // Read as the governorate, the place says nothing about the district.
        admin2: loc
            .admin2
            .as_ref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty() && !named_as_admin1),
        gazetteer_id: loc.gazetteer_id.as_deref().filter(|s| !s.is_empty()).map(str::to_string),
        coords,
        exact: loc.geo_precision == Some(1),
        skeleton,
    })
}

/// Whether `small` occurs in `big` as a run of whole words.
fn contains_words(big: &[String], small: &[String]) -> bool {
    !small.is_empty() && small.len() <= big.len() && big.windows(small.len()).any(|w| w == small)
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Comparable features of a side.
#[derive(Debug, Clone, Default)]
struct ActorFeat {
    vague: bool,
    id: Option<String>,
    en: String,
    words: Vec<String>,
    compact: String,
}

fn actor_feat(a: Option<&Actor>) -> ActorFeat {
    let Some(a) = a else {
        return ActorFeat {
            vague: true,
            ..Default::default()
        };
    };
    let ws: Vec<String> = words(&rasad_text::fold(&a.name_ar));
    let en = a.name.trim().to_lowercase();
    let id = a.actor_id.clone().filter(|s| !s.is_empty());
    let vague_word = |w: &String| {
        let w = strip_al(w);
        VAGUE_STEMS.iter().any(|s| w.starts_with(s))
    };
    // Lexicon ids of generic sides, and the inter codes of crowds and civilians
    // (5 rioters, 6 protesters, 7 civilians): such sides name nobody in particular.
    let generic =
        id.as_deref().is_some_and(|i| GENERIC_IDS.contains(&i)) || matches!(a.inter, 5..=7);
    let vague = generic
        || (id.is_none()
            && ((ws.is_empty() && en.is_empty())
                || ws.iter().any(vague_word)
                || (ws.is_empty() && words(&en).iter().any(vague_word))));
    let compact = ws.iter().map(|w| strip_al(w)).collect();
    ActorFeat {
        vague,
        id,
        en,
        words: ws,
        compact,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Match,
    Neutral,
    Mismatch,
}

fn side(x: &ActorFeat, y: &ActorFeat) -> Side {
    if x.vague || y.vague {
        return Side::Neutral;
    }
    if let (Some(a), Some(b)) = (&x.id, &y.id) {
        return if a == b { Side::Match } else { Side::Mismatch };
    }
    if !x.en.is_empty() && x.en == y.en {
        return Side::Match;
    }
    if !x.compact.is_empty()
        && (x.compact == y.compact
            || contains_words(&x.words, &y.words)
            || contains_words(&y.words, &x.words))
    {
        return Side::Match;
    }
    Side::Mismatch
}

/// Everything [`score`] needs of a mention, computed once.
#[derive(Debug, Clone)]
pub struct Features {
    article: String,
    event_type: String,
    country: Option<String>,
    admin1: Option<String>,
    days: Option<(i64, i64)>,
    background: bool,
    place: Option<PlaceFeat>,
    actor1: ActorFeat,
    actor2: ActorFeat,
}

impl Features {
    pub fn of(m: &Mention) -> Features {
        let e = &m.event;
        let lower = |s: &Option<rasad_model::Text>| {
            s.as_ref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
        };
        Features {
            article: m.article_id.clone(),
            event_type: e.event_type.trim().to_string(),
            country: lower(&e.country)
                .or_else(|| e.location.as_ref().and_then(|l| lower(&l.country))),
            admin1: lower(&e.admin1).or_else(|| e.location.as_ref().and_then(|l| lower(&l.admin1))),
            days: e.date.as_deref().and_then(day_range),
            background: e.status == Status::Background,
            place: e.location.as_ref().and_then(place_feat),
            actor1: actor_feat(e.actor1.as_ref()),
            actor2: actor_feat(e.actor2.as_ref()),
        }
    }

    /// The day range of the mention's date, when it has one.
    pub fn days(&self) -> Option<(i64, i64)> {
        self.days
    }
}

/// Evidence that two mentions report one event; `None` when they cannot (see the crate doc).
pub fn score(a: &Mention, b: &Mention) -> Option<f32> {
    score_features(&Features::of(a), &Features::of(b))
}

/// [`score`] on precomputed features.
pub fn score_features(a: &Features, b: &Features) -> Option<f32> {
    if a.article == b.article || a.event_type != b.event_type || a.event_type.is_empty() {
        return None;
    }
    if let (Some(x), Some(y)) = (&a.country, &b.country) {
        if x != y {
            return None;
        }
    }
    if let (Some(x), Some(y)) = (&a.admin1, &b.admin1) {
        if x != y {
            return None;
        }
    }
    let mut s = 0.0f32;
    let (da, db) = (a.days?, b.days?);
    if da.0 == da.1 && db.0 == db.1 {
        match (da.0 - db.0).abs() {
            0 => s += 1.0,
            1 => s += 0.5,
            _ => return None,
        }
    } else if da.0 > db.1 + 1 || db.0 > da.1 + 1 {
        return None;
    } else {
        s += 0.2;
    }

    let mut needs_victims = false;
    if let (Some(p), Some(q)) = (&a.place, &b.place) {
        let same_gaz = matches!((&p.gazetteer_id, &q.gazetteer_id), (Some(x), Some(y)) if x == y);
        let same_name = !p.compact.is_empty()
            && (p.compact == q.compact
                || contains_words(&p.words, &q.words)
                || contains_words(&q.words, &p.words)
                // Spelling variants of one name ("خانصور"/"خانسور") are one edit apart.
                || (p.skeleton.chars().count() >= 4 && within_edits(&p.skeleton, &q.skeleton, 1)));
        let admin2_conflict = matches!((&p.admin2, &q.admin2), (Some(x), Some(y)) if x != y);
        let dist = match (p.coords, q.coords) {
            (Some(x), Some(y)) => Some(haversine_km(x, y)),
            _ => None,
        };
        // Two places geocoded to one point (a square and the town it is in).
        let same_point = p.exact && q.exact && dist.is_some_and(|d| d < 1.0);
        if same_gaz
            || same_point
            || (same_name && !(admin2_conflict && dist.is_some_and(|d| d > NEAR_KM)))
        {
            s += if p.coarse && q.coarse { 1.0 } else { 2.0 };
        } else if p.coarse || q.coarse {
            if admin2_conflict {
                return None;
            }
            s += 0.5;
        } else if p.exact && q.exact && dist.is_some_and(|d| d <= NEAR_KM) {
            s += 0.5;
            needs_victims = true;
        } else {
            return None;
        }
    }

    let direct = (side(&a.actor1, &b.actor1), side(&a.actor2, &b.actor2));
    let sides = if a.event_type == "Battles" {
        let swapped = (side(&a.actor1, &b.actor2), side(&a.actor2, &b.actor1));
        let rank = |(x, y): (Side, Side)| {
            let m = [x, y].iter().filter(|s| **s == Side::Mismatch).count() as i32;
            let g = [x, y].iter().filter(|s| **s == Side::Match).count() as i32;
            (m, -g)
        };
        if rank(swapped) < rank(direct) {
            swapped
        } else {
            direct
        }
    } else {
        direct
    };
    match sides.0 {
        Side::Mismatch => return None,
        Side::Match => s += 1.0,
        Side::Neutral => {}
    }
    match sides.1 {
        Side::Match => s += 1.0,
        Side::Mismatch => s -= 0.5,
        Side::Neutral => {}
    }
    if needs_victims && sides.1 != Side::Match {
        return None;
    }
    Some(s)
}

/// Cluster mentions into events. Returns, for each input mention, the index (into
/// `mentions`) of its cluster's representative: the member with the smallest canonical
/// key. The result depends only on the set of mentions, not on their order.
pub fn cluster(mentions: &[Mention]) -> Vec<usize> {
    let feats: Vec<Features> = mentions.iter().map(Features::of).collect();
    let keys: Vec<(&str, u32)> = mentions.iter().map(|m| (m.article_id.as_str(), m.index)).collect();
    let feats: Vec<&Features> = feats.iter().collect();
    cluster_features(&keys, &feats)
}

/// [`cluster`] on each mention's canonical key (`article id`, index) and precomputed
/// [`Features`] (`feats[i]` of mention `i`): the store keeps stored mentions' features
/// between batches; recomputing them (folding place and actor names) and cloning every
/// mention was a tenth of a re-merge. Same result as [`cluster`].
pub fn cluster_features(keys: &[(&str, u32)], feats: &[&Features]) -> Vec<usize> {
    let n = keys.len().min(feats.len());
    // Rank of each mention in canonical order; ties in scores are broken by ranks.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| keys[i].cmp(&keys[j]).then(i.cmp(&j)));
    let mut rank = vec![0usize; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }

    // Blocking: only mentions of one event type whose day ranges come within a day of
    // each other can be compatible, so sweep each type's mentions sorted by first day.
    let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in feats.iter().enumerate() {
        if f.days.is_some() && !f.event_type.is_empty() {
            by_type.entry(f.event_type.as_str()).or_default().push(i);
        }
    }
    let mut compat: HashMap<(usize, usize), f32> = HashMap::new();
    let mut edges: Vec<(f32, usize, usize)> = Vec::new();
    for list in by_type.values_mut() {
        list.sort_by_key(|&i| (feats[i].days.unwrap().0, rank[i]));
        for x in 0..list.len() {
            let i = list[x];
            let end = feats[i].days.unwrap().1;
            for &j in &list[x + 1..] {
                if feats[j].days.unwrap().0 > end + 1 {
                    break;
                }
                if let Some(s) = score_features(&feats[i], &feats[j]) {
                    let (lo, hi) = if rank[i] < rank[j] { (i, j) } else { (j, i) };
                    compat.insert((lo, hi), s);
                    let bg = feats[i].background || feats[j].background;
                    if s >= if bg {
                        BACKGROUND_THRESHOLD
                    } else {
                        MERGE_THRESHOLD
                    } {
                        edges.push((s, lo, hi));
                    }
                }
            }
        }
    }
    edges.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(rank[a.1].cmp(&rank[b.1]))
            .then(rank[a.2].cmp(&rank[b.2]))
    });

    let mut parent: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let pair = |i: usize, j: usize| -> Option<f32> {
        let (lo, hi) = if rank[i] < rank[j] { (i, j) } else { (j, i) };
        compat.get(&(lo, hi)).copied()
    };
    for (_, i, j) in edges {
        let (ci, cj) = (find(&mut parent, i), find(&mut parent, j));
        if ci == cj {
            continue;
        }
        let mut total = 0.0;
        let mut ok = true;
        'outer: for &x in &members[ci] {
            for &y in &members[cj] {
                match pair(x, y) {
                    Some(s) => total += s,
                    None => {
                        ok = false;
                        break 'outer;
                    }
                }
            }
        }
        let count = (members[ci].len() * members[cj].len()) as f32;
        if !ok || total / count < MIN_LINK_MEAN {
            continue;
        }
        let (root, child) = if rank[ci] < rank[cj] {
            (ci, cj)
        } else {
            (cj, ci)
        };
        parent[child] = root;
        let moved = std::mem::take(&mut members[child]);
        members[root].extend(moved);
    }
    // Reports that name no place and no side join the one event they can belong to
    // (compatible with every member, some evidence with one); when two events could
    // take them they stay apart. Decided on the clustering before any attachment, in
    // canonical order, so the outcome does not depend on input order either.
    let bare =
        |i: usize| feats[i].place.is_none() && feats[i].actor1.vague && feats[i].actor2.vague;
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(x, y) in compat.keys() {
        neighbours[x].push(y);
        neighbours[y].push(x);
    }
    let mut attach: Vec<(usize, usize)> = Vec::new();
    let singles: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| bare(i) && members[find(&mut parent, i)].len() == 1)
        .collect();
    for i in singles {
        // Only events with a compatible member can take it.
        let mut roots: Vec<usize> = neighbours[i]
            .iter()
            .map(|&j| find(&mut parent, j))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        let targets: Vec<usize> = roots
            .into_iter()
            .filter(|&r| r != i && !(members[r].len() == 1 && bare(members[r][0])))
            .filter(|&r| {
                members[r].iter().all(|&x| pair(i, x).is_some())
                    && members[r]
                        .iter()
                        .any(|&x| pair(i, x).is_some_and(|s| s >= BACKGROUND_THRESHOLD))
            })
            .collect();
        if let [t] = targets[..] {
            attach.push((i, t));
        }
    }
    for (i, t) in attach {
        if members[t].iter().all(|&x| pair(i, x).is_some()) {
            parent[i] = t;
            members[i].clear();
            members[t].push(i);
        }
    }
    (0..n)
        .map(|i| {
            let r = find(&mut parent, i);
            *members[r].iter().min_by_key(|&&m| rank[m]).unwrap_or(&r)
        })
        .collect()
}

/// A stable id for a cluster: 16 hex digits of the FNV-1a hash of its smallest key.
/// Deterministic across runs and machines (no random hasher seed).
pub fn cluster_uid(members: &[&Mention]) -> String {
    let key = members
        .iter()
        .map(|m| (m.article_id.as_str(), m.index))
        .min()
        .map(|(a, i)| format!("{a}#{i}"))
        .unwrap_or_default();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

fn most_common<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in values.filter(|v| !v.is_empty()) {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some(c) => c.1 += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.first().map(|(v, _)| v.to_string())
}

fn location_rank(l: &Location) -> (u8, u8, std::cmp::Reverse<usize>) {
    (
        l.geo_precision.unwrap_or(2),
        if l.lat.is_some() && l.lon.is_some() {
            0
        } else {
            1
        },
        std::cmp::Reverse(l.name_ar.chars().count().min(40)),
    )
}

/// The merged record of a cluster of mentions (at least one). Members are taken in
/// canonical order so the result does not depend on the order they are given in.
pub fn merge(members: &[&Mention]) -> Event {
    let mut ms: Vec<&Mention> = members.to_vec();
    ms.sort_by(|a, b| (a.article_id.as_str(), a.index).cmp(&(b.article_id.as_str(), b.index)));
    let Some(first) = ms.first() else {
        return Event::default();
    };
    // The representative: a current report with the most filled-in fields.
    let fullness = |e: &Event| {
        (e.status == Status::Current) as u8 * 8
            + e.location.is_some() as u8 * 2
            + (e.actor1.is_some() as u8)
            + (e.actor2.is_some() as u8)
            + (e.date.as_ref().is_some_and(|d| d.len() == 10) as u8) * 2
    };
    let rep = ms.iter().copied().max_by(|a, b| {
        fullness(&a.event)
            .cmp(&fullness(&b.event))
            .then(a.event.confidence.total_cmp(&b.event.confidence))
            .then((&b.article_id, b.index).cmp(&(&a.article_id, a.index)))
    });
    let rep = rep.unwrap_or(first);
    let mut out = rep.event.clone();
    out.event_id = String::new();

    let current: Vec<&Mention> = ms
        .iter()
        .copied()
        .filter(|m| m.event.status == Status::Current)
        .collect();
    let voters = if current.is_empty() { &ms } else { &current };
    if let Some(sub) = most_common(voters.iter().map(|m| m.event.sub_event_type.as_str())) {
        out.sub_event_type = sub;
    }
    // Date: the most common day-precise date of current reports, else of all, else coarser.
    let dated = |set: &[&Mention], len: usize| {
        most_common(
            set.iter()
                .filter_map(|m| m.event.date.as_deref())
                .filter(|d| d.len() == len),
        )
    };
    out.date = dated(voters, 10)
        .or_else(|| dated(&ms, 10))
        .or_else(|| dated(&ms, 7))
        .or_else(|| dated(&ms, 4))
        .or(out.date);
    out.time_precision = ms
        .iter()
        .filter_map(|m| m.event.time_precision)
        .min()
        .or(out.time_precision);
    if let Some(best) = ms
        .iter()
        .filter_map(|m| m.event.location.as_ref())
        .min_by(|a, b| {
            location_rank(a)
                .cmp(&location_rank(b))
                .then(a.name_ar.cmp(&b.name_ar))
        })
    {
        out.location = Some(best.clone());
    }
    if out.admin1.is_none() {
        out.admin1 = most_common(ms.iter().filter_map(|m| m.event.admin1.as_deref())).map(Into::into);
    }
    if out.country.is_none() {
        out.country = most_common(ms.iter().filter_map(|m| m.event.country.as_deref())).map(Into::into);
    }
    // Sides: keep the representative's orientation, fill a vague or missing side from others.
    for slot in [0, 1] {
        let cur = if slot == 0 { &out.actor1 } else { &out.actor2 };
        if !actor_feat(cur.as_ref()).vague {
            continue;
        }
        let better = ms
            .iter()
            .filter_map(|m| {
                if slot == 0 {
                    m.event.actor1.as_ref()
                } else {
                    m.event.actor2.as_ref()
                }
            })
            .find(|a| !actor_feat(Some(a)).vague && (out.event_type != "Battles"))
            .cloned();
        if let Some(b) = better {
            if slot == 0 {
                out.actor1 = Some(b);
            } else {
                out.actor2 = Some(b);
            }
        }
    }
    out.fatalities = ms.iter().filter_map(|m| m.event.fatalities).min();
    out.injuries = ms.iter().filter_map(|m| m.event.injuries).min();
    out.status = if current.is_empty() {
        Status::Background
    } else {
        Status::Current
    };
    out.confidence = ms.iter().map(|m| m.event.confidence).fold(0.0, f32::max);
    let mut weapons: Vec<String> = ms
        .iter()
        .flat_map(|m| m.event.weapons.iter().cloned())
        .collect();
    weapons.sort();
    weapons.dedup();
    out.weapons = weapons;
    out
}

#[cfg(test)]
mod tests;
