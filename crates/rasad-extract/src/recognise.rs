//! Stage *recognise*: lexicon matches (actors, triggers, weapons, time words, numbers,
//! person nouns, cues) as [`Item`]s, and numbers written in digits or words as [`Num`]s.
//!
//! Overlaps are settled per category, longest match first ("قصف مدفعي" over "قصف",
//! "كانون الثاني" over "الثاني"); across categories both are kept (a trigger and a
//! weapon may share words), except that a named actor hides a person noun inside it
//! ("مسلحون مجهولون" is an actor, not "مسلحون" people).

use rasad_lexicon::{Hit, Lexicon};
use rasad_text::{Document, TokenKind};

/// One recognised lexicon entry in the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub word_start: usize,
    pub start: usize,
    pub end: usize,
    pub word_end: usize,
    pub hit: Hit,
}

fn category(h: Hit) -> u8 {
    match h {
        Hit::Actor(_) | Hit::ActorAdjective(_) => 0,
        Hit::Trigger(_) => 1,
        Hit::Weapon(_) => 2,
        Hit::Time(_) => 3,
        Hit::Number(_) => 4,
        Hit::Person(_) => 5,
        Hit::Cue(_) => 6,
    }
}

/// All items of a document, in text order.
pub fn items(doc: &Document, lex: &Lexicon) -> Vec<Item> {
    items_from(lex.matcher.find(doc.folded()))
}

/// [`items`] from the matcher's matches (found by [`rasad_lexicon::Matcher::find`] or a
/// [`crate::scan::Scanner`] pass), in their order.
/// A killing verb voiced as a passive: "قُتلوا" (they were killed) and "قتلوا" (they
/// killed) fold alike, but an outlet that writes the damma on the first letter has said
/// which one it means. Such a trigger is read as the toll word "قتل" (a passive
/// casualty), so the dead are its victims, not its perpetrators ("إن العناصر قُتلوا وهم
/// يؤدون واجبهم"). Only the original text knows: folding drops the mark.
pub fn voiced_passives(doc: &rasad_text::Document, original: &str, lex: &rasad_lexicon::Lexicon, passive: Option<u32>, items: &mut [Item]) {
    // most texts carry no damma at all: one scan, then nothing
    let Some(passive) = passive.filter(|_| original.contains('\u{64f}')) else {
        return;
    };
    for it in items.iter_mut() {
        let Hit::Trigger(t) = it.hit else { continue };
        let tr = &lex.triggers[t as usize];
        if tr.class != "@kill" || tr.frame != rasad_lexicon::Frame::Active {
            continue;
        }
        let word = doc.original(original, doc.span(it.start, it.end));
        // the first letter (after a clitic و/ف) carries the damma
        let mut cs = word.chars().skip_while(|c| matches!(c, 'و' | 'ف'));
        if cs.next().is_some() && cs.next() == Some('\u{64f}') {
            it.hit = Hit::Trigger(passive);
        }
    }
}

/// An actor's name or a noun for people inside a settlement's name is the settlement's:
/// "حي المهاجرين" is a quarter, not migrants; "قرية الأكراد" a village. The item is dropped when a place
/// phrase of a town, village or quarter starts before it (at its feature word) and covers
/// it. Sites keep theirs ("مقر الفرقة الرابعة" names whose headquarters were hit).
pub fn drop_actors_in_place_names(items: &mut Vec<Item>, places: &[rasad_geo::PlaceMention]) {
    use rasad_geo::PlaceKind;
    let mut settled: Vec<(usize, usize)> = places
        .iter()
        .filter(|p| matches!(p.kind, PlaceKind::Neighbourhood | PlaceKind::Village | PlaceKind::Town | PlaceKind::City))
        .map(|p| (p.start, p.end))
        .collect();
    if settled.is_empty() {
        return;
    }
    settled.sort_unstable();
    items.retain(|it| {
        if !matches!(it.hit, Hit::Actor(_) | Hit::Person(_)) {
            return true;
        }
        // the last place to start before the item is the only one that can cover it
        // (place phrases do not overlap)
        let k = settled.partition_point(|&(a, _)| a < it.start);
        !(k > 0 && it.end <= settled[k - 1].1)
    });
}

