//! A small response cache for `/api/events` and `/api/stats`.
//!
//! Dashboards ask the same few questions over and over (the default view, a governorate,
//! a type), and a filtered count over a large store scans the events table. Answers are
//! kept by exact query string and dropped as soon as anything is committed to the store
//! by anyone (this server's writes, or a `rasad ingest` running beside it): the store's
//! `data_version`, read on a connection kept for that alone, changes on every commit by
//! another connection. So a cached answer is never stale beyond the commit it raced.

use std::collections::HashMap;
use std::sync::Mutex;

/// Most answers kept.
pub const MAX_ENTRIES: usize = 512;
/// Most bytes kept (a 5,000-event GeoJSON page is ~10 MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Answers larger than this are never kept.
pub const MAX_ENTRY_BYTES: usize = 16 * 1024 * 1024;

/// One cached answer: body bytes and its content type.
#[derive(Clone)]
pub struct Entry {
    pub body: axum::body::Bytes,
    pub content_type: &'static str,
}

#[derive(Default)]
struct Inner {
    version: Option<i64>,
    map: HashMap<String, (Entry, u64)>,
    bytes: usize,
    tick: u64,
}

#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer for `key` if it was stored at `version`; a new version empties the cache.
    pub fn get(&self, key: &str, version: i64) -> Option<Entry> {
        let mut g = self.lock();
        if g.version != Some(version) {
            g.map.clear();
            g.bytes = 0;
            g.version = Some(version);
            return None;
        }
        g.tick += 1;
        let tick = g.tick;
        g.map.get_mut(key).map(|(e, used)| {
            *used = tick;
            e.clone()
        })
    }

    /// Keep `e` for `key`, computed at `version` (ignored if the store moved on meanwhile).
    pub fn put(&self, key: String, version: i64, e: Entry) {
        let size = e.body.len() + key.len();
        if size > MAX_ENTRY_BYTES {
            return;
        }
        let mut g = self.lock();
        if g.version != Some(version) {
            return;
        }
        while !g.map.is_empty() && (g.map.len() >= MAX_ENTRIES || g.bytes + size > MAX_BYTES) {
            // Least recently used goes first; a linear scan is fine at this size.
            let oldest = g
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                if let Some((old, _)) = g.map.remove(&k) {
                    g.bytes -= old.body.len() + k.len();
                }
            }
        }
        g.tick += 1;
        let tick = g.tick;
        if let Some((old, _)) = g.map.insert(key.clone(), (e, tick)) {
            g.bytes -= old.body.len() + key.len();
        }
        g.bytes += size;
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: usize) -> Entry {
        Entry {
            body: vec![b'x'; n].into(),
            content_type: "application/json",
        }
    }

    #[test]
    fn hits_only_at_the_same_version() {
        let c = Cache::default();
        assert!(c.get("a", 1).is_none());
        c.put("a".into(), 1, e(3));
        assert_eq!(c.get("a", 1).unwrap().body.len(), 3);
        assert!(c.get("a", 2).is_none(), "a commit must invalidate");
        assert!(c.is_empty());
        // An answer computed before the commit is not kept after it.
        c.put("b".into(), 1, e(3));
        assert!(c.get("b", 2).is_none());
    }

    #[test]
    fn stays_within_its_bounds_dropping_the_least_recently_used() {
        let c = Cache::default();
        c.get("", 7);
        for i in 0..MAX_ENTRIES + 10 {
            c.put(format!("k{i}"), 7, e(10));
            if i == 0 {
                continue;
            }
            c.get("k0", 7); // keep k0 hot
        }
        assert_eq!(c.len(), MAX_ENTRIES);
        assert!(c.get("k0", 7).is_some());
        assert!(c.get("k1", 7).is_none());
        c.put("big".into(), 7, e(MAX_ENTRY_BYTES + 1));
        assert!(c.get("big", 7).is_none());
        for i in 0..5 {
            c.put(format!("m{i}"), 7, e(MAX_BYTES / 4));
        }
        let g = c.lock();
        assert!(g.bytes <= MAX_BYTES);
    }
}
