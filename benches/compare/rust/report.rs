//! The printed table (markdown), the targets check, and the JSON file.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::probes::ProbeRow;
use super::runner::Column;
use super::stats::{Summary, quantile, summarize, to_f64};
use super::workloads::{Impl, Workload};

/// One workload's results.
pub struct Row {
    pub w: Workload,
    pub cols: Vec<Column>,
}

impl Row {
    pub fn col(&self, imp: Impl) -> Option<&Column> {
        self.cols.iter().find(|c| c.imp == imp && !c.samples.is_empty())
    }

    /// The summary of `imp` against raw C.
    pub fn summary(&self, imp: Impl) -> Option<Summary> {
        let c = self.col(imp)?;
        let base = self.col(Impl::RawC).map(|b| b.samples.as_slice());
        Some(summarize(&c.samples, base, self.w.units_per_round))
    }

    /// Datagrams the sink did not count, over all rounds of `imp`.
    pub fn dropped(&self, imp: Impl) -> u64 {
        self.col(imp)
            .map(|c| c.checks.iter().map(|&k| self.w.expect.saturating_sub(k)).sum())
            .unwrap_or(0)
    }
}

/// Everything one run measured.
pub struct Run {
    pub rows: Vec<Row>,
    pub impls: Vec<Impl>,
    pub missing: HashMap<&'static str, String>,
    pub rounds: usize,
    pub warmup: usize,
    pub file_mib: u64,
    pub probes: Vec<ProbeRow>,
    pub date: String,
    pub host: String,
    pub load_before: String,
    pub load_after: String,
    pub command: String,
}

impl Run {
    pub fn row(&self, name: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.w.name == name)
    }
}

fn unit_label(w: &Workload) -> String {
    format!("µs/{}", w.unit)
}

/// The results table: median time per unit, and the ratio to raw C.
pub fn table(run: &Run) -> String {
    let mut s = String::new();
    let _ = write!(s, "| Workload | per |");
    for imp in &run.impls {
        let _ = write!(s, " {} |", imp.title());
    }
    s.push('\n');
    s.push_str("|---|---|");
    for _ in &run.impls {
        s.push_str("---|");
    }
    s.push('\n');
    let mut notes: Vec<String> = Vec::new();
    for row in &run.rows {
        let _ = write!(s, "| {} | {} |", row.w.name, unit_label(&row.w));
        for &imp in &run.impls {
            let cell = match row.summary(imp) {
                Some(sum) => {
                    let us = sum.per_unit_ns / 1000.0;
                    let mut cell = if imp == Impl::RawC || sum.ratio.is_nan() {
                        format!("{us:.3}")
                    } else {
                        format!("{us:.3} ({:.2}x)", sum.ratio)
                    };
                    if imp == Impl::PyBinding
                        && let Some(floor) = row.summary(Impl::PyCtypes)
                    {
                        // The binding over the ctypes floor, the same run.
                        let _ = write!(cell, " [{:.2}x floor]", sum.per_unit_ns / floor.per_unit_ns);
                    }
                    let d = row.dropped(imp);
                    if d > 0 {
                        cell.push_str(" †");
                        notes.push(format!(
                            "† {} / {}: the sink missed {d} datagrams over {} rounds (sent but dropped)",
                            row.w.name,
                            imp.title(),
                            run.rounds
                        ));
                    }
                    cell
                }
                None => {
                    let why = row
                        .cols
                        .iter()
                        .find(|c| c.imp == imp)
                        .and_then(|c| c.error.clone())
                        .or_else(|| run.missing.get(imp.key()).cloned())
                        .unwrap_or_else(|| "not run".into());
                    if !notes.iter().any(|n| n.ends_with(&why)) {
                        notes.push(format!("n/a {} / {}: {why}", row.w.name, imp.title()));
                    }
                    "n/a".into()
                }
            };
            let _ = write!(s, " {cell} |");
        }
        s.push('\n');
    }
    s.push('\n');
    for row in &run.rows {
        let _ = writeln!(s, "- `{}`: {}", row.w.name, row.w.what);
    }
    if !notes.is_empty() {
        s.push('\n');
        for n in notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    s
}

/// One line of the targets table.
pub struct Target {
    pub measure: String,
    pub target: String,
    pub measured: Option<f64>,
    /// `true` when the measure must be at most the target.
    pub at_most: bool,
    pub goal: f64,
    pub detail: String,
    /// The rows the measure is computed from.
    pub rows: Vec<&'static str>,
}

impl Target {
    pub fn verdict(&self) -> &'static str {
        match self.measured {
            None => "n/a",
            Some(v) if v.is_nan() => "n/a",
            Some(v) if (self.at_most && v <= self.goal) || (!self.at_most && v >= self.goal) => "met",
            Some(_) => "MISSED",
        }
    }
}

