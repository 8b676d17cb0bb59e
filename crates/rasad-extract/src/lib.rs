//! Event extraction: the recognise → frame → resolve → merge stages of Rasad.
//!
//! (Being built; the public API below is stable: other crates call it.)

use rasad_model::{Article, Event};

/// Why one article could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("article has no text")]
    EmptyText,
    #[error("lexicon: {0}")]
    Lexicon(String),
}

/// Loaded lexicons and gazetteer; build once, share across threads (`Send + Sync`).
pub struct Extractor {}

impl Extractor {
    /// Load the built-in lexicons and gazetteer.
    pub fn new() -> Result<Extractor, ExtractError> {
        Ok(Extractor {})
    }

    /// Extract the events of one article.
    pub fn extract(&self, article: &Article) -> Result<Vec<Event>, ExtractError> {
        if article.text.trim().is_empty() {
            return Err(ExtractError::EmptyText);
        }
        Ok(Vec::new())
    }
}
