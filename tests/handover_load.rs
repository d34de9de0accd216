//! Listener handover under load (issue 19): a pool of clients keeps
//! opening connections and exchanging checksummed data with
//! `examples/activation_server` on loopback while the server hands its
//! listener to a fresh process three times (SIGHUP). Asserts 0 connection
//! attempts refused, 0 bytes lost or damaged, and 0 descriptors leaked in
//! any of the four processes (each reports its open descriptors at start
//! and at exit), and prints the counts.
//!
//! One test in this binary: it makes itself the child subreaper so that
//! the successors (grandchildren) are reaped here with their exit status.

#[path = "support/activation_server.rs"]
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{Exchange, XorShift, exchange, fd_list, field, server_binary};

const HANDOVERS: usize = 3;
const CLIENTS: usize = 6;
/// How long each generation serves under load before the next SIGHUP.
const GENERATION_TIME: Duration = Duration::from_millis(500);
const BOUND: Duration = Duration::from_secs(30);

/// Kills every server process still alive when the test ends, pass or fail.
struct Processes(Arc<Mutex<Vec<i32>>>);

impl Drop for Processes {
    fn drop(&mut self) {
        for &pid in self.0.lock().unwrap().iter() {
            // SAFETY: signalling a pid; harmless if it is gone (and reaped
            // pids are removed from the list first).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

#[derive(Default)]
struct Counts {
    attempts: AtomicU64,
    verified: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_verified: AtomicU64,
}

/// Waits for the next `listening on ...` line; returns (address, pid, via).
fn next_banner(banners: &mpsc::Receiver<String>) -> (SocketAddr, i32, String) {
    let line = banners
        .recv_timeout(Duration::from_secs(15))
        .expect("a server generation to print its banner");
    let addr = line
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected banner {line:?}"));
    let pid = field(&line, "pid").and_then(|p| p.parse().ok()).expect("pid in banner");
    let via = field(&line, "via").expect("via in banner").to_owned();
    (addr, pid, via)
}

#[test]
fn handover_three_times_under_load_refuses_nothing_loses_nothing_leaks_nothing() {
    let started = Instant::now();
    // SAFETY: prctl with integer arguments.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }, 0);

    let mut child = Command::new(server_binary())
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn activation_server");
    let pids = Arc::new(Mutex::new(vec![child.id() as i32]));
    let _guard = Processes(Arc::clone(&pids));

    // Every generation shares these pipes (successors inherit them).
    let (banner_tx, banners) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if banner_tx.send(line).is_err() {
                break;
            }
        }
    });
    let reports = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = Arc::clone(&reports);
    let stderr_reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    drop(child); // reaped below with waitpid(-1), like its successors

    let (addr, first_pid, via) = next_banner(&banners);
    assert_eq!(via, "bind");
    let mut generations = vec![first_pid];

