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
            // "الواقعة إلى الشمال من كركوك": a direction spelled out says where, like
            // "شمال كركوك"; its words do not count against the gap
            TokenKind::Word if matches!(x, "الي" | "الشمال" | "الجنوب" | "الشرق" | "الغرب" | "الشرقي" | "الغربي") => {}
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

/// Words that open a phrase naming an administrative container or a governorate's
/// countryside: "بريف درعا الشرقي", "في محافظة إب", "التابعة لقضاء سنجار".
const CONTAINERS: &[&str] = &["ريف", "محافظه", "ولايه", "قضاء", "ناحيه", "مديريه", "محليه", "معتمديه"];

/// Gap words that state containment, not nearness or direction.
const CONTAINMENT_GAP: &[&str] = &["في", "ضمن", "داخل", "التابعه", "التابع", "الواقعه", "الواقع"];

/// Whether the text *states* that `a` lies in the administrative unit or countryside `b`
/// ("قرية X بريف Y", "X التابعة لمحافظة Y"), as opposed to placing it near or beside it.
/// Such a statement outranks the gazetteer: a namesake in another governorate is some
/// other village (see [`super::find_places`]).
pub(super) fn states_containment(w: &Walker, a: &Raw, b: &Raw) -> bool {
    let f = w.f;
    let toks = &w.doc.tokens;
    if b.ta < a.tb || b.ta >= toks.len() {
        return false;
    }
    let gap = &toks[a.tb..b.ta];
    if gap.len() > 2
        || !gap
            .iter()
            .all(|t| t.kind == TokenKind::Word && CONTAINMENT_GAP.contains(&&f[t.start..t.end]))
    {
        return false;
    }
    if gap.is_empty() && !b.prefix.starts_with('ب') && !b.prefix.starts_with('ل') {
        return false;
    }
    let t = &toks[b.ta];
    let first = f[t.start..t.end].get(b.prefix.len()..).unwrap_or_default();
    CONTAINERS.contains(&first)
}
