//! SplitMix64 (Steele, Lea, Flood 2014): the project's one seeded
//! pseudo-random generator. The core draws election jitter from it; raft-sim
//! builds its world generator on it; the randomized tests use it to draw
//! faults. Tiny, fast, well mixed, and only u64 arithmetic, so it gives the
//! same numbers natively and in WebAssembly. Not for cryptography.
//!
//! The core has no global randomness: every draw comes from a `SplitMix64`
//! seeded from `Config::seed`, so a run is a pure function of its seeds.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 well-mixed bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// In the inclusive range `[lo, hi]` (returns `lo` if `hi < lo`), by a
    /// plain modulo: slightly biased towards the low end when the span does not
    /// divide 2^64, which is harmless for election jitter (spans of a few
    /// hundred milliseconds: a bias of about 1 in 10^16). raft-sim's world
    /// generator removes the bias by rejection instead.
    pub fn range_inclusive(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        lo + self.next_u64() % span
    }
}

/// The SplitMix64 output function. Also a good way to derive independent
/// seeds from one seed (e.g. one per node and incarnation).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_stays_in_range() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let mut seen_lo = false;
        let mut seen_hi = false;
        for _ in 0..10_000 {
            let x = a.range_inclusive(150, 300);
            assert_eq!(x, b.range_inclusive(150, 300));
            assert!((150..=300).contains(&x));
            seen_lo |= x == 150;
            seen_hi |= x == 300;
        }
        assert!(seen_lo && seen_hi, "both ends of the inclusive range are reachable");
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }

    #[test]
    fn matches_the_published_splitmix64_sequence() {
        // Reference values of SplitMix64 seeded with 0 (as in Vigna's splitmix64.c).
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
