//! Enclosing links: whether the gap between two mentions of a sentence says the first
//! is *in* the second ("قرية X بريف Y", "X التابعة لـY", "X، Y").
//!
//! Its own room because the link decides inheritance (an unknown village takes its
//! encloser's admin units) and is tuned on its own.

use super::*;

/// Gap between mention `a` and the following `b` allows "a is in b".
pub(super) fn encloses(w: &Walker, a: &Raw, b: &Raw) -> bool {
    let f = w.f;
    let toks = &w.doc.tokens;
    if b.ta < a.tb {
        return false;
    }
    let bp = b.prefix.as_str();
    if bp.starts_with('و') || bp.starts_with('ف') {
        return false;
    }
    let mut comma = false;
    let mut words = 0;
    for t in &toks[a.tb..b.ta] {
        let x = &f[t.start..t.end];
        match t.kind {
            TokenKind::Punct if x == "," || x == "-" || x == "(" => comma = true,
            TokenKind::Word
                if matches!(
                    x,
                    "في" | "ضمن"
                        | "داخل"
                        | "قرب"
                        | "بالقرب"
                        | "من"
                        | "التابعه"
                        | "التابع"
                        | "الواقعه"
                        | "الواقع"
                        | "بمنطقه"
                        | "عند"
                        | "بمحيط"
                        | "محيط"
                        | "قاطع"
                        | "بقاطع"
                        | "حدود"
                ) =>
            {
                words += 1
            }
            _ => return false,
        }
    }
    if words > 3 {
        return false;
    }
    let _ = comma;
    true
}
