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
pub fn is_clitic_prefix(p: &str) -> bool {
    p.is_empty()
        || matches!(
            p,
            "و" | "ف" | "ب" | "ل" | "ك" | "وب" | "ول" | "وك" | "فب" | "فل" | "فك" | "لل" | "ولل" | "فلل" | "ال" | "وال" | "فال" | "بال" | "كال" | "وبال" | "فبال" | "وكال"
        )
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

fn is_word_char(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphanumeric())
}

/// Cut folded text into tokens.
pub fn tokenise(folded: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(folded.len() / 5);
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
                // digits, and a separator with a digit after it ("1.5", "1:40")
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
    fn splits_words_numbers_and_punctuation() {
        assert_eq!(words("قُتل ١٨ شخصاً، أمس."), ["قتل", "18", "شخصا", ",", "امس", "."]);
        assert_eq!(words("الساعة 1:40 من فجر"), ["الساعه", "1:40", "من", "فجر"]);
        assert_eq!(words("طائرات F-16 العراقية"), ["طايرات", "f", "-", "16", "العراقيه"]);
        assert_eq!(words("\"قسد\""), ["\"", "قسد", "\""]);
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
}
