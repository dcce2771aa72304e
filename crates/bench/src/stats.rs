//! Percentiles of one run and the spread of a number over several runs (pure).

/// Latency percentiles of one run, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Percentiles {
    pub(crate) count: usize,
    pub(crate) p50: f64,
    pub(crate) p90: f64,
    pub(crate) p99: f64,
    pub(crate) max: f64,
}

impl Percentiles {
    /// Percentiles of `samples` (any order; sorted in place). All zero when empty.
    pub(crate) fn of(samples: &mut [u64]) -> Percentiles {
        samples.sort_unstable();
        Percentiles {
            count: samples.len(),
            p50: percentile(samples, 50.0) as f64,
            p90: percentile(samples, 90.0) as f64,
            p99: percentile(samples, 99.0) as f64,
            max: samples.last().copied().unwrap_or(0) as f64,
        }
    }
}

/// The nearest-rank percentile `q` (0–100] of ascending `sorted`: the smallest sample with at least `q` % of
/// the samples at or below it. 0 when empty.
pub(crate) fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The arithmetic mean (0 when empty).
pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// One number measured over several runs: its median and range.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Spread {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) runs: usize,
}

impl Spread {
    /// Median, min and max of `values` (NaNs dropped). All zero when empty.
    pub(crate) fn of(values: &[f64]) -> Spread {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return Spread::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Spread {
            median,
            min: v[0],
            max: v[n - 1],
            runs: n,
        }
    }

    /// The spread of `f` over `items`.
    pub(crate) fn over<T>(items: &[T], f: impl Fn(&T) -> f64) -> Spread {
        Spread::of(&items.iter().map(f).collect::<Vec<_>>())
    }
}

/// `a / b`, or NaN when `b` is zero (a ratio that cannot be formed is shown as "–").
pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        f64::NAN
    } else {
        a / b
    }
}

/// A ratio per run (`a[i] / b[i]`), then its spread: the control is taken from the same run.
pub(crate) fn ratio_spread(pairs: &[(f64, f64)]) -> Spread {
    Spread::of(&pairs.iter().map(|&(a, b)| ratio(a, b)).collect::<Vec<_>>())
}

/// Least-squares slope of `y` over `x` (0 with fewer than two distinct x).
pub(crate) fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return 0.0;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 {
        0.0
    } else {
        sxy / sxx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 50.0), 50);
        assert_eq!(percentile(&sorted, 90.0), 90);
        assert_eq!(percentile(&sorted, 99.0), 99);
        assert_eq!(percentile(&sorted, 100.0), 100);
        assert_eq!(percentile(&sorted, 0.0), 1);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
        // Ten samples: p99 is the largest, p90 the ninth.
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!((percentile(&ten, 90.0), percentile(&ten, 99.0)), (9, 10));
    }

    #[test]
    fn percentiles_sort_their_input() {
        let mut s = vec![5, 1, 4, 2, 3];
        let p = Percentiles::of(&mut s);
        assert_eq!(s, vec![1, 2, 3, 4, 5]);
        assert_eq!((p.count, p.p50, p.p99, p.max), (5, 3.0, 5.0, 5.0));
        assert_eq!(Percentiles::of(&mut []), Percentiles::default());
    }

    #[test]
    fn spread_is_median_and_range() {
        let s = Spread::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max, s.runs), (2.0, 1.0, 3.0, 3));
        let s = Spread::of(&[4.0, 1.0, 2.0, 3.0]);
        assert_eq!(s.median, 2.5);
        let s = Spread::of(&[f64::NAN, 5.0]);
        assert_eq!((s.median, s.runs), (5.0, 1));
        assert_eq!(Spread::of(&[]), Spread::default());
        assert_eq!(Spread::over(&[(1, 10.0), (2, 30.0)], |p| p.1).median, 20.0);
    }

    #[test]
    fn ratios_per_run() {
        let s = ratio_spread(&[(2.0, 1.0), (6.0, 2.0), (5.0, 0.0)]);
        assert_eq!((s.median, s.min, s.max, s.runs), (2.5, 2.0, 3.0, 2));
        assert!(ratio(1.0, 0.0).is_nan());
    }

    #[test]
    fn slope_of_a_line() {
        let pts: Vec<(f64, f64)> = (0..10).map(|x| (x as f64, 3.0 * x as f64 + 1.0)).collect();
        assert!((slope(&pts) - 3.0).abs() < 1e-9);
        assert_eq!(slope(&[(1.0, 2.0)]), 0.0);
        assert_eq!(slope(&[(1.0, 2.0), (1.0, 5.0)]), 0.0);
        assert!((mean(&[1.0, 2.0, 6.0]) - 3.0).abs() < 1e-9);
    }
}
