//! The reactor registration survives a transition of the same fd: at most
//! one `epoll_ctl(EPOLL_CTL_ADD)` per descriptor lifetime across raw ->
//! pending -> connected, pending -> connected (wrapped before connecting)
//! and bound -> connected datagram; accepted sockets and listeners
//! register once too. A connect that fails and is retried on the socket
//! it gave back is the documented exception (see `wirelane::tokio`,
//! "Registration"): exactly two ADDs, one per attempt. Counted by strace.
//!
//! The test re-runs this test binary under `strace -f -e
//! trace=epoll_ctl,socket,accept4,close` with only the `probe` test
//! selected. `socket`/`accept4` and `close` delimit each descriptor's
//! lifetime (fd numbers are reused), so every ADD is charged to the socket
//! that held the number at that moment. The probe prints the fd of each
//! socket whose count is asserted exactly and keeps them all open to the
//! end, so a labelled fd's lifetime is the last one with its number.
//! Needs `--features tokio`.
#![cfg(feature = "tokio")]

mod common;

use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::process::Command;

use common::Loopback;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::tokio::Async;
use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4, Stream};

const PROBE_ENV: &str = "WIRELANE_EPOLL_PROBE";
const LABEL: &str = "probe-fd";

/// The transitions, on a current-thread runtime; prints `probe-fd LABEL
/// FD` for each socket whose ADD count is asserted. Run as a plain test it
/// checks that every socket works after its transitions.
#[test]
fn probe() {
    let print = std::env::var_os(PROBE_ENV).is_some();
    let label = |name: &str, fd: &dyn AsRawFd| {
        if print {
            println!("{LABEL} {name} {}", fd.as_raw_fd());
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap()
            .listen(16)
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let listener = Async::new(listener).unwrap();
        label("listener", &listener);

        // raw -> pending -> connected.
        let raw = Async::new(RawSocket::<Ipv4, Stream>::new().unwrap()).unwrap();
        let (c, a) = tokio::join!(raw.connect(addr), listener.accept());
        let (mut raw_connected, (mut accepted, _)) = (c.unwrap(), a.unwrap());
        label("raw_connected", &raw_connected);
        label("accepted", &accepted);
        raw_connected.write_all(b"1").await.unwrap();
        let mut b = [0];
        accepted.read_exact(&mut b).await.unwrap();

        // pending (Layer 0 connect_nonblocking) -> wrapped -> connected.
        let pending = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .connect_nonblocking(addr)
            .unwrap();
        let pending = Async::new(pending).unwrap();
        let (c, a) = tokio::join!(pending.finish(), listener.accept());
        let (mut pending_connected, (accepted2, _)) = (c.unwrap(), a.unwrap());
        label("pending_connected", &pending_connected);
        pending_connected.write_all(b"2").await.unwrap();
        pending_connected.shutdown().await.unwrap();

        // bound -> connected datagram.
        let peer = Async::new(
            RawSocket::<Ipv4, Datagram>::new()
                .unwrap()
                .bind(SocketAddrV4::localhost(0))
                .unwrap(),
        )
        .unwrap();
        let bound = Async::new(
            RawSocket::<Ipv4, Datagram>::new()
                .unwrap()
                .bind(SocketAddrV4::localhost(0))
                .unwrap(),
        )
        .unwrap();
        bound
            .send_to(b"before", &peer.get_ref().local_addr().unwrap())
            .await
            .unwrap();
        let dgram = bound.connect(peer.get_ref().local_addr().unwrap()).unwrap();
        label("datagram_connected", &dgram);
        dgram.send(b"after").await.unwrap();
        let mut buf = [0; 8];
        assert_eq!(peer.recv_from(&mut buf).await.unwrap().0, 6);
        assert_eq!(peer.recv_from(&mut buf).await.unwrap().0, 5);

        // raw -> connect refused -> raw given back -> connected: the
        // documented two registrations.
        let closed = Ipv4::closed();
        let raw = Async::new(RawSocket::<Ipv4, Stream>::new().unwrap()).unwrap();
        let raw = raw.connect(closed.addr()).await.unwrap_err().into_socket();
        let (c, a) = tokio::join!(raw.connect(addr), listener.accept());
        let (mut retried, (mut accepted3, _)) = (c.unwrap(), a.unwrap());
        label("retried_connected", &retried);
        retried.write_all(b"3").await.unwrap();
        accepted3.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"3");

        // Everything stays open until here (see the module docs).
        drop((listener, raw_connected, accepted, pending_connected, accepted2));
        drop((peer, dgram, retried, accepted3, closed));
    });
    drop(rt);
}

