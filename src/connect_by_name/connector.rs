//! [`Connector`]: the configuration of a connect by name, and the RFC 8305
//! address ordering ([`interleave`]).

use std::io;
use std::time::{Duration, Instant};

use super::attempts::{AttemptConfig, HappyEyeballs};
use super::connected::ConnectedInet;
use super::datagram::ConnectedInetDatagram;
use crate::resolve::{InetAddr, resolve_timeout};

/// RFC 8305 §5's recommended Connection Attempt Delay: how long one attempt
/// runs alone before the next address is tried beside it.
pub const DEFAULT_ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// RFC 8305 §5: the delay "SHOULD NOT be less than 10 milliseconds", to
/// avoid congestion collapse; shorter values are raised to this.
pub const MIN_ATTEMPT_DELAY: Duration = Duration::from_millis(10);

/// A connect by name: host, port and the knobs of the race.
///
/// ```no_run
/// use std::time::Duration;
/// use wirelane::Connector;
/// # fn main() -> std::io::Result<()> {
/// let conn = Connector::new("example.com", 443)
///     .timeout(Some(Duration::from_secs(10)))
///     .connect()?; // ConnectedInet: ConnectedStream<Ipv4> or <Ipv6>
/// # drop(conn); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Connector {
    host: String,
    port: u16,
    delay: Duration,
    timeout: Option<Duration>,
    config: AttemptConfig,
}

