//! Article context: the dateline ("ديرالزور – نورث برس") and the place it names, which
//! frames every mention of the article when nothing closer does.
//!
//! Its own room because context sources (dateline now; headline, dominant governorate
//! in the extractor's places.rs) are consulted apart from the phrase they help resolve.

use super::*;

/// Folded byte end of the dateline, when the first line looks like one
/// ("ديرالزور – نورث برس", "963+ – الحسكة", "الناصرية/ المدى").
pub(super) fn dateline_end(doc: &Document) -> Option<usize> {
    let f = doc.folded();
    let line_end = f.find('\n').unwrap_or(f.len());
    let line = &f[..line_end];
    let words = doc
        .tokens
        .iter()
        .take_while(|t| t.end <= line_end)
        .filter(|t| t.kind == TokenKind::Word)
        .count();
    if words == 0 || words > 8 || !line.contains(['-', '/', '|', ':']) {
        return None;
    }
    Some(line_end)
}

pub(crate) fn dateline(
    g: &Geocoder,
    doc: &Document,
    original: Option<&str>,
    raw: Option<&[(usize, usize, u32)]>,
) -> Option<PlaceMention> {
    let end = dateline_end(doc)?;
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
        .find(|m| m.known && fills_segment(&sub, m.start, m.end))
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
    for t in &doc.tokens {
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
