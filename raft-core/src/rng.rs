//! A tiny seeded pseudo-random generator (SplitMix64) for election jitter.
//!
//! The core has no global randomness: every draw comes from this generator,
//! seeded from `Config::seed`, so a run is a pure function of its seeds.

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit output per call.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in the inclusive range `[lo, hi]` (returns `lo` if `hi < lo`).
    pub(crate) fn range_inclusive(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        lo + self.next_u64() % span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_stays_in_range() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
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
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
