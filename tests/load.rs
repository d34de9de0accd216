//! Load: 1,000 concurrent loopback connections through an epoll echo
//! server built on the library's non-blocking API (`ListenerBuilder` with
//! `nonblocking`, `try_accept`, `send`/`recv` with `WouldBlock`) plus libc
//! `epoll`. Each client connects with `connect_nonblocking` + `finish`,
//! sends its own pseudo-random stream (1 B to 256 KiB, seeded per
//! connection) while reading the echo, then half-closes; every echoed byte
//! is checked against the stream it must equal, a checksum of each
//! direction is compared, and after the last byte the client must read
//! end-of-stream: zero bytes lost, duplicated or reordered.
//!
//! All 1,000 connections are open at the same time (2,000+ descriptors),
//! so the test raises `RLIMIT_NOFILE`'s soft limit to the hard limit. It
//! runs over TCP (IPv4) and Unix streams, one after the other, and checks
//! the process's descriptor count is unchanged afterwards. Bounded: a
//! stalled run fails after `DEADLINE`.

mod common;

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Loopback, fd_count};
use wirelane::{
    ConnectedStream, Ipv4, Listener, ListenerBuilder, PendingConnect, RawSocket, Stream, Unix, set_recv_buffer_size,
    set_send_buffer_size,
};

const CONNECTIONS: usize = 1_000;
const MAX_PAYLOAD: usize = 256 * 1024;
const DEADLINE: Duration = Duration::from_secs(120);

// ------------------------------------------------------------------- epoll

/// A minimal level-triggered epoll wrapper; tokens are `u64`.
struct Epoll(OwnedFd);

impl Epoll {
    fn new() -> Self {
        // SAFETY: plain syscall; the new descriptor is owned right away.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        assert!(fd >= 0, "epoll_create1: {}", io::Error::last_os_error());
        // SAFETY: `fd` was just created and is owned by nobody else.
        Self(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    fn ctl(&self, op: libc::c_int, fd: &impl AsFd, events: u32, token: u64) {
        let mut ev = libc::epoll_event { events, u64: token };
        // SAFETY: valid descriptors and a valid event struct.
        let rc = unsafe { libc::epoll_ctl(self.0.as_raw_fd(), op, fd.as_fd().as_raw_fd(), &mut ev) };
        assert_eq!(rc, 0, "epoll_ctl({op}): {}", io::Error::last_os_error());
    }

    fn add(&self, fd: &impl AsFd, events: u32, token: u64) {
        self.ctl(libc::EPOLL_CTL_ADD, fd, events, token);
    }

    fn modify(&self, fd: &impl AsFd, events: u32, token: u64) {
        self.ctl(libc::EPOLL_CTL_MOD, fd, events, token);
    }

    fn delete(&self, fd: &impl AsFd) {
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0);
    }

    /// Waits up to `ms` milliseconds; returns (token, events) pairs.
    fn wait(&self, events: &mut Vec<libc::epoll_event>, ms: i32) -> usize {
        events.clear();
        // SAFETY: the vector has room for `capacity` events.
        let n = unsafe { libc::epoll_wait(self.0.as_raw_fd(), events.as_mut_ptr(), events.capacity() as i32, ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            assert_eq!(e.kind(), io::ErrorKind::Interrupted, "epoll_wait: {e}");
            return 0;
        }
        // SAFETY: the kernel initialised the first `n` entries.
        unsafe { events.set_len(n as usize) };
        n as usize
    }
}

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const ERR: u32 = (libc::EPOLLERR | libc::EPOLLHUP) as u32;

// ----------------------------------------------------------------- payload

/// The stream one connection sends: xorshift64* bytes from its seed.
struct Pattern(u64);

impl Pattern {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next_byte(&mut self) -> u8 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
    }

    /// The payload length for connection `i`: 1 byte to `MAX_PAYLOAD`.
    fn len_for(i: usize) -> usize {
        let mut p = Self::new(i as u64 ^ 0xdead_beef);
        let r = (u64::from(p.next_byte()) << 16) | (u64::from(p.next_byte()) << 8) | u64::from(p.next_byte());
        1 + (r as usize) % MAX_PAYLOAD
    }
}

/// FNV-1a, 64 bits: the per-direction checksum.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

// ------------------------------------------------------------------ server

struct ServerConn<D: Loopback> {
    stream: ConnectedStream<D>,
    out: VecDeque<u8>,
    eof: bool,
}

#[derive(Debug, Default)]
struct ServerStats {
    accepted: usize,
    closed: usize,
    bytes: usize,
    would_block: usize,
}

const LISTENER: u64 = u64::MAX;

/// An epoll echo server: echoes every byte back, closes a connection once
/// the peer half-closed and everything was echoed. Stops when `stop` is
/// set and no connection is left.
fn serve<D: Loopback>(listener: Listener<D>, stop: Arc<AtomicBool>) -> ServerStats {
    let epoll = Epoll::new();
    epoll.add(&listener, IN, LISTENER);
    let mut conns: Vec<Option<ServerConn<D>>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut stats = ServerStats::default();
    let mut events = Vec::with_capacity(256);
    let mut scratch = vec![0u8; 64 * 1024];
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < DEADLINE, "server: deadline passed: {stats:?}");
        if stop.load(Ordering::Acquire) && stats.closed == stats.accepted {
            return stats;
        }
        epoll.wait(&mut events, 50);
        for ev in events.iter().copied() {
            let (token, flags) = (ev.u64, ev.events);
            if token == LISTENER {
                while let Some((stream, _)) = listener.try_accept().expect("accept") {
                    stream.set_nonblocking(true).unwrap();
                    let slot = free.pop().unwrap_or_else(|| {
                        conns.push(None);
                        conns.len() - 1
                    });
                    epoll.add(&stream, IN, slot as u64);
                    conns[slot] = Some(ServerConn {
                        stream,
                        out: VecDeque::new(),
                        eof: false,
                    });
                    stats.accepted += 1;
                }
                continue;
            }
            let slot = token as usize;
            let conn = conns[slot].as_mut().expect("event for a live connection");
            if flags & (IN | ERR) != 0 && !conn.eof {
                // Read what is there, but hold at most 1 MiB unsent: past
                // that, stop reading until the client reads its echo.
                while conn.out.len() < 1 << 20 {
                    match conn.stream.recv(&mut scratch) {
                        Ok(0) => {
                            conn.eof = true;
                            break;
                        }
                        Ok(n) => conn.out.extend(&scratch[..n]),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => panic!("server recv: {e}"),
                    }
                }
            }
            while !conn.out.is_empty() {
                let (head, _) = conn.out.as_slices();
                match conn.stream.send(head) {
                    Ok(n) => {
                        conn.out.drain(..n);
                        stats.bytes += n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        stats.would_block += 1;
                        break;
                    }
                    Err(e) => panic!("server send: {e}"),
                }
            }
            if conn.eof && conn.out.is_empty() {
                epoll.delete(&conn.stream);
                conns[slot] = None; // closes it
                free.push(slot);
                stats.closed += 1;
                continue;
            }
            let mut want = 0;
            if !conn.eof && conn.out.len() < 1 << 20 {
                want |= IN;
            }
            if !conn.out.is_empty() {
                want |= OUT;
            }
            epoll.modify(&conn.stream, want, token);
        }
    }
}

