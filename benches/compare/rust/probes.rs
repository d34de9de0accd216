//! Exact counts that do not depend on a noisy machine: syscalls per
//! operation (`strace -f -c`), user-space instructions per operation
//! (`valgrind --tool=callgrind`) and heap allocations per operation
//! (valgrind memcheck's "total heap usage", for the clients that allocate
//! through `malloc`: raw C, Rust and the C ABI; Python's object allocator
//! sits in between, so its count would say nothing about the library).
//!
//! Each client runs one round of `LOW` operations and, separately, one of
//! `HIGH`; the difference divided by `HIGH - LOW` is the cost of one
//! operation, with start-up, set-up and the sink handshake cancelled out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::runner::{Launch, Worker};
use super::workloads::{Impl, Workload};

const LOW: u64 = 50;
const HIGH: u64 = 250;

/// The workloads probed, and what one operation (one `count` step) is.
pub fn op_name(w: &Workload) -> Option<&'static str> {
    Some(match w.name {
        "tcp_pingpong" | "udp_rr" => "round trip",
        "udp_send" => "datagram",
        "udp_batch" => "batch of 64 datagrams",
        "udp_loop" => "48 datagrams (loop)",
        "udp_gso" => "48 datagrams (one GSO send)",
        _ => return None,
    })
}

/// One client's per-operation counts for one workload.
#[derive(Debug, Clone)]
pub struct ProbeRow {
    pub workload: &'static str,
    pub imp: Impl,
    /// Syscalls per operation, by name (only those that scale with the
    /// operation count).
    pub syscalls: Vec<(String, f64)>,
    /// User-space instructions per operation (callgrind `Ir`).
    pub instructions: Option<f64>,
    /// `malloc`-family allocations per operation (memcheck).
    pub allocations: Option<f64>,
}

/// Runs one round of `count` operations with `prefix` in front of the
/// client command (strace or valgrind).
fn one_round(prefix: &[String], l: &Launch<'_>, w: &Workload, count: u64, port: u16) -> io::Result<()> {
    let mut cmd: Vec<String> = prefix.to_vec();
    cmd.extend(l.command.iter().cloned());
    let args: Vec<String> = vec![
        w.client.into(),
        "127.0.0.1".into(),
        port.to_string(),
        count.to_string(),
        w.size.to_string(),
        w.batch.to_string(),
        "-".into(),
    ];
    let mut worker = Worker::start(&cmd, l.env, &args)?;
    worker.round()?;
    worker.finish()
}

/// Parses `strace -c` output into calls per syscall.
fn parse_strace(summary: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in summary.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 5 || f[0].starts_with('-') || f[0] == "%" {
            continue;
        }
        let name = f[f.len() - 1];
        if name == "total" {
            continue;
        }
        if let Ok(calls) = f[3].parse::<u64>() {
            out.insert(name.to_string(), calls);
        }
    }
    out
}

fn strace_counts(l: &Launch<'_>, w: &Workload, count: u64, port: u16, dir: &Path) -> io::Result<BTreeMap<String, u64>> {
    let out = dir.join(format!("strace-{}-{}-{count}.txt", w.name, l.imp.key()));
    let _ = fs::remove_file(&out);
    let prefix: Vec<String> = vec![
        "strace".into(),
        "-f".into(),
        "-c".into(),
        "-o".into(),
        out.display().to_string(),
    ];
    one_round(&prefix, l, w, count, port)?;
    Ok(parse_strace(&fs::read_to_string(&out)?))
}

fn callgrind_instructions(l: &Launch<'_>, w: &Workload, count: u64, port: u16, dir: &Path) -> io::Result<u64> {
    let log = dir.join(format!("callgrind-{}-{}-{count}.log", w.name, l.imp.key()));
    let prefix: Vec<String> = vec![
        "valgrind".into(),
        "--tool=callgrind".into(),
        format!("--callgrind-out-file={}", dir.join("callgrind.out").display()),
        format!("--log-file={}", log.display()),
    ];
    one_round(&prefix, l, w, count, port)?;
    let text = fs::read_to_string(&log)?;
    text.lines()
        .find_map(|l| l.split_once("Collected :").and_then(|(_, n)| n.trim().parse().ok()))
        .ok_or_else(|| io::Error::other(format!("no instruction count in {}", log.display())))
}

