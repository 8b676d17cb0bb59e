//! A bounded cache of stored mentions, parsed, for the merge step.
//!
//! Why: every batch re-reads the first reports of each event its new mentions could
//! join, and parsing a mention's JSON (spans, field confidences) cost more than anything
//! else the write path did. Mentions never change once stored (only the event they belong
//! to, which is not cached), so a parsed copy stays true; rows rolled back with a failed
//! transaction are the one hazard, and the write path clears the cache on any error.
//!
//! Two generations instead of an LRU list: lookups promote into the young generation;
//! when it is full the old one is dropped and the young one takes its place. Memory is
//! bounded by twice the generation size whatever the store holds.

use std::collections::HashMap;
use std::sync::Arc;

use rasad_merge::{Features, Mention};

/// A stored mention as merging needs it.
pub(crate) struct Cached {
    pub mention: Mention,
    pub features: Features,
    /// The mention's merge key (`None` without a day range: it is in no window).
    pub key: Option<MergeKey>,
}

/// The columns the merge's candidate search reads: event type, admin1 (folded, '' when
/// unknown), whether the date is coarser than a day, and the day range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MergeKey {
    pub event_type: String,
    pub admin1: String,
    pub coarse: bool,
    pub days: (i64, i64),
}

/// Parsed stored mentions by row.
pub(crate) type MentionCache = Generations<i64, Arc<Cached>>;

/// What the merge's candidate search needs of a stored event: its number of reports and
/// its first [`crate::remerge::BIG_EVENT`] mention rows in canonical order. Read from the
/// database once and kept between batches (two index reads per candidate event per
/// mention were most of the candidate search); the write path drops an event's head
/// whenever it rewrites, moves or deletes the event.
pub(crate) struct Head {
    pub size: usize,
    pub members: Vec<i64>,
}

/// Event heads by event uid.
pub(crate) type HeadCache = Generations<String, Arc<Head>>;

/// A bounded map: two generations instead of an LRU list (see the module doc).
pub(crate) struct Generations<K, V> {
    young: HashMap<K, V>,
    old: HashMap<K, V>,
    generation: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Generations<K, V> {
    /// `generation` entries per generation (at most twice that held).
    pub fn new(generation: usize) -> Self {
        Generations {
            young: HashMap::new(),
            old: HashMap::new(),
            generation: generation.max(1),
        }
    }

    pub fn get<Q>(&mut self, k: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if let Some(c) = self.young.get(k) {
            return Some(c.clone());
        }
        let (k, c) = self.old.remove_entry(k)?;
        self.insert(k, c.clone());
        Some(c)
    }

    pub fn insert(&mut self, k: K, c: V) {
        if self.young.len() >= self.generation {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(k, c);
    }

    /// Forget `k` (its value changed in the database).
    pub fn remove<Q>(&mut self, k: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.young.remove(k);
        self.old.remove(k);
    }

    pub fn clear(&mut self) {
        self.young.clear();
        self.old.clear();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u32) -> Arc<Cached> {
        let mention = Mention {
            article_id: format!("a{i}"),
            index: i,
            event: Default::default(),
        };
        let features = Features::of(&mention);
        Arc::new(Cached {
            mention,
            features,
            key: None,
        })
    }

    #[test]
    fn bounded_and_keeps_what_is_used() {
        let mut c = MentionCache::new(4);
        for i in 0..100 {
            c.insert(i, entry(i as u32));
            // Row 0 is read all the time: it survives every generation change.
            assert!(c.get(&0).is_some(), "row 0 evicted at {i}");
            assert!(c.len() <= 8);
        }
        assert!(c.get(&1).is_none(), "an unused early row is gone");
        assert_eq!(c.get(&99).unwrap().mention.article_id, "a99");
        c.remove(&99);
        assert!(c.get(&99).is_none(), "removed");
        c.clear();
        assert!(c.get(&0).is_none());
    }
}
