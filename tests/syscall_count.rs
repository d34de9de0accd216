//! Proof of the seed's claim "sendmmsg: 1 syscall for 64 UDP packets;
//! std::net: 64 syscalls", counted by strace.
//!
//! The test re-runs this test binary under `strace -f -c` with only the
//! `probe` test selected and an environment variable telling it which way
//! to send 64 datagrams; strace counts the `sendmmsg` and `sendto` calls.
//! (The probe is a test of its own too: run normally, it sends all three
//! ways and checks the results.) Re-running the test binary needs no
//! separately built example, so `cargo test --test syscall_count` works
//! on its own.

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use wirelane::*;

const MODE_ENV: &str = "WIRELANE_SYSCALL_PROBE_MODE";
const N: usize = 64;

/// Sends 64 datagrams one way: `mmsg` (one `sendmmsg`), `loop` (64 ×
/// wirelane `send_to`) or `std` (64 × `std::net::UdpSocket::send_to`).
fn send_64(mode: &str) {
    let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let to: SocketAddrV4 = match rx.local_addr().unwrap() {
        std::net::SocketAddr::V4(a) => a.into(),
        other => panic!("{other}"),
    };
    let payloads: Vec<[u8; 8]> = (0..N as u64).map(u64::to_le_bytes).collect();
    match mode {
        "mmsg" => {
            let tx = RawSocket::<Ipv4, Datagram>::new()
                .unwrap()
                .bind(SocketAddrV4::localhost(0))
                .unwrap();
            let messages: Vec<(&[u8], SocketAddrV4)> = payloads.iter().map(|p| (p.as_slice(), to)).collect();
            let sent_lens = tx.sendmmsg(&messages).unwrap();
            assert_eq!(sent_lens, vec![8; N]);
        }
        "loop" => {
            let tx = RawSocket::<Ipv4, Datagram>::new()
                .unwrap()
                .bind(SocketAddrV4::localhost(0))
                .unwrap();
            for p in &payloads {
                assert_eq!(tx.send_to(p, &to).unwrap(), 8);
            }
        }
        "std" => {
            let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            for p in &payloads {
                assert_eq!(tx.send_to(p, to.to_std()).unwrap(), 8);
            }
        }
        other => panic!("unknown probe mode {other}"),
    }
    let mut buf = [0u8; 16];
    for i in 0..N as u64 {
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], &i.to_le_bytes());
    }
}

/// The workload strace runs (one mode), or all three modes when run as a
/// plain test.
#[test]
fn probe() {
    match std::env::var(MODE_ENV) {
        Ok(mode) => send_64(&mode),
        Err(_) => {
            for mode in ["mmsg", "loop", "std"] {
                send_64(mode);
            }
        }
    }
}

/// Runs the probe in `mode` under strace; returns calls per syscall.
fn count_syscalls(mode: &str) -> HashMap<String, u64> {
    match Command::new("strace").arg("-V").output() {
        Ok(o) if o.status.success() => {}
        Ok(_) | Err(_) => panic!("strace is needed to count syscalls: install strace: apt-get install -y strace"),
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::env::temp_dir().join(format!("wl-strace-{}-{mode}.txt", std::process::id()));
    // Output captured, so the child harness's own summary lines do not
    // mix with this run's.
    let child = Command::new("strace")
        .args(["-f", "-c", "-e", "trace=sendmmsg,sendto", "-o"])
        .arg(&out)
        .arg(&exe)
        .args(["--exact", "probe", "--test-threads=1"])
        .env(MODE_ENV, mode)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    assert!(
        child.status.success(),
        "probe under strace failed ({}):\n{text}\n{}\n{}",
        child.status,
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    if text.contains("PTRACE") || text.contains("Operation not permitted") {
        panic!("strace could not trace (ptrace not permitted here):\n{text}");
    }
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

#[test]
fn sendmmsg_of_64_datagrams_is_one_syscall() {
    let c = count_syscalls("mmsg");
    assert_eq!(c.get("sendmmsg"), Some(&1), "one sendmmsg for 64 datagrams: {c:?}");
    assert_eq!(c.get("sendto"), None, "no sendto at all: {c:?}");

    let c = count_syscalls("loop");
    assert_eq!(
        c.get("sendto"),
        Some(&(N as u64)),
        "a send_to loop is 64 syscalls: {c:?}"
    );
    assert_eq!(c.get("sendmmsg"), None);

    let c = count_syscalls("std");
    assert_eq!(c.get("sendto"), Some(&(N as u64)), "std::net: 64 syscalls: {c:?}");
}
