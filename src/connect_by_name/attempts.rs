//! [`HappyEyeballs`]: the RFC 8305 race as a state machine an event loop
//! can drive (`step`, `fds`, `timeout`), and a blocking driver on `poll(2)`.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use super::connected::ConnectedInet;
use super::error::{Attempt, ConnectError};
use crate::addr::codec::AddrCodec;
use crate::domain::{Domain, Ipv4, Ipv6, SockType, Stream};
use crate::resolve::InetAddr;
use crate::socket::{ConnectedStream, PendingConnect};
use crate::sys;

/// A connect attempt in flight, typed by family.
enum Pending {
    V4(PendingConnect<Ipv4>),
    V6(PendingConnect<Ipv6>),
}

impl Pending {
    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Self::V4(p) => p.as_fd(),
            Self::V6(p) => p.as_fd(),
        }
    }

    /// For an attempt `poll(2)` reported with `revents`: the connected
    /// stream, or the attempt back with its error. One `getsockopt`
    /// (`SO_ERROR`) in the common case: writable with no error is connected
    /// (nothing else reads this socket's error); anything else takes
    /// [`PendingConnect::finish`]'s full check.
    fn finish_ready(self, revents: libc::c_short) -> Result<ConnectedInet, (io::Error, Self)> {
        match sys::getsockopt_int(self.fd(), libc::SOL_SOCKET, libc::SO_ERROR) {
            Ok(0) if revents & libc::POLLOUT != 0 => Ok(match self {
                Self::V4(p) => ConnectedInet::V4(ConnectedStream::from_fd(p.into_fd())),
                Self::V6(p) => ConnectedInet::V6(ConnectedStream::from_fd(p.into_fd())),
            }),
            Ok(0) => self.finish(),
            Ok(code) => Err((io::Error::from_raw_os_error(code), self)),
            Err(e) => Err((e, self)),
        }
    }

    /// The connected stream, or the attempt back with its error.
    fn finish(self) -> Result<ConnectedInet, (io::Error, Self)> {
        match self {
            Self::V4(p) => p.finish().map(ConnectedInet::V4).map_err(|e| {
                let (error, p) = e.into_parts();
                (error, Self::V4(p))
            }),
            Self::V6(p) => p.finish().map(ConnectedInet::V6).map_err(|e| {
                let (error, p) = e.into_parts();
                (error, Self::V6(p))
            }),
        }
    }
}

/// What every attempt shares.
#[derive(Clone, Debug, Default)]
pub(crate) struct AttemptConfig {
    /// Data to send in the SYN (TCP Fast Open, `MSG_FASTOPEN`).
    pub(crate) fast_open: Option<Vec<u8>>,
    /// Source address; only addresses of its family are tried.
    pub(crate) local: Option<InetAddr>,
    /// Leave the winner non-blocking.
    pub(crate) nonblocking: bool,
    /// How long one attempt may wait for its handshake before it counts as
    /// failed (`TimedOut`) and the next address starts at once; Python's
    /// `create_connection(timeout=...)` semantics. `None`: the kernel's
    /// SYN retries.
    pub(crate) attempt_timeout: Option<Duration>,
}

/// One Happy Eyeballs race (RFC 8305) in progress.
///
/// Made by [`Connector::start`](super::Connector::start) or
/// [`Connector::start_with`](super::Connector::start_with). Drive it from
/// an event loop: wait until one of [`fds`](Self::fds) is writable or
/// [`timeout`](Self::timeout) passes, then call [`step`](Self::step); it
/// returns the winner once a handshake completes. Or call
/// [`wait`](Self::wait) to block. Dropping it closes every attempt in
/// flight, so cancelling leaves no half-open socket.
pub struct HappyEyeballs {
    host: String,
    port: u16,
    queue: VecDeque<InetAddr>,
    /// Each attempt in flight: its address, socket, Fast Open bytes the SYN
    /// carried, and when it times out (the attempt timeout).
    in_flight: Vec<(InetAddr, Pending, usize, Option<Instant>)>,
    failures: Vec<Attempt>,
    next_start: Instant,
    deadline: Option<Instant>,
    delay: Duration,
    config: AttemptConfig,
    /// How many Fast Open bytes the winner's SYN carried.
    pending_sent: usize,
    done: bool,
}

