//! Stage 3: sentences.
//!
//! A sentence ends at `.`, `!`, `?` (folded from `؟`), `;` or a line break. A full
//! stop between digits never reaches here (the tokeniser keeps "1.5" one number).
//! Arabic news often runs several clauses with "،" inside one sentence; clause-level
//! decisions are left to the event framer, which sees the tokens.

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
    for (i, t) in tokens.iter().enumerate() {
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
            }
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
    fn empty_text_has_no_sentences() {
        assert!(Document::new("").sentences.is_empty());
        assert!(Document::new(" \n . ،").sentences.is_empty());
    }
}