// ------------------------------------------------------------------ client

enum ClientState<D: Loopback> {
    Connecting(PendingConnect<D>),
    Open(ConnectedStream<D>),
    Done,
}

struct Client<D: Loopback> {
    state: ClientState<D>,
    len: usize,
    send_gen: Pattern,
    unsent: VecDeque<u8>,
    sent: usize,
    check_gen: Pattern,
    received: usize,
    sent_sum: Fnv,
    recv_sum: Fnv,
}

#[derive(Debug, Default)]
struct Totals {
    bytes_sent: usize,
    bytes_checked: usize,
    would_block: usize,
    pending_finishes: usize,
    checksum: u64,
}

/// Advances one client on an epoll event; returns true when it finished.
fn drive<D: Loopback>(epoll: &Epoll, token: u64, c: &mut Client<D>, totals: &mut Totals, scratch: &mut [u8]) -> bool {
    if let ClientState::Connecting(_) = c.state {
        let ClientState::Connecting(p) = std::mem::replace(&mut c.state, ClientState::Done) else {
            unreachable!()
        };
        match p.finish() {
            Ok(stream) => c.state = ClientState::Open(stream),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                totals.pending_finishes += 1;
                c.state = ClientState::Connecting(e.into_socket());
                return false;
            }
            Err(e) => panic!("connect {token}: {}", e.error()),
        }
    }
    let ClientState::Open(stream) = &c.state else {
        unreachable!()
    };
    // Send: keep up to 16 KiB generated ahead.
    while c.sent < c.len {
        if c.unsent.is_empty() {
            let n = (c.len - c.sent).min(16 * 1024);
            for _ in 0..n {
                c.unsent.push_back(c.send_gen.next_byte());
            }
        }
        let (head, _) = c.unsent.as_slices();
        match stream.send(head) {
            Ok(n) => {
                c.sent_sum.update(&head[..n]);
                c.unsent.drain(..n);
                c.sent += n;
                totals.bytes_sent += n;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                totals.would_block += 1;
                break;
            }
            Err(e) => panic!("client {token} send: {e}"),
        }
        if c.sent == c.len {
            stream.shutdown(std::net::Shutdown::Write).unwrap();
        }
    }
    // Receive and check every byte against the stream it must echo.
    loop {
        match stream.recv(scratch) {
            Ok(0) => {
                assert_eq!(
                    c.received, c.len,
                    "client {token}: end of stream after {} of {} bytes",
                    c.received, c.len
                );
                assert_eq!(c.recv_sum, c.sent_sum, "client {token}: checksums differ");
                totals.bytes_checked += c.received;
                totals.checksum ^= c.recv_sum.0.rotate_left(token as u32 % 64);
                epoll.delete(stream);
                c.state = ClientState::Done; // closes it
                return true;
            }
            Ok(n) => {
                assert!(
                    c.received + n <= c.sent,
                    "client {token}: echo longer than what was sent"
                );
                for (i, &b) in scratch[..n].iter().enumerate() {
                    let want = c.check_gen.next_byte();
                    assert_eq!(b, want, "client {token}: byte {} lost or reordered", c.received + i);
                }
                c.recv_sum.update(&scratch[..n]);
                c.received += n;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("client {token} recv: {e}"),
        }
    }
    let want = if c.sent < c.len { IN | OUT } else { IN };
    epoll.modify(stream, want, token);
    false
}