impl HappyEyeballs {
    pub(crate) fn new(
        host: String,
        port: u16,
        addrs: Vec<InetAddr>,
        delay: Duration,
        deadline: Option<Instant>,
        config: AttemptConfig,
    ) -> Self {
        Self {
            host,
            port,
            queue: addrs.into(),
            in_flight: Vec::new(),
            failures: Vec::new(),
            next_start: Instant::now(),
            deadline,
            delay,
            config,
            pending_sent: 0,
            done: false,
        }
    }

    /// The descriptors of the attempts in flight: wait for any of them to
    /// become writable (`POLLOUT`/`EPOLLOUT`). The set changes after each
    /// [`step`](Self::step); re-register then.
    pub fn fds(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        self.in_flight.iter().map(|(_, p, _, _)| p.fd())
    }

    /// How long to wait before the next [`step`](Self::step) at the latest:
    /// until the next attempt is due, an attempt times out or the deadline,
    /// whichever is first. `None`: only a descriptor becoming writable
    /// moves the race on.
    pub fn timeout(&self) -> Option<Duration> {
        let now = Instant::now();
        let next = (!self.queue.is_empty()).then_some(self.next_start);
        let expiry = self.in_flight.iter().filter_map(|(_, _, _, e)| *e).min();
        let until = [next, expiry, self.deadline].into_iter().flatten().min();
        until.map(|t| t.saturating_duration_since(now))
    }

    /// The attempts that have failed so far, in the order they failed
    /// (after the race is lost: all of them, as in its error).
    pub fn failures(&self) -> &[Attempt] {
        &self.failures
    }

    /// Moves the race on without blocking: collects finished attempts,
    /// starts the next attempt when it is due, and checks the deadline.
    ///
    /// Returns `Ok(Some(conn))` for the winner (every other attempt is then
    /// closed), `Ok(None)` while the race goes on, or the final error —
    /// every attempt listed in its [`ConnectError`] source — once every
    /// address has failed or the deadline passed. After either outcome the
    /// race is over and further calls fail with `InvalidInput` naming the
    /// problem.
    pub fn step(&mut self) -> io::Result<Option<ConnectedInet>> {
        self.step_with(None)
    }

    /// [`step`](Self::step), reusing the `poll(2)` results of
    /// [`wait`](Self::wait) (one pollfd per attempt, in [`fds`](Self::fds)
    /// order) instead of polling again.
    fn step_with(&mut self, ready: Option<&[libc::pollfd]>) -> io::Result<Option<ConnectedInet>> {
        if self.done {
            return Err(crate::error::invalid_input(
                libc::EINVAL,
                "this Happy Eyeballs race is already over",
            ));
        }
        match self.advance(ready) {
            Ok(None) => Ok(None),
            other => {
                self.done = true;
                self.queue.clear();
                self.in_flight.clear();
                other
            }
        }
    }

    fn advance(&mut self, ready: Option<&[libc::pollfd]>) -> io::Result<Option<ConnectedInet>> {
        if let Some(conn) = self.collect(ready)? {
            return self.winner(conn).map(Some);
        }
        let now = Instant::now();
        if self.deadline.is_some_and(|d| now >= d) {
            for (addr, _, _, _) in self.in_flight.drain(..) {
                self.failures.push(Attempt {
                    addr,
                    error: io::Error::new(io::ErrorKind::TimedOut, "no answer before the deadline"),
                });
            }
            return Err(self.error(true));
        }
        self.expire(now);
        while (self.in_flight.is_empty() || now >= self.next_start) && !self.queue.is_empty() {
            let addr = self.queue.pop_front().expect("checked non-empty");
            match self.start_one(addr) {
                Ok((pending, sent)) => {
                    let expiry = self.config.attempt_timeout.map(|t| Instant::now() + t);
                    self.in_flight.push((addr, pending, sent, expiry));
                    self.next_start = Instant::now() + self.delay;
                    break;
                }
                // RFC 8305 §5: a failed attempt lets the next one start at once.
                Err(error) => self.failures.push(Attempt { addr, error }),
            }
        }
        if self.in_flight.is_empty() && self.queue.is_empty() {
            return Err(self.error(false));
        }
        Ok(None)
    }

