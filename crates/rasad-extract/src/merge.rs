//! Stage *merge* within one article: one event per day × location × type × sides.
//!
//! An article often reports its news twice (the lead, then the details: "تعرضت قاعدة
//! … لقصف" then "كما تم استهداف القاعدة بطائرة مسيرة"). Two mentions are one event when
//! the type agrees, the dates agree (or one is open), the places agree (same name, one
//! inside the other, or one open) and each side agrees (same actor, or one open). A
//! protest and a riot at the same place and day are one riot. The first mention is
//! kept and completed from the later one; tolls keep the lower figure (a 0 — injuries
//! only — yields to a figure of deaths: it says nothing against them).

use rasad_model::{Actor, Event, Location};
use rasad_text::fold;

fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !rasad_text::tokenise::is_alnum(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.strip_prefix("ال").filter(|r| r.chars().count() >= 2).unwrap_or(w).to_string())
        .collect()
}

fn contains(outer: &[String], inner: &[String]) -> bool {
    !inner.is_empty() && outer.windows(inner.len()).any(|w| w == inner)
}

fn same_place(a: &Option<Location>, b: &Option<Location>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            if a.gazetteer_id.is_some() && a.gazetteer_id == b.gazetteer_id {
                return true;
            }
            let (wa, wb) = (words(&a.name_ar), words(&b.name_ar));
            contains(&wa, &wb) || contains(&wb, &wa)
        }
        _ => true,
    }
}

fn same_actor(a: &Option<Actor>, b: &Option<Actor>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.actor_id.is_some() && a.actor_id == b.actor_id || fold(&a.name_ar) == fold(&b.name_ar),
        _ => true,
    }
}

fn compatible(a: &Event, b: &Event) -> bool {
    let types = a.event_type == b.event_type
        || matches!((a.event_type.as_str(), b.event_type.as_str()), ("Protests", "Riots") | ("Riots", "Protests"));
    let dates = match (&a.date, &b.date) {
        (Some(x), Some(y)) => x == y,
        _ => a.status == b.status,
    };
    types && dates && a.status == b.status && same_place(&a.location, &b.location) && same_actor(&a.actor1, &b.actor1) && same_actor(&a.actor2, &b.actor2)
}

fn absorb(keep: &mut Event, other: Event) {
    if keep.event_type == "Protests" && other.event_type == "Riots" {
        keep.event_type = other.event_type.clone();
        keep.sub_event_type = other.sub_event_type.clone();
    }
    if keep.location.is_none() {
        keep.location = other.location;
        keep.spans.location = other.spans.location;
    }
    if keep.admin1.is_none() {
        keep.admin1 = other.admin1;
        keep.country = other.country.or(keep.country.take());
    }
    if keep.date.is_none() {
        keep.date = other.date;
        keep.time_precision = other.time_precision;
        keep.spans.date = other.spans.date;
    }
    // a side is filled in only when it is not the other side already
    if keep.actor1.is_none() && actor_key(&other.actor1) != actor_key(&keep.actor2) {
        keep.actor1 = other.actor1;
        keep.spans.actor1 = other.spans.actor1;
    }
    if keep.actor2.is_none() && actor_key(&other.actor2) != actor_key(&keep.actor1) {
        keep.actor2 = other.actor2;
        keep.spans.actor2 = other.spans.actor2;
    }
    keep.fatalities = match (keep.fatalities, other.fatalities) {
        (Some(0), Some(b)) => Some(b),
        (Some(a), Some(0)) => Some(a),
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    keep.injuries = keep.injuries.or(other.injuries);
    for w in other.weapons {
        if !keep.weapons.contains(&w) {
            keep.weapons.push(w);
        }
    }
}

/// How a mention was framed, for merging.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hint {
    /// A definite noun trigger ("الضربات"): refers back to an event of its type.
    pub anaphoric: bool,
    /// Said by a source in a sentence of its own ("وقال مصدر … إن"): details the event before.
    pub elaboration: bool,
    /// Framed from weak triggers only (استهدف، هجوم): a detail more often than an event.
    pub weak_only: bool,
    /// The sides were read from "بين X و Y" (text order, not who attacked whom).
    pub between: bool,
}

/// The key two mentions of one side share: the lexicon id, else the folded name.
pub(crate) fn actor_key(a: &Option<Actor>) -> Option<String> {
    a.as_ref().map(|a| a.actor_id.clone().unwrap_or_else(|| fold(&a.name_ar)))
}

