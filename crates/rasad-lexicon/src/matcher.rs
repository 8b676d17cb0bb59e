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
use rasad_text::tokenise::is_clitic_prefix;
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

struct Entry {
    hits: Vec<(Hit, Suffixes)>,
    /// True for the article-less variant of a pattern that begins with ال.
    bare: bool,
}

pub struct Matcher {
    ac: CharwiseDoubleArrayAhoCorasick<u32>,
    entries: Vec<Entry>,
}

fn is_letter(c: char) -> bool {
    c.is_alphanumeric()
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
        let mut index: HashMap<(String, bool), usize> = HashMap::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut add = |pattern: &str, hit: Hit, suffixes: Suffixes| {
            let mut forms = vec![(pattern.to_string(), false)];
            if let Some(rest) = pattern.strip_prefix("ال") {
                if rest.chars().count() >= 2 {
                    forms.push((rest.to_string(), true));
                }
            }
            for key in forms {
                let bare = key.1;
                let i = *index.entry(key).or_insert_with(|| {
                    entries.push(Entry { hits: Vec::new(), bare });
                    entries.len() - 1
                });
                if !entries[i].hits.iter().any(|(h, _)| *h == hit) {
                    entries[i].hits.push((hit, suffixes));
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
        let mut keys: Vec<(&(String, bool), &usize)> = index.iter().collect();
        keys.sort_by_key(|(_, i)| **i);
        // the automaton is keyed by pattern text; a bare form equal to a written form shares it
        let mut by_text: HashMap<&str, u32> = HashMap::new();
        let mut merged: Vec<Entry> = Vec::new();
        for ((text, bare), i) in keys {
            let e = &entries[*i];
            match by_text.get(text.as_str()) {
                Some(&j) => {
                    let m = &mut merged[j as usize];
                    // a written form wins over a bare variant of the same text
                    if !bare {
                        m.bare = false;
                    }
                    for h in &e.hits {
                        if !m.hits.contains(h) {
                            m.hits.push(*h);
                        }
                    }
                }
                None => {
                    by_text.insert(text.as_str(), merged.len() as u32);
                    merged.push(Entry { hits: e.hits.clone(), bare: *bare });
                }
            }
        }
        let mut pats: Vec<(&str, u32)> = by_text.into_iter().collect();
        pats.sort();
        let ac = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build_with_values(pats)
            .map_err(|e| LexiconError::Automaton(e.to_string()))?;
        Ok(Matcher { ac, entries: merged })
    }

    /// Every accepted match in `folded`, in order of start, longest first at equal starts.
    pub fn find(&self, folded: &str) -> Vec<Match> {
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(folded) {
            let (start, end) = (m.start(), m.end());
            let entry = &self.entries[m.value() as usize];
            // left edge: clitics only
            let word_start = folded[..start].char_indices().rev().take_while(|(_, c)| is_letter(*c)).last().map_or(start, |(i, _)| i);
            let prefix = &folded[word_start..start];
            if entry.bare {
                if !(prefix.ends_with("لل")) || !is_clitic_prefix(prefix) {
                    continue;
                }
            } else if !is_clitic_prefix(prefix) {
                continue;
            }
            // right edge
            let rest_len = folded[end..].chars().take_while(|c| is_letter(*c)).map(char::len_utf8).sum::<usize>();
            let rest = &folded[end..end + rest_len];
            for &(hit, suffixes) in &entry.hits {
                if suffixes.accepts(rest) {
                    out.push(Match { word_start, start, end, word_end: end + rest_len, hit });
                }
            }
        }
        out.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        out
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
        assert_eq!(found(&m, "مواقع للقوات الأمريكية"), ["للقوات الامريكيه"]);
        // the bare variant does not match without the لل prefix
        assert_eq!(found(&m, "قوات امريكية").len(), 1); // only the adjective
    }
}
