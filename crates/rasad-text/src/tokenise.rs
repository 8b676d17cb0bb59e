//! Stage 2: tokens over the folded text, with clitic analyses.
//!
//! Arabic glues conjunctions (و ف), prepositions (ب ل ك) and the article (ال) to the
//! word: "وبالصواريخ" is و + ب + ال + صواريخ. A prefix letter may also just be the
//! word's first root letter ("بلدة", "وزارة", "لواء"), so the tokeniser does not
//! decide: [`Token::bases`] lists the plausible readings, longest strip last, and the
//! lexicon lookups downstream accept whichever reading a lexicon knows.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (Arabic or Latin), possibly with digits inside ("f16").
    Word,
    /// ASCII digits (after folding), possibly with inner `.`/`,`/`:` ("1:40", "2,5").
    Number,
    /// One punctuation or symbol character.
    Punct,
    /// A line break: the end of a paragraph.
    Newline,
}

/// One token: a byte range of the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
#[inline]
    pub fn text<'a>(&self, folded: &'a str) -> &'a str {
        &folded[self.start..self.end]
    }
}

/// Conjunctions and prepositions that attach to a word, longest first.
/// `لل` is ل + ال (the article's alef drops after ل).
pub const PREFIXES: &[&str] = &[
    "ولل", "فلل", "وبال", "فبال", "وكال", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك",
];

/// True when `p` (folded) is a clitic sequence that may stand before a word: conjunctions,
/// prepositions, and the article with them (a lexicon entry written without the article,
/// such as a trigger noun "قصف", also matches "القصف" and "والقصف").
#[inline]
pub fn is_clitic_prefix(p: &str) -> bool {
    p.is_empty()
        || matches!(
            p,
            "و" | "ف" | "ب" | "ل" | "ك" | "وب" | "ول" | "وك" | "فب" | "فل" | "فك" | "لل" | "ولل" | "فلل" | "ال" | "وال" | "فال" | "بال" | "كال" | "وبال" | "فبال" | "وكال"
        )
}

/// Whether `c` continues a word token once one is open: a word character or an ASCII
/// digit ("f16", "12abc"). Whoever asks where a word token ends asks this.
#[inline]
pub fn continues_word(c: char) -> bool {
    is_word_char(c) || c.is_ascii_digit()
}

/// Whether a clitic sequence may end in `c`: every one of [`is_clitic_prefix`] ends in
/// و ف ب ل or ك. A match whose word has any other letter just before it has no clitic
/// prefix, which the lexicon's matcher learns from one character instead of four.
#[inline]
pub fn may_end_clitic_prefix(c: char) -> bool {
    matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ك')
}

/// The readings of a folded word: itself, then with clitics stripped, then without the
/// article. Each reading keeps at least two letters. Order: least stripped first.
pub fn bases(word: &str) -> Vec<&str> {
    fn push<'a>(out: &mut Vec<&'a str>, w: &'a str) {
        if w.chars().count() >= 2 && !out.contains(&w) {
            out.push(w);
        }
    }
    let mut out = vec![word];
    for p in PREFIXES {
        if let Some(rest) = word.strip_prefix(p) {
            // "لل" + rest means ل + ال + rest
            push(&mut out, rest);
        }
    }
    let snapshot: Vec<&str> = out.clone();
    for w in snapshot {
        if let Some(rest) = w.strip_prefix("ال") {
            push(&mut out, rest);
        }
    }
    out
}

/// Letters that make up words: the Arabic letters first (one range check, the common
/// case), then any other alphabetic or numeric character.
#[inline]
pub fn is_word_char(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphanumeric())
}

/// Letters and digits of any script, Arabic letters tested first (one range check; the
/// Unicode tables behind `char::is_alphanumeric` are slow for non-ASCII characters). The
/// edge of a word for the lexicon's matches, the gazetteer's names and merging.
#[inline]
pub fn is_alnum(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// The character at byte `i` of `s` (a char boundary) and its length in bytes.
///
/// One- and two-byte characters (ASCII and Arabic: nearly all of a folded text) are
/// decoded inline; longer ones go through the standard decoder.
#[inline(always)]
pub fn char_at(s: &str, i: usize) -> (char, usize) {
    let bytes = s.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (b as char, 1)
    } else if b < 0xE0 && i + 1 < bytes.len() {
        let code = (((b & 0x1F) as u32) << 6) | (bytes[i + 1] & 0x3F) as u32;
        // below 0x800 every code point is a char (no surrogates there)
        (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), 2)
    } else {
        let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        (c, c.len_utf8())
    }
}

