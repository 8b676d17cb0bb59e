//! Rasad's shared data model.
//!
//! Every stage of the pipeline (normalise → segment → recognise → frame events →
//! resolve time and place → merge → store/serve) speaks in these types, so they live
//! in a crate of their own with no behaviour beyond (de)serialisation.
//!
//! The JSON shape of [`Event`] *is* the `rasad extract` output contract of
//! `GUIDELINES.md` (the fields `event_type, sub_event_type, date, country, admin1,
//! location{name_ar,…}, actor1, actor2, fatalities, status`) plus Rasad's own
//! provenance fields (`spans`, `confidence`, `time_precision`, `injuries`, `weapons`,
//! `notes`). Changing a field name here changes a public contract: the scorer,
//! the store, the exports and the HTTP API all read it.
//!
//! Offsets are **character** offsets (Unicode scalar values, as Python and
//! JavaScript `Array.from` count them) into the *original* article text, half-open
//! `[start, end)`. Byte offsets would be meaningless to most consumers of JSON.

pub mod json;

use serde::{Deserialize, Serialize};

/// A half-open character range `[start, end)` into the original article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span(pub usize, pub usize);

impl Span {
    /// The text this span covers in `text` (character offsets); empty when out of range.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        if self.1 < self.0 {
            return "";
        }
        let mut bytes = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len()));
        let start = bytes.nth(self.0);
        // `nth` counts from where the iterator stands, just after `start`.
        let end = if self.1 == self.0 { start } else { bytes.nth(self.1 - self.0 - 1) };
        match (start, end) {
            (Some(s), Some(e)) if s <= e => &text[s..e],
            _ => "",
        }
    }
#[inline]
    pub fn len(&self) -> usize {
        self.1.saturating_sub(self.0)
    }
#[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One news article as it enters Rasad (the `.jsonl` input line).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Publication date `YYYY-MM-DD` (a longer ISO timestamp is accepted; its date part is used).
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub text: String,
}

/// ACLED event types (the six of the guideline).
pub const EVENT_TYPES: [&str; 6] = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
];

/// ACLED sub-event types with their parent event type.
pub const SUB_EVENT_TYPES: [(&str, &str); 25] = [
    ("Armed clash", "Battles"),
    ("Government regains territory", "Battles"),
    ("Non-state actor overtakes territory", "Battles"),
    ("Chemical weapon", "Explosions/Remote violence"),
    ("Air/drone strike", "Explosions/Remote violence"),
    ("Suicide bomb", "Explosions/Remote violence"),
    ("Shelling/artillery/missile attack", "Explosions/Remote violence"),
    ("Remote explosive/landmine/IED", "Explosions/Remote violence"),
    ("Grenade", "Explosions/Remote violence"),
    ("Sexual violence", "Violence against civilians"),
    ("Attack", "Violence against civilians"),
    ("Abduction/forced disappearance", "Violence against civilians"),
    ("Peaceful protest", "Protests"),
    ("Protest with intervention", "Protests"),
    ("Excessive force against protesters", "Protests"),
    ("Violent demonstration", "Riots"),
    ("Mob violence", "Riots"),
    ("Agreement", "Strategic developments"),
    ("Arrests", "Strategic developments"),
    ("Change to group/activity", "Strategic developments"),
    ("Disrupted weapons use", "Strategic developments"),
    ("Headquarters or base established", "Strategic developments"),
    ("Looting/property destruction", "Strategic developments"),
    ("Non-violent transfer of territory", "Strategic developments"),
    ("Other", "Strategic developments"),
];

/// The event type a sub-event type belongs to, `None` for an unknown sub-type.
pub fn event_type_of(sub_event_type: &str) -> Option<&'static str> {
    SUB_EVENT_TYPES.iter().find(|(s, _)| *s == sub_event_type).map(|(_, t)| *t)
}

