//! Helpers shared by the integration tests: fresh loopback addresses per
//! domain, unique Unix paths that clean up after themselves, descriptor
//! counting and flag inspection, and a bounded wait for readiness.
//!
//! Every test binary compiles this module and uses a different subset.
#![allow(dead_code)]

pub mod netns;

use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wirelane::{Domain, Ipv4, Ipv6, SocketAddrV4, SocketAddrV6, Unix, UnixAddr};

/// How long any single blocking step of a test may wait: long enough never
/// to trip on a loaded machine, short enough that a bug fails the test
/// instead of hanging it.
pub const TIMEOUT: Duration = Duration::from_secs(10);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A number unique within this process.
pub fn unique() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// A fresh abstract-namespace name, unique across processes (pid) and
/// within this one (counter). Abstract sockets leave no files behind.
pub fn unique_abstract(tag: &str) -> UnixAddr {
    let name = format!("wirelane-test-{tag}-{}-{}", std::process::id(), unique());
    UnixAddr::abstract_name(name.as_bytes()).expect("abstract name fits")
}

/// A filesystem path for a Unix socket, unique across processes and within
/// this one, removed when dropped.
pub struct TempPath(PathBuf);

impl TempPath {
    /// A fresh path in the temp directory (which must be short enough for
    /// `sun_path`; `/tmp` is).
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!("wl-{tag}-{}-{}.sock", std::process::id(), unique()));
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn addr(&self) -> UnixAddr {
        UnixAddr::new(&self.0).expect("temp path fits sun_path")
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A loopback address where nothing listens, held closed for as long as
/// this value lives (see [`closed_port`]).
pub struct Closed<A> {
    addr: A,
    _hold: Option<Box<dyn std::any::Any>>,
}

impl<A: Clone> Closed<A> {
    /// The address (connecting to it is refused).
    pub fn addr(&self) -> A {
        self.addr.clone()
    }
}

/// A fresh local address to bind in each domain: port 0 on the loopback
/// interface for IP, a unique abstract name for Unix.
pub trait Loopback: Domain {
    fn fresh() -> Self::Addr;
    /// A loopback address where nothing listens: a port held by a bound,
    /// non-listening socket, or an abstract name no one has bound. Keep
    /// the returned value alive while the address is in use.
    fn closed() -> Closed<Self::Addr>;
}

impl Loopback for Ipv4 {
    fn fresh() -> SocketAddrV4 {
        SocketAddrV4::localhost(0)
    }
    fn closed() -> Closed<SocketAddrV4> {
        let hold = closed_port();
        Closed {
            addr: SocketAddrV4::localhost(hold.port()),
            _hold: Some(Box::new(hold)),
        }
    }
}

impl Loopback for Ipv6 {
    fn fresh() -> SocketAddrV6 {
        SocketAddrV6::localhost(0)
    }
    fn closed() -> Closed<SocketAddrV6> {
        let hold = closed_port_v6();
        Closed {
            addr: SocketAddrV6::localhost(hold.port()),
            _hold: Some(Box::new(hold)),
        }
    }
}

impl Loopback for Unix {
    fn fresh() -> UnixAddr {
        unique_abstract("fresh")
    }
    fn closed() -> Closed<UnixAddr> {
        Closed {
            addr: unique_abstract("closed"),
            _hold: None,
        }
    }
}

/// A TCP port on loopback where nothing listens, held by a bound but
/// non-listening socket for as long as this value lives: no other test
/// (and no ephemeral `bind(0)`/`connect`) can take the port meanwhile,
/// and a connect to it is refused (the kernel answers RST).
pub struct ClosedPort {
    socket: wirelane::BoundSocket<Ipv4, wirelane::Stream>,
}

impl ClosedPort {
    /// The held port number.
    pub fn port(&self) -> u16 {
        self.socket.local_addr().expect("held port address").port()
    }
}

/// Holds a closed loopback port (IPv4); see [`ClosedPort`].
pub fn closed_port() -> ClosedPort {
    let socket = wirelane::RawSocket::<Ipv4, wirelane::Stream>::new()
        .expect("socket")
        .bind(SocketAddrV4::localhost(0))
        .expect("bind closed port");
    ClosedPort { socket }
}

/// A closed IPv6 loopback port, held like [`ClosedPort`].
pub struct ClosedPortV6 {
    socket: wirelane::BoundSocket<Ipv6, wirelane::Stream>,
}

impl ClosedPortV6 {
    /// The held port number.
    pub fn port(&self) -> u16 {
        self.socket.local_addr().expect("held port address").port()
    }
}

/// Holds a closed loopback port (IPv6).
pub fn closed_port_v6() -> ClosedPortV6 {
    let socket = wirelane::RawSocket::<Ipv6, wirelane::Stream>::new()
        .expect("socket")
        .bind(SocketAddrV6::localhost(0))
        .expect("bind closed port");
    ClosedPortV6 { socket }
}

/// The number of open descriptors of this process (entries in
/// /proc/self/fd, not counting the one used to read the directory).
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("read /proc/self/fd").count() - 1
}

/// Whether `FD_CLOEXEC` is set on `fd`.
pub fn is_cloexec(fd: impl AsFd) -> bool {
    // SAFETY: F_GETFD takes no pointer argument.
    let flags = unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_GETFD) };
    assert!(flags >= 0, "fcntl(F_GETFD): {}", io::Error::last_os_error());
    flags & libc::FD_CLOEXEC != 0
}

/// Whether `fd` is still an open descriptor.
pub fn is_open(raw: std::os::fd::RawFd) -> bool {
    // SAFETY: F_GETFD on any integer is harmless; EBADF means closed.
    unsafe { libc::fcntl(raw, libc::F_GETFD) >= 0 }
}

/// Waits until `fd` is readable (or `TIMEOUT` passes); panics on timeout.
pub fn wait_readable(fd: impl AsFd) {
    wait_for(fd, libc::POLLIN)
}

/// Waits until `fd` reports `events` (or `TIMEOUT` passes); panics on timeout.
pub fn wait_for(fd: impl AsFd, events: libc::c_short) {
    let mut pfd = libc::pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, TIMEOUT.as_millis() as libc::c_int) };
    assert!(n >= 0, "poll: {}", io::Error::last_os_error());
    assert_eq!(n, 1, "descriptor not ready within {TIMEOUT:?}");
}

/// Runs `f` on a thread and fails (instead of hanging) if it does not
/// finish within `TIMEOUT`.
pub fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(TIMEOUT) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("{what} did not finish within {TIMEOUT:?}"),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked (see its message above)"),
    }
}