impl Connector {
    /// A connect to `host` (a name for the system resolver, or an IPv4 /
    /// IPv6 literal) on `port`, with the default attempt delay (250 ms) and
    /// no overall deadline.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
            delay: DEFAULT_ATTEMPT_DELAY,
            timeout: None,
            config: AttemptConfig::default(),
        }
    }

    /// The Connection Attempt Delay (RFC 8305 §5): how long an attempt runs
    /// alone before the next address starts beside it. Values below
    /// [`MIN_ATTEMPT_DELAY`] are raised to it, as the RFC requires.
    pub fn attempt_delay(mut self, delay: Duration) -> Self {
        self.delay = delay.max(MIN_ATTEMPT_DELAY);
        self
    }

    /// The overall deadline, covering resolution and every attempt
    /// (`None`, the default: no deadline beyond the kernel's own SYN
    /// retries). When it passes the connect fails with `TimedOut`.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout of each connection attempt (`None`, the default: the
    /// kernel's SYN retries): an attempt with no answer by then fails with
    /// `TimedOut`, is closed, and the next address starts at once. This is
    /// what `timeout` means in Python's `socket.create_connection`; unlike
    /// [`timeout`](Self::timeout) it bounds each attempt, not the whole
    /// connect, and not resolution.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.attempt_timeout = timeout;
        self
    }

    /// Binds every attempt to this source address first (port 0: any
    /// port). Only resolved addresses of its family are tried, as Python's
    /// `create_connection(source_address=...)` does.
    pub fn source_addr(mut self, addr: impl Into<InetAddr>) -> Self {
        self.config.local = Some(addr.into());
        self
    }

    /// TCP Fast Open on the client (RFC 7413): `data` travels in the SYN
    /// (`sendto(2)` with `MSG_FASTOPEN`) when the kernel holds a cookie for
    /// the server, and is written right after the handshake otherwise, so
    /// the caller never needs to know which happened. Needs
    /// `net.ipv4.tcp_fastopen` bit 1 (on by default). Empty `data`: no
    /// Fast Open.
    pub fn fast_open(mut self, data: impl Into<Vec<u8>>) -> Self {
        let data = data.into();
        self.config.fast_open = (!data.is_empty()).then_some(data);
        self
    }

    /// Leaves the winning socket in non-blocking mode (for an event loop).
    /// Default: blocking, like `std::net::TcpStream::connect`.
    pub fn nonblocking(mut self, nonblocking: bool) -> Self {
        self.config.nonblocking = nonblocking;
        self
    }

    /// The host this connects to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port this connects to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The configured Connection Attempt Delay.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The configured overall deadline.
    pub fn deadline(&self) -> Option<Duration> {
        self.timeout
    }

    /// Resolves the host (bounded by the timeout) and returns the addresses
    /// in the order they will be tried: only the source address's family
    /// if one is set, then [`interleave`]d.
    pub fn resolve(&self) -> io::Result<Vec<InetAddr>> {
        let addrs = resolve_timeout(&self.host, self.port, self.timeout)?;
        self.order(addrs)
    }

    /// Keeps the addresses the source address allows and interleaves them.
    fn order(&self, mut addrs: Vec<InetAddr>) -> io::Result<Vec<InetAddr>> {
        if let Some(local) = self.config.local {
            addrs.retain(|a| a.is_ipv4() == local.is_ipv4());
            if addrs.is_empty() {
                let family = if local.is_ipv4() { "IPv4" } else { "IPv6" };
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "{:?} has no {family} address to reach from the source address {local}",
                        self.host
                    ),
                ));
            }
        }
        Ok(interleave(addrs))
    }

    /// Resolves the host and starts the race without waiting for it: the
    /// returned [`HappyEyeballs`] is driven by an event loop (or
    /// [`wait`](HappyEyeballs::wait)ed on). Resolution itself blocks the
    /// calling thread (bounded by the timeout).
    pub fn start(&self) -> io::Result<HappyEyeballs> {
        let begun = Instant::now();
        let addrs = self.resolve()?;
        Ok(self.race(addrs, begun))
    }

    /// Starts the race over `addrs` (in resolver order; they are filtered
    /// by the source address and [`interleave`]d here) without resolving:
    /// for callers that resolved elsewhere, such as off-thread in an async
    /// runtime. The deadline counts from now.
    pub fn start_with(&self, addrs: Vec<InetAddr>) -> io::Result<HappyEyeballs> {
        let begun = Instant::now();
        let addrs = self.order(addrs)?;
        Ok(self.race(addrs, begun))
    }

    fn race(&self, addrs: Vec<InetAddr>, begun: Instant) -> HappyEyeballs {
        HappyEyeballs::new(
            self.host.clone(),
            self.port,
            addrs,
            self.delay,
            self.timeout.map(|t| begun + t),
            self.config.clone(),
        )
    }

    /// Resolves the host and connects to it (RFC 8305), blocking until the
    /// first handshake completes; every other attempt is closed. When every
    /// attempt fails (or the deadline passes) the error's source is a
    /// [`ConnectError`](super::ConnectError) listing each address and its
    /// error.
    ///
    /// A signal interrupts the wait with `ErrorKind::Interrupted`, as every
    /// blocking call of this crate does (the attempts are closed); to resume
    /// instead, [`start`](Self::start) and [`wait`](HappyEyeballs::wait).
    pub fn connect(&self) -> io::Result<ConnectedInet> {
        self.start()?.wait()
    }

    /// Resolves the host and "connects" a UDP socket to the first address
    /// the kernel accepts (a datagram `connect(2)` sends nothing, so there
    /// is nothing to race; addresses with no route are skipped). The same
    /// address order, source address and error report as
    /// [`connect`](Self::connect).
    pub fn connect_datagram(&self) -> io::Result<ConnectedInetDatagram> {
        let addrs = self.resolve()?;
        self.connect_datagram_with(&addrs)
    }

    /// [`connect_datagram`](Self::connect_datagram) over addresses already
    /// resolved (filtered and [`interleave`]d here).
    pub fn connect_datagram_with(&self, addrs: &[InetAddr]) -> io::Result<ConnectedInetDatagram> {
        let addrs = self.order(addrs.to_vec())?;
        ConnectedInetDatagram::connect_first(&self.host, self.port, &addrs, self.config.local)
    }
}

/// Orders addresses as RFC 8305 §4 asks: alternate the families, starting
/// with the family of the first address (the resolver's preference), and
/// keep the resolver's order within each family.
///
/// ```
/// use wirelane::{InetAddr, SocketAddrV4, SocketAddrV6, interleave};
/// let v4 = |n| InetAddr::V4(SocketAddrV4::new([127, 0, 0, n], 80));
/// let v6 = |n| InetAddr::V6(SocketAddrV6::new([0, 0, 0, 0, 0, 0, 0, n], 80, 0, 0));
/// assert_eq!(
///     interleave(vec![v6(1), v6(2), v6(3), v4(1)]),
///     vec![v6(1), v4(1), v6(2), v6(3)],
/// );
/// ```
pub fn interleave(addrs: Vec<InetAddr>) -> Vec<InetAddr> {
    let Some(first) = addrs.first() else {
        return addrs;
    };
    let first_v4 = first.is_ipv4();
    let (mut preferred, mut other): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|a| a.is_ipv4() == first_v4);
    let mut out = Vec::with_capacity(preferred.len() + other.len());
    preferred.reverse();
    other.reverse();
    loop {
        match (preferred.pop(), other.pop()) {
            (None, None) => return out,
            (a, b) => out.extend(a.into_iter().chain(b)),
        }
    }
}
