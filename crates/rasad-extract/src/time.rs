//! Stage *resolve time*: date expressions → calendar dates, against the publication date.
//!
//! A date expression is a run of time words and numbers with only glue between them
//! ("فجر أمس الأربعاء 27 تشرين الثاني/ نوفمبر", "في العاشر من الشهر الجاري",
//! "يوم الجمعة 23 جمادى الآخرة 1445 هـ الموافق للخامس من كانون الثاني 2024").
//! The parts are collected first and resolved together, in this order of trust:
//! an explicit Gregorian day and month (year given, or inferred as the latest one not
//! after publication, or the previous one after "الماضي"); an explicit Hijri date;
//! a day of "this/last month"; a relative day (اليوم، أمس، أمس الأول); a weekday (the
//! latest such day not after publication, strictly before it after "الماضي"); a week or
//! month named relatively (coded to the month, as ACLED does); a month alone; a year.
//! Without a publication date only explicit dates resolve.

use jiff::civil::Date;
use jiff::ToSpan;
use rasad_lexicon::{Hit, Lexicon, TimeKind};
use rasad_text::{Document, TokenKind};

/// A resolved date with its ACLED precision (1 day, 2 week, 3 month or coarser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
    pub precision: u8,
}

impl Resolved {
    pub fn day(d: Date) -> Resolved {
        Resolved { year: d.year(), month: Some(d.month()), day: Some(d.day()), precision: 1 }
    }
    pub fn month(d: Date, precision: u8) -> Resolved {
        Resolved { year: d.year(), month: Some(d.month()), day: None, precision }
    }
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn to_iso(&self) -> String {
        // `{:04}` by hand (the sign counts toward the width, as in `format!`).
        let mut s = String::with_capacity(10);
        if self.year < 0 {
            s.push('-');
        }
        rasad_model::push_padded(&mut s, self.year.unsigned_abs() as u32, if self.year < 0 { 3 } else { 4 });
        if let Some(m) = self.month {
            s.push('-');
            rasad_model::push_padded(&mut s, m as u32, 2);
            if let Some(d) = self.day {
                s.push('-');
                rasad_model::push_padded(&mut s, d as u32, 2);
            }
        }
        s
    }
    /// The first day the date may stand for, for ordering and comparisons.
    pub fn first_day(&self) -> Option<Date> {
        Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).ok()
    }
    /// The last day the date may stand for.
    pub fn last_day(&self) -> Option<Date> {
        let first = self.first_day()?;
        match (self.month, self.day) {
            (Some(_), Some(_)) => Some(first),
            (Some(_), None) => Some(first.last_of_month()),
            _ => Date::new(self.year, 12, 31).ok(),
        }
    }
}

/// One date expression in the text.
#[derive(Debug, Clone)]
pub struct DateExpr {
    /// Folded byte range.
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub date: Option<Resolved>,
    /// True for a relative day or weekday (أمس، الأربعاء): the news itself is usually dated so.
    pub relative_day: bool,
    /// True for a day counted from publication (اليوم، أمس، أمس الأول).
    pub relday: bool,
    /// True when it says "the same day" (في اليوم نفسه): take the date of the event before.
    pub same_day: bool,
}

#[derive(Default, Debug)]
struct Parts {
    relday: Option<i32>,
    weekdays: Vec<i32>,
    /// A day number or ordinal not yet tied to a month.
    day: Option<i32>,
    /// The day written before the Gregorian month, and before the Hijri month.
    greg_day: Option<i32>,
    hijri_day: Option<i32>,
    month: Option<i32>,
    hijri_month: Option<i32>,
    year: Option<i32>,
    hijri_year: Option<i32>,
    /// A word before the expression that makes a lone month a date ("في آب", "مطلع آب").
    anchored: bool,
    hijri: bool,
    relative: Option<i32>,
    unit: Option<i32>,
    phase: Option<i32>,
    ago: Option<i32>,
    count: Option<i32>,
    same_day: bool,
}

