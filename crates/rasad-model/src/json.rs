//! The `rasad extract` output line written by hand.
//!
//! serde_json's derived serialisation of an [`Event`] spends most of its time on
//! per-field overhead (every fixed key goes through the general string escaper), and
//! extraction itself is fast enough for that to be a tenth of `rasad extract`'s cost.
//! This writer produces the same bytes (test `same_bytes_as_serde_json` over every
//! field shape) with the keys as constants and one escaping loop for the values.
//! Floats still go through serde_json so their digits never differ.

use crate::{Actor, ArticleResult, Event, FieldConfidence, Location, Span, Spans, Status};

/// Append the JSON of `r` to `out` (no newline).
pub fn write_result(out: &mut Vec<u8>, r: &ArticleResult) {
    match r {
        ArticleResult::Ok { id, events } => {
            out.extend_from_slice(b"{\"id\":");
            string(out, id);
            out.extend_from_slice(b",\"events\":[");
            for (k, e) in events.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                event(out, e);
            }
            out.extend_from_slice(b"]}");
        }
        ArticleResult::Err { id, error } => {
            out.extend_from_slice(b"{\"id\":");
            string(out, id);
            out.extend_from_slice(b",\"error\":");
            string(out, error);
            out.push(b'}');
        }
    }
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, and `\u00xx`
/// for the other control characters; everything else is copied as it is.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = skip_plain16(bytes, i);
        if i >= bytes.len() {
            break;
        }
        // eight bytes at a time while none needs escaping (SWAR: a control byte, '"' or
        // '\\' sets the high bit of its lane)
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGH: u64 = 0x8080_8080_8080_8080;
            let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
            let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
            if control | zero_in(x ^ (ONES * b'"' as u64)) | zero_in(x ^ (ONES * b'\\' as u64)) == 0 {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[from..i - 1]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xF) as usize]]);
            }
        }
        from = i;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// The first position from `i` on where a byte needs escaping, reading sixteen bytes at a
/// time; where fewer than sixteen are left, the position it got to. SSE2 is part of every
/// x86-64 processor; elsewhere the eight-byte loop of [`string`] does all the work.
#[inline(always)]
fn skip_plain16(bytes: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is in the x86-64 baseline; each load reads bytes[i..i + 16],
        // inside the slice (checked by the loop), without any alignment requirement.
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let backslash = _mm_set1_epi8(b'\\' as i8);
            let control = _mm_set1_epi8(0x1F);
            while i + 16 <= bytes.len() {
                let x = _mm_loadu_si128(bytes.as_ptr().add(i).cast::<__m128i>());
                // x <= 0x1F (unsigned), x == '"', x == '\\'
                let low = _mm_cmpeq_epi8(_mm_max_epu8(x, control), control);
                let special = _mm_or_si128(low, _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
                let mask = _mm_movemask_epi8(special);
                if mask != 0 {
                    return i + mask.trailing_zeros() as usize;
                }
                i += 16;
            }
        }
    }
    i
}