    /// Fails (and closes) every attempt whose attempt timeout has passed;
    /// the next address may then start at once, as after any failure.
    fn expire(&mut self, now: Instant) {
        let Some(timeout) = self.config.attempt_timeout else {
            return;
        };
        let before = self.in_flight.len();
        let failures = &mut self.failures;
        self.in_flight.retain(|(addr, _, _, expiry)| {
            let alive = expiry.is_none_or(|e| now < e);
            if !alive {
                failures.push(Attempt {
                    addr: *addr,
                    error: io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no answer within the attempt timeout ({timeout:?})"),
                    ),
                });
            }
            alive
        });
        if self.in_flight.len() < before {
            self.next_start = now;
        }
    }

    /// Blocks until the race is won or lost, waiting in `poll(2)` on every
    /// attempt at once (and, between attempts, until the next is due). A
    /// signal ends the wait with `ErrorKind::Interrupted`; the race is left
    /// as it was, so calling `wait` again resumes it (dropping it closes
    /// every attempt).
    pub fn wait(&mut self) -> io::Result<ConnectedInet> {
        let mut pfds: Vec<libc::pollfd> = Vec::new();
        let mut ready = false;
        loop {
            if let Some(conn) = self.step_with(ready.then_some(&pfds[..]))? {
                return Ok(conn);
            }
            pfds.clear();
            pfds.extend(self.fds().map(|fd| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            }));
            let ms = sys::poll_timeout_ms(self.timeout());
            // SAFETY: `pfds` is a valid array of `pfds.len()` pollfds.
            sys::cvt(unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) })?;
            ready = true;
        }
    }

    /// Finishes every attempt whose descriptor is ready (per `ready`, or a
    /// zero-timeout `poll(2)` of its own); the first success is returned,
    /// failures are recorded.
    fn collect(&mut self, ready: Option<&[libc::pollfd]>) -> io::Result<Option<ConnectedInet>> {
        if self.in_flight.is_empty() {
            return Ok(None);
        }
        let polled;
        let pfds = match ready {
            Some(pfds) if pfds.len() == self.in_flight.len() => pfds,
            _ => {
                let mut own: Vec<libc::pollfd> = self
                    .fds()
                    .map(|fd| libc::pollfd {
                        fd: fd.as_raw_fd(),
                        events: libc::POLLOUT,
                        revents: 0,
                    })
                    .collect();
                // SAFETY: `own` is a valid array of `own.len()` pollfds.
                sys::cvt(unsafe { libc::poll(own.as_mut_ptr(), own.len() as libc::nfds_t, 0) })?;
                polled = own;
                &polled[..]
            }
        };
        let mut still = Vec::with_capacity(self.in_flight.len());
        let mut won = None;
        for ((addr, pending, sent, expiry), pfd) in self.in_flight.drain(..).zip(pfds) {
            if won.is_some() || pfd.revents == 0 {
                still.push((addr, pending, sent, expiry));
                continue;
            }
            match pending.finish_ready(pfd.revents) {
                Ok(conn) => won = Some((conn, sent)),
                Err((e, pending)) if e.kind() == io::ErrorKind::WouldBlock => still.push((addr, pending, sent, expiry)),
                Err((error, _closed)) => {
                    self.failures.push(Attempt { addr, error });
                    // The next attempt may start at once (RFC 8305 §5).
                    self.next_start = Instant::now();
                }
            }
        }
        // Losers are closed here (dropped), before the winner is handed out.
        self.in_flight = if won.is_some() { Vec::new() } else { still };
        Ok(won.map(|(conn, sent)| {
            self.pending_sent = sent;
            conn
        }))
    }

    /// Sends what of the Fast Open data did not travel in the SYN and puts
    /// the winner in the requested blocking mode.
    fn winner(&mut self, conn: ConnectedInet) -> io::Result<ConnectedInet> {
        let data = self.config.fast_open.as_deref().unwrap_or(&[]);
        if self.pending_sent < data.len() {
            conn.set_nonblocking(false)?;
            (&conn).write_all(&data[self.pending_sent..])?;
        }
        if !self.config.nonblocking {
            // The socket was made with only O_NONBLOCK among its status
            // flags (`start`), so one F_SETFL clears it.
            // SAFETY: F_SETFL takes an integer argument.
            sys::cvt(unsafe { libc::fcntl(conn.as_raw_fd(), libc::F_SETFL, 0) })?;
        }
        Ok(conn)
    }

    /// Creates a socket for `addr` and starts its connect (with the Fast
    /// Open data in the SYN if configured). Returns the attempt and how
    /// many data bytes the SYN carried.
    fn start_one(&self, addr: InetAddr) -> io::Result<(Pending, usize)> {
        match addr {
            InetAddr::V4(a) => {
                let local = match self.config.local {
                    Some(InetAddr::V4(l)) => Some(l),
                    _ => None,
                };
                start::<Ipv4>(a, local, &self.config).map(|(p, n)| (Pending::V4(p), n))
            }
            InetAddr::V6(a) => {
                let local = match self.config.local {
                    Some(InetAddr::V6(l)) => Some(l),
                    _ => None,
                };
                start::<Ipv6>(a, local, &self.config).map(|(p, n)| (Pending::V6(p), n))
            }
        }
    }

    /// The final error. The failures stay readable through
    /// [`failures`](Self::failures) (the C ABI reports them one by one), so
    /// the error gets copies.
    fn error(&mut self, timed_out: bool) -> io::Error {
        let attempts = self
            .failures
            .iter()
            .map(|a| Attempt {
                addr: a.addr,
                error: copy_error(&a.error),
            })
            .collect();
        ConnectError {
            host: self.host.clone(),
            port: self.port,
            attempts,
            timed_out,
        }
        .into_io()
    }
}