impl Parts {
    fn is_date(&self) -> bool {
        self.relday.is_some()
            || !self.weekdays.is_empty()
            || self.month.is_some()
            || self.hijri_month.is_some()
            || (self.unit.is_some() && (self.relative.is_some() || self.ago.is_some()))
            || (self.day.is_some() && self.relative.is_some())
            || (self.hijri_month.is_some() && self.hijri_day.is_some())
            || self.same_day
    }
}

/// Glue words that may stand inside a date expression.
fn is_glue(w: &str) -> bool {
    matches!(w, "من" | "في" | "يوم" | "الموافق" | "للموافق" | "ل" | "-" | "/" | "," | "ه" | "ليل" | "بعد" | "ايام" | "عام" | "سنه" | "شهر")
}

/// Drop the date words that belong to a name rather than to the news: "اليوم" in an
/// outlet called "بغداد اليوم" or "الإمارات اليوم", in its byline ("عدن – الإمارات
/// اليوم": a line of a few words that reports nothing) or quoted as a source ("وقال
/// مصدر لـ(بغداد اليوم)"). Read as "today", such a word would date the whole article
/// by the publication day instead of the day its lead names.
pub fn drop_name_dates(doc: &Document, items: &[crate::Item], outlet_spans: &[(usize, usize)], dates: &mut Vec<DateExpr>) {
    let in_outlet = |d: &DateExpr| crate::recognise::within(outlet_spans, d.start, d.end);
    // a sentence alone on its line: its neighbours are the only sentences that can share it
    let alone = |s: usize| {
        let para = doc.sentences[s].paragraph;
        let shares = |t: Option<&rasad_text::Sentence>| t.is_some_and(|t| t.paragraph == para);
        !shares(s.checked_sub(1).and_then(|p| doc.sentences.get(p))) && !shares(doc.sentences.get(s + 1))
    };
    let byline = |d: &DateExpr| {
        let Some(sent) = doc.sentences.get(d.sentence) else { return false };
        if !d.relday || !alone(d.sentence) {
            return false;
        }
        let words = doc.tokens[sent.start_tok..sent.end_tok].iter().filter(|t| t.kind == TokenKind::Word).count();
        // (items come in order of their words' starts)
        let first = items.partition_point(|i| i.word_start < sent.start);
        let reports = items[first..].iter().take_while(|i| i.word_start < sent.end).any(|i| i.start >= sent.start && i.end <= sent.end && matches!(i.hit, Hit::Trigger(_)));
        words <= 5 && !reports
    };
    dates.retain(|d| !(in_outlet(d) || byline(d)));
}


