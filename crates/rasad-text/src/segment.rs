//! Stage 3: sentences.
//!
//! A sentence ends at `.`, `!`, `?` (folded from `؟`), `;` or a line break. A full
//! stop between digits never reaches here (the tokeniser keeps "1.5" one number).
//! Arabic news often runs several clauses with "،" inside one sentence; clause-level
//! decisions are left to the event framer, which sees the tokens.
//!
//! A sentence is at most [`MAX_SENTENCE_TOKENS`] tokens. The framer's clause rules
//! compare the triggers, sides and places of one sentence pairwise; on text with no
//! full stop (a scraped page of one "sentence", an adversarial article of a repeated
//! word) that is quadratic in the article. The longest sentence of the evaluation sets
//! is about 70 words (≈ 90 tokens with punctuation), so a run past the cap is no
//! sentence a reporter wrote: it is closed at its last comma in the second half of the
//! cap, or at the cap itself, which bounds every per-sentence rule by a constant.

use crate::tokenise::{Token, TokenKind};

/// Tokens `start_tok..end_tok` form one sentence; `start`..`end` are folded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start_tok: usize,
    pub end_tok: usize,
    pub start: usize,
    pub end: usize,
    /// Index of the paragraph (line) the sentence belongs to, counting from 0.
    pub paragraph: usize,
}

/// The most tokens one sentence holds (see the module doc).
pub const MAX_SENTENCE_TOKENS: usize = 400;

pub fn segment(folded: &str, tokens: &[Token]) -> Vec<Sentence> {
    // news sentences run to a few dozen tokens: sized once, rarely grown
    let mut out = Vec::with_capacity(tokens.len() / 16 + 1);
    let mut start_tok = 0usize;
    let mut paragraph = 0usize;
    let close = |out: &mut Vec<Sentence>, s: usize, e: usize, para: usize| {
        // skip empty runs and runs of only punctuation/newlines
        let content = tokens[s..e].iter().any(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number));
        if content {
            let first = tokens[s..e].iter().find(|t| t.kind != TokenKind::Newline).unwrap();
            let last = tokens[s..e].iter().rev().find(|t| t.kind != TokenKind::Newline).unwrap();
            out.push(Sentence { start_tok: s, end_tok: e, start: first.start, end: last.end, paragraph: para });
        }
    };
    // the last comma of the running sentence, where an over-long one is cut
    let mut comma: Option<usize> = None;
    for (i, t) in tokens.iter().enumerate() {
        if i - start_tok >= MAX_SENTENCE_TOKENS {
            // tokens start_tok..i are full: end after the comma, or before token i
            let end = comma.map(|c| c + 1).filter(|&e| e - start_tok >= MAX_SENTENCE_TOKENS / 2).unwrap_or(i);
            close(&mut out, start_tok, end, paragraph);
            start_tok = end;
            comma = None;
        }
        match t.kind {
            TokenKind::Newline => {
                close(&mut out, start_tok, i + 1, paragraph);
                start_tok = i + 1;
                if out.last().is_some_and(|s| s.paragraph == paragraph) {
                    paragraph += 1;
                }
            }
            TokenKind::Punct if matches!(&folded[t.start..t.end], "." | "!" | "?" | ";") => {
                close(&mut out, start_tok, i + 1, paragraph);
                start_tok = i + 1;
                comma = None;
            }
            TokenKind::Punct if &folded[t.start..t.end] == "," => comma = Some(i),
            _ => {}
        }
    }
    close(&mut out, start_tok, tokens.len(), paragraph);
    out
}

#[cfg(test)]
mod tests {
    use crate::Document;

    #[test]
    fn splits_at_stops_and_lines() {
        let d = Document::new("قتل شخص. وأصيب آخر؟\nسطر ثان\n\n١.٥ كلم");
        let s: Vec<&str> = d.sentences.iter().map(|s| &d.folded()[s.start..s.end]).collect();
        assert_eq!(s, ["قتل شخص.", "واصيب اخر?", "سطر ثان", "1.5 كلم"]);
        assert_eq!(d.sentences.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [0, 0, 1, 2]);
    }

    #[test]
    fn an_endless_sentence_is_cut_at_a_comma_or_the_cap() {
        use super::MAX_SENTENCE_TOKENS;
        // no full stop at all: cut at the cap, every piece within it, nothing lost
        let text = "قصف ".repeat(MAX_SENTENCE_TOKENS * 3 + 7);
        let d = Document::new(&text);
        assert_eq!(d.sentences.len(), 4);
        assert!(d.sentences.iter().all(|s| s.end_tok - s.start_tok <= MAX_SENTENCE_TOKENS));
        assert_eq!(d.sentences.last().unwrap().end_tok, d.tokens.len());
        assert!(d.sentences.windows(2).all(|w| w[0].end_tok == w[1].start_tok));
        // with commas: cut after the last comma in the second half of the cap
        let clause = format!("{}، ", "قصف ".repeat(99));
        let d = Document::new(&clause.repeat(10));
        let first = &d.sentences[0];
        assert!(d.folded()[first.start..first.end].ends_with(','), "{:?}", &d.folded()[first.end - 20..first.end]);
        // an ordinary sentence is untouched
        assert_eq!(Document::new(&"كلمة ".repeat(150)).sentences.len(), 1);
    }

    #[test]
    fn empty_text_has_no_sentences() {
        assert!(Document::new("").sentences.is_empty());
        assert!(Document::new(" \n . ،").sentences.is_empty());
    }
}
