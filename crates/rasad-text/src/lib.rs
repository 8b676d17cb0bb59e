//! The Arabic text layer of Rasad: the first two stages of the pipeline.
//!
//! 1. [`normalise`] folds the original text through a chain of character filters
//!    (diacritics, tatweel, letter variants, digits, punctuation, invisible controls,
//!    case), in the manner of tantivy's tokenizer/filter chains. Filters only ever
//!    *replace* or *delete* a character, never insert, so every folded character has
//!    exactly one original character and the offset map is a plain array.
//! 2. [`tokenise`] cuts the folded text into word, number and punctuation tokens and
//!    lists each word's clitic analyses (و ف ب ل ك + ال).
//! 3. [`segment`] groups tokens into sentences.
//!
//! [`Document`] bundles the three so later stages (recognise, frame, resolve) work on
//! folded text and report spans in original character offsets.

pub mod normalise;
pub mod segment;
pub mod tokenise;

pub use normalise::{fold, Normalised};
pub use segment::Sentence;
pub use tokenise::{Token, TokenKind};

use rasad_model::Span;

/// Bytes of folded text per entry of [`Document`]'s token index.
const BLOCK: usize = 32;

/// An article's text after normalisation, tokenisation and segmentation.
#[derive(Debug, Clone)]
pub struct Document {
    pub norm: Normalised,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// `blocks[k]`: the index of the first token that ends after folded byte `BLOCK * k`.
    /// The framer asks "how many tokens between" hundreds of times per article; a jump
    /// into the right block and a few steps answer without a binary search.
    blocks: Vec<u32>,
}

impl Document {
    pub fn new(original: &str) -> Document {
        // the tokeniser reads each character as the normaliser writes it
        let mut sink = tokenise::TokenSink::with_capacity(original.len());
        let (norm, fed) = normalise::normalise_feeding(original, &mut sink);
        let tokens = if fed { sink.finish(norm.folded.len()) } else { tokenise::tokenise(&norm.folded) };
        let sentences = segment::segment(&norm.folded, &tokens);
        let mut blocks = Vec::with_capacity(norm.folded.len() / BLOCK + 1);
        let mut k = 0usize;
        for b in (0..=norm.folded.len()).step_by(BLOCK) {
            while k < tokens.len() && tokens[k].end <= b {
                k += 1;
            }
            blocks.push(k as u32);
        }
        Document { norm, tokens, sentences, blocks }
    }

    /// The folded text.
#[inline]
    pub fn folded(&self) -> &str {
        &self.norm.folded
    }

    /// Original character span of a folded byte range.
#[inline]
    pub fn span(&self, fb_start: usize, fb_end: usize) -> Span {
        self.norm.to_original(fb_start, fb_end)
    }

    /// The text of an original character span, sliced from `original` (the text this
    /// document was built from) without counting characters.
#[inline]
    pub fn original<'a>(&self, original: &'a str, span: Span) -> &'a str {
        self.norm.original_slice(original, span)
    }

    /// Original character span of tokens `i..j` (exclusive).
#[inline]
    pub fn token_span(&self, i: usize, j: usize) -> Span {
        let j = j.max(i + 1).min(self.tokens.len());
        if i >= j {
            return Span(0, 0);
        }
        self.span(self.tokens[i].start, self.tokens[j - 1].end)
    }

    /// The index of the token that contains folded byte `fb`, or the next one after it.
#[inline]
    pub fn token_at(&self, fb: usize) -> usize {
        let Some(&k) = self.blocks.get(fb / BLOCK) else { return self.tokens.len() };
        let mut k = k as usize;
        while k < self.tokens.len() && self.tokens[k].end <= fb {
            k += 1;
        }
        k
    }

    /// The sentence index holding token `i`.
#[inline]
    pub fn sentence_of(&self, i: usize) -> usize {
        self.sentences.partition_point(|s| s.end_tok <= i).min(self.sentences.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_at_agrees_with_a_search_of_the_tokens() {
        for text in ["قُتل ١٨ شخصاً،  أمس.\nفي «دير الزور»", "", "  ", "x"] {
            let d = Document::new(text);
            for fb in 0..d.folded().len() + 3 {
                assert_eq!(d.token_at(fb), d.tokens.partition_point(|t| t.end <= fb), "{text:?} byte {fb}");
            }
        }
    }
}
