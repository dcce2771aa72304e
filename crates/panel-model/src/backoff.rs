//! Reconnect delays: exponential from a base, capped, with a deterministic jitter so that a thousand
//! panels dropped by one server restart do not come back in the same millisecond.

/// Delays for the n-th consecutive failure of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry's delay, ms.
    pub base_ms: u32,
    /// No delay is longer, ms.
    pub max_ms: u32,
    /// Add up to a quarter of each delay, derived from the seed.
    pub jitter: bool,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_ms: 500,
            max_ms: 30_000,
            jitter: true,
        }
    }
}

impl Backoff {
    /// The delay before retry number `failures` (1 = the first failure): `base · 2^(failures-1)`, capped at
    /// `max`, plus (with `jitter`) up to a quarter of it derived from `seed`, e.g. the time; never above `max`.
    pub fn delay_ms(&self, failures: u32, seed: u64) -> u32 {
        let exp = failures.saturating_sub(1).min(16);
        let plain = u64::from(self.base_ms)
            .saturating_mul(1 << exp)
            .min(u64::from(self.max_ms));
        let jitter = match plain / 4 {
            0 => 0,
            _ if !self.jitter => 0,
            quarter => seed % quarter,
        };
        (plain + jitter).min(u64::from(self.max_ms)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn doubles_from_the_base_and_stops_at_the_cap() {
        let b = Backoff {
            base_ms: 500,
            max_ms: 30_000,
            jitter: false,
        };
        let plain: Vec<u32> = (1..=9).map(|n| b.delay_ms(n, 0)).collect();
        assert_eq!(
            plain,
            [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(b.delay_ms(0, 0), 500, "0 counts as the first");
        assert_eq!(b.delay_ms(u32::MAX, 0), 30_000);
    }

    #[test]
    fn jitter_adds_at_most_a_quarter_and_never_passes_the_cap() {
        let b = Backoff::default();
        for seed in [0, 1, 77, 124, 125, 9_999_999] {
            let d = b.delay_ms(1, seed);
            assert!((500..625).contains(&d), "{d}");
            assert!(b.delay_ms(20, seed) <= 30_000);
        }
        assert_ne!(
            b.delay_ms(3, 17),
            b.delay_ms(3, 18),
            "the seed spreads them"
        );
    }
}
