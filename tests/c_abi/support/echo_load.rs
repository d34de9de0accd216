//! A load driver for echo servers: opens many connections at once (TCP or
//! Unix stream), sends each a different pseudo-random payload while
//! reading the echo back on the same single-threaded `poll(2)` loop, and
//! checks every echo's length and checksum. Bounded in time.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

/// A client connection the driver can use.
pub trait Stream: Read + Write + AsRawFd {}
impl<T: Read + Write + AsRawFd> Stream for T {}

/// FNV-1a, 64-bit: cheap and order-sensitive, so a reordered or damaged
/// echo changes it.
#[derive(Clone, Copy)]
struct Checksum(u64);

impl Checksum {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// xorshift64*: payloads that differ per client, reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

struct Client {
    stream: Box<dyn Stream>,
    /// For a stalling client, the end of its stall: until then it sends
    /// but reads nothing (with a small receive buffer), so the server's
    /// sends run into a full peer and must be partial, get `EAGAIN` and
    /// hold data back (backpressure); then it reads everything. A time
    /// shapes the load here; nothing waits on it for correctness.
    stall_until: Option<Instant>,
    payload: Vec<u8>,
    sent: usize,
    received: usize,
    echoed: Checksum,
    expected: Checksum,
    done: bool,
}

/// How long a stalling client reads nothing (see [`Client::stall_until`]).
const STALL: Duration = Duration::from_millis(300);

/// The size of client `i`'s payload: mostly up to 64 KiB, every 50th
/// 1.5 MiB (beyond the socket buffers), every 125th 2 MiB and stalling
/// (see [`Client::stall_until`]), a few of 1 byte.
fn payload_len(i: usize, rng: &mut Rng) -> usize {
    if stalls(i) {
        return 2 << 20;
    }
    match i % 50 {
        0 => 1536 * 1024,
        1 => 1,
        _ => 1 + (rng.next() % 65536) as usize,
    }
}

/// Whether client `i` stalls (see [`Client::stall_until`]).
fn stalls(i: usize) -> bool {
    i.is_multiple_of(125)
}

/// What one run did.
pub struct Report {
    /// Clients whose echo matched.
    pub clients: usize,
    /// Bytes echoed in total.
    pub bytes: usize,
    /// Wall time of the exchange.
    pub elapsed: Duration,
}

/// Opens `n` connections with `connect` (all open at once), then drives
/// them to completion within `limit`; fails naming the first client whose
/// echo is short, long or corrupt, or how many were unfinished.
pub fn run(n: usize, connect: impl Fn() -> io::Result<Box<dyn Stream>>, limit: Duration) -> Report {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut clients: Vec<Client> = (0..n)
        .map(|i| {
            let stream = connect().unwrap_or_else(|e| panic!("client {i}: connect failed: {e}"));
            set_nonblocking(stream.as_raw_fd());
            if stalls(i) {
                set_small_recv_buffer(stream.as_raw_fd());
            }
            let len = payload_len(i, &mut rng);
            let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let mut expected = Checksum::new();
            expected.update(&payload);
            Client {
                stream,
                stall_until: None, // set when the exchange starts
                payload,
                sent: 0,
                received: 0,
                echoed: Checksum::new(),
                expected,
                done: false,
            }
        })
        .collect();

    let start = Instant::now();
    let deadline = start + limit;
    for (i, c) in clients.iter_mut().enumerate() {
        c.stall_until = stalls(i).then_some(start + STALL);
    }
    let mut buf = vec![0u8; 65536];
    let mut finished = 0;
    while finished < n {
        let now = Instant::now();
        assert!(
            now < deadline,
            "echo load: only {finished} of {n} clients finished within {limit:?}"
        );
        let mut fds: Vec<libc::pollfd> = Vec::new();
        let mut index: Vec<usize> = Vec::new();
        for (i, c) in clients.iter().enumerate().filter(|(_, c)| !c.done) {
            let mut events = 0;
            if c.stall_until.is_none_or(|t| now >= t) {
                events |= libc::POLLIN;
            }
            if c.sent < c.payload.len() {
                events |= libc::POLLOUT;
            }
            fds.push(libc::pollfd {
                fd: c.stream.as_raw_fd(),
                events,
                revents: 0,
            });
            index.push(i);
        }
        // Wake up when a stall ends, at the latest.
        let next_stall_end = clients
            .iter()
            .filter_map(|c| c.stall_until)
            .filter(|&t| t > now)
            .min()
            .unwrap_or(deadline);
        let wait = (next_stall_end.min(deadline) - now).as_millis().clamp(1, 1000) as libc::c_int;
        // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait) };
        assert!(ready >= 0, "poll: {}", io::Error::last_os_error());
        for (pfd, &i) in fds.iter().zip(&index) {
            if pfd.revents == 0 {
                continue;
            }
            let c = &mut clients[i];
            if pfd.revents & libc::POLLOUT != 0 && c.sent < c.payload.len() {
                let end = (c.sent + 65536).min(c.payload.len());
                match c.stream.write(&c.payload[c.sent..end]) {
                    Ok(k) => c.sent += k,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("client {i}: send failed after {} bytes: {e}", c.sent),
                }
                if c.sent == c.payload.len() {
                    // SAFETY: plain syscall on a live descriptor.
                    let rc = unsafe { libc::shutdown(c.stream.as_raw_fd(), libc::SHUT_WR) };
                    assert_eq!(rc, 0, "client {i}: shutdown: {}", io::Error::last_os_error());
                }
            }
            if pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                loop {
                    match c.stream.read(&mut buf) {
                        Ok(0) => {
                            assert_eq!(
                                c.sent,
                                c.payload.len(),
                                "client {i}: the server closed after {} of {} bytes were sent",
                                c.sent,
                                c.payload.len()
                            );
                            assert_eq!(
                                c.received,
                                c.payload.len(),
                                "client {i}: echoed {} of {} bytes",
                                c.received,
                                c.payload.len()
                            );
                            assert_eq!(
                                c.echoed.0, c.expected.0,
                                "client {i}: the echo of {} bytes has checksum {:#x}, expected {:#x}",
                                c.received, c.echoed.0, c.expected.0
                            );
                            c.done = true;
                            finished += 1;
                            break;
                        }
                        Ok(k) => {
                            assert!(
                                c.received + k <= c.sent,
                                "client {i}: received {} bytes but sent only {}",
                                c.received + k,
                                c.sent
                            );
                            c.echoed.update(&buf[..k]);
                            c.received += k;
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => panic!("client {i}: recv failed after {} bytes: {e}", c.received),
                    }
                }
            }
        }
    }
    Report {
        clients: n,
        bytes: clients.iter().map(|c| c.received).sum(),
        elapsed: start.elapsed(),
    }
}

/// A small `SO_RCVBUF` (the kernel doubles it): the peer's sends fill it
/// soon.
fn set_small_recv_buffer(fd: RawFd) {
    let size: libc::c_int = 32 * 1024;
    // SAFETY: setsockopt on a live socket with a valid int.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_RCVBUF: {}", io::Error::last_os_error());
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on a live descriptor.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        assert!(flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0);
    }
}

/// Raises this process's soft descriptor limit to at least `want` (up to
/// the hard limit); children inherit it.
pub fn raise_nofile(want: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit to fill / read.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < want {
            lim.rlim_cur = want.min(lim.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
    }
    assert!(
        lim.rlim_cur >= want,
        "RLIMIT_NOFILE is {} (hard {}); the echo load needs {want}: raise it with ulimit -n",
        lim.rlim_cur,
        lim.rlim_max
    );
}