fn int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn float<T: serde::Serialize>(out: &mut Vec<u8>, x: T) {
    // serde_json's own digits (and `null` for a non-finite value)
    if serde_json::to_writer(&mut *out, &x).is_err() {
        out.extend_from_slice(b"null");
    }
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_int(out: &mut Vec<u8>, n: Option<impl itoa::Integer>) {
    match n {
        Some(n) => int(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

fn span(out: &mut Vec<u8>, s: &Span) {
    out.push(b'[');
    int(out, s.0);
    out.push(b',');
    int(out, s.1);
    out.push(b']');
}

/// Writes `,"key":` (or `"key":` for the first field of an object).
fn key(out: &mut Vec<u8>, first: &mut bool, k: &str) {
    if !std::mem::take(first) {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

fn actor(out: &mut Vec<u8>, a: &Actor) {
    out.extend_from_slice(b"{\"name\":");
    string(out, &a.name);
    out.extend_from_slice(b",\"name_ar\":");
    string(out, &a.name_ar);
    if let Some(id) = &a.actor_id {
        out.extend_from_slice(b",\"actor_id\":");
        string(out, id);
    }
    out.extend_from_slice(b",\"inter\":");
    int(out, a.inter);
    if let Some(s) = &a.span {
        out.extend_from_slice(b",\"span\":");
        span(out, s);
    }
    out.push(b'}');
}

fn location(out: &mut Vec<u8>, l: &Location) {
    out.extend_from_slice(b"{\"name_ar\":");
    string(out, &l.name_ar);
    for (k, v) in [("name", &l.name), ("country", &l.country), ("admin1", &l.admin1), ("admin2", &l.admin2), ("admin3", &l.admin3), ("pcode", &l.pcode)] {
        if let Some(v) = v {
            key(out, &mut false, k);
            string(out, v);
        }
    }
    for (k, v) in [("lat", l.lat), ("lon", l.lon)] {
        if let Some(v) = v {
            key(out, &mut false, k);
            float(out, v);
        }
    }
    if let Some(p) = l.geo_precision {
        out.extend_from_slice(b",\"geo_precision\":");
        int(out, p);
    }
    if let Some(g) = &l.gazetteer_id {
        out.extend_from_slice(b",\"gazetteer_id\":");
        string(out, g);
    }
    if let Some(s) = &l.span {
        out.extend_from_slice(b",\"span\":");
        span(out, s);
    }
    out.push(b'}');
}

fn field_confidence(out: &mut Vec<u8>, f: &FieldConfidence) {
    let mut first = true;
    out.push(b'{');
    for (k, v) in [
        ("sub_event_type", f.sub_event_type),
        ("date", f.date),
        ("location", f.location),
        ("actor1", f.actor1),
        ("actor2", f.actor2),
        ("fatalities", f.fatalities),
        ("status", f.status),
    ] {
        key(out, &mut first, k);
        float(out, v);
    }
    out.push(b'}');
}

fn spans(out: &mut Vec<u8>, s: &Spans) {
    let mut first = true;
    out.push(b'{');
    for (k, v) in [
        ("sentence", &s.sentence),
        ("trigger", &s.trigger),
        ("actor1", &s.actor1),
        ("actor2", &s.actor2),
        ("location", &s.location),
        ("admin1", &s.admin1),
        ("date", &s.date),
        ("fatalities", &s.fatalities),
        ("injuries", &s.injuries),
    ] {
        if let Some(v) = v {
            key(out, &mut first, k);
            span(out, v);
        }
    }
    if !s.weapons.is_empty() {
        key(out, &mut first, "weapons");
        out.push(b'[');
        for (k, w) in s.weapons.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            span(out, w);
        }
        out.push(b']');
    }
    if let Some(v) = &s.status {
        key(out, &mut first, "status");
        span(out, v);
    }
    out.push(b'}');
}

fn event(out: &mut Vec<u8>, e: &Event) {
    out.extend_from_slice(b"{\"event_id\":");
    string(out, &e.event_id);
    out.extend_from_slice(b",\"event_type\":");
    string(out, &e.event_type);
    out.extend_from_slice(b",\"sub_event_type\":");
    string(out, &e.sub_event_type);
    out.extend_from_slice(b",\"date\":");
    opt_string(out, e.date.as_deref());
    out.extend_from_slice(b",\"time_precision\":");
    opt_int(out, e.time_precision);
    out.extend_from_slice(b",\"country\":");
    opt_string(out, e.country.as_deref());
    out.extend_from_slice(b",\"admin1\":");
    opt_string(out, e.admin1.as_deref());
    out.extend_from_slice(b",\"location\":");
    match &e.location {
        Some(l) => location(out, l),
        None => out.extend_from_slice(b"null"),
    }
    for (k, a) in [("actor1", &e.actor1), ("actor2", &e.actor2)] {
        key(out, &mut false, k);
        match a {
            Some(a) => actor(out, a),
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(b",\"fatalities\":");
    opt_int(out, e.fatalities);
    out.extend_from_slice(b",\"injuries\":");
    opt_int(out, e.injuries);
    out.extend_from_slice(b",\"weapons\":[");
    for (k, w) in e.weapons.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        string(out, w);
    }
    out.extend_from_slice(b"],\"status\":");
    out.extend_from_slice(match e.status {
        Status::Current => b"\"current\"",
        Status::Background => b"\"background\"",
    });
    out.extend_from_slice(b",\"notes\":");
    string(out, &e.notes);
    out.extend_from_slice(b",\"confidence\":");
    float(out, e.confidence);
    out.extend_from_slice(b",\"field_confidence\":");
    field_confidence(out, &e.field_confidence);
    out.extend_from_slice(b",\"spans\":");
    spans(out, &e.spans);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(r: &ArticleResult) {
        let mut ours = Vec::new();
        write_result(&mut ours, r);
        let theirs = serde_json::to_vec(r).unwrap();
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
    }

    #[test]
    fn same_bytes_as_serde_json() {
        // every optional field both present and absent, every escape, both statuses
        let full = Event {
            event_id: "a\"b\\c#1".into(),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            date: Some("2024-02-28".into()),
            time_precision: Some(1),
            country: Some("Syria".into()),
            admin1: Some("Deir ez-Zor".into()),
            location: Some(Location {
                name_ar: "حقل «العمر»\n\t\u{1}\u{8}\u{c}\r".into(),
                name: Some("al-Omar".into()),
                country: Some("Syria".into()),
                admin1: Some("Deir ez-Zor".into()),
                admin2: Some("Al-Mayadin".into()),
                admin3: Some("Thiban".into()),
                pcode: Some("SY090100".into()),
                lat: Some(35.0),
                lon: Some(40.52345678901),
                geo_precision: Some(2),
                gazetteer_id: Some("rasad:omar".into()),
                span: Some(Span(3, 9)),
            }),
            actor1: Some(Actor { name: "X".into(), name_ar: "س".into(), actor_id: Some("x".into()), inter: 2, span: Some(Span(0, 1)) }),
            actor2: Some(Actor { name: "Y".into(), name_ar: "ص".into(), actor_id: None, inter: 0, span: None }),
            fatalities: Some(0),
            injuries: Some(4_000_000),
            weapons: vec!["drones".into(), "\u{7f}".into()],
            status: Status::Background,
            notes: "On 28 February 2024, …".into(),
            confidence: 0.81,
            field_confidence: FieldConfidence { sub_event_type: 0.8, date: 1.0, location: 0.0, actor1: 0.333_333_34, actor2: 1e-7, fatalities: 0.85, status: 0.9 },
            spans: Spans {
                sentence: Some(Span(0, 10)),
                trigger: Some(Span(1, 2)),
                actor1: Some(Span(0, 1)),
                actor2: Some(Span(5, 6)),
                location: Some(Span(3, 9)),
                admin1: Some(Span(3, 9)),
                date: Some(Span(2, 3)),
                fatalities: Some(Span(7, 8)),
                injuries: Some(Span(8, 9)),
                weapons: vec![Span(1, 2), Span(4, 5)],
                status: Some(Span(0, 2)),
            },
        };
        let empty = Event::default();
        let bare_location = Event { location: Some(Location::default()), ..Event::default() };
        both(&ArticleResult::Ok { id: "x".into(), events: vec![full, empty, bare_location] });
        both(&ArticleResult::Ok { id: String::new(), events: vec![] });
        // escapes at every offset of a long string (the eight-byte lanes and the tail)
        for k in 0..20 {
            let mut id = "قوات سوريا الديموقراطية \u{7f}~".to_string();
            let at = id.char_indices().nth(k).map_or(id.len(), |(b, _)| b);
            id.insert(at, ['"', '\\', '\n', '\u{1f}', ' '][k % 5]);
            both(&ArticleResult::Err { id: id.repeat(3), error: "x".repeat(k) });
        }
        both(&ArticleResult::Err { id: "y\"".into(), error: "not UTF-8\n".into() });
        // each escape, and each near miss, at every position of the sixteen-byte lanes
        for c in ['"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '\u{7f}', 'ب', '~'] {
            for at in 0..40 {
                for base in ["a".repeat(40), "ك".repeat(20)] {
                    let mut id = base.clone();
                    let at = (0..=at).rev().find(|&k| id.is_char_boundary(k)).unwrap_or(0);
                    id.insert(at, c);
                    both(&ArticleResult::Err { id, error: base });
                }
            }
        }
    }
}