/// "اشتباكات بين X و Y" names the parties in no particular order; ACLED puts the side
/// that attacked first. When the article says elsewhere that Y attacked X ("وهاجمت
/// قوات العشائر نقاطاً لقسد"), the clash's sides are swapped.
pub fn order_clash_sides(events: &mut [Event], hints: &[Hint]) {
    let attacks: Vec<(Option<String>, Option<String>)> = events
        .iter()
        .zip(hints.iter())
        .filter(|(_, h)| !h.between)
        .map(|(e, _)| (actor_key(&e.actor1), actor_key(&e.actor2)))
        .collect();
    for (e, h) in events.iter_mut().zip(hints.iter()) {
        if !h.between || e.event_type != "Battles" {
            continue;
        }
        let (a1, a2) = (actor_key(&e.actor1), actor_key(&e.actor2));
        if a1.is_some() && a2.is_some() && attacks.iter().any(|(x, y)| *x == a2 && *y == a1) {
            std::mem::swap(&mut e.actor1, &mut e.actor2);
            std::mem::swap(&mut e.spans.actor1, &mut e.spans.actor2);
        }
    }
}

fn dates_agree(a: &Event, b: &Event) -> bool {
    match (&a.date, &b.date) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// One precise place struck on one day by one kind of attack is one event, however the
/// article's paragraphs name its sides: the lead ("تعرضت قاعدة حرير لهجوم بمسيّرة"), the
/// authorities' account and the claim ("قالت المقاومة الإسلامية إنها هاجمت قاعدة حرير")
/// each give their own. Only sides swapped (the target answering back) keep two events.
fn same_strike(a: &Event, b: &Event) -> bool {
    let precise = |e: &Event| e.location.as_ref().is_some_and(|l| l.geo_precision == Some(1));
    let swapped = actor_key(&a.actor1).is_some() && actor_key(&a.actor1) == actor_key(&b.actor2)
        || actor_key(&b.actor1).is_some() && actor_key(&b.actor1) == actor_key(&a.actor2);
    a.event_type == "Explosions/Remote violence"
        && a.sub_event_type == b.sub_event_type
        && a.event_type == b.event_type
        && a.date.is_some()
        && a.date == b.date
        && a.status == b.status
        && precise(a)
        && precise(b)
        && same_place(&a.location, &b.location)
        && !swapped
}

/// Merge duplicate mentions in place, keeping text order. `hints[i]` describes `events[i]`.
pub fn within_article(events: &mut Vec<Event>, hints: &[Hint]) {
    // in place: the events kept so far are `events[..kept]`; an event that stays is
    // moved down only when one before it was merged away (an event is near a kilobyte,
    // and most articles merge little)
    let mut kept = 0;
    // by their place among the kept: events a more precise account replaced
    let mut summarised = vec![false; events.len()];
    for n in 0..events.len() {
        let (out, rest) = events.split_at_mut(n);
        let out = &mut out[..kept];
        let e = &mut rest[0];
        let h = hints.get(n).copied().unwrap_or_default();
        if let Some(k) = out.iter_mut().find(|k| compatible(k, e) || same_strike(k, e)) {
            absorb(k, std::mem::take(e));
            continue;
        }
        let disrupted = e.sub_event_type == "Disrupted weapons use";
        // a back-reference or a source's account joins the latest event it can be
        if (h.anaphoric || h.elaboration) && !disrupted {
            // a definite back-reference ("وتأتي الغارة غداة …") names no date of its own:
            // it joins the latest event of its type whatever date its sentence holds
            let target = out.iter_mut().enumerate().rev().find(|(_, k)| {
                let dates = dates_agree(k, e) || h.anaphoric;
                let status = k.status == e.status || h.anaphoric;
                (k.event_type == e.event_type || h.weak_only) && dates && status && k.sub_event_type != "Disrupted weapons use"
            });
            // "احتجاجات في مدن وبلدات عدة بمحافظة إدلب" then "خروج المظاهرات في مدينة إدلب
            // وبلدات X وY": the account names the places the summary did not; it stays an
            // event of its own (kept below), and the summary goes
            if let Some((at, _)) = target.as_ref().filter(|(_, k)| refines(k, e)) {
                summarised[*at] = true;
            } else if let Some((_, k)) = target {
                let mut e = std::mem::take(e);
                // the detail does not move the event: keep its place unless it has none
                if k.location.is_some() {
                    e.location = None;
                }
                absorb(k, e);
                continue;
            }
        }
        if kept != n {
            events.swap(kept, n);
        }
        kept += 1;
    }
    events.truncate(kept);
    let mut at = 0;
    events.retain(|_| {
        at += 1;
        !summarised[at - 1]
    });
}

/// Whether `e` names precisely (a town, a village, a site: geo precision 1 or 2) where
/// `k` only named a governorate or a region (precision 3) of the same admin1.
fn refines(k: &Event, e: &Event) -> bool {
    match (&k.location, &e.location) {
        // (a governorate or a region the gazetteer names; an unknown village that only
        // inherited its governorate — no English name — is already an exact account)
        (Some(kl), Some(el)) => kl.geo_precision == Some(3) && kl.name.is_some() && precise(e) && kl.admin1.is_some() && kl.admin1 == el.admin1,
        _ => false,
    }
}

fn precise(e: &Event) -> bool {
    e.location.as_ref().is_some_and(|l| matches!(l.geo_precision, Some(1 | 2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: &str, date: Option<&str>, place: Option<&str>, a1: Option<&str>) -> Event {
        Event {
            event_type: t.into(),
            date: date.map(Into::into),
            location: place.map(|p| Location { name_ar: p.into(), ..Default::default() }),
            actor1: a1.map(|a| Actor { name_ar: a.into(), ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn same_event_twice_is_one() {
        let mut v = vec![
            ev("Explosions/Remote violence", Some("2024-02-28"), Some("حقل العمر النفطي"), None),
            ev("Explosions/Remote violence", Some("2024-02-28"), None, None),
            ev("Explosions/Remote violence", Some("2024-02-28"), Some("حقل العمر"), Some("المقاومة الإسلامية في العراق")),
        ];
        within_article(&mut v, &[]);
        assert_eq!(v.len(), 1);
        assert!(v[0].actor1.is_some());
    }

    #[test]
    fn a_precise_account_replaces_a_summary_of_its_governorate() {
        let place = |name: &str, admin1: &'static str, precision: u8| Location { name_ar: name.into(), admin1: Some(admin1.into()), geo_precision: Some(precision), ..Default::default() };
        let mut summary = ev("Protests", Some("2024-05-10"), None, None);
        summary.location = Some(Location { name: Some("Idlib".into()), ..place("محافظة إدلب", "Idlib", 3) });
        let mut account = ev("Protests", Some("2024-05-10"), None, None);
        account.location = Some(place("مدينة إدلب", "Idlib", 1));
        let elaboration = Hint { elaboration: true, ..Default::default() };
        let mut v = vec![summary.clone(), account.clone()];
        within_article(&mut v, &[Hint::default(), elaboration]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].location.as_ref().unwrap().name_ar, "مدينة إدلب");
        // an account in another governorate, or a summary as precise as the account,
        // is a detail as before: it joins the event and keeps its place
        let mut elsewhere = account.clone();
        elsewhere.location = Some(place("مدينة حلب", "Aleppo", 1));
        let mut v = vec![summary.clone(), elsewhere];
        within_article(&mut v, &[Hint::default(), elaboration]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].location.as_ref().unwrap().name_ar, "محافظة إدلب");
        // an unknown village that only inherited its governorate is no summary: the
        // account (where the wounded were taken, say) joins it and leaves its place
        let mut village = summary.clone();
        village.location = Some(place("قرية دوكركا", "Idlib", 3));
        let mut v = vec![village, account.clone()];
        within_article(&mut v, &[Hint::default(), elaboration]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].location.as_ref().unwrap().name_ar, "قرية دوكركا");
    }

    #[test]
    fn different_places_days_or_sides_stay_apart() {
        let mut v = vec![
            ev("Battles", Some("2024-02-28"), Some("ذيبان"), Some("قسد")),
            ev("Battles", Some("2024-02-28"), Some("الشحيل"), Some("قسد")),
            ev("Battles", Some("2024-02-27"), Some("ذيبان"), Some("قسد")),
            ev("Battles", Some("2024-02-28"), Some("ذيبان"), Some("داعش")),
        ];
        within_article(&mut v, &[]);
        assert_eq!(v.len(), 4);
    }
}