/// An equal error: the same errno, or the same kind and message.
fn copy_error(e: &io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(e.kind(), e.to_string()),
    }
}

/// One non-blocking connect (or `sendto(MSG_FASTOPEN)`), the socket closed
/// on any failure.
fn start<D: Domain>(
    peer: D::Addr,
    local: Option<D::Addr>,
    config: &AttemptConfig,
) -> io::Result<(PendingConnect<D>, usize)> {
    // Non-blocking from birth (one syscall); `winner` relies on O_NONBLOCK
    // being its only status flag.
    let fd: OwnedFd = sys::socket(D::FAMILY, Stream::TYPE | libc::SOCK_NONBLOCK, 0)?;
    if let Some(local) = local {
        sys::bind(fd.as_fd(), &local.to_raw())?;
    }
    let raw = peer.to_raw();
    let (result, sent) = match config.fast_open.as_deref() {
        // With a cookie the SYN carries the data and sendto returns its
        // length; without one the kernel sends a plain SYN asking for a
        // cookie and returns EINPROGRESS, and the data follows the handshake.
        Some(data) if !data.is_empty() => match sys::send_to(fd.as_fd(), data, libc::MSG_FASTOPEN, &raw) {
            Ok(n) => (Ok(()), n),
            // Client Fast Open switched off (net.ipv4.tcp_fastopen bit 1
            // clear): connect plainly; the data follows the handshake.
            Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => (sys::connect(fd.as_fd(), &raw), 0),
            Err(e) => (Err(e), 0),
        },
        _ => (sys::connect(fd.as_fd(), &raw), 0),
    };
    match result {
        Ok(()) => Ok((PendingConnect::from_fd(fd), sent)),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok((PendingConnect::from_fd(fd), sent)),
        Err(e) => Err(e),
    }
}

impl std::fmt::Debug for HappyEyeballs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HappyEyeballs")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("queued", &self.queue)
            .field(
                "in_flight",
                &self.in_flight.iter().map(|(a, _, _, _)| a).collect::<Vec<_>>(),
            )
            .field("failures", &self.failures)
            .finish()
    }
}
