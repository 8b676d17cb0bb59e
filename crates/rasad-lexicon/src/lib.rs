//! Rasad's lexicons: data files in `data/lexicon/`, validated at load, compiled into one
//! Aho–Corasick automaton (the *recognise* stage's dictionary).
//!
//! Every table is a UTF-8 TSV file: `#` starts a comment line, blank lines are ignored,
//! every other line has exactly the table's columns. Lists inside a cell are `;`-separated.
//! Arabic cells are written naturally (hamzas, ta marbuta); they are folded with
//! [`rasad_text::fold`] at load, the same folding the text gets, so spelling variants
//! that folding already unifies need not be listed.
//!
//! | file | columns | what |
//! |---|---|---|
//! | `actors.tsv` | id, name_en, inter, country, aliases_ar, adjectives_ar, aliases_en | sides of events |
//! | `triggers.tsv` | pattern, class, frame, suffixes | words that report an event, with the ACLED sub-type or a class resolved from context |
//! | `weapons.tsv` | pattern, weapon_en, class, suffixes | weapons and means, which decide sub-types |
//! | `time.tsv` | pattern, kind, value | months (Gregorian, Levantine, Hijri), weekdays, relative days, ordinals, parts of day |
//! | `numbers.tsv` | pattern, value, kind | number words (cardinals, vague amounts) |
//! | `persons.tsv` | pattern, class, count | nouns for people (victims, fighters), with grammatical number |
//! | `cues.tsv` | pattern, cue, suffixes | words that change an event's reading (background, negation, generic, hypothetical, claim, intervention, target, agent markers) |
//!
//! The files are embedded in the binary (`include_str!`) so Rasad runs on a fresh
//! machine; [`Lexicon::from_dir`] loads an edited copy for development.
//! A bad line fails the load with `file:line: what is wrong`.

mod matcher;
mod tables;

pub use matcher::{Hit, Match, Matcher};
pub use tables::*;

use std::path::Path;

/// What went wrong while loading a lexicon file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}:{line}: {message}")]
    Invalid { file: String, line: usize, message: String },
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("building the matcher: {0}")]
    Automaton(String),
}

/// The embedded copies of `data/lexicon/*.tsv`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("actors.tsv", include_str!("../../../data/lexicon/actors.tsv")),
    ("triggers.tsv", include_str!("../../../data/lexicon/triggers.tsv")),
    ("weapons.tsv", include_str!("../../../data/lexicon/weapons.tsv")),
    ("time.tsv", include_str!("../../../data/lexicon/time.tsv")),
    ("numbers.tsv", include_str!("../../../data/lexicon/numbers.tsv")),
    ("persons.tsv", include_str!("../../../data/lexicon/persons.tsv")),
    ("cues.tsv", include_str!("../../../data/lexicon/cues.tsv")),
];

/// All tables plus the compiled matcher over every pattern.
pub struct Lexicon {
    pub actors: Vec<Actor>,
    pub triggers: Vec<Trigger>,
    pub weapons: Vec<Weapon>,
    pub time: Vec<TimeWord>,
    pub numbers: Vec<NumberWord>,
    pub persons: Vec<Person>,
    pub cues: Vec<Cue>,
    pub matcher: Matcher,
}

impl Lexicon {
    /// The lexicons compiled into the binary.
    pub fn embedded() -> Result<Lexicon, LexiconError> {
        Lexicon::from_sources(|name| {
            EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()).ok_or_else(|| LexiconError::Io {
                file: name.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded"),
            })
        })
    }

    /// Load the tables from a directory holding the same file names.
    pub fn from_dir(dir: &Path) -> Result<Lexicon, LexiconError> {
        Lexicon::from_sources(|name| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|source| LexiconError::Io { file: p.display().to_string(), source })
        })
    }

    fn from_sources(mut read: impl FnMut(&str) -> Result<String, LexiconError>) -> Result<Lexicon, LexiconError> {
        let actors = tables::parse_actors("actors.tsv", &read("actors.tsv")?)?;
        let triggers = tables::parse_triggers("triggers.tsv", &read("triggers.tsv")?)?;
        let weapons = tables::parse_weapons("weapons.tsv", &read("weapons.tsv")?)?;
        let time = tables::parse_time("time.tsv", &read("time.tsv")?)?;
        let numbers = tables::parse_numbers("numbers.tsv", &read("numbers.tsv")?)?;
        let persons = tables::parse_persons("persons.tsv", &read("persons.tsv")?)?;
        let cues = tables::parse_cues("cues.tsv", &read("cues.tsv")?)?;
        let matcher = Matcher::build(&actors, &triggers, &weapons, &time, &numbers, &persons, &cues)?;
        Ok(Lexicon { actors, triggers, weapons, time, numbers, persons, cues, matcher })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicons_load() {
        let lex = Lexicon::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(lex.actors.len() >= 700, "actors: {}", lex.actors.len());
        assert!(lex.triggers.len() >= 150, "triggers: {}", lex.triggers.len());
        assert!(!lex.weapons.is_empty() && !lex.time.is_empty() && !lex.numbers.is_empty());
    }
}