/// Folded byte ranges where the outlet's own name stands in the text (a byline, a quoted
/// source: "لـ(بغداد اليوم)"), in text order. Only names of two words or more are
/// searched: a one-word outlet named like a city is the city too often to tell apart.
/// Words inside them name the outlet, not a date or a place (see `time::drop_name_dates`,
/// `places::outside_outlet_name`).
pub fn outlet_spans(doc: &rasad_text::Document, outlet: Option<&str>) -> Vec<(usize, usize)> {
    let Some(o) = outlet.map(rasad_text::fold) else { return Vec::new() };
    let o = o.trim();
    if !o.contains(' ') {
        return Vec::new();
    }
    doc.folded().match_indices(o).map(|(k, _)| (k, k + o.len())).collect()
}

/// Whether `start..end` lies inside one of `spans` (in text order, not overlapping: only
/// the last to start at or before it can hold it).
pub fn within(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let k = spans.partition_point(|&(a, _)| a <= start);
    k > 0 && end <= spans[k - 1].1
}

/// The lexicon's passive toll word "قتل" (see [`voiced_passives`]).
pub fn passive_kill_trigger(lex: &rasad_lexicon::Lexicon) -> Option<u32> {
    lex.triggers
        .iter()
        .position(|t| t.class == "@casualty" && t.frame == rasad_lexicon::Frame::Passive && rasad_text::fold(&t.pattern) == "قتل")
        .map(|k| k as u32)
}

pub fn items_from(matches: Vec<rasad_lexicon::Match>) -> Vec<Item> {
    let mut kept: Vec<Item> = Vec::with_capacity(matches.len());
    // per category: the end of the last kept match
    let mut last_end = [0usize; 7];
    for m in matches {
        let c = category(m.hit) as usize;
        if m.word_start < last_end[c] {
            continue;
        }
        last_end[c] = m.word_end;
        kept.push(Item { word_start: m.word_start, start: m.start, end: m.end, word_end: m.word_end, hit: m.hit });
    }
    // a person noun inside a longer named actor is part of the actor; one that *is* the
    // actor's whole name ("مدنيين", "شاب") stays, for counting
    let actors: Vec<(usize, usize)> =
        kept.iter().filter(|i| matches!(i.hit, Hit::Actor(_))).map(|i| (i.word_start, i.word_end)).collect();
    // (actors do not overlap one another and come in text order: those overlapping a
    // word start at the first that ends after its start)
    kept.retain(|i| {
        let k = actors.partition_point(|&(_, e)| e <= i.word_start);
        !matches!(i.hit, Hit::Person(_))
            || !actors[k..].iter().take_while(|&&(s, _)| s < i.word_end).any(|&(s, e)| (s, e) != (i.word_start, i.word_end))
    });
    kept
}

/// A number in the text: `value` is `None` for vague amounts (عشرات، مئات).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num {
    /// Start of the word, before a conjunction ("وأربعة").
    pub word_start: usize,
    pub start: usize,
    pub end: usize,
    pub value: Option<u32>,
}

/// The number the digits of `s` spell, separators skipped ("2,000" is 2000); `None`
/// without digits or beyond `u32`.
fn digits_value(s: &str) -> Option<u32> {
    let mut value: Option<u32> = None;
    for d in s.bytes().filter(u8::is_ascii_digit) {
        value = Some(value.unwrap_or(0).checked_mul(10)?.checked_add((d - b'0') as u32)?);
    }
    value
}