/// A descriptor's lifetime as strace saw it: the ADDs it got.
#[derive(Debug, Default)]
struct Lifetime {
    adds: u32,
}

/// Parses strace's log: for every fd number, its socket lifetimes in
/// order, each with its ADD count.
fn lifetimes(log: &str) -> HashMap<i32, Vec<Lifetime>> {
    let mut fds: HashMap<i32, Vec<Lifetime>> = HashMap::new();
    let mut open: HashMap<i32, usize> = HashMap::new();
    for line in log.lines() {
        // "PID syscall(args) = ret", with -f.
        let call = line.split_once(' ').map_or(line, |(_, rest)| rest).trim_start();
        let ret = call
            .rsplit_once(" = ")
            .and_then(|(_, r)| r.split_whitespace().next()?.parse::<i32>().ok());
        if call.starts_with("socket(") || call.starts_with("accept4(") || call.starts_with("accept(") {
            if let Some(fd) = ret.filter(|&fd| fd >= 0) {
                let list = fds.entry(fd).or_default();
                list.push(Lifetime::default());
                open.insert(fd, list.len() - 1);
            }
        } else if let Some(args) = call.strip_prefix("close(") {
            if let Ok(fd) = args.split(')').next().unwrap_or("").parse::<i32>() {
                open.remove(&fd);
            }
        } else if let Some(args) = call.strip_prefix("epoll_ctl(") {
            let parts: Vec<&str> = args.splitn(4, ", ").collect();
            if parts.len() >= 3 && parts[1] == "EPOLL_CTL_ADD" && ret == Some(0) {
                let fd: i32 = parts[2].parse().expect("epoll_ctl fd");
                // An ADD for a number no socket holds is tokio's own
                // (its eventfd waker): not a socket's.
                if let Some(&i) = open.get(&fd) {
                    fds.get_mut(&fd).unwrap()[i].adds += 1;
                }
            }
        }
    }
    fds
}

#[test]
fn one_epoll_registration_per_descriptor_across_transitions() {
    match Command::new("strace").arg("-V").output() {
        Ok(o) if o.status.success() => {}
        Ok(_) | Err(_) => {
            panic!(
                "strace is needed to count epoll_ctl calls: run ./scripts/ensure-tools.sh (or apt-get install -y strace)"
            )
        }
    }
    let exe = std::env::current_exe().unwrap();
    let log_path = std::env::temp_dir().join(format!("wl-epoll-{}.txt", std::process::id()));
    let child = Command::new("strace")
        .args(["-f", "-e", "trace=epoll_ctl,socket,accept4,accept,close", "-o"])
        .arg(&log_path)
        .arg(&exe)
        .args(["--exact", "probe", "--test-threads=1", "--nocapture"])
        .env(PROBE_ENV, "1")
        .output()
        .unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_file(&log_path);
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success(),
        "probe under strace failed ({}):\n{stdout}\n{}\n{log}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(
        !log.contains("PTRACE_TRACEME") && !log.contains("Operation not permitted"),
        "strace could not trace (ptrace not permitted here):\n{log}"
    );

    let fds = lifetimes(&log);
    // No socket lifetime registers twice, except the retried connect.
    let labels: HashMap<&str, i32> = stdout
        .lines()
        .filter_map(|l| {
            // The harness may print "test probe ... " before it.
            let mut w = l.split_once(LABEL)?.1.split_whitespace();
            Some((w.next()?, w.next()?.parse().ok()?))
        })
        .collect();
    let retried = labels["retried_connected"];
    for (fd, list) in &fds {
        for (i, life) in list.iter().enumerate() {
            let is_retried = *fd == retried && i == list.len() - 1;
            let max = if is_retried { 2 } else { 1 };
            assert!(life.adds <= max, "fd {fd}, lifetime {i}: {} ADDs\n{log}", life.adds);
        }
    }
    // The labelled sockets' exact counts (the last lifetime of each number).
    let adds = |name: &str| {
        let fd = labels
            .get(name)
            .unwrap_or_else(|| panic!("probe printed no fd for {name}:\n{stdout}"));
        fds.get(fd)
            .and_then(|l| l.last())
            .unwrap_or_else(|| panic!("strace saw no socket {fd} ({name}):\n{log}"))
            .adds
    };
    for name in [
        "listener",
        "raw_connected",
        "accepted",
        "pending_connected",
        "datagram_connected",
    ] {
        assert_eq!(adds(name), 1, "{name}: one EPOLL_CTL_ADD for its whole life\n{log}");
    }
    assert_eq!(
        adds("retried_connected"),
        2,
        "a refused connect retried on the same fd: one ADD per attempt (documented)\n{log}"
    );
}
