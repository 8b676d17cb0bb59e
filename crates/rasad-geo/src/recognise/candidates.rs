//! Candidates and scoring: which gazetteer entry a mention names when several share
//! its name (feature word, enclosing place, the sentence's and the article's admin1,
//! dateline, prominence, population), the small localities read in a slot
//! ([`settle_minor`]), and the interned location an entry starts a mention from.
//!
//! Its own room because namesake resolution is where most place errors are fixed, and
//! its rules should be read together.

use super::*;

pub(super) fn precision_of(kind: PlaceKind) -> u8 {
    match kind {
        PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Region => 3,
        PlaceKind::Admin2 | PlaceKind::Admin3 => 2,
        _ => 1,
    }
}

pub(super) fn feature_fits(feature: PlaceKind, kind: PlaceKind) -> bool {
    use PlaceKind::*;
    match feature {
        Village | Town | City => matches!(kind, Village | Town | City | Admin2 | Admin3),
        Neighbourhood => matches!(kind, Neighbourhood | Village | Town),
        Admin3 => matches!(kind, Admin3 | Town | City | Village),
        Admin2 => matches!(kind, Admin2 | Town | City),
        Admin1 => matches!(kind, Admin1),
        Site => kind == Site,
        Region => matches!(
            kind,
            Region | Town | Village | Neighbourhood | Admin2 | Admin3 | City | Site
        ),
        Country => kind == Country,
    }
}


pub(super) fn unambiguous<'a>(g: &'a Geocoder, cands: &[u32]) -> Option<Key<'a>> {
    let mut it = cands.iter().map(|&c| &g.entries[c as usize]);
    let first = it.next()?;
    let a = first.admin1.as_deref()?;
    if it.all(|e| e.admin1.as_deref() == Some(a) && e.country == first.country) {
        Some((first.country.as_str(), a))
    } else {
        None
    }
}

pub(super) fn score(e: &Entry, r: &Raw, enc: Option<&Location>, sentence: &[Key], ctx: &Ctx) -> i64 {
    let mut s = 0i64;
    let key: Key = (e.country.as_str(), e.admin1.as_deref().unwrap_or_default());
    if let Some(f) = r.feature {
        if feature_fits(f, e.kind) {
            s += 4000;
        }
    }
    if let Some(l) = enc {
        if l.admin1.is_some() && l.admin1.as_deref() == e.admin1.as_deref() {
            s += 2000;
        }
        if l.country.as_deref() == Some(e.country.as_str()) {
            s += 600;
        }
    }
    if e.admin1.is_some() && sentence.contains(&key) {
        s += 300;
    }
    if e.admin1.is_some() && ctx.dateline == Some(key) {
        s += 200;
    }
    if let Some((_, v)) = ctx.votes.iter().find(|(k, _)| *k == key) {
        s += 30 * (*v).min(5) as i64;
    }
    if ctx.dateline.is_some_and(|(c, _)| c == e.country) {
        s += 60;
    }
    s += 10 * e.prominence_score();
    if e.source == "rasad" {
        s += 5;
    }
    s += (e.population as f64 + 1.0).log10() as i64;
    s
}

impl Entry {
    pub(super) fn prominence_score(&self) -> i64 {
        // a governorate capital reads as the city, the governorate as a fallback
        match self.kind {
            PlaceKind::City => 10,
            PlaceKind::Admin1 => 9,
            k => k.prominence() as i64,
        }
    }
}

/// The location of a gazetteer entry, its strings interned (see `Geocoder::locations`).
pub(crate) fn interned_location(e: &Entry) -> Location {
    let text = |s: &str| Text::Borrowed(rasad_model::intern(s));
    Location {
        name_ar: String::new(),
        name: Some(text(&e.name)),
        country: Some(text(&e.country)),
        admin1: e.admin1.as_deref().map(text),
        admin2: e.admin2.as_deref().map(text),
        admin3: e.admin3.as_deref().map(text),
        pcode: e.pcode.as_deref().map(text),
        lat: e.lat,
        lon: e.lon,
        geo_precision: Some(precision_of(e.kind)),
        gazetteer_id: Some(text(&e.id)),
        span: None,
    }
}


