//! How an event gets its ACLED `event_date` and `time_precision`.
//!
//! ACLED never publishes a row without a date: tools that read ACLED files reject an
//! empty `event_date`. ACLED codes an event it can only date loosely on a day it knows
//! and says how loose the date is in `time_precision` (1 = the day is known, 2 = the
//! week, 3 = the month or only a coarser period). Rasad follows that practice:
//!
//! 1. **Own date.** An event whose text dates it (`2024-05-14`, `2024-05`, `2024`) takes
//!    that date, on the first day of the month or year when coarser than a day, with the
//!    precision the extractor gave (else 1 for a day, 3 for a month or year).
//! 2. **Dated by its report.** An event whose date could not be resolved, but whose
//!    reports carry a publication date, takes the earliest report's date with precision
//!    3: the event happened on or before that day, and "within the month" is the
//!    honest claim.
//! 3. **Left out.** An event with neither is not written to an ACLED file (CSV or
//!    Parquet). The exporter counts such events and names them in [`Undated`]; the CLI
//!    prints the count on stderr and writes their ids to a sidecar file beside the
//!    export, so nothing leaves silently.
//!
//! GeoJSON and JSONL are Rasad's own formats and keep every event (an unknown date is
//! `null` there, which those formats allow).

use rasad_store::EventDetail;

/// ACLED precision of a date known to the day.
pub const PRECISION_DAY: i32 = 1;
/// ACLED precision of a month, or of anything coarser than a week.
pub const PRECISION_MONTH: i32 = 3;

/// The `event_date` (always `YYYY-MM-DD`) and `time_precision` of an event, or `None`
/// when it has no date at all (rule 3: left out of ACLED files).
pub fn acled_date(d: &EventDetail) -> Option<(String, i32)> {
    let e = &d.event.event;
    if let Some(date) = e.date.as_deref().map(str::trim) {
        let own = match date.len() {
            4 if digits(date) => Some((format!("{date}-01-01"), PRECISION_MONTH)),
            7 => iso_day(&format!("{date}-01")).map(|day| (day, PRECISION_MONTH)),
            _ => iso_day(date).map(|day| (day, PRECISION_DAY)),
        };
        if let Some((day, coarse)) = own {
            // The extractor's own precision wins when it is a valid ACLED code; a
            // month-level date is never finer than 3 whatever it says.
            let p = e
                .time_precision
                .map(i32::from)
                .filter(|p| (1..=3).contains(p))
                .unwrap_or(coarse)
                .max(coarse);
            return Some((day, p));
        }
    }
    d.sources
        .iter()
        .filter_map(|s| s.published.as_deref().and_then(iso_day))
        .min()
        .map(|day| (day, PRECISION_MONTH))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `YYYY-MM-DD` a string starts with (a timestamp's date part), when it is a real
/// calendar day.
pub fn iso_day(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.get(..10)?;
    let b = day.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !digits(&day[..4]) || !digits(&day[5..7]) || !digits(&day[8..]) {
        return None;
    }
    if s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, m, dd): (u32, u32, u32) = (day[..4].parse().ok()?, day[5..7].parse().ok()?, day[8..].parse().ok()?);
    (y >= 1 && (1..=rasad_model::days_in_month(y, m)).contains(&dd)).then(|| day.to_string())
}

/// Events left out of an ACLED export because nothing dates them (rule 3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Undated {
    /// Stored ids of the events left out, in export order.
    pub ids: Vec<String>,
}

impl Undated {
    pub fn count(&self) -> u64 {
        self.ids.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_day_accepts_days_and_timestamps_only() {
        assert_eq!(iso_day("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(iso_day(" 2024-03-12T08:00:00Z").as_deref(), Some("2024-03-12"));
        assert_eq!(iso_day("2024-03-12 08:00").as_deref(), Some("2024-03-12"));
        for bad in ["", "2023-02-29", "2024-13-01", "2024-00-10", "2024-3-12", "12/03/2024", "2024-03-1212", "٢٠٢٤-٠٣-١٢", "2024-03-12x"] {
            assert_eq!(iso_day(bad), None, "{bad:?}");
        }
    }
}