/// Find and resolve every date expression of the document.
pub fn find_dates(doc: &Document, lex: &Lexicon, items: &[crate::Item], published: Option<Date>) -> Vec<DateExpr> {
    let folded = doc.folded();
    // token index → time hit value
    let mut time_at: Vec<Option<(TimeKind, i32, usize)>> = vec![None; doc.tokens.len()];
    for it in items {
        if let Hit::Time(i) = it.hit {
            let t = &lex.time[i as usize];
            let first = doc.token_at(it.word_start);
            let last = doc.token_at(it.end.saturating_sub(1));
            if first < time_at.len() {
                time_at[first] = Some((t.kind, t.value, last));
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.tokens.len() {
        // only a time word or a number starts an expression
        if time_at[i].is_none() && doc.tokens[i].kind != TokenKind::Number {
            i += 1;
            continue;
        }
        let start_tok = i;
        let mut parts = Parts::default();
        let mut last_real = None;
        let mut j = i;
        while j < doc.tokens.len() {
            let tok = &doc.tokens[j];
            let w = tok.text(folded);
            if let Some((kind, value, last)) = time_at[j] {
                match kind {
                    TimeKind::Month => {
                        if parts.month.is_none() {
                            parts.month = Some(value);
                            parts.greg_day = parts.day.take();
                        }
                    }
                    TimeKind::HijriMonth => {
                        parts.hijri_month = Some(value);
                        parts.hijri_day = parts.day.take();
                    }
                    TimeKind::Weekday => parts.weekdays.push(value),
                    TimeKind::RelDay => {
                        // "اليوم نفسه/ذاته" is the same day as the event before
                        let next = doc.tokens.get(last + 1).map(|t| t.text(folded));
                        if value == 0 && matches!(next, Some("نفسه" | "ذاته")) {
                            parts.same_day = true;
                        } else if parts.relday.is_none() {
                            parts.relday = Some(value)
                        }
                    }
                    TimeKind::Ordinal => parts.day = Some(value),
                    TimeKind::Relative => parts.relative = Some(value),
                    TimeKind::Unit => {
                        parts.unit = Some(value);
                        if value == 2 {
                            parts.count = Some(2);
                        }
                    }
                    TimeKind::DayPart => {}
                    TimeKind::Phase => parts.phase = Some(value),
                    TimeKind::HijriEra => parts.hijri = true,
                }
                last_real = Some(last);
                j = last + 1;
                continue;
            }
            if tok.kind == TokenKind::Number {
                let n: Option<i32> = w.parse().ok();
                match n {
                    Some(n @ 1..=31) if parts.month.is_none() || parts.hijri_month.is_some() && parts.year.is_some() => parts.day = Some(n),
                    Some(n @ 1300..=1500) if parts.hijri_month.is_some() => {
                        parts.hijri_year.get_or_insert(n);
                        parts.hijri = true;
                    }
                    Some(n @ 1900..=2100) => parts.year = Some(n),
                    Some(n @ 1..=31) => parts.count = Some(n),
                    _ => break,
                }
                last_real = Some(j);
                j += 1;
                continue;
            }
            // a comma ends the expression once it holds a month ("في 25 آب 2022، يوم …")
            let comma_ends = w == "," && (parts.month.is_some() || parts.hijri_month.is_some());
            if last_real.is_some() && is_glue(w) && !comma_ends {
                j += 1;
                continue;
            }
            break;
        }
        let Some(last) = last_real else {
            i += 1;
            continue;
        };
        // "منذ يومين", "قبل ثلاثة أيام"
        let before = if start_tok > 0 { doc.tokens[start_tok - 1].text(folded) } else { "" };
        if matches!(before, "منذ" | "قبل") && parts.unit.is_some() {
            parts.ago = parts.count.or(Some(1));
        }
        if parts.is_date() {
            parts.anchored = matches!(before, "في" | "خلال" | "شهر" | "منذ" | "وفي" | "ففي" | "حتي" | "الي") || matches!(doc.tokens[start_tok].text(folded), "في" | "وفي" | "ففي");
            let (s, e) = (doc.tokens[start_tok].start, doc.tokens[last].end);
            let relative_day = parts.relday.is_some() || (!parts.weekdays.is_empty() && parts.month.is_none());
            let relday = parts.relday.is_some();
            out.push(DateExpr {
                relday,
                start: s,
                end: e,
                sentence: doc.sentence_of(start_tok),
                date: resolve(&parts, published),
                relative_day,
                same_day: parts.same_day,
            });
        }
        i = last + 1;
    }
    out
}

fn resolve(p: &Parts, published: Option<Date>) -> Option<Resolved> {
    // explicit Gregorian month
    if let Some(m) = p.month {
        // a month alone is a date only after "في/خلال/شهر/منذ" or with a day, year or
        // "الماضي/الجاري" ("بيك آب" is a pickup truck, not August)
        if p.greg_day.is_none() && p.year.is_none() && p.relative.is_none() && p.phase.is_none() && !p.anchored {
            return None;
        }
        let year = match p.year {
            Some(y) => y,
            _ => {
                let pubd = published?;
                let (py, pm) = (pubd.year() as i32, pubd.month() as i32);
                match p.relative {
                    Some(-1) => {
                        if m < pm { py } else { py - 1 }
                    }
                    Some(0) => py,
                    _ => {
                        let d = p.greg_day.unwrap_or(1);
                        if (m, d) <= (pm, pubd.day() as i32 + 1) { py } else { py - 1 }
                    }
                }
            }
        };
        let date = Date::new(year as i16, m as i8, 1).ok()?;
        return match p.greg_day {
            Some(d) => Date::new(year as i16, m as i8, d as i8).ok().map(Resolved::day),
            None => Some(Resolved::month(date, 3)),
        };
    }
    if let (Some(hm), Some(d), Some(y)) = (p.hijri_month, p.hijri_day, p.hijri_year) {
        return hijri_to_gregorian(y, hm, d).map(Resolved::day);
    }
    let pubd = published?;
    // "العاشر من الشهر الجاري", "مطلع الشهر الماضي", "الأسبوع الماضي", "العام الماضي"
    if let (Some(unit), Some(rel)) = (p.unit, p.relative) {
        return match unit {
            30 => {
                let first = pubd.first_of_month();
                let month = if rel == -1 { first.checked_sub(1.month()).ok()? } else if rel == 1 { first.checked_add(1.month()).ok()? } else { first };
                match p.day {
                    Some(d) => Date::new(month.year(), month.month(), d as i8).ok().map(Resolved::day),
                    None => Some(Resolved::month(month, 3)),
                }
            }
            7 => {
                let d = pubd.checked_add((7 * rel as i64).days()).ok()?;
                Some(Resolved::month(d, 2))
            }
            365 => Some(Resolved { year: pubd.year() + rel as i16, month: None, day: None, precision: 3 }),
            _ => None,
        };
    }
    if let Some(n) = p.ago {
        if p.unit.is_some() {
            let unit_days = match p.unit {
                Some(2) => 1,
                Some(u) => u as i64,
                None => 1,
            };
            return pubd.checked_sub((n as i64 * unit_days).days()).ok().map(Resolved::day);
        }
    }
    if let Some(r) = p.relday {
        return pubd.checked_add((r as i64).days()).ok().map(Resolved::day);
    }
    if let Some(&wd) = p.weekdays.last() {
        // jiff: Monday = 1 … Sunday = 7; ours: Sunday = 0 … Saturday = 6
        let pub_wd = pubd.weekday().to_sunday_zero_offset() as i32;
        let mut back = (pub_wd - wd).rem_euclid(7);
        if back == 0 && p.relative == Some(-1) {
            back = 7;
        }
        return pubd.checked_sub((back as i64).days()).ok().map(Resolved::day);
    }
    if let (Some(d), Some(0)) = (p.day, p.relative) {
        return Date::new(pubd.year(), pubd.month(), d as i8).ok().map(Resolved::day);
    }
    None
}

/// The tabular (arithmetical) Islamic calendar, which agrees with Umm al-Qura to a day or
/// two; the Gregorian date printed beside a Hijri one ("الموافق …") wins when present.
pub fn hijri_to_gregorian(year: i32, month: i32, day: i32) -> Option<Date> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) || year < 1 {
        return None;
    }
    let (y, m, d) = (year as i64, month as i64, day as i64);
    let jd = d + ((29.5 * (m - 1) as f64).ceil() as i64) + (y - 1) * 354 + (3 + 11 * y) / 30 + 1948440 - 1;
    // Julian day → Gregorian (Fliegel–Van Flandern)
    let l = jd + 68569;
    let n = 4 * l / 146097;
    let l = l - (146097 * n + 3) / 4;
    let i = 4000 * (l + 1) / 1461001;
    let l = l - 1461 * i / 4 + 31;
    let j = 80 * l / 2447;
    let day = l - 2447 * j / 80;
    let l = j / 11;
    let month = j + 2 - 12 * l;
    let year = 100 * (n - 49) + i + l;
    Date::new(year as i16, month as i8, day as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn dates(text: &str, published: &str) -> Vec<String> {
        let lex = crate::tests::lexicon();
        let doc = Document::new(text);
        let items = crate::recognise::items(&doc, lex);
        let p: Date = published.parse().unwrap();
        find_dates(&doc, lex, &items, Some(p)).iter().map(|d| d.date.map(|r| r.to_iso()).unwrap_or_else(|| "null".into())).collect()
    }

    #[test]
    fn iso_dates_match_format() {
        for year in [-12i16, -5, 0, 7, 99, 999, 2024, 9999] {
            for (month, day) in [(None, None), (Some(3i8), None), (Some(11), Some(2)), (Some(1), Some(31)), (None, Some(4))] {
                let r = Resolved { year, month, day, precision: 1 };
                let want = match (month, day) {
                    (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
                    (Some(m), None) => format!("{year:04}-{m:02}"),
                    _ => format!("{year:04}"),
                };
                assert_eq!(r.to_iso(), want, "{r:?}");
            }
        }
    }

    #[test]
    fn relative_days_and_weekdays() {
        assert_eq!(dates("قصف أمس الأربعاء", "2024-02-29"), ["2024-02-28"]);
        assert_eq!(dates("فجر اليوم الأربعاء", "2022-09-14"), ["2022-09-14"]);
        assert_eq!(dates("مساء الثلاثاء", "2025-06-11"), ["2025-06-10"]);
        assert_eq!(dates("الخميس الماضي", "2023-03-05"), ["2023-03-02"]);
        assert_eq!(dates("السبت الماضي", "2023-09-12"), ["2023-09-09"]);
        assert_eq!(dates("أمس الأول", "2024-02-08"), ["2024-02-06"]);
        assert_eq!(dates("منذ يومين", "2024-02-08"), ["2024-02-06"]);
    }

    #[test]
    fn explicit_and_levantine_dates() {
        assert_eq!(dates("في العاشر من الشهر الجاري", "2024-02-29"), ["2024-02-10"]);
        assert_eq!(dates("في 5 كانون الثاني/ يناير الجاري", "2022-01-20"), ["2022-01-05"]);
        assert_eq!(dates("في الثلاثين من تشرين الثاني/ نوفمبر الماضي", "2024-12-06"), ["2024-11-30"]);
        assert_eq!(dates("في ٢٧ آب/ أغسطس 2023", "2024-08-08"), ["2023-08-27"]);
        assert_eq!(dates("في 29 تموز/ يوليو الماضي", "2021-09-02"), ["2021-07-29"]);
        assert_eq!(dates("في السادس من آذار الماضي", "2025-06-11"), ["2025-03-06"]);
        assert_eq!(dates("مطلع أيلول/ سبتمبر 2023", "2024-08-08"), ["2023-09"]);
        assert_eq!(dates("في كانون الثاني/ يناير الماضي", "2024-02-29"), ["2024-01"]);
    }

    #[test]
    fn a_lone_month_name_is_not_a_date() {
        assert!(dates("عجلة من نوع بيك آب كانت تقل العناصر", "2024-04-16").iter().all(|d| d == "null"));
        assert_eq!(dates("في آب الماضي", "2024-04-16"), ["2023-08"]);
    }

    #[test]
    fn weeks_and_months_code_to_the_month() {
        assert_eq!(dates("الأسبوع الماضي", "2024-06-19"), ["2024-06"]);
        assert_eq!(dates("أواخر الشهر الماضي", "2024-02-08"), ["2024-01"]);
    }

    #[test]
    fn hijri_dates() {
        // 23 Jumada al-Akhirah 1445 is 5 January 2024 (Umm al-Qura)
        let d = hijri_to_gregorian(1445, 6, 23).unwrap();
        assert!((d - date(2024, 1, 5)).get_days().abs() <= 1, "{d}");
        assert_eq!(dates("يوم الجمعة 23 جمادى الآخرة 1445 هـ", "2024-01-06"), ["2024-01-05"]);
        // the Gregorian date printed beside it wins
        assert_eq!(
            dates("يوم الجمعة 23 جمادى الآخرة 1445 هـ الموافق للخامس من كانون الثاني 2024", "2024-01-06"),
            ["2024-01-05"]
        );
    }

    #[test]
    fn no_publication_date_leaves_relative_days_open() {
        let lex = crate::tests::lexicon();
        let doc = Document::new("مساء أمس، وفي 25 آب/ أغسطس 2022، يوم الجمعة 23 جمادى الآخرة 1445 هـ الموافق للخامس من كانون الثاني 2024");
        let items = crate::recognise::items(&doc, lex);
        let d: Vec<_> = find_dates(&doc, lex, &items, None).iter().map(|d| d.date.map(|r| r.to_iso())).collect();
        assert_eq!(d, [None, Some("2022-08-25".to_string()), Some("2024-01-05".to_string())]);
    }
}