/// Ratio of two implementations' medians on one row (`a / b`), with the
/// paired ratio for context.
fn time_ratio(run: &Run, row: &str, a: Impl, b: Impl) -> (Option<f64>, String) {
    let Some(r) = run.row(row) else {
        return (None, format!("{row} not run"));
    };
    match (r.col(a), r.col(b)) {
        (Some(ca), Some(cb)) => {
            let s = summarize(&ca.samples, Some(&cb.samples), r.w.units_per_round);
            (
                Some(s.ratio),
                format!(
                    "{row}: {} / {}; paired per-round ratio {:.3} [p25 {:.3}, p75 {:.3}]",
                    a.title(),
                    b.title(),
                    s.paired,
                    s.paired_p25,
                    s.paired_p75
                ),
            )
        }
        _ => (None, format!("{row}: {} or {} not available", a.title(), b.title())),
    }
}

/// Speed-up of row `fast` over row `slow` for one implementation, per unit.
fn speedup(run: &Run, slow: &str, fast: &str, imp: Impl) -> Option<f64> {
    let s = run.row(slow)?.summary(imp)?;
    let f = run.row(fast)?.summary(imp)?;
    Some(s.per_unit_ns / f.per_unit_ns)
}

/// Speed-up of implementation `fast` on row `fast_row` over `slow` on
/// `slow_row`, per unit.
fn cross_speedup(run: &Run, slow_row: &str, slow: Impl, fast_row: &str, fast: Impl) -> Option<f64> {
    let s = run.row(slow_row)?.summary(slow)?;
    let f = run.row(fast_row)?.summary(fast)?;
    Some(s.per_unit_ns / f.per_unit_ns)
}

fn fmt_opt(v: Option<f64>) -> String {
    match v {
        Some(x) if !x.is_nan() => format!("{x:.2}x"),
        _ => "n/a".into(),
    }
}

