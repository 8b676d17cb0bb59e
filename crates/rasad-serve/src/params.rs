//! Query parameters of `/api/events` and `/api/stats`, parsed and checked before any
//! store call, so that a bad value is a 400 that names the parameter rather than an
//! empty result the analyst cannot tell from "no events".

use crate::error::{Result, ServeError};
use rasad_model::{EVENT_TYPES, SUB_EVENT_TYPES};
use rasad_store::EventFilter;

/// Largest page a client may ask for (the dashboard's map asks for exactly this).
pub const MAX_PER_PAGE: usize = 5000;
pub const DEFAULT_PER_PAGE: usize = 100;
/// Longest free-text value accepted (actor, text, place names): longer is surely not a name.
const MAX_TEXT: usize = 200;
/// Deepest page: `page * per_page` past this is refused, so no request makes the store skip
/// an unbounded number of rows.
const MAX_OFFSET: usize = 10_000_000;
/// Highest page number accepted whatever `per_page` is: the largest page keeps the
/// offset within [`MAX_OFFSET`] at the largest `per_page`, so the documented bounds
/// (`1 ≤ page ≤ MAX_PAGE`, `1 ≤ per_page ≤ MAX_PER_PAGE`) never combine into a refusal.
pub const MAX_PAGE: usize = MAX_OFFSET / MAX_PER_PAGE + 1;

/// Output format of `/api/events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    GeoJson,
    Csv,
}

/// A checked `/api/events` or `/api/stats` query: the store's own filter plus paging.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    /// Date range, type, sub-type, actor, country, admin1, bbox, status, minimum
    /// confidence and free text (`q`), exactly as the store filters them.
    pub filter: EventFilter,
    /// 1-based page number.
    pub page: usize,
    pub per_page: usize,
    pub format: Format,
    /// Keyset cursor (`next` of the previous page): the page after it, instead of `page`.
    pub after: Option<String>,
}

/// Filter parameters, accepted by both endpoints; anything else is refused so typos do not
/// silently return everything.
pub const FILTER_PARAMS: &[&str] = &[
    "from",
    "to",
    "event_type",
    "sub_event_type",
    "actor",
    "country",
    "admin1",
    "bbox",
    "status",
    "min_confidence",
    "q",
];
/// Paging and format parameters, accepted by `/api/events` only.
pub const PAGING_PARAMS: &[&str] = &["page", "per_page", "format", "after"];

