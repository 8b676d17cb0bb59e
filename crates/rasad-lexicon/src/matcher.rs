//! One Aho–Corasick automaton over every lexicon pattern.
//!
//! Patterns are matched on folded text with Arabic word rules rather than plain
//! substring rules:
//! - **left edge**: the letters between the start of the word and the match must be a
//!   clitic sequence (و ف ب ل ك and their combinations, [`rasad_text::tokenise::is_clitic_prefix`]),
//!   so "والقوات" matches "القوات" but "الانفجار" does not match "نفجار";
//! - **article after ل**: a pattern written with the article (القوات) also matches in its
//!   `لل` form ("للقوات" = ل + القوات), where Arabic drops the article's alef;
//! - **right edge**: the letters left in the word must be an ending that the entry's
//!   [`Suffixes`] class accepts ("قصفت" for a verb, "قصفاً" for anything).

use crate::tables::*;
use crate::LexiconError;
use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};
use rasad_text::tokenise::{is_alnum, is_clitic_prefix, may_end_clitic_prefix};
use std::collections::HashMap;

/// What a pattern stands for: a row of one of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hit {
    Actor(u32),
    /// A nationality adjective of an actor ("التركية").
    ActorAdjective(u32),
    Trigger(u32),
    Weapon(u32),
    Time(u32),
    Number(u32),
    Person(u32),
    Cue(u32),
}

/// One accepted occurrence of a pattern in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Start of the word that holds the match (before any clitic), folded bytes.
    pub word_start: usize,
    /// Start and end of the pattern itself, folded bytes.
    pub start: usize,
    pub end: usize,
    /// End of the word that holds the match's last letter (after any suffix).
    pub word_end: usize,
    pub hit: Hit,
}

/// A hit of an entry with its suffix class and whether it came from the article-less
/// variant of a pattern that begins with ال (accepted only after "لل").
type EntryHit = (Hit, Suffixes, bool);

pub struct Matcher {
    /// Built on first use: the extractor compiles [`Matcher::patterns`] into its own
    /// automaton with the place names and never asks for this one.
    ac: std::sync::OnceLock<Option<CharwiseDoubleArrayAhoCorasick<u32>>>,
    /// The value of entry `e`'s pattern ([`Matcher::patterns`]) says where its hits are
    /// in one flat array: the first at `value >> 8`, `value & 0xFF` of them. The scan
    /// asks for an entry's hits on nearly every raw match; reading them needs no lookup
    /// of the entry first (a table of ranges was one more dependent load, often a miss).
    values: Vec<u32>,
    hits: Vec<EntryHit>,
    /// The folded pattern of each entry, for callers that compile the patterns into an
    /// automaton of their own ([`Matcher::patterns`]).
    patterns: Vec<String>,
}