/// Runs CONNECTIONS clients against a fresh echo server in domain `D`.
fn run<D: Loopback>() -> (Totals, ServerStats, Duration) {
    let started = Instant::now();
    let listener = ListenerBuilder::<D>::new()
        .backlog(CONNECTIONS as u32 * 2)
        .nonblocking(true)
        .bind(D::fresh())
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || serve::<D>(listener, stop))
    };

    let epoll = Epoll::new();
    let mut clients: Vec<Client<D>> = Vec::with_capacity(CONNECTIONS);
    for i in 0..CONNECTIONS {
        let socket = RawSocket::<D, Stream>::new().unwrap();
        // Small buffers, so both sides meet WouldBlock and the echo must
        // be paced by epoll readiness rather than absorbed by the kernel.
        set_send_buffer_size(&socket, 32 * 1024).unwrap();
        set_recv_buffer_size(&socket, 32 * 1024).unwrap();
        let pending = socket
            .connect_nonblocking(addr.clone())
            .unwrap_or_else(|e| panic!("connect_nonblocking {i}: {}", e.error()));
        epoll.add(&pending, OUT, i as u64);
        clients.push(Client {
            state: ClientState::Connecting(pending),
            len: Pattern::len_for(i),
            send_gen: Pattern::new(i as u64),
            unsent: VecDeque::new(),
            sent: 0,
            check_gen: Pattern::new(i as u64),
            received: 0,
            sent_sum: Fnv::new(),
            recv_sum: Fnv::new(),
        });
    }
    // All are open (connecting or connected) at this point.
    let open = clients.iter().filter(|c| !matches!(c.state, ClientState::Done)).count();
    assert_eq!(open, CONNECTIONS);

    let mut totals = Totals::default();
    let mut remaining = CONNECTIONS;
    let mut events = Vec::with_capacity(512);
    let mut scratch = vec![0u8; 64 * 1024];
    while remaining > 0 {
        assert!(
            started.elapsed() < DEADLINE,
            "{remaining} of {CONNECTIONS} connections unfinished after {DEADLINE:?}"
        );
        epoll.wait(&mut events, 100);
        for ev in events.iter().copied() {
            let c = &mut clients[ev.u64 as usize];
            if matches!(c.state, ClientState::Done) {
                continue;
            }
            if drive(&epoll, ev.u64, c, &mut totals, &mut scratch) {
                remaining -= 1;
            }
        }
    }
    let expected: usize = (0..CONNECTIONS).map(Pattern::len_for).sum();
    assert_eq!(totals.bytes_sent, expected);
    assert_eq!(totals.bytes_checked, expected);
    stop.store(true, Ordering::Release);
    let stats = server.join().unwrap();
    assert_eq!(stats.accepted, CONNECTIONS);
    assert_eq!(stats.closed, CONNECTIONS);
    assert_eq!(stats.bytes, expected);
    (totals, stats, started.elapsed())
}

fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid rlimit struct to fill and then pass back.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        lim.rlim_cur = lim.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
    }
    assert!(
        lim.rlim_cur >= (2 * CONNECTIONS + 100) as libc::rlim_t,
        "RLIMIT_NOFILE hard limit {} is below the {} descriptors this test needs; \
         raise it (ulimit -Hn, or nofile in /etc/security/limits.conf)",
        lim.rlim_max,
        2 * CONNECTIONS + 100
    );
}

#[test]
fn a_thousand_concurrent_connections_echo_every_byte_in_order() {
    raise_fd_limit();
    let before = fd_count();
    for (name, (totals, stats, took)) in [("TCP/IPv4", run::<Ipv4>()), ("Unix stream", run::<Unix>())] {
        println!(
            "load {name}: {} connections, {} bytes sent, {} bytes echoed by the server, {} bytes checked \
             (checksum {:016x}), WouldBlock on {} client and {} server sends, {} early finishes, {took:.2?}",
            stats.accepted,
            totals.bytes_sent,
            stats.bytes,
            totals.bytes_checked,
            totals.checksum,
            totals.would_block,
            stats.would_block,
            totals.pending_finishes
        );
    }
    assert_eq!(fd_count(), before, "descriptors leaked");
}