impl EventQuery {
    /// Parse a raw query string (`a=1&b=2`): the filter parameters, plus the paging ones
    /// when `paging`.
    pub fn parse(raw: Option<&str>, paging: bool) -> Result<EventQuery> {
        let allowed: Vec<&str> = FILTER_PARAMS.iter().chain(if paging { PAGING_PARAMS } else { &[] }).copied().collect();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ServeError::BadRequest(format!("malformed query string: {e}")))?;
        let mut q = EventQuery {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Default::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in &pairs {
            let Some(&name) = allowed.iter().find(|a| **a == k.as_str()) else {
                return Err(ServeError::BadRequest(format!(
                    "unknown parameter {k:?}; accepted: {}",
                    allowed.join(", ")
                )));
            };
            if seen.contains(&name) {
                return Err(ServeError::BadRequest(format!(
                    "parameter {name:?} given twice"
                )));
            }
            seen.push(name);
            // Free text is trimmed and may be empty ("no filter", as HTML forms send it);
            // a typed value must be exactly of its documented form, so an empty `from`
            // is refused like any other string that is not a date.
            match name {
                "actor" | "country" | "admin1" | "q" => {
                    let t = text(name, v)?;
                    if t.is_empty() {
                        continue;
                    }
                    match name {
                        "actor" => q.filter.actor = Some(t),
                        "country" => q.filter.country = Some(t),
                        "admin1" => q.filter.admin1 = Some(t),
                        _ => q.filter.text = Some(t),
                    }
                    continue;
                }
                _ => {}
            }
            let v = v.as_str();
            match name {
                "from" => q.filter.date_from = Some(date(name, v)?),
                "to" => q.filter.date_to = Some(date(name, v)?),
                "event_type" => {
                    if !EVENT_TYPES.contains(&v) {
                        return Err(bad_choice(name, v, EVENT_TYPES.iter().copied()));
                    }
                    q.filter.event_type = Some(v.to_string());
                }
                "sub_event_type" => {
                    if !SUB_EVENT_TYPES.iter().any(|(s, _)| *s == v) {
                        return Err(bad_choice(name, v, SUB_EVENT_TYPES.iter().map(|(s, _)| *s)));
                    }
                    q.filter.sub_event_type = Some(v.to_string());
                }
                "bbox" => q.filter.bbox = Some(bbox(v)?),
                "status" => {
                    if !matches!(v, "current" | "background") {
                        return Err(bad_choice(name, v, ["current", "background"].into_iter()));
                    }
                    q.filter.status = Some(v.to_string());
                }
                "min_confidence" => {
                    let c: f32 = v.parse().map_err(|_| bad(name, v, "a number in 0..1"))?;
                    if !(0.0..=1.0).contains(&c) {
                        return Err(bad(name, v, "a number in 0..1"));
                    }
                    q.filter.min_confidence = Some(c);
                }
                "page" => {
                    let want = format!("a whole number between 1 and {MAX_PAGE}");
                    q.page = whole(v).ok_or_else(|| bad(name, v, &want))?;
                    if q.page == 0 {
                        return Err(bad(name, v, &want));
                    }
                    if q.page > MAX_PAGE {
                        return Err(ServeError::BadRequest(format!(
                            "page {v} is too deep (at most {MAX_PAGE}); narrow the filters"
                        )));
                    }
                }
                "per_page" => {
                    q.per_page = whole(v).ok_or_else(|| bad(name, v, "a whole number"))?;
                    if q.per_page == 0 || q.per_page > MAX_PER_PAGE {
                        return Err(bad(name, v, &format!("between 1 and {MAX_PER_PAGE}")));
                    }
                }
                "after" => {
                    // The store checks the cursor's shape; here only its size.
                    if v.is_empty() || v.len() > 100 {
                        return Err(bad(name, v, "the `next` cursor of a previous page"));
                    }
                    q.after = Some(v.to_string());
                }
                "format" => {
                    q.format = match v {
                        "json" => Format::Json,
                        "geojson" => Format::GeoJson,
                        "csv" => Format::Csv,
                        _ => {
                            return Err(bad_choice(name, v, ["json", "geojson", "csv"].into_iter()))
                        }
                    }
                }
                _ => unreachable!("every allowed name is handled"),
            }
        }
        // `from` after `to` is an empty range, not an error: each is valid on its own,
        // and the store simply finds nothing in it.
        // (with `after`, `page` is ignored: the cursor already says where the page starts)
        if (q.page - 1).saturating_mul(q.per_page) > MAX_OFFSET {
            return Err(ServeError::BadRequest(format!(
                "page {} is too deep (more than {MAX_OFFSET} rows in); narrow the filters",
                q.page
            )));
        }
        Ok(q)
    }

    /// Rows to skip for the requested page.
    pub fn offset(&self) -> usize {
        (self.page - 1) * self.per_page
    }
}

fn bad(name: &str, v: &str, want: &str) -> ServeError {
    ServeError::BadRequest(format!("{name}={v:?} is not valid: want {want}"))
}

fn bad_choice<'a>(name: &str, v: &str, choices: impl Iterator<Item = &'a str>) -> ServeError {
    let list: Vec<&str> = choices.collect();
    ServeError::BadRequest(format!("{name}={v:?} is not one of: {}", list.join(", ")))
}