/// Numbers in digits ("18", "١٨", "1,200") and in words ("ثلاثة عشر", "خمسة وعشرون",
/// "ثلاثة آلاف"); a word number's parts must be adjacent or joined by و.
pub fn numbers(doc: &Document, lex: &Lexicon, items: &[Item]) -> Vec<Num> {
    let folded = doc.folded();
    let mut out: Vec<Num> = Vec::new();
    for t in &doc.tokens {
        if t.kind == TokenKind::Number {
            if t.text(folded).contains(':') || t.text(folded).contains('/') {
                continue;
            }
            out.push(Num { word_start: t.start, start: t.start, end: t.end, value: digits_value(t.text(folded)) });
        }
    }
    let mut words: Vec<Num> = Vec::new();
    // the kind of the last part of the last word number: a compound grows from larger
    // parts to smaller ("مئة وخمسة"), or a unit takes its ten ("خمسة وعشرون"); two units
    // are two numbers ("بين ثلاثة وخمسة" is 3 and 5, not 8)
    let rank = |k: &str| match k {
        "unit" | "teen" => 1,
        "ten" => 2,
        "hundred" => 3,
        "thousand" => 4,
        _ => 0,
    };
    let mut last_kind = "";
    for it in items {
        let Hit::Number(i) = it.hit else { continue };
        let n = &lex.numbers[i as usize];
        let value = if n.kind == "vague" { None } else { Some(n.value) };
        let prefix = &folded[it.word_start..it.start];
        if let Some(prev) = words.last_mut() {
            let gap = folded.get(prev.end..it.word_start).unwrap_or("x");
            let joined = gap.trim().is_empty() && (prefix == "و" || prefix.is_empty());
            let multiplier = n.kind == "thousand" && n.value == 1000;
            let compound = multiplier || rank(last_kind) > rank(&n.kind) || last_kind == "unit" && n.kind == "ten";
            if let (true, true, Some(p), Some(v)) = (joined, compound, prev.value, value) {
                prev.value = Some(if multiplier && p < 1000 { p * 1000 } else { p + v });
                prev.end = it.end;
                last_kind = &n.kind;
                continue;
            }
        }
        last_kind = &n.kind;
        words.push(Num { word_start: it.word_start, start: it.start, end: it.end, value });
    }
    // "3 آلاف", "50 ألف"
    // (digits come in text order: only the last to end before the word can stand just
    // before it)
    for w in words.iter().filter(|w| w.value == Some(1000)) {
        let k = out.partition_point(|d| d.end <= w.start);
        if let Some(d) = k.checked_sub(1).map(|k| &mut out[k]).filter(|d| d.value.is_some() && folded[d.end..w.start].trim().is_empty()) {
            d.value = d.value.map(|v| v * 1000);
            d.end = w.end;
        }
    }
    let digit_ends: Vec<usize> = out.iter().map(|d| d.end).collect();
    out.extend(words.into_iter().filter(|w| digit_ends.binary_search(&w.end).is_err()));
    out.sort_by_key(|n| n.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_spell_the_number_a_string_parse_would() {
        for t in ["0", "7", "2,000", "1.5", "4294967295", "4294967296", "99999999999", "", ",", "00012", "3.000.001"] {
            let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
            assert_eq!(digits_value(t), digits.parse::<u32>().ok(), "{t:?}");
        }
    }

    fn nums(text: &str) -> Vec<Option<u32>> {
        let lex = crate::tests::lexicon();
        let doc = Document::new(text);
        let items = items(&doc, lex);
        numbers(&doc, lex, &items).iter().map(|n| n.value).collect()
    }

    #[test]
    fn digits_arabic_indic_and_words() {
        assert_eq!(nums("قتل ١٨ شخصاً"), [Some(18)]);
        assert_eq!(nums("مقتل ثلاثة عشر مدنيا"), [Some(13)]);
        assert_eq!(nums("خمسة وعشرون عنصرا"), [Some(25)]);
        assert_eq!(nums("اثنا عشر عنصراً"), [Some(12)]);
        assert_eq!(nums("ثلاثة آلاف دولار"), [Some(3000)]);
        assert_eq!(nums("عشرات المدنيين"), [None]);
        assert_eq!(nums("خمسة صواريخ وأربعة قذائف"), [Some(5), Some(4)]);
        assert_eq!(nums("مئة وخمسة عناصر"), [Some(105)]);
        // a range of two units is two numbers, not their sum
        assert_eq!(nums("ما بين ثلاثة وخمسة أشخاص"), [Some(3), Some(5)]);
    }
}
