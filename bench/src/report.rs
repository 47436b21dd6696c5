//! One row per server and workload, and the table they make.

use std::fmt::Write as _;

use crate::codec::ServerKind;
use crate::server::Usage;

/// Percentiles of a set of delays, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Delays {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Delays {
    /// From delays in microseconds (sorted in place).
    pub fn from_micros(samples: &mut [u32]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
            f64::from(samples[i]) / 1000.0
        };
        Some(Self {
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        })
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The generator's core was saturated: the figures measure the
    /// generator, so they are not reported.
    Saturated(String),
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct Row {
    pub server: ServerKind,
    pub workload: String,
    pub delays: Option<Delays>,
    pub deliveries_per_sec: Option<f64>,
    pub usage: Usage,
    /// Size of the data directory at the end.
    pub disk: u64,
    /// What this workload measures besides the common figures.
    pub result: String,
    pub generator_cpu: f64,
    pub outcome: Outcome,
}

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// The table, as Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| server | workload | p50 ms | p95 ms | p99 ms | max ms | deliveries/s | server CPU s | RSS MiB | peak RSS MiB | written MiB | data MiB | gen CPU | result | status |\n");
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for r in rows {
        let shown = !matches!(r.outcome, Outcome::Saturated(_));
        let d = |f: fn(&Delays) -> f64| match (&r.delays, shown) {
            (Some(d), true) => format!("{:.1}", f(d)),
            _ => "–".into(),
        };
        let status = match &r.outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Saturated(why) => format!("NOT REPORTED: generator saturated ({why})"),
            Outcome::Failed(why) => format!("FAILED: {why}"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} | {} | {} | {:.0}% | {} | {} |",
            r.server.name(),
            r.workload,
            d(|d| d.p50),
            d(|d| d.p95),
            d(|d| d.p99),
            d(|d| d.max),
            match (r.deliveries_per_sec, shown) {
                (Some(v), true) => format!("{v:.0}"),
                _ => "–".into(),
            },
            r.usage.cpu_secs,
            mib(r.usage.rss),
            mib(r.usage.peak_rss),
            mib(r.usage.write_bytes),
            mib(r.disk),
            r.generator_cpu * 100.0,
            if shown { r.result.as_str() } else { "–" },
            status,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let mut s: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        let d = Delays::from_micros(&mut s).expect("samples");
        assert_eq!((d.p50, d.p95, d.p99, d.max), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(Delays::from_micros(&mut []), None);
    }
}