impl Matcher {
    pub fn build(
        actors: &[Actor],
        triggers: &[Trigger],
        weapons: &[Weapon],
        time: &[TimeWord],
        numbers: &[NumberWord],
        persons: &[Person],
        cues: &[Cue],
    ) -> Result<Matcher, LexiconError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<Vec<EntryHit>> = Vec::new();
        let mut add = |pattern: &str, hit: Hit, suffixes: Suffixes| {
            let mut forms = vec![(pattern.to_string(), false)];
            if let Some(rest) = pattern.strip_prefix("ال") {
                if rest.chars().count() >= 2 {
                    forms.push((rest.to_string(), true));
                }
            }
            for (text, bare) in forms {
                let i = *index.entry(text).or_insert_with(|| {
                    entries.push(Vec::new());
                    entries.len() - 1
                });
                if !entries[i].iter().any(|(h, _, b)| *h == hit && *b == bare) {
                    entries[i].push((hit, suffixes, bare));
                }
            }
        };
        for (i, a) in actors.iter().enumerate() {
            for p in &a.aliases_ar {
                add(p, Hit::Actor(i as u32), Suffixes::None);
            }
            for p in &a.adjectives_ar {
                add(p, Hit::ActorAdjective(i as u32), Suffixes::None);
            }
        }
        for (i, t) in triggers.iter().enumerate() {
            add(&t.pattern, Hit::Trigger(i as u32), t.suffixes);
        }
        for (i, w) in weapons.iter().enumerate() {
            add(&w.pattern, Hit::Weapon(i as u32), w.suffixes);
        }
        for (i, t) in time.iter().enumerate() {
            add(&t.pattern, Hit::Time(i as u32), Suffixes::None);
        }
        for (i, n) in numbers.iter().enumerate() {
            add(&n.pattern, Hit::Number(i as u32), Suffixes::None);
        }
        for (i, p) in persons.iter().enumerate() {
            add(&p.pattern, Hit::Person(i as u32), Suffixes::None);
        }
        for (i, c) in cues.iter().enumerate() {
            add(&c.pattern, Hit::Cue(i as u32), c.suffixes);
        }
        let mut patterns = vec![String::new(); entries.len()];
        for (t, &i) in &index {
            patterns[i] = t.clone();
        }
        if let Some(p) = patterns.iter().find(|p| p.is_empty()) {
            return Err(LexiconError::Automaton(format!("empty pattern {p:?}")));
        }
        let mut values = Vec::with_capacity(entries.len());
        let mut hits = Vec::new();
        for (e, p) in entries.into_iter().zip(&patterns) {
            let (a, n) = (hits.len(), e.len());
            if n > 0xFF || a >= 1 << 24 {
                return Err(LexiconError::Automaton(format!("pattern {p:?}: {n} hits from {a} do not fit a value")));
            }
            hits.extend(e);
            values.push(Self::value(a, n));
        }
        Ok(Matcher { ac: std::sync::OnceLock::new(), values, hits, patterns })
    }

    /// The pattern value of an entry whose `n` hits start at `hits[a]`.
    fn value(a: usize, n: usize) -> u32 {
        (a as u32) << 8 | n as u32
    }

    /// The automaton over [`Matcher::patterns`]. Patterns are unique and non-empty
    /// (checked by [`Matcher::build`]), which is all daachorse asks of them.
    fn automaton(&self) -> Option<&CharwiseDoubleArrayAhoCorasick<u32>> {
        self.ac
            .get_or_init(|| {
                let mut pats: Vec<(&str, u32)> = self.patterns().collect();
                pats.sort_unstable();
                CharwiseDoubleArrayAhoCorasickBuilder::new().match_kind(MatchKind::Standard).build_with_values(pats).ok()
            })
            .as_ref()
    }

    /// Number of raw automaton matches (before word rules): a development measure.
    pub fn raw_count(&self, folded: &str) -> usize {
        self.automaton().map_or(0, |ac| ac.find_overlapping_iter(folded).count())
    }

    /// Every pattern (folded) with the value [`Matcher::accept`] takes for it. A caller
    /// that scans the text once for several pattern sets (the extractor scans for lexicon
    /// entries and place names together) compiles these into its own automaton.
    pub fn patterns(&self) -> impl Iterator<Item = (&str, u32)> {
        self.patterns.iter().zip(&self.values).map(|(p, &v)| (p.as_str(), v))
    }

    /// Every accepted match in `folded`, in order of start, longest first at equal starts.
    pub fn find(&self, folded: &str) -> Vec<Match> {
        let mut out = Vec::new();
        let Some(ac) = self.automaton() else { return out };
        for m in ac.find_overlapping_iter(folded) {
            self.accept(folded, m.start(), m.end(), m.value(), &mut out);
        }
        Matcher::order(&mut out);
        out
    }

    /// Puts matches collected by [`Matcher::accept`] in the order [`Matcher::find`] gives:
    /// by start, longest first, ties in the order found.
    ///
    /// An automaton reports matches by their end, so a match is out of place only by
    /// the shorter ones found inside its own span: a stable insertion sort moves each a
    /// few places at most, where a general sort would allocate and merge.
    pub fn order(out: &mut [Match]) {
        let before = |a: &Match, b: &Match| (a.start, std::cmp::Reverse(a.end)) < (b.start, std::cmp::Reverse(b.end));
        for i in 1..out.len() {
            let mut j = i;
            while j > 0 && before(&out[j], &out[j - 1]) {
                out.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    /// Applies the word rules to one raw occurrence of pattern `value` at `start..end`
    /// of `folded` and pushes what they accept.
    pub fn accept(&self, folded: &str, start: usize, end: usize, value: u32, out: &mut Vec<Match>) {
        // left edge: the letters before the match in its word must be a clitic sequence,
        // at most four letters: a fifth letter rejects without looking further
        let mut word_start = start;
        for n in 0..=4 {
            if word_start == 0 {
                break;
            }
            let (c, len) = rasad_text::tokenise::char_before(folded, word_start);
            if !is_alnum(c) {
                break;
            }
            // most raw matches start inside a word: the letter before says so at once
            if n == 0 && !may_end_clitic_prefix(c) {
                return;
            }
            if n == 4 {
                return;
            }
            word_start -= len;
        }
        let prefix = &folded[word_start..start];
        if !is_clitic_prefix(prefix) {
            return;
        }
        let after_lam = prefix.ends_with("لل");
        // right edge: the letters left in the word
        // (twelve bytes of letters left is no ending of any suffix class)
        let mut rest_len = 0;
        while end + rest_len < folded.len() {
            let (c, len) = rasad_text::tokenise::char_at(folded, end + rest_len);
            if !is_alnum(c) {
                break;
            }
            rest_len += len;
            if rest_len >= 12 {
                return;
            }
        }
        let rest = &folded[end..end + rest_len];
        // the entry is read only once the edges passed
        let a = (value >> 8) as usize;
        let Some(hits) = self.hits.get(a..a + (value & 0xFF) as usize) else { return };
        for &(hit, suffixes, bare) in hits {
            if (!bare || after_lam) && suffixes.accepts(rest) {
                out.push(Match { word_start, start, end, word_end: end + rest_len, hit });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let triggers = parse_triggers("t", "قصف\tShelling/artillery/missile attack\tactive\tv\nاستهدف\t@attack\tactive\tv\n").unwrap();
        let actors = parse_actors("a", "regime\tMilitary Forces of Syria\t1\tSyria\tقوات النظام\t\t\nusa\tMilitary Forces of the United States\t8\tUnited States\tالقوات الامريكية\tامريكية;الامريكية\t\n").unwrap();
        Matcher::build(&actors, &triggers, &[], &[], &[], &[], &[]).unwrap()
    }

    fn found(m: &Matcher, text: &str) -> Vec<String> {
        let f = rasad_text::fold(text);
        m.find(&f).iter().map(|x| f[x.word_start..x.word_end].to_string()).collect()
    }

    #[test]
    fn clitics_and_suffixes() {
        let m = matcher();
        assert_eq!(found(&m, "وقصفت قوات النظام"), ["وقصفت", "قوات النظام"]);
        assert_eq!(found(&m, "واستهدفوا"), ["واستهدفوا"]);
        assert!(found(&m, "الانقصف").is_empty());
        assert!(found(&m, "قصفتهمات").is_empty());
    }

    #[test]
    fn article_drops_after_lam() {
        let m = matcher();
        let f = found(&m, "مواقع للقوات الأمريكية");
        assert_eq!(f[0], "للقوات الامريكيه");
        // the rest are the adjective inside the name, which recognition drops
        assert!(f[1..].iter().all(|w| w == "الامريكيه"), "{f:?}");
        // the bare variant does not match without the لل prefix
        assert_eq!(found(&m, "قوات امريكية").len(), 1); // only the adjective
    }

    #[test]
    fn order_is_a_stable_sort_by_start_then_longest() {
        let m = |start, end, n| Match { word_start: start, start, end, word_end: end, hit: Hit::Cue(n) };
        let mut got = vec![m(4, 6, 0), m(0, 3, 1), m(4, 9, 2), m(0, 9, 3), m(4, 6, 4), m(2, 3, 5)];
        let mut want = got.clone();
        want.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        Matcher::order(&mut got);
        assert_eq!(got, want);
    }

    #[test]
    fn a_bare_variant_shared_with_a_written_pattern_stays_bare() {
        // "اثنين" is a number; the weekday "الاثنين" must not match it
        let time = parse_time("t", "الاثنين\tweekday\t1\n").unwrap();
        let numbers = parse_numbers("n", "اثنين\t2\tunit\n").unwrap();
        let m = Matcher::build(&[], &[], &[], &time, &numbers, &[], &[]).unwrap();
        let hits: Vec<Hit> = m.find("اعتراض اثنين منها").iter().map(|x| x.hit).collect();
        assert_eq!(hits, [Hit::Number(0)]);
        let hits: Vec<Hit> = m.find("مساء الاثنين").iter().map(|x| x.hit).collect();
        assert!(hits.contains(&Hit::Time(0)));
    }
}
