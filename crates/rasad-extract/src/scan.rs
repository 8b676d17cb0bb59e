//! Stage *recognise*, first half: one pass over the folded text for every pattern.
//!
//! The lexicon (actors, triggers, weapons, time words, numbers, person nouns, cues) and
//! the gazetteer (place names) each have their own automaton, so that each crate works
//! alone. Inside the extractor both sets are compiled into one charwise Aho–Corasick
//! automaton instead: scanning is the costliest step of extraction (each character a
//! dependent load from a large state array), and one pass over the text costs little
//! more than either pass alone. Each raw occurrence is then handed to the crate that
//! owns the pattern, which applies its own word rules ([`Matcher::accept`] for lexicon
//! entries, the gazetteer's hit rules for names).

use daachorse::CharwiseDoubleArrayAhoCorasick;
use rasad_geo::Geocoder;
use rasad_lexicon::{Match, Matcher};
use std::collections::HashMap;

/// No pattern of this set has the string.
const NONE: u32 = u32::MAX;

/// Lexicon patterns and place names in one automaton.
pub struct Scanner {
    /// Each pattern's value is its lexicon value in the high half and its gazetteer
    /// value in the low half ([`NONE`] where a set lacks it): a match carries both, with
    /// no table to look up (one dependent load less per match).
    ac: CharwiseDoubleArrayAhoCorasick<u64>,
}

/// What one pass found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Lexicon matches after the word rules, in [`Matcher::find`]'s order.
    pub lexicon: Vec<Match>,
    /// Raw occurrences `(start, end, key)` of place names.
    pub places: Vec<(usize, usize, u32)>,
}

impl Scanner {
    pub fn new(matcher: &Matcher, geo: &Geocoder) -> Result<Scanner, String> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut owners: Vec<(u32, u32)> = Vec::new();
        let sets = matcher.patterns().map(|(p, v)| (p, v, true)).chain(geo.name_patterns().map(|(p, v)| (p, v, false)));
        for (p, v, lexicon) in sets {
            let k = *index.entry(p).or_insert_with(|| {
                owners.push((NONE, NONE));
                owners.len() - 1
            });
            if lexicon {
                owners[k].0 = v;
            } else {
                owners[k].1 = v;
            }
        }
        let mut pats: Vec<(&str, u64)> = index.into_iter().map(|(p, k)| (p, (owners[k].0 as u64) << 32 | owners[k].1 as u64)).collect();
        pats.sort_unstable();
        let ac = daachorse::CharwiseDoubleArrayAhoCorasickBuilder::new().use_prefilter(false).build_with_values(pats).map_err(|e| e.to_string())?;
        Ok(Scanner { ac })
    }

    /// Every lexicon match and every raw place-name occurrence in `folded`.
    pub fn scan(&self, folded: &str, matcher: &Matcher) -> Scan {
        // sized once: a few hundred bytes of text per match and per name, so the vectors
        // do not grow (and copy) a handful of times per article
        let mut out = Scan { lexicon: Vec::with_capacity(folded.len() / 16), places: Vec::with_capacity(folded.len() / 16) };
        for m in self.ac.find_overlapping_iter(folded) {
            let (lex, place) = ((m.value() >> 32) as u32, m.value() as u32);
            if lex != NONE {
                matcher.accept(folded, m.start(), m.end(), lex, &mut out.lexicon);
            }
            if place != NONE {
                out.places.push((m.start(), m.end(), place));
            }
        }
        Matcher::order(&mut out.lexicon);
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::extractor;

    #[test]
    fn one_pass_finds_what_each_set_finds_alone() {
        let x = extractor();
        let text = "ديرالزور – نورث برس\nقُتل ستة أشخاص، أمس، بقصف مدفعي لقوات النظام على بلدة الكشمة بريف دير الزور الشرقي، وللقوات الأمريكية قاعدة في حقل العمر.";
        let doc = rasad_text::Document::new(text);
        let scan = x.scanner.scan(doc.folded(), &x.lexicon().matcher);
        assert_eq!(scan.lexicon, x.lexicon().matcher.find(doc.folded()));
        assert!(!scan.lexicon.is_empty() && !scan.places.is_empty());
        assert_eq!(x.geocoder().find_places_scanned(&doc, text, &scan.places), x.geocoder().find_places_in(&doc, text));
        let dateline = x.geocoder().dateline_scanned(&doc, text, &scan.places);
        assert!(dateline.is_some());
        assert_eq!(dateline, x.geocoder().dateline_in(&doc, text));
    }
}
