//! The world's one source of randomness: raft-core's SplitMix64 generator
//! (`raft_core::rng`), seeded from the scenario, so a run is a pure function of
//! (scenario, seed) and gives the same numbers natively and in WebAssembly.
//! This adds what the world draws: unbiased ranges and percent chances.

pub use raft_core::rng::mix;
use raft_core::rng::SplitMix64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    gen: SplitMix64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { gen: SplitMix64::new(seed) }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.gen.next_u64()
    }

    /// Uniform in `lo..=hi` (inclusive). `hi < lo` is treated as `lo`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        if span == 0 {
            // lo..=hi covers every u64.
            return self.next_u64();
        }
        // Rejection sampling removes modulo bias.
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let x = self.next_u64();
            if x < zone {
                return lo + x % span;
            }
        }
    }

    /// True with probability `percent`/100. The percentage is turned into parts
    /// per million once, so the decision is integer-only.
    pub fn chance(&mut self, percent: f64) -> bool {
        let ppm = percent_to_ppm(percent);
        if ppm == 0 {
            return false;
        }
        if ppm >= 1_000_000 {
            return true;
        }
        self.range(0, 999_999) < ppm
    }
}

/// 0.0..=100.0 percent → 0..=1_000_000 parts per million (rounded; NaN → 0).
pub fn percent_to_ppm(percent: f64) -> u64 {
    // Written so that NaN also lands here.
    if percent.is_nan() || percent <= 0.0 {
        return 0;
    }
    if percent >= 100.0 {
        return 1_000_000;
    }
    (percent * 10_000.0 + 0.5) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_ranges_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let xs: alloc::vec::Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: alloc::vec::Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        let zs: alloc::vec::Vec<u64> = (0..100).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        let mut seen = [false; 11];
        for _ in 0..2000 {
            let v = a.range(10, 20);
            assert!((10..=20).contains(&v));
            seen[(v - 10) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s), "every value of a small range appears");
    }

    #[test]
    fn chance_extremes() {
        let mut r = Rng::new(1);
        assert!((0..1000).all(|_| !r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(100.0)));
        assert_eq!(percent_to_ppm(2.5), 25_000);
    }
}