pub fn targets(run: &Run) -> Vec<Target> {
    let mut t = Vec::new();
    let mut at_most = |measure: &str, goal: f64, row: &'static str, a: Impl, b: Impl| {
        let (v, detail) = time_ratio(run, row, a, b);
        t.push(Target {
            measure: measure.into(),
            target: format!("<= {goal:.2}x time"),
            measured: v,
            at_most: true,
            goal,
            detail,
            rows: vec![row],
        })
    };
    at_most(
        "Rust TCP ping-pong vs raw C",
        1.02,
        "tcp_pingpong",
        Impl::Wirelane,
        Impl::RawC,
    );
    at_most(
        "Rust UDP send_to vs raw C",
        1.02,
        "udp_send",
        Impl::Wirelane,
        Impl::RawC,
    );
    at_most(
        "Rust UDP send+recv vs raw C",
        1.02,
        "udp_rr",
        Impl::Wirelane,
        Impl::RawC,
    );
    at_most(
        "C ABI TCP ping-pong vs raw C",
        1.03,
        "tcp_pingpong",
        Impl::CAbi,
        Impl::RawC,
    );
    at_most("C ABI UDP send_to vs raw C", 1.03, "udp_send", Impl::CAbi, Impl::RawC);
    at_most(
        "Python binding vs stdlib socket, TCP ping-pong",
        1.3,
        "tcp_pingpong",
        Impl::PyBinding,
        Impl::PyStdlib,
    );
    for (row, what) in [
        ("tcp_pingpong", "TCP ping-pong"),
        ("udp_rr", "UDP send+recv"),
        ("udp_send", "UDP sendto"),
        ("udp_loop", "UDP send loop (memoryview segments)"),
    ] {
        at_most(
            &format!("Python binding vs ctypes floor, {what}"),
            1.10,
            row,
            Impl::PyBinding,
            Impl::PyCtypes,
        );
    }
    at_most(
        "Python binding vs stdlib socket, UDP send+recv",
        1.35,
        "udp_rr",
        Impl::PyBinding,
        Impl::PyStdlib,
    );
    at_most(
        "tokio: wirelane::tokio vs tokio::net, TCP ping-pong (current-thread)",
        1.02,
        "tcp_pingpong",
        Impl::TokioWirelane,
        Impl::TokioNet,
    );
    at_most(
        "tokio: wirelane::tokio vs tokio::net, UDP send+recv (current-thread)",
        1.02,
        "udp_rr",
        Impl::TokioWirelane,
        Impl::TokioNet,
    );
    let mut at_least = |measure: &str, goal: f64, v: Option<f64>, detail: String, rows: [&'static str; 2]| {
        t.push(Target {
            measure: measure.into(),
            target: format!(">= {goal:.1}x"),
            measured: v,
            at_most: false,
            goal,
            detail,
            rows: rows.to_vec(),
        })
    };
    let per_impl = |slow: &str, fast: &str| {
        [Impl::RawC, Impl::Wirelane, Impl::CAbi, Impl::PyBinding, Impl::PyStdlib]
            .iter()
            .map(|&i| format!("{} {}", i.title(), fmt_opt(speedup(run, slow, fast, i))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    at_least(
        "Rust UDP GSO vs per-packet loop, 1200 B (packets/s), receiver GRO on",
        10.0,
        speedup(run, "udp_loop", "udp_gso", Impl::Wirelane),
        per_impl("udp_loop", "udp_gso"),
        ["udp_loop", "udp_gso"],
    );
    at_least(
        "Rust UDP GSO vs per-packet loop, 1200 B (packets/s), receiver GRO off",
        10.0,
        speedup(run, "udp_loop_nogro", "udp_gso_nogro", Impl::Wirelane),
        per_impl("udp_loop_nogro", "udp_gso_nogro"),
        ["udp_loop_nogro", "udp_gso_nogro"],
    );
    let sendfile_imp = if run.row("tcp_sendfile").and_then(|r| r.col(Impl::Wirelane)).is_some() {
        Impl::Wirelane
    } else {
        Impl::RawC
    };
    at_least(
        &format!(
            "sendfile vs read/write copy, {} MiB over loopback ({})",
            run.file_mib,
            sendfile_imp.title()
        ),
        1.2,
        speedup(run, "tcp_copy", "tcp_sendfile", sendfile_imp),
        per_impl("tcp_copy", "tcp_sendfile"),
        ["tcp_copy", "tcp_sendfile"],
    );
    at_least(
        "Python batched UDP (one call per batch) vs stdlib sendto loop (packets/s)",
        3.0,
        cross_speedup(run, "udp_batch", Impl::PyStdlib, "udp_batch", Impl::PyBinding),
        "udp_batch: Python socket (sendto loop) / Python binding (one call per 64)".into(),
        ["udp_batch", "udp_batch"],
    );
    at_least(
        "tokio: send_batch of 64 vs tokio::net send_to loop (datagrams/s)",
        3.0,
        cross_speedup(run, "udp_batch", Impl::TokioNet, "udp_batch", Impl::TokioWirelane),
        "udp_batch: tokio::net (send_to loop) / wirelane::tokio (send_batch of 64)".into(),
        ["udp_batch", "udp_batch"],
    );
    at_least(
        "tokio: GSO vs tokio::net per-packet loop, 1200 B (datagrams/s), receiver GRO on",
        10.0,
        cross_speedup(run, "udp_loop", Impl::TokioNet, "udp_gso", Impl::TokioWirelane),
        "tokio::net on udp_loop / wirelane::tokio on udp_gso".into(),
        ["udp_loop", "udp_gso"],
    );
    t
}

/// The targets whose rows were run (`--only` may leave some out).
fn shown_targets(run: &Run) -> Vec<Target> {
    targets(run)
        .into_iter()
        .filter(|t| t.rows.iter().all(|r| run.row(r).is_some()))
        .collect()
}

pub fn targets_table(run: &Run) -> String {
    let mut s = String::from("| Measure | Target | Measured | Verdict | Detail |\n|---|---|---|---|---|\n");
    for t in shown_targets(run) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            t.measure,
            t.target,
            fmt_opt(t.measured),
            t.verdict(),
            t.detail
        );
    }
    s
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { "null".into() }
}

fn json_list(xs: &[u64]) -> String {
    let v: Vec<String> = xs.iter().map(u64::to_string).collect();
    format!("[{}]", v.join(","))
}

