//! A small bounded map whose entries expire, for read-mostly data the store changes
//! only through imports (search results, morpheme families).
//!
//! Why not unbounded or forever: other processes (an import, another Lambda
//! instance) can change the store, so an entry is trusted only for its time to live;
//! and keys come from requests, so the map is cleared when it reaches its capacity
//! instead of growing with whatever clients send.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Entries younger than `ttl`, at most `capacity` of them.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    entries: RwLock<HashMap<K, (V, Instant)>>,
    ttl: Duration,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// An empty cache.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TtlCache {
            entries: RwLock::new(HashMap::new()),
            ttl,
            capacity: capacity.max(1),
        }
    }

    /// The value for `key` if it is still fresh.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|(_, stored)| stored.elapsed() < self.ttl)
            .map(|(value, _)| value.clone())
    }

    /// Remembers `value` for `key` from now on.
    pub fn insert(&self, key: K, value: V) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (value, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_capacity_bounds_the_map() {
        let cache = TtlCache::new(Duration::from_millis(30), 2);
        cache.insert("a", 1);
        cache.insert("b", 2);
        assert_eq!(cache.get("a"), Some(1));
        cache.insert("c", 3);
        assert_eq!(cache.get("a"), None, "cleared at capacity");
        assert_eq!(cache.get("c"), Some(3));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get("c"), None, "expired");
    }
}