/// Days in month `m` (1–12) of Gregorian year `y`; 0 for a month that does not exist.
/// (The exports' date rules and the API's date parameters check a calendar day with it.)
pub fn days_in_month(y: u32, m: u32) -> u32 {
    #[allow(clippy::manual_is_multiple_of)] // the workspace's minimum Rust is 1.80
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// A string made of `parts` in order, allocated once at its final size.
///
/// Names such as "Civilians (Syria)", "X area" or an event id are built for every
/// event; `format!` runs them through the formatting machinery (a `fmt::Write` per
/// piece, a growing buffer), which cost several times the copy itself.
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Append `n` in decimal, zero-padded on the left to at least `width` digits
/// (`{:0width$}` without the formatter; dates and ids are written this way).
pub fn push_padded(s: &mut String, n: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    for _ in digits.len()..width {
        s.push('0');
    }
    s.push_str(digits);
}

/// A string that is usually shared: gazetteer names, countries and admin units are
/// interned once (`&'static`), so giving every place and event its own copy costs no
/// allocation; text read back from a store or JSON is owned.
pub type Text = std::borrow::Cow<'static, str>;

/// The one `&'static` copy of `s` in this process: the first call leaks a copy, later
/// calls with an equal string return it. For the strings of a gazetteer (place names,
/// admin units, ids), which every place mention and event repeats: a process holds
/// each distinct one once, however many geocoders it builds.
pub fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = SET.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&x) = set.get(s) {
        return x;
    }
    let x: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(x);
    x
}

/// Whether an event is the news the article reports or an earlier event recalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Current,
    Background,
}

/// A side of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Actor {
    /// English canonical name (ACLED style, e.g. "Military Forces of Syria (2000-2024)").
    pub name: String,
    /// The Arabic surface form as written in the article (clitics removed).
    pub name_ar: String,
    /// Lexicon id of the actor, when it was recognised from the actor lexicon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// ACLED inter code (1 state forces … 8 external/other forces), 0 when unknown.
    #[serde(default)]
    pub inter: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    /// The most precise place named, Arabic as written (e.g. "حقل العمر النفطي").
    pub name_ar: String,
    /// English name when the gazetteer knows the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin3: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcode: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// ACLED geo precision: 1 the place itself, 2 near it / part of a region, 3 region only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_precision: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_id: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Character spans into the original text that justify each field of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Spans {
    /// The sentence the event was framed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor1: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor2: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fatalities: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injuries: Option<Span>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weapons: Vec<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Span>,
}

/// Per-field confidence in `0..=1`, next to the event's overall `confidence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FieldConfidence {
    pub sub_event_type: f32,
    pub date: f32,
    pub location: f32,
    pub actor1: f32,
    pub actor2: f32,
    pub fatalities: f32,
    pub status: f32,
}

/// One event record extracted from one article (a *mention*, before cross-outlet merging).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Event {
    /// Id of the event within its article (`<article id>#<n>`); the store assigns merged ids.
    #[serde(default)]
    pub event_id: String,
    pub event_type: String,
    pub sub_event_type: String,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or null.
    pub date: Option<String>,
    /// ACLED time precision: 1 day known, 2 week/month-ish, 3 month or coarser. Null when no date.
    #[serde(default)]
    pub time_precision: Option<u8>,
    pub country: Option<Text>,
    pub admin1: Option<Text>,
    pub location: Option<Location>,
    pub actor1: Option<Actor>,
    pub actor2: Option<Actor>,
    pub fatalities: Option<u32>,
    #[serde(default)]
    pub injuries: Option<u32>,
    #[serde(default)]
    pub weapons: Vec<String>,
    #[serde(default)]
    pub status: Status,
    /// One English sentence in the style of ACLED notes.
    #[serde(default)]
    pub notes: String,
    /// Overall confidence `0..=1`.
    #[serde(default)]
    pub confidence: f32,
    #[serde(default)]
    pub field_confidence: FieldConfidence,
    #[serde(default)]
    pub spans: Spans,
}

/// One output line of `rasad extract`: the events of one article, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ArticleResult {
    Ok { id: String, events: Vec<Event> },
    Err { id: String, error: String },
}