/// The whole run as JSON (samples included).
pub fn json(run: &Run) -> String {
    let mut s = String::from("{\n");
    let _ = writeln!(s, "  \"date\": {},", json_str(&run.date));
    let _ = writeln!(s, "  \"command\": {},", json_str(&run.command));
    let _ = writeln!(s, "  \"host\": {},", json_str(&run.host));
    let _ = writeln!(s, "  \"load_before\": {},", json_str(&run.load_before));
    let _ = writeln!(s, "  \"load_after\": {},", json_str(&run.load_after));
    let _ = writeln!(s, "  \"rounds\": {},", run.rounds);
    let _ = writeln!(s, "  \"warmup_rounds\": {},", run.warmup);
    let _ = writeln!(s, "  \"file_mib\": {},", run.file_mib);
    s.push_str("  \"workloads\": [\n");
    for (i, row) in run.rows.iter().enumerate() {
        let w = &row.w;
        let _ = writeln!(
            s,
            "    {{\"name\": {}, \"client\": {}, \"what\": {}, \"unit\": {}, \"units_per_round\": {}, \"count\": {}, \"size\": {}, \"batch\": {}, \"impls\": {{",
            json_str(w.name),
            json_str(w.client),
            json_str(w.what),
            json_str(w.unit),
            w.units_per_round,
            w.count,
            w.size,
            w.batch
        );
        let cols: Vec<String> = row
            .cols
            .iter()
            .map(|c| {
                let sum = row.summary(c.imp);
                let f = |g: fn(&Summary) -> f64| sum.as_ref().map(g).map(json_num).unwrap_or("null".into());
                format!(
                    "      {}: {{\"samples_ns\": {}, \"checks\": {}, \"dropped\": {}, \"min_ns\": {}, \"p25_ns\": {}, \"median_ns\": {}, \"per_unit_ns\": {}, \"ratio_vs_raw_c\": {}, \"paired_ratio\": {}, \"paired_p25\": {}, \"paired_p75\": {}, \"error\": {}}}",
                    json_str(c.imp.key()),
                    json_list(&c.samples),
                    json_list(&c.checks),
                    row.dropped(c.imp),
                    c.samples.iter().min().map(|&m| m.to_string()).unwrap_or("null".into()),
                    json_num(quantile(&to_f64(&c.samples), 0.25)),
                    f(|x| x.median_ns),
                    f(|x| x.per_unit_ns),
                    f(|x| x.ratio),
                    f(|x| x.paired),
                    f(|x| x.paired_p25),
                    f(|x| x.paired_p75),
                    c.error.as_deref().map(json_str).unwrap_or("null".into())
                )
            })
            .collect();
        s.push_str(&cols.join(",\n"));
        let _ = writeln!(s, "\n    }}}}{}", if i + 1 < run.rows.len() { "," } else { "" });
    }
    s.push_str("  ],\n  \"targets\": [\n");
    let ts = shown_targets(run);
    let tl: Vec<String> = ts
        .iter()
        .map(|t| {
            format!(
                "    {{\"measure\": {}, \"target\": {}, \"measured\": {}, \"verdict\": {}, \"detail\": {}}}",
                json_str(&t.measure),
                json_str(&t.target),
                t.measured.map(json_num).unwrap_or("null".into()),
                json_str(t.verdict()),
                json_str(&t.detail)
            )
        })
        .collect();
    s.push_str(&tl.join(",\n"));
    s.push_str("\n  ],\n  \"per_op\": [\n");
    let sl: Vec<String> = run
        .probes
        .iter()
        .map(|r| {
            let calls: Vec<String> = r
                .syscalls
                .iter()
                .map(|(k, v)| format!("{}: {}", json_str(k), json_num(*v)))
                .collect();
            format!(
                "    {{\"workload\": {}, \"impl\": {}, \"syscalls_per_op\": {{{}}}, \"instructions_per_op\": {}, \"heap_allocations_per_op\": {}}}",
                json_str(r.workload),
                json_str(r.imp.key()),
                calls.join(", "),
                r.instructions.map(json_num).unwrap_or("null".into()),
                r.allocations.map(json_num).unwrap_or("null".into())
            )
        })
        .collect();
    s.push_str(&sl.join(",\n"));
    s.push_str("\n  ]\n}\n");
    s
}