/// The character that ends at byte `i` of `s` (a char boundary, above 0) and its length
/// in bytes: [`char_at`] backwards, for the word edges the matchers look behind.
#[inline(always)]
pub fn char_before(s: &str, i: usize) -> (char, usize) {
    let bytes = s.as_bytes();
    let b = bytes[i - 1];
    if b < 0x80 {
        (b as char, 1)
    } else if i >= 2 && bytes[i - 2] & 0xE0 == 0xC0 {
        let code = (((bytes[i - 2] & 0x1F) as u32) << 6) | (b & 0x3F) as u32;
        (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), 2)
    } else {
        let c = s[..i].chars().next_back().unwrap_or(char::REPLACEMENT_CHARACTER);
        (c, c.len_utf8())
    }
}

/// The token rules, fed one folded character at a time.
///
/// [`tokenise`] feeds it the characters of a folded text; the normaliser feeds it each
/// character as it folds it (`normalise::normalise_with`), which saves decoding the text
/// a second time. One set of rules either way.
#[derive(Debug, Default)]
pub struct TokenSink {
    out: Vec<Token>,
    open: Open,
}

/// The token being read.
#[derive(Debug, Default, Clone, Copy)]
enum Open {
    #[default]
    None,
    Word(usize),
    Number(usize),
    /// A number followed by a separator (`. , : /`) that belongs to it only if a digit
    /// comes next ("1.5", "1:40"): the number's start and the separator's position.
    NumberSep(usize, usize),
}

impl TokenSink {
    pub fn with_capacity(folded_len: usize) -> TokenSink {
        TokenSink { out: Vec::with_capacity(folded_len / 6 + 1), open: Open::None }
    }

    /// The folded character `c`, `len` bytes at byte `pos`.
    #[inline(always)]
    pub fn push(&mut self, c: char, pos: usize, len: usize) {
        match self.open {
            Open::None => {}
            Open::Word(start) => {
                if continues_word(c) {
                    return;
                }
                self.out.push(Token { start, end: pos, kind: TokenKind::Word });
            }
            Open::Number(start) => {
                if c.is_ascii_digit() {
                    return;
                }
                if matches!(c, '.' | ',' | ':' | '/') {
                    self.open = Open::NumberSep(start, pos);
                    return;
                }
                self.out.push(Token { start, end: pos, kind: TokenKind::Number });
            }
            Open::NumberSep(start, sep) => {
                if c.is_ascii_digit() {
                    self.open = Open::Number(start);
                    return;
                }
                self.out.push(Token { start, end: sep, kind: TokenKind::Number });
                self.out.push(Token { start: sep, end: sep + 1, kind: TokenKind::Punct });
            }
        }
        self.open = Open::None;
        if c == ' ' {
        } else if c == '\n' {
            self.out.push(Token { start: pos, end: pos + 1, kind: TokenKind::Newline });
        } else if c.is_ascii_digit() {
            self.open = Open::Number(pos);
        } else if is_word_char(c) {
            self.open = Open::Word(pos);
        } else if !c.is_whitespace() {
            self.out.push(Token { start: pos, end: pos + len, kind: TokenKind::Punct });
        }
    }

    /// Whether a word is open: a word character pushed now only extends it.
    /// (What extends it is [`continues_word`].)
    #[inline(always)]
    pub fn in_word(&self) -> bool {
        matches!(self.open, Open::Word(_))
    }

    /// The tokens of a text of `end` bytes, once every character has been pushed.
    pub fn finish(mut self, end: usize) -> Vec<Token> {
        match self.open {
            Open::None => {}
            Open::Word(start) => self.out.push(Token { start, end, kind: TokenKind::Word }),
            Open::Number(start) => self.out.push(Token { start, end, kind: TokenKind::Number }),
            Open::NumberSep(start, sep) => {
                self.out.push(Token { start, end: sep, kind: TokenKind::Number });
                self.out.push(Token { start: sep, end: sep + 1, kind: TokenKind::Punct });
            }
        }
        self.out
    }
}

/// Cut folded text into tokens.
pub fn tokenise(folded: &str) -> Vec<Token> {
    let mut sink = TokenSink::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let (c, len) = char_at(folded, i);
        sink.push(c, i, len);
        i += len;
    }
    sink.finish(folded.len())
}

