//! Patterns matched from a given start: the matching primitive of the lexicon and the
//! gazetteer.
//!
//! Arabic word rules say where a lexicon entry or a place name may *begin*: at the start
//! of a word, or right after a clitic sequence inside it. So Rasad does not scan every
//! character with an Aho–Corasick automaton (whose failure links lead into the middle of
//! words, where no match may begin, and whose states miss the cache on every step);
//! each stage lists its admissible starts and asks [`PatternTrie::prefixes_at`] for the
//! patterns that begin there.
//!
//! Two levels:
//! - a bit set of the three-character beginnings of all patterns (32 KiB, cache
//!   resident) rejects most starts without touching the trie;
//! - a character-wise double-array trie (`crawdad`) is walked for the rest, and reports
//!   each pattern that is a prefix of the text from the start.

/// Alphabet of the beginnings filter: characters below 0x700 get a code of their own
/// where some pattern uses them in its first three characters; everything else is
/// [`OTHER`]. [`END`] stands for the end of the text.
const CODES: usize = 64;
const OTHER: u8 = 62;
const END: u8 = 63;
const TABLE_END: usize = 0x700;

/// Folded patterns with a `u32` value each, ready to be matched from any start.
pub struct PatternTrie {
    trie: Option<crawdad::Trie>,
    /// Character → code of the beginnings filter.
    code: Vec<u8>,
    /// Bit `(a * 64 + b) * 64 + c` is set when some pattern begins with codes a, b, c
    /// (a shorter pattern sets every continuation).
    beginnings: Vec<u64>,
}

/// Why patterns could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("pattern trie: {0}")]
pub struct TrieError(String);

impl PatternTrie {
    /// Compile `(pattern, value)` pairs; patterns must be unique and non-empty.
    pub fn new<S: AsRef<str>>(mut patterns: Vec<(S, u32)>) -> Result<PatternTrie, TrieError> {
        patterns.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut code = vec![OTHER; TABLE_END];
        let mut next = 0u8;
        for (p, _) in &patterns {
            for c in p.as_ref().chars().take(3) {
                if (c as usize) < TABLE_END && code[c as usize] == OTHER && next < OTHER {
                    code[c as usize] = next;
                    next += 1;
                }
            }
        }
        let mut t = PatternTrie { trie: None, code, beginnings: vec![0; CODES * CODES * CODES / 64] };
        for (p, _) in &patterns {
            let cs: Vec<u8> = p.as_ref().chars().take(3).map(|c| t.code_of(c)).collect();
            let (a, b, c) = (cs.first().copied(), cs.get(1).copied(), cs.get(2).copied());
            let Some(a) = a else { return Err(TrieError("empty pattern".into())) };
            let bs: Vec<u8> = b.map_or_else(|| (0..CODES as u8).collect(), |b| vec![b]);
            for &b in &bs {
                let cs: Vec<u8> = c.map_or_else(|| (0..CODES as u8).collect(), |c| vec![c]);
                for &c in &cs {
                    t.set(a, b, c);
                }
            }
        }
        if !patterns.is_empty() {
            t.trie = Some(crawdad::Trie::from_records(patterns.iter().map(|(p, v)| (p.as_ref(), *v))).map_err(|e| TrieError(e.to_string()))?);
        }
        Ok(t)
    }

    #[inline]
    fn code_of(&self, c: char) -> u8 {
        self.code.get(c as usize).copied().unwrap_or(OTHER)
    }

    fn bit(a: u8, b: u8, c: u8) -> usize {
        (a as usize * CODES + b as usize) * CODES + c as usize
    }

    fn set(&mut self, a: u8, b: u8, c: u8) {
        let i = Self::bit(a, b, c);
        self.beginnings[i / 64] |= 1 << (i % 64);
    }

    /// Whether some pattern may begin at byte `i` of `text` (a char boundary).
    #[inline]
    pub fn may_begin(&self, text: &str, i: usize) -> bool {
        let mut codes = [END; 3];
        let mut j = i;
        for k in codes.iter_mut() {
            if j >= text.len() {
                break;
            }
            let (c, len) = crate::tokenise::char_at(text, j);
            *k = self.code_of(c);
            j += len;
        }
        let b = Self::bit(codes[0], codes[1], codes[2]);
        self.beginnings[b / 64] & (1 << (b % 64)) != 0
    }

    /// Calls `f(end, value)` for every pattern that begins at byte `i` of `text`, shortest
    /// first; `end` is a byte offset.
    #[inline]
    pub fn prefixes_at(&self, text: &str, i: usize, mut f: impl FnMut(usize, u32)) {
        let Some(trie) = &self.trie else { return };
        if !self.may_begin(text, i) {
            return;
        }
        // the trie counts the end in chars; advance a byte cursor alongside
        let (mut pos, mut chars) = (i, 0usize);
        for (v, j) in trie.common_prefix_search(text[i..].chars()) {
            while chars < j {
                pos += crate::tokenise::char_at(text, pos).1;
                chars += 1;
            }
            f(pos, v);
        }
    }

    /// Bytes of heap the trie and the filter hold: a development measure.
    pub fn heap_bytes(&self) -> usize {
        self.trie.as_ref().map_or(0, |t| t.heap_bytes()) + self.beginnings.len() * 8 + self.code.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(t: &PatternTrie, text: &str) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        for (i, _) in text.char_indices() {
            t.prefixes_at(text, i, |e, v| out.push((i, e, v)));
        }
        out
    }

    #[test]
    fn finds_every_pattern_from_every_start() {
        let t = PatternTrie::new(vec![("قصف", 0), ("قصف مدفعي", 1), ("ق", 2), ("ab", 3)]).unwrap();
        let text = "قصف مدفعي ab";
        let found = all(&t, text);
        let q = "ق".len();
        assert!(found.contains(&(0, q, 2)));
        assert!(found.contains(&(0, "قصف".len(), 0)));
        assert!(found.contains(&(0, "قصف مدفعي".len(), 1)));
        let ab = text.find("ab").unwrap();
        assert!(found.contains(&(ab, ab + 2, 3)));
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn a_pattern_at_the_very_end_and_an_empty_set() {
        let t = PatternTrie::new(vec![("اب", 7)]).unwrap();
        assert_eq!(all(&t, "x اب"), [(2, 2 + "اب".len(), 7)]);
        let empty = PatternTrie::new(Vec::<(&str, u32)>::new()).unwrap();
        assert!(all(&empty, "اب").is_empty());
        assert!(PatternTrie::new(vec![("", 1)]).is_err());
    }

    #[test]
    fn the_filter_never_hides_a_match() {
        // every beginning of a pattern list, checked against a plain search
        let pats = ["الجيش", "جيش", "ال", "لل", "وادي", "و", "1", "f16", "ﻻ"];
        let t = PatternTrie::new(pats.iter().enumerate().map(|(i, p)| (*p, i as u32)).collect()).unwrap();
        let text = "والجيش للجيش في وادي f16 ﻻ 1";
        let mut expected = Vec::new();
        for (i, _) in text.char_indices() {
            for (k, p) in pats.iter().enumerate() {
                if text[i..].starts_with(p) {
                    expected.push((i, i + p.len(), k as u32));
                }
            }
        }
        let mut found = all(&t, text);
        found.sort();
        expected.sort();
        assert_eq!(found, expected);
    }
}