/// Small localities read in a slot are namesakes across the whole region: keep the
/// readings whose admin1 the article names elsewhere (its other places, the dateline).
/// One after a bare preposition with no such reading is no place at all ("في البيان");
/// one after a feature word keeps its phrase, and its name only when the readings agree
/// on one admin1 and the article names no other (else the phrase inherits the admin1 of
/// its context like an unknown name).
pub(super) fn settle_minor(g: &Geocoder, doc: &Document, raws: &mut Vec<Raw>) {
    let is_minor = |r: &Raw| {
        !r.cands.is_empty()
            && (r.needs_ctx
                || r.cands.iter().all(|&c| g.entries[c as usize].minor)
                || small_namesakes(g, &r.cands))
    };
    if !raws.iter().any(is_minor) {
        return;
    }
    let mut keys: Vec<(&str, &str, bool)> = Vec::new(); // country, admin1, same sentence as?
    let mut named: Vec<(usize, Key)> = Vec::new();
    for r in raws.iter().filter(|r| !is_minor(r)) {
        if let Some(k) = unambiguous(g, &r.cands) {
            named.push((doc.sentence_of(r.ta), k));
        }
    }
    keys.clear();
    let article: Vec<Key> = named.iter().map(|x| x.1).collect();
    raws.retain_mut(|r| {
        if !is_minor(r) {
            return true;
        }
        // "مديرية سنحان", "قضاء سنجار": the feature word names the kind of unit, and a
        // district of that name outranks the villages that share it; one district is
        // taken at its word, whatever else the article names (a district's name is no
        // common word, and reports name it to say where)
        if let Some(f @ (PlaceKind::Admin2 | PlaceKind::Admin3)) = r.feature {
            let exact: Vec<u32> = r.cands.iter().copied().filter(|&c| g.entries[c as usize].kind == f).collect();
            if !exact.is_empty() {
                let one = unambiguous(g, &exact).is_some();
                r.cands = exact;
                if one {
                    return true;
                }
            }
        }
        let si = doc.sentence_of(r.ta);
        let key_of = |c: u32| {
            let e = &g.entries[c as usize];
            (e.country.as_str(), e.admin1.as_deref().unwrap_or_default())
        };
        let in_sentence: Vec<u32> = r
            .cands
            .iter()
            .copied()
            .filter(|&c| named.iter().any(|(s, k)| *s == si && *k == key_of(c)))
            .collect();
        let in_article: Vec<u32> = r.cands.iter().copied().filter(|&c| article.contains(&key_of(c))).collect();
        let kept = if !in_sentence.is_empty() { in_sentence } else { in_article };
        if !kept.is_empty() {
            r.cands = kept;
            return true;
        }
        if r.needs_ctx {
            return false;
        }
        // the article names other governorates and none of this name's: the name is
        // some namesake the gazetteer lacks, or no name; the phrase takes its context
        if unambiguous(g, &r.cands).is_none() || !article.is_empty() {
            r.cands.clear();
        }
        true
    });
}

/// Namesakes in several governorates that are all small imported localities (a village
/// of a few hundred people, some of them minor, some not): the name alone says nothing
/// of where, so they are settled like minor names — a reading the article's geography
/// supports, else the phrase's context ("حي الروضة" in a report on مأرب is none of the
/// villages called الروضة elsewhere).
fn small_namesakes(g: &Geocoder, cands: &[u32]) -> bool {
    let small = |e: &Entry| {
        e.minor
            || (e.source != "rasad"
                && matches!(e.kind, PlaceKind::Village | PlaceKind::Town | PlaceKind::Neighbourhood)
                && e.population < 20_000)
    };
    cands.len() >= 2
        && cands.iter().all(|&c| small(&g.entries[c as usize]))
        && unambiguous(g, cands).is_none()
}

pub(super) fn raw_kind(g: &Geocoder, r: &Raw) -> PlaceKind {
    if r.region {
        return PlaceKind::Region;
    }
    if let Some(f) = r.feature {
        return f;
    }
    r.cands
        .iter()
        .map(|&c| g.entries[c as usize].kind)
        .max_by_key(|k| k.containment_rank())
        .unwrap_or(PlaceKind::Village)
}