/// A free-text value: at most [`MAX_TEXT`] characters as sent, then trimmed.
fn text(name: &str, v: &str) -> Result<String> {
    if v.chars().count() > MAX_TEXT {
        return Err(bad(
            name,
            &v.chars().take(20).collect::<String>(),
            &format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(v.trim().to_string())
}

/// A whole number written with ASCII digits only (no sign, no spaces), as the OpenAPI
/// `integer` type is sent; too large for the machine is `None`.
fn whole(v: &str) -> Option<usize> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// `YYYY-MM-DD` with a real month and a day that exists in it.
fn date(name: &str, v: &str) -> Result<String> {
    let b = v.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if ok {
        let y: u32 = v[0..4].parse().unwrap_or(0);
        let m: u32 = v[5..7].parse().unwrap_or(0);
        let d: u32 = v[8..10].parse().unwrap_or(0);
        if y >= 1 && d >= 1 && d <= rasad_model::days_in_month(y, m) {
            return Ok(v.to_string());
        }
    }
    Err(bad(name, v, "a date YYYY-MM-DD"))
}

/// The form of `bbox`, stated in the OpenAPI document as this regular expression:
/// four decimal numbers (no exponent, no spaces), longitudes in -180..180 and latitudes
/// in -90..90. A box whose minimum is not below its maximum is valid and holds nothing.
pub const BBOX_PATTERN: &str = concat!(
    "^", "-?(180(\\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\\.[0-9]+)?)",
    ",", "-?(90(\\.0+)?|[1-8]?[0-9](\\.[0-9]+)?)",
    ",", "-?(180(\\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\\.[0-9]+)?)",
    ",", "-?(90(\\.0+)?|[1-8]?[0-9](\\.[0-9]+)?)",
    "$"
);

/// One coordinate of [`BBOX_PATTERN`]: an optional `-`, an integer part without leading
/// zeros, an optional fraction, within `-limit..=limit`.
fn coordinate(p: &str, limit: f64) -> Option<f64> {
    let digits = p.strip_prefix('-').unwrap_or(p);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || (int.len() > 1 && int.starts_with('0')) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let x: f64 = digits.parse().ok()?;
    (x <= limit).then(|| if p.starts_with('-') { -x } else { x })
}

fn bbox(v: &str) -> Result<[f64; 4]> {
    let want = "min_lon,min_lat,max_lon,max_lat: decimal numbers, -180≤lon≤180, -90≤lat≤90";
    // `$` in the documented pattern also matches before one final newline (as the
    // regular expressions of most clients read it), so that form is accepted too.
    let body = v.strip_suffix('\n').unwrap_or(v);
    let parts: Vec<&str> = body.split(',').collect();
    let [a, b, c, d] = parts[..] else {
        return Err(bad("bbox", v, want));
    };
    match (coordinate(a, 180.0), coordinate(b, 90.0), coordinate(c, 180.0), coordinate(d, 90.0)) {
        (Some(a), Some(b), Some(c), Some(d)) => Ok([a, b, c, d]),
        _ => Err(bad("bbox", v, want)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<EventQuery> {
        EventQuery::parse(Some(s), true)
    }

    #[test]
    fn parses_every_filter() {
        let q = p("from=2024-03-01&to=2024-03-31&event_type=Battles&sub_event_type=Armed+clash&actor=%D9%82%D8%B3%D8%AF\
                   &country=Syria&admin1=Deir+ez-Zor&bbox=35,32,42.5,37.5&status=background&min_confidence=0.5\
                   &q=oil&page=3&per_page=20&format=geojson")
        .unwrap();
        assert_eq!(q.filter.date_from.as_deref(), Some("2024-03-01"));
        assert_eq!(q.filter.date_to.as_deref(), Some("2024-03-31"));
        assert_eq!(q.filter.event_type.as_deref(), Some("Battles"));
        assert_eq!(q.filter.sub_event_type.as_deref(), Some("Armed clash"));
        assert_eq!(q.filter.actor.as_deref(), Some("قسد"));
        assert_eq!(q.filter.admin1.as_deref(), Some("Deir ez-Zor"));
        assert_eq!(q.filter.bbox, Some([35.0, 32.0, 42.5, 37.5]));
        assert_eq!(q.filter.status.as_deref(), Some("background"));
        assert_eq!(q.filter.min_confidence, Some(0.5));
        assert_eq!((q.page, q.per_page, q.offset()), (3, 20, 40));
        assert_eq!(q.format, Format::GeoJson);
    }

    #[test]
    fn empty_values_mean_no_filter_and_defaults_apply() {
        let q = p("actor=&q=&country=&admin1=").unwrap();
        assert_eq!(
            q,
            EventQuery {
                page: 1,
                per_page: DEFAULT_PER_PAGE,
                ..Default::default()
            }
        );
        assert_eq!(
            EventQuery::parse(None, true).unwrap().per_page,
            DEFAULT_PER_PAGE
        );
    }

    #[test]
    fn refuses_bad_values_with_the_parameter_named() {
        for (s, needle) in [
            ("from=2024-02-30", "from"),
            ("to=yesterday", "to"),
            ("from=", "from"),
            ("to=", "to"),
            ("to=%202024-01-01", "to"),
            ("event_type=", "event_type"),
            ("page=%2B1", "page"),
            ("bbox=35,32,42.5,37.5,1", "bbox"),
            ("bbox=181,0,1,1", "bbox"),
            ("bbox=1,-91,1,1", "bbox"),
            ("bbox=1e1,0,20,1", "bbox"),
            ("bbox=01,0,20,1", "bbox"),
            ("bbox=1.,0,20,1", "bbox"),
            ("bbox=%201,0,20,1", "bbox"),
            ("bbox=1,0,20,1%0A%0A", "bbox"),
            ("event_type=Wars", "event_type"),
            ("sub_event_type=Nope", "sub_event_type"),
            ("bbox=1,2,3", "bbox"),
            ("bbox=a,b,c,d", "bbox"),
            ("status=old", "status"),
            ("min_confidence=2", "min_confidence"),
            ("min_confidence=NaN", "min_confidence"),
            ("page=0", "page"),
            ("page=-1", "page"),
            ("per_page=5001", "per_page"),
            ("per_page=0", "per_page"),
            ("format=xml", "format"),
            ("colour=red", "unknown parameter"),
            ("page=1&page=2", "twice"),
            ("page=99999999999&per_page=5000", "too deep"),
            ("page=2002", "too deep"),
        ] {
            let e = p(s).expect_err(s).to_string();
            assert!(e.contains(needle), "{s}: {e}");
        }
        let long = format!("actor={}", "ا".repeat(300));
        assert!(p(&long).is_err());
    }

    #[test]
    fn every_documented_form_is_accepted() {
        // Valid on their own, so valid together: an empty range, an inverted box.
        assert!(p("from=2024-05-01&to=2024-04-01").is_ok());
        assert_eq!(p("bbox=40,30,35,36").unwrap().filter.bbox, Some([40.0, 30.0, 35.0, 36.0]));
        for b in ["-180,-90,180,90", "180.000,90.0,-0,0", "0.5,-0.25,179.999,89.9", "35,32,42.5,37.5\n"] {
            assert!(p(&format!("bbox={}", b.replace('\n', "%0A"))).is_ok(), "{b}");
        }
        assert_eq!(p(&format!("page={MAX_PAGE}&per_page={MAX_PER_PAGE}")).unwrap().page, MAX_PAGE);
        let long = format!("actor=%20{}%20", "ا".repeat(198));
        assert!(p(&long).is_ok(), "200 characters as sent, spaces included");
    }

    #[test]
    fn bbox_pattern_matches_the_parser() {
        // The documented pattern and the parser agree on these (checked by eye against
        // the regular expression; schemathesis checks it on generated values in CI).
        assert!(BBOX_PATTERN.starts_with('^') && BBOX_PATTERN.ends_with('$'));
        assert_eq!(BBOX_PATTERN.matches(',').count(), 3);
    }

    #[test]
    fn stats_refuses_paging_parameters() {
        assert!(EventQuery::parse(Some("page=2"), false).is_err());
        assert!(EventQuery::parse(Some("admin1=Homs"), false).is_ok());
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for s in [
            "%", "%FF%FE", "&&&", "=", "==&=", "a", "bbox=,,,", "page=%00", "\u{0}",
        ] {
            let _ = p(s);
        }
    }
}
