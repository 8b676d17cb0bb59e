//! Article context: the dateline ("ديرالزور – نورث برس") and the place it names, which
//! frames every mention of the article when nothing closer does.
//!
//! Its own room because context sources (dateline now; headline, dominant governorate
//! in the extractor's places.rs) are consulted apart from the phrase they help resolve.

use super::*;

/// Folded byte range of the dateline ("ديرالزور – نورث برس", "963+ – الحسكة",
/// "الناصرية/ المدى"): the first line when it looks like one, else the second when the
/// first is a headline above it (pages and agencies put the title first: "حظر تجول في
/// حمص …" then "حمص – العربي الجديد").
pub(super) fn dateline_range(doc: &Document) -> Option<(usize, usize)> {
    let f = doc.folded();
    let first_end = f.find('\n').unwrap_or(f.len());
    let looks_like = |a: usize, b: usize| {
        let words = doc
            .tokens
            .iter()
            .skip_while(|t| t.start < a)
            .take_while(|t| t.end <= b)
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        words > 0 && words <= DATELINE_WORDS && f[a..b].contains(['-', '/', '|', ':'])
    };
    if looks_like(0, first_end) {
        return Some((0, first_end));
    }
    // a headline: one line of a few dozen words at most, then the dateline
    if first_end >= f.len() || f[..first_end].split(' ').count() > HEADLINE_WORDS {
        return None;
    }
    let second = first_end + 1;
    let second_end = f[second..].find('\n').map_or(f.len(), |k| second + k);
    looks_like(second, second_end).then_some((second, second_end))
}

/// The most words a dateline line holds (place, outlet, "خاص").
const DATELINE_WORDS: usize = 8;
/// The most words of a headline above a dateline.
const HEADLINE_WORDS: usize = 40;

pub(crate) fn dateline(
    g: &Geocoder,
    doc: &Document,
    original: Option<&str>,
    raw: Option<&[(usize, usize, u32)]>,
) -> Option<PlaceMention> {
    let (start, end) = dateline_range(doc)?;
    // only the first line is read: a prefix of the text folds, tokenises and maps to
    // offsets exactly as it does inside the whole document (so do a scan's hits in it)
    let line: &str = match original {
        Some(o) => {
            let chars = doc.span(0, end).1;
            doc.original(o, rasad_model::Span(0, chars))
        }
        None => &doc.folded()[..end],
    };
    let sub = Document::new(line);
    let raw: Option<Vec<(usize, usize, u32)>> =
        raw.map(|r| r.iter().copied().filter(|h| h.1 <= end).collect());
    find_places(g, &sub, Some(line), raw.as_deref())
        .into_iter()
        .take_while(|m| m.end <= end)
        .find(|m| m.start >= start && m.known && fills_segment(&sub, m.start, m.end))
}

/// A dateline names its place alone between separators ("الحسكة – نورث برس",
/// "دمشق – (أ ف ب)"): a place name with other words in its segment is part of another
/// name, mostly the outlet's ("بغداد اليوم – ذي قار", "عدن الغد - لحج"), and says
/// nothing of where the report was filed.
pub(super) fn fills_segment(doc: &Document, s: usize, e: usize) -> bool {
    let f = doc.folded();
    let sep = |x: &str| matches!(x, "-" | "/" | "|" | ":" | "(" | ")" | "ـ" | "\u{ab}" | "\u{bb}" | "\"");
    let mut before = true;
    let mut words_out = 0usize;
    // (from the start of the mention's line)
    let line_start = f[..s].rfind('\n').map_or(0, |k| k + 1);
    for t in doc.tokens.iter().skip_while(|t| t.start < line_start) {
        if t.end > s && t.start < e {
            before = false;
            continue;
        }
        if t.kind == TokenKind::Newline {
            break;
        }
        let x = &f[t.start..t.end];
        if t.kind == TokenKind::Punct && sep(x) {
            if before {
                words_out = 0;
                continue;
            }
            break;
        }
        if t.kind == TokenKind::Word {
            words_out += 1;
        }
    }
    words_out == 0
}
