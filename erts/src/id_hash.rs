//! A fast hasher for maps keyed by runtime-generated integers (pid numbers, table ids,
//! reference numbers): one multiplication instead of SipHash. Those keys are not chosen by
//! programs, so there is no hash-flooding concern.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes integer keys by a multiplication (Fibonacci hashing).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Not used by integer keys; fold bytes in for completeness.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A `HashMap` with [`IdHasher`].
pub type IdHashMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_consecutive_ids() {
        let mut m: IdHashMap<u64, u64> = IdHashMap::default();
        for i in 0..10_000u64 {
            m.insert(i * 64, i);
        }
        assert_eq!(m.len(), 10_000);
        assert!((0..10_000u64).all(|i| m.get(&(i * 64)) == Some(&i)));
        let h = |n: u64| {
            let mut x = IdHasher::default();
            x.write_u64(n);
            x.finish()
        };
        // Neighbouring ids land far apart in the top bits hashbrown uses.
        assert_ne!(h(64) >> 57, h(128) >> 57);
    }
}