/// Read one gold event of the annotation format (`../shared/eval/*.jsonl`, GUIDELINES.md)
/// as an [`Event`]: for fields that list acceptable values, the first one; for actors,
/// the first Arabic name as `name_ar` and the first Latin one as `name`. Tests of the
/// later stages (merging, storing) use it to run on gold extraction.
pub fn event_from_gold(g: &serde_json::Value) -> Event {
    use serde_json::Value;
    fn first(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.iter().find_map(|x| x.as_str().map(str::to_string)),
            _ => None,
        }
    }
    fn actor(v: &Value) -> Option<Actor> {
        let list: Vec<&str> = v.as_array()?.iter().filter_map(|x| x.as_str()).collect();
        let ar = list.iter().find(|s| !s.is_ascii()).copied().unwrap_or("");
        let en = list.iter().find(|s| s.is_ascii() && !s.is_empty()).copied().unwrap_or("");
        (!ar.is_empty() || !en.is_empty()).then(|| Actor { name: en.into(), name_ar: ar.into(), ..Default::default() })
    }
    Event {
        event_type: g["event_type"].as_str().unwrap_or_default().into(),
        sub_event_type: first(&g["sub_event_type"]).unwrap_or_default(),
        date: g["date"].as_str().map(str::to_string),
        country: g["country"].as_str().map(|s| s.to_string().into()),
        admin1: g["admin1"].as_str().map(|s| s.to_string().into()),
        location: first(&g["location"]).map(|n| Location { name_ar: n, ..Default::default() }),
        actor1: actor(&g["actor1"]),
        actor2: actor(&g["actor2"]),
        fatalities: g["fatalities"].as_u64().map(|f| f as u32),
        status: if g["status"] == "background" { Status::Background } else { Status::Current },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_one_copy_per_string() {
        let a = intern(&String::from("Deir ez-Zor"));
        let b = intern(&["Deir", " ez-Zor"].concat());
        assert_eq!(a, "Deir ez-Zor");
        assert!(std::ptr::eq(a, b));
        assert!(!std::ptr::eq(intern("Aleppo"), a));
        assert_eq!(intern(""), "");
    }

    #[test]
    fn concat_and_padding_match_format() {
        assert_eq!(concat(&["Civilians (", "Syria", ")"]), format!("Civilians ({})", "Syria"));
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["حمص", "", " area"]), "حمص area");
        for (n, w) in [(0u32, 2usize), (7, 2), (12, 2), (123, 2), (5, 4), (2024, 4), (99999, 4), (0, 0), (u32::MAX, 12)] {
            let mut s = String::from("x");
            push_padded(&mut s, n, w);
            assert_eq!(s, format!("x{n:0w$}"), "{n} to {w} digits");
        }
    }

    #[test]
    fn span_slices_by_characters_not_bytes() {
        let t = "قصف على حقل العمر";
        assert_eq!(Span(0, 3).slice(t), "قصف");
        assert_eq!(Span(12, 17).slice(t), "العمر");
        assert_eq!(Span(4, 4).slice(t), "");
        assert_eq!(Span(10, 99).slice(t), "");
        assert_eq!(Span(5, 2).slice(t), "");
    }

    #[test]
    fn every_sub_type_maps_to_a_listed_type() {
        for (_, t) in SUB_EVENT_TYPES {
            assert!(EVENT_TYPES.contains(&t));
        }
        assert_eq!(event_type_of("Arrests"), Some("Strategic developments"));
        assert_eq!(event_type_of("Nope"), None);
    }

    #[test]
    fn gold_events_read_their_first_acceptable_values() {
        let g = serde_json::json!({"event_type": "Battles", "sub_event_type": ["Armed clash", "Attack"], "date": "2024-02-28",
            "admin1": "Deir ez-Zor", "location": ["حقل العمر النفطي", "حقل العمر"], "actor1": ["SDF", "قسد"], "actor2": [],
            "fatalities": 3, "status": "background"});
        let e = event_from_gold(&g);
        assert_eq!(e.sub_event_type, "Armed clash");
        assert_eq!(e.location.unwrap().name_ar, "حقل العمر النفطي");
        assert_eq!(e.actor1.as_ref().map(|a| (a.name.as_str(), a.name_ar.as_str())), Some(("SDF", "قسد")));
        assert!(e.actor2.is_none());
        assert_eq!((e.fatalities, e.status), (Some(3), Status::Background));
    }

    #[test]
    fn status_serialises_lowercase() {
        assert_eq!(serde_json::to_string(&Status::Background).unwrap(), "\"background\"");
    }
}

#[cfg(test)]
mod calendar_tests {
    #[test]
    fn days_in_month_knows_leap_years() {
        use super::days_in_month;
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2024, 4), 30);
        assert_eq!(days_in_month(2024, 12), 31);
        assert_eq!(days_in_month(2024, 13), 0);
        assert_eq!(days_in_month(2024, 0), 0);
    }
}