    let counts = Arc::new(Counts::default());
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (counts, stop, failures) = (Arc::clone(&counts), Arc::clone(&stop), Arc::clone(&failures));
            std::thread::spawn(move || {
                let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ (c as u64 + 1));
                while !stop.load(Ordering::Relaxed) {
                    let len = 1 + (rng.next() % (48 * 1024)) as usize;
                    let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                    counts.attempts.fetch_add(1, Ordering::Relaxed);
                    counts.bytes_sent.fetch_add(len as u64, Ordering::Relaxed);
                    match exchange(addr, &payload) {
                        Exchange::Verified(n) => {
                            counts.verified.fetch_add(1, Ordering::Relaxed);
                            counts.bytes_verified.fetch_add(n, Ordering::Relaxed);
                        }
                        Exchange::Refused => {
                            counts.refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Exchange::Failed(why) => {
                            counts.failed.fetch_add(1, Ordering::Relaxed);
                            failures.lock().unwrap().push(why);
                        }
                    }
                }
            })
        })
        .collect();

    for round in 1..=HANDOVERS {
        std::thread::sleep(GENERATION_TIME);
        let current = *generations.last().unwrap();
        // SAFETY: signalling our server process.
        assert_eq!(unsafe { libc::kill(current, libc::SIGHUP) }, 0);
        let (new_addr, pid, via) = next_banner(&banners);
        assert_eq!(via, "handover", "generation {} came from {via}", round + 1);
        assert_eq!(new_addr, addr, "the successor serves the same listening socket");
        assert_ne!(pid, current);
        pids.lock().unwrap().push(pid);
        generations.push(pid);
    }
    std::thread::sleep(GENERATION_TIME);
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("client thread");
    }
    // Clients are done: the last generation may close the listener now.
    let last = *generations.last().unwrap();
    // SAFETY: signalling our server process.
    assert_eq!(unsafe { libc::kill(last, libc::SIGTERM) }, 0);

    // Reap all four (the successors were reparented to us) and check each
    // exited 0.
    let mut statuses = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while statuses.len() < generations.len() {
        let mut status = 0;
        // SAFETY: waitpid with a valid status pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid > 0 {
            pids.lock().unwrap().retain(|&p| p != pid);
            statuses.insert(pid, status);
        } else {
            assert!(
                Instant::now() < deadline,
                "server processes did not all exit: {statuses:?} of {generations:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    stderr_reader.join().unwrap(); // every writer has exited: EOF
    let reports = reports.lock().unwrap().clone();
    let report_of = |pid: i32, kind: &str| -> String {
        let tag = format!("pid={pid} {kind} ");
        reports
            .iter()
            .find(|l| l.contains(&tag))
            .unwrap_or_else(|| panic!("no {kind} report from {pid}; stderr:\n{}", reports.join("\n")))
            .clone()
    };

    let baseline = fd_list(field(&report_of(first_pid, "start"), "fds").unwrap());
    let mut server_connections = 0;
    let mut server_bytes = 0;
    let mut per_generation = Vec::new();
    for (i, &pid) in generations.iter().enumerate() {
        let status = statuses[&pid];
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "generation {} (pid {pid}) ended with status {status:#x}; stderr:\n{}",
            i + 1,
            reports.join("\n")
        );
        let start = fd_list(field(&report_of(pid, "start"), "fds").unwrap());
        let exit_line = report_of(pid, "exit");
        let exit = fd_list(field(&exit_line, "fds").unwrap());
        if i > 0 {
            // Exactly one descriptor more than the first start: the
            // handover channel. Nothing else crossed the exec.
            let extra: Vec<_> = start.iter().filter(|fd| !baseline.contains(fd)).collect();
            assert_eq!(
                extra.len(),
                1,
                "generation {} started with {start:?}, baseline {baseline:?}",
                i + 1
            );
            assert_eq!(start.len(), baseline.len() + 1);
        }
        assert_eq!(
            exit,
            baseline,
            "generation {} (pid {pid}) leaked descriptors: {exit_line}",
            i + 1
        );
        assert_eq!(
            field(&exit_line, "errors"),
            Some("0"),
            "{exit_line}\nserver-side connection errors:\n{}\nclient-side failures: {:?}",
            reports
                .iter()
                .filter(|l| l.contains("connection failed"))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            failures.lock().unwrap()
        );
        let expected_reason = if i + 1 < generations.len() {
            "handover"
        } else {
            "signal"
        };
        assert_eq!(field(&exit_line, "reason"), Some(expected_reason), "{exit_line}");
        let conns: u64 = field(&exit_line, "connections").unwrap().parse().unwrap();
        let bytes: u64 = field(&exit_line, "bytes").unwrap().parse().unwrap();
        assert!(conns > 0, "generation {} served no connection: {exit_line}", i + 1);
        server_connections += conns;
        server_bytes += bytes;
        per_generation.push(format!(
            "pid {pid}: {conns} connections, {bytes} bytes, fds at exit {exit:?}"
        ));
    }

    let attempts = counts.attempts.load(Ordering::Relaxed);
    let verified = counts.verified.load(Ordering::Relaxed);
    let refused = counts.refused.load(Ordering::Relaxed);
    let failed = counts.failed.load(Ordering::Relaxed);
    let sent = counts.bytes_sent.load(Ordering::Relaxed);
    let bytes_verified = counts.bytes_verified.load(Ordering::Relaxed);
    let elapsed = started.elapsed();
    println!(
        "handover under load: {HANDOVERS} handovers, {CLIENTS} clients, {:.1} s\n  \
         connection attempts {attempts}, verified {verified}, refused {refused}, failed {failed}\n  \
         bytes sent {sent}, echoed and checksummed {bytes_verified}, counted by the servers {server_bytes}, lost {}\n  \
         connections counted by the servers {server_connections}\n  \
         descriptors leaked: 0 in each of {} processes (baseline {baseline:?})\n  {}",
        elapsed.as_secs_f64(),
        sent - bytes_verified,
        generations.len(),
        per_generation.join("\n  ")
    );
    assert_eq!(refused, 0, "connection attempts refused during the handovers");
    assert_eq!(failed, 0, "failed exchanges: {:?}", failures.lock().unwrap());
    assert_eq!(verified, attempts);
    assert_eq!(bytes_verified, sent, "bytes lost");
    assert_eq!(server_bytes, sent, "the servers counted other than what was sent");
    assert_eq!(server_connections, attempts);
    assert!(elapsed < BOUND, "took {elapsed:?}");
}
