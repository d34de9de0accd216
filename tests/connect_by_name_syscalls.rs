//! The syscalls one connect by name costs, counted by strace: the RFC 8305
//! race over a non-blocking connect needs exactly `socket`, `connect`,
//! `poll`, `getsockopt(SO_ERROR)` and one `fcntl` (back to blocking) per
//! connect -- three more than `std::net::TcpStream::connect`, none wasted.
//!
//! As tests/syscall_count.rs does, the test re-runs this binary under
//! `strace -f -c` with only `probe` selected; two runs (N and 2N connects)
//! cancel the fixed costs of setting up, so the difference / N is the
//! per-connect count. The host is a literal, so no resolver files are read.

use std::collections::HashMap;
use std::process::Command;

use wirelane::Connector;

const MODE_ENV: &str = "WIRELANE_CBN_PROBE";
const N: u64 = 50;
const TRACED: &str = "trace=socket,connect,poll,ppoll,getsockopt,fcntl,accept4";

/// `count` connects by name with `mode` (`wirelane` or `std`), each
/// accepted and closed.
fn connect_many(mode: &str, count: u64) {
    // The server side is std's, the same for both modes (its accept is one
    // accept4).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connector = Connector::new("127.0.0.1", port);
    for _ in 0..count {
        match mode {
            "wirelane" => drop(connector.connect().unwrap()),
            "std" => drop(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap()),
            other => panic!("unknown probe mode {other}"),
        }
        drop(listener.accept().unwrap());
    }
}

/// The workload strace runs, or both modes when run as a plain test.
#[test]
fn probe() {
    match std::env::var(MODE_ENV) {
        Ok(spec) => {
            let (mode, count) = spec.split_once(':').expect("MODE:COUNT");
            connect_many(mode, count.parse().expect("count"));
        }
        Err(_) => {
            connect_many("wirelane", 3);
            connect_many("std", 3);
        }
    }
}

/// Runs the probe under strace; returns calls per syscall.
fn count_syscalls(mode: &str, count: u64) -> HashMap<String, u64> {
    match Command::new("strace").arg("-V").output() {
        Ok(o) if o.status.success() => {}
        Ok(_) | Err(_) => panic!("strace is needed to count syscalls: install strace: apt-get install -y strace"),
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::env::temp_dir().join(format!("wl-cbn-strace-{}-{mode}-{count}.txt", std::process::id()));
    let child = Command::new("strace")
        .args(["-f", "-c", "-e", TRACED, "-o"])
        .arg(&out)
        .arg(&exe)
        .args(["--exact", "probe", "--test-threads=1"])
        .env(MODE_ENV, format!("{mode}:{count}"))
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    assert!(
        child.status.success(),
        "probe under strace failed ({}):\n{text}\n{}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
    // Rows: % time, seconds, usecs/call, calls, [errors], syscall.
    let mut counts = HashMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() >= 5
            && let (Some(name), Ok(calls)) = (cols.last(), cols[3].parse::<u64>())
            && *name != "total"
        {
            counts.insert(name.to_string(), calls);
        }
    }
    counts
}

/// Syscalls per connect: (counts for 2N - counts for N) / N.
fn per_connect(mode: &str) -> HashMap<String, u64> {
    let small = count_syscalls(mode, N);
    let big = count_syscalls(mode, 2 * N);
    let mut out = HashMap::new();
    for (name, calls) in &big {
        let extra = calls - small.get(name).copied().unwrap_or(0);
        assert_eq!(
            extra % N,
            0,
            "{name}: {extra} extra calls for {N} connects ({small:?} vs {big:?})"
        );
        if extra > 0 {
            out.insert(name.clone(), extra / N);
        }
    }
    out
}

#[test]
fn a_connect_by_name_costs_three_syscalls_more_than_std() {
    let std = per_connect("std");
    let wl = per_connect("wirelane");
    for name in ["socket", "connect", "accept4"] {
        assert_eq!(std.get(name), Some(&1), "std {name}: {std:?}");
        assert_eq!(wl.get(name), Some(&1), "wirelane {name}: {wl:?}");
    }
    // The difference, which cancels what both pay alike (a debug build's
    // std checks each OwnedFd with fcntl(F_GETFD), for instance).
    let mut extra: Vec<(String, i64)> = wl
        .keys()
        .chain(std.keys())
        .map(|name| {
            let count = |m: &HashMap<String, u64>| m.get(name).copied().unwrap_or(0) as i64;
            (name.clone(), count(&wl) - count(&std))
        })
        .filter(|(_, d)| *d != 0)
        .collect();
    extra.sort();
    extra.dedup();
    assert_eq!(
        extra,
        [
            ("fcntl".to_string(), 1),
            ("getsockopt".to_string(), 1),
            ("poll".to_string(), 1)
        ],
        "Connector::connect beyond std: one poll, one SO_ERROR read, one F_SETFL back to blocking \
         (std {std:?}, wirelane {wl:?})"
    );
}