/// The tokeniser as first written, a loop over the text: the oracle of
/// [`TokenSink`]'s tests.
#[cfg(test)]
pub(crate) fn tokenise_loop(folded: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let bytes = folded.as_bytes();
    let mut it = folded.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\n' {
            out.push(Token { start: i, end: i + 1, kind: TokenKind::Newline });
        } else if c.is_whitespace() {
            continue;
        } else if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = it.peek() {
                if d.is_ascii_digit() || matches!(d, '.' | ',' | ':' | '/') && bytes.get(j + 1).is_some_and(|b| b.is_ascii_digit()) {
                    end = j + 1;
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Token { start: i, end, kind: TokenKind::Number });
        } else if is_word_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if is_word_char(d) || d.is_ascii_digit() {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Token { start: i, end, kind: TokenKind::Word });
        } else {
            out.push(Token { start: i, end: i + c.len_utf8(), kind: TokenKind::Punct });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold;

    fn words(s: &str) -> Vec<String> {
        let f = fold(s);
        tokenise(&f).iter().map(|t| t.text(&f).to_string()).collect()
    }

    #[test]
    fn every_clitic_prefix_ends_in_a_letter_that_may_end_one() {
        // every string of one to four Arabic letters: the prefixes are at most four long
        let letters: Vec<char> = ('\u{0621}'..='\u{064A}').filter(|c| is_alnum(*c)).collect();
        let mut found = 0;
        let mut word = String::new();
        fn walk(letters: &[char], word: &mut String, depth: usize, found: &mut usize) {
            if !word.is_empty() && is_clitic_prefix(word) {
                *found += 1;
                let last = word.chars().last().unwrap();
                assert!(may_end_clitic_prefix(last), "{word} ends in {last}");
            }
            if depth == 4 {
                return;
            }
            for &c in letters {
                word.push(c);
                walk(letters, word, depth + 1, found);
                word.pop();
            }
        }
        walk(&letters, &mut word, 0, &mut found);
        assert_eq!(found, 22, "the clitic sequences of is_clitic_prefix");
        assert!(!is_clitic_prefix("والل") && !is_clitic_prefix("اللل"));
    }

    #[test]
    fn splits_words_numbers_and_punctuation() {
        assert_eq!(words("قُتل ١٨ شخصاً، أمس."), ["قتل", "18", "شخصا", ",", "امس", "."]);
        assert_eq!(words("الساعة 1:40 من فجر"), ["الساعه", "1:40", "من", "فجر"]);
        assert_eq!(words("طائرات F-16 العراقية"), ["طايرات", "f", "-", "16", "العراقيه"]);
        assert_eq!(words("\"قسد\""), ["\"", "قسد", "\""]);
    }

    #[test]
    fn the_sink_agrees_with_the_loop() {
        let samples = [
            "قُتل ١٨ شخصاً، أمس. الساعة 1:40 و1.5 كلم و2,000 و3/4 و5. 6.. 7:",
            "طائرات F-16 العراقية «داعش» f16x 12abc 4٫5 \n\n سطر",
            "1", "1.", "1.2.3", ".5", "ab", "ا", "", " ", "\n", "x y", "٢٠٢٤/٠٢/٢٩", "9:", "a1b2 3c",
            // a fold longer than its character: the normaliser falls back, tokens still agree
            "Ⱥ", "ȺȺ ب 12.5",
        ];
        for s in samples {
            let f = fold(s);
            assert_eq!(tokenise(&f), tokenise_loop(&f), "{s:?}");
            // and as the normaliser feeds it
            let d = crate::Document::new(s);
            assert_eq!(d.tokens, tokenise_loop(d.folded()), "{s:?}");
        }
    }

    #[test]
    fn lists_clitic_readings() {
        let b = bases("وبالصواريخ");
        assert!(b.contains(&"الصواريخ"));
        assert!(b.contains(&"صواريخ"));
        let b = bases("للتحالف");
        assert!(b.contains(&"تحالف"));
        // a word whose first letter only looks like a clitic keeps its full reading first
        assert_eq!(bases("بلده")[0], "بلده");
        assert!(!bases("في").contains(&"ي"));
    }

    #[test]
    fn clitic_prefix_rule() {
        assert!(is_clitic_prefix("و"));
        assert!(is_clitic_prefix("لل"));
        assert!(is_clitic_prefix(""));
        assert!(!is_clitic_prefix("ت"));
        assert!(is_clitic_prefix("وال"));
        assert!(!is_clitic_prefix("ات"));
    }

    #[test]
    fn char_before_reads_back_what_char_at_reads_forward() {
        let s = "aب😀é\u{0800}z ٢";
        let mut i = s.len();
        let mut back = Vec::new();
        while i > 0 {
            let (c, len) = char_before(s, i);
            assert_eq!(char_at(s, i - len), (c, len));
            back.push(c);
            i -= len;
        }
        back.reverse();
        assert_eq!(back, s.chars().collect::<Vec<_>>());
    }
}