/// Heap allocations of one run, from memcheck's summary line
/// "total heap usage: N allocs, M frees, B bytes allocated".
fn memcheck_allocations(l: &Launch<'_>, w: &Workload, count: u64, port: u16, dir: &Path) -> io::Result<u64> {
    let log = dir.join(format!("memcheck-{}-{}-{count}.log", w.name, l.imp.key()));
    let prefix: Vec<String> = vec![
        "valgrind".into(),
        "--tool=memcheck".into(),
        "--leak-check=no".into(),
        format!("--log-file={}", log.display()),
    ];
    one_round(&prefix, l, w, count, port)?;
    let text = fs::read_to_string(&log)?;
    text.lines()
        .find_map(|l| {
            let rest = l.split_once("total heap usage:")?.1;
            rest.split_whitespace().next()?.replace(',', "").parse().ok()
        })
        .ok_or_else(|| io::Error::other(format!("no heap summary in {}", log.display())))
}

/// Which exact counts to take.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub strace: bool,
    pub callgrind: bool,
    pub memcheck: bool,
}

/// Probes `w` for every launchable client.
pub fn probe(w: &Workload, port: u16, launches: &[Launch<'_>], dir: &Path, counts: Counts) -> Vec<ProbeRow> {
    let Counts {
        strace,
        callgrind,
        memcheck,
    } = counts;
    let span = (HIGH - LOW) as f64;
    let mut rows = Vec::new();
    for l in launches {
        if l.imp.supports(w.client).is_err() {
            continue;
        }
        let mut row = ProbeRow {
            workload: w.name,
            imp: l.imp,
            syscalls: Vec::new(),
            instructions: None,
            allocations: None,
        };
        if strace {
            match (
                strace_counts(l, w, LOW, port, dir),
                strace_counts(l, w, HIGH, port, dir),
            ) {
                (Ok(lo), Ok(hi)) => {
                    for (name, &n) in &hi {
                        let per = (n as f64 - *lo.get(name).unwrap_or(&0) as f64) / span;
                        // Only what scales with the operation count.
                        if per >= 0.05 {
                            row.syscalls.push((name.clone(), per));
                        }
                    }
                }
                (Err(e), _) | (_, Err(e)) => eprintln!("compare: strace of {} / {}: {e}", w.name, l.imp.title()),
            }
        }
        if callgrind {
            match (
                callgrind_instructions(l, w, LOW, port, dir),
                callgrind_instructions(l, w, HIGH, port, dir),
            ) {
                (Ok(lo), Ok(hi)) => row.instructions = Some((hi as f64 - lo as f64) / span),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("compare: callgrind of {} / {}: {e}", w.name, l.imp.title())
                }
            }
        }
        if memcheck && !matches!(l.imp, Impl::PyBinding | Impl::PyCtypes | Impl::PyStdlib) {
            match (
                memcheck_allocations(l, w, LOW, port, dir),
                memcheck_allocations(l, w, HIGH, port, dir),
            ) {
                (Ok(lo), Ok(hi)) => row.allocations = Some((hi as f64 - lo as f64) / span),
                (Err(e), _) | (_, Err(e)) => eprintln!("compare: memcheck of {} / {}: {e}", w.name, l.imp.title()),
            }
        }
        rows.push(row);
    }
    rows
}

fn fmt_per(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    }
}

/// The probe table: one row per workload and client.
pub fn table(rows: &[ProbeRow], ops: &BTreeMap<&'static str, &'static str>) -> String {
    let mut s = String::from(
        "| Workload | per | Implementation | syscalls per op (strace -c) | user-space instructions per op (callgrind) | heap allocations per op (memcheck) |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let calls: Vec<String> = r.syscalls.iter().map(|(k, v)| format!("{k} {}", fmt_per(*v))).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.workload,
            ops.get(r.workload).copied().unwrap_or("op"),
            r.imp.title(),
            if calls.is_empty() { "-".into() } else { calls.join(", ") },
            r.instructions.map(|i| format!("{i:.0}")).unwrap_or_else(|| "-".into()),
            r.allocations.map(fmt_per).unwrap_or_else(|| "-".into())
        );
    }
    s
}
