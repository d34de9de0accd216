//! Medians and ratios. Ratios are computed from medians over rounds
//! (never from single runs or absolute times); the paired ratio (the
//! median of per-round ratios, both runs from the same interleaved round)
//! is reported beside it as a check on drift.

/// The `q` quantile (0..=1) of `xs` by linear interpolation; NaN if empty.
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

pub fn median(xs: &[f64]) -> f64 {
    quantile(xs, 0.5)
}

pub fn to_f64(xs: &[u64]) -> Vec<f64> {
    xs.iter().map(|&x| x as f64).collect()
}

/// Per-round ratios `a[i] / b[i]` (rounds paired by index).
pub fn paired_ratios(a: &[u64], b: &[u64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .filter(|&(_, &y)| y > 0)
        .map(|(&x, &y)| x as f64 / y as f64)
        .collect()
}

/// Summary of one column.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Median elapsed ns per round.
    pub median_ns: f64,
    /// Median ns per unit (round trip, datagram, MiB).
    pub per_unit_ns: f64,
    /// Median / baseline median (NaN without a baseline).
    pub ratio: f64,
    /// Median of per-round ratios against the baseline, with its
    /// 25th and 75th percentiles.
    pub paired: f64,
    pub paired_p25: f64,
    pub paired_p75: f64,
}

pub fn summarize(samples: &[u64], baseline: Option<&[u64]>, units_per_round: u64) -> Summary {
    let median_ns = median(&to_f64(samples));
    let (ratio, paired, p25, p75) = match baseline {
        Some(b) if !b.is_empty() && !samples.is_empty() => {
            let r = paired_ratios(samples, b);
            (
                median_ns / median(&to_f64(b)),
                median(&r),
                quantile(&r, 0.25),
                quantile(&r, 0.75),
            )
        }
        _ => (f64::NAN, f64::NAN, f64::NAN, f64::NAN),
    };
    Summary {
        median_ns,
        per_unit_ns: median_ns / units_per_round.max(1) as f64,
        ratio,
        paired,
        paired_p25: p25,
        paired_p75: p75,
    }
}
