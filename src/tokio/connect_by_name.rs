//! Connect by name inside tokio: [`connect`] and [`connect_datagram`], the
//! RFC 8305 race of [`Connector`] with the resolver off the runtime's
//! threads, and the results [`AsyncInet`] / [`AsyncInetDatagram`], which
//! keep the typestate.

use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::Async;
use crate::connect_by_name::{ConnectedInet, ConnectedInetDatagram, Connector, HappyEyeballs};
use crate::domain::{Ipv4, Ipv6};
use crate::resolve::{InetAddr, resolve};
use crate::{ConnectedDatagram, ConnectedStream};

/// Resolves `connector`'s host on tokio's blocking pool
/// (`spawn_blocking`: `getaddrinfo` cannot be made asynchronous), bounded
/// by its timeout, and returns the addresses in the order to try.
async fn resolve_off_thread(connector: &Connector, deadline: Option<Instant>) -> io::Result<Vec<InetAddr>> {
    let (host, port) = (connector.host().to_owned(), connector.port());
    let name = host.clone();
    let lookup = tokio::task::spawn_blocking(move || resolve(&host, port));
    let joined = match deadline {
        None => lookup.await,
        Some(deadline) => tokio::time::timeout_at(deadline.into(), lookup).await.map_err(|_| {
            io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "resolving {name:?} timed out after {:?}",
                    connector.deadline().unwrap_or_default()
                ),
            )
        })?,
    };
    joined.map_err(|e| io::Error::other(format!("the resolver task for {name:?} failed: {e}")))?
}

/// Resolves and connects like [`Connector::connect`], without blocking the
/// runtime: resolution runs on the blocking pool, the attempts are
/// non-blocking connects waited on through the reactor, the attempt delay
/// and deadline through tokio's timer. Needs a runtime with IO and time
/// enabled. With [`Connector::fast_open`] data that did not fit in the SYN
/// (no cookie yet) is written right after the handshake, in one `send`
/// into the empty send buffer.
///
/// Cancel safety: dropping the future closes every attempt in flight, so a
/// cancelled connect leaves no half-open socket (a lookup already running
/// on the blocking pool finishes there and is discarded).
///
/// ```
/// use tokio::io::AsyncWriteExt;
/// use wirelane::{Connector, Ipv4, ListenerBuilder, SocketAddrV4};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0))?;
/// let port = listener.local_addr()?.port();
/// let mut conn = wirelane::tokio::connect(Connector::new("localhost", port)).await?;
/// conn.write_all(b"hi").await?;
/// # Ok(()) }
/// ```
pub async fn connect(connector: Connector) -> io::Result<AsyncInet> {
    let begun = Instant::now();
    let deadline = connector.deadline().map(|t| begun + t);
    let addrs = resolve_off_thread(&connector, deadline).await?;
    // The race's deadline counts from now; shorten the timeout by the time
    // resolution took so the whole connect keeps to the caller's bound.
    let rest = connector
        .nonblocking(true)
        .timeout(deadline.map(|d| d.saturating_duration_since(Instant::now())));
    let race = rest.start_with(addrs)?;
    let winner = drive(race).await?;
    AsyncInet::new(winner)
}

/// Drives the race through the reactor: waits until an attempt is
/// writable or the next attempt (or the deadline) is due, then steps.
async fn drive(mut race: HappyEyeballs) -> io::Result<ConnectedInet> {
    loop {
        if let Some(conn) = race.step()? {
            return Ok(conn);
        }
        // Registered for this wait only: the set of attempts changes with
        // every step, and these entries must go before `step` closes an fd.
        let registrations = race
            .fds()
            .map(|fd| {
                // SAFETY: the fd belongs to an attempt owned by `race`,
                // which is not stepped (so closes nothing) until these
                // registrations are dropped below; a cancelled future drops
                // them first too (declared after `race`).
                unsafe { AsyncFd::register_with_interest(fd.as_raw_fd(), Interest::WRITABLE) }
                    .map_err(|e| e.into_parts().1)
            })
            .collect::<io::Result<Vec<AsyncFd<RawFd>>>>()?;
        let sleep = race.timeout().map(tokio::time::sleep);
        let mut sleep = sleep.map(Box::pin);
        poll_fn(|cx| {
            let mut ready = false;
            for registration in &registrations {
                if let Poll::Ready(guard) = registration.poll_write_ready(cx) {
                    // Readiness is left set (the guard is dropped
                    // untouched): `step` checks each fd itself.
                    drop(guard?);
                    ready = true;
                }
            }
            if let Some(sleep) = sleep.as_mut()
                && sleep.as_mut().poll(cx).is_ready()
            {
                ready = true;
            }
            if ready {
                Poll::Ready(Ok::<(), io::Error>(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        drop(registrations);
    }
}

/// Resolves like [`connect`] (off the runtime's threads) and connects a
/// UDP socket like [`Connector::connect_datagram`] (which never blocks: a
/// datagram `connect(2)` sends nothing).
///
/// Cancel safety: dropping the future before it completes opens nothing.
pub async fn connect_datagram(connector: Connector) -> io::Result<AsyncInetDatagram> {
    let deadline = connector.deadline().map(|t| Instant::now() + t);
    let addrs = resolve_off_thread(&connector, deadline).await?;
    AsyncInetDatagram::new(connector.connect_datagram_with(&addrs)?)
}

/// A TCP connection of either family registered with tokio: the result of
/// [`connect`]. Match on it (or [`into_v4`](Self::into_v4) /
/// [`into_v6`](Self::into_v6)) to get the concrete
/// `Async<ConnectedStream<D>>` back; it implements `AsyncRead`,
/// `AsyncWrite` and `AsFd` (so every option function works on it).
#[derive(Debug)]
pub enum AsyncInet {
    /// Connected over IPv4.
    V4(Async<ConnectedStream<Ipv4>>),
    /// Connected over IPv6.
    V6(Async<ConnectedStream<Ipv6>>),
}

macro_rules! either {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            AsyncInet::V4($s) => $body,
            AsyncInet::V6($s) => $body,
        }
    };
}

impl AsyncInet {
    /// Registers a connected stream of either family with the current
    /// runtime (see [`Async::new`]).
    pub fn new(conn: ConnectedInet) -> io::Result<Self> {
        Ok(match conn {
            ConnectedInet::V4(s) => Self::V4(Async::new(s)?),
            ConnectedInet::V6(s) => Self::V6(Async::new(s)?),
        })
    }

    /// The peer's address (`getpeername(2)`).
    pub fn peer_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.get_ref().peer_addr().map(InetAddr::from))
    }

    /// The local address (`getsockname(2)`).
    pub fn local_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.get_ref().local_addr().map(InetAddr::from))
    }

    /// The IPv4 stream, or `self` back if it is IPv6.
    pub fn into_v4(self) -> Result<Async<ConnectedStream<Ipv4>>, Self> {
        match self {
            Self::V4(s) => Ok(s),
            other => Err(other),
        }
    }

    /// The IPv6 stream, or `self` back if it is IPv4.
    pub fn into_v6(self) -> Result<Async<ConnectedStream<Ipv6>>, Self> {
        match self {
            Self::V6(s) => Ok(s),
            other => Err(other),
        }
    }

    /// Deregisters and returns the Layer 0 stream (left non-blocking, as
    /// [`Async::into_inner`] leaves it).
    pub fn into_inner(self) -> io::Result<ConnectedInet> {
        Ok(match self {
            Self::V4(s) => ConnectedInet::V4(s.into_inner()?),
            Self::V6(s) => ConnectedInet::V6(s.into_inner()?),
        })
    }
}

impl AsFd for AsyncInet {
    fn as_fd(&self) -> BorrowedFd<'_> {
        either!(self, s => s.as_fd())
    }
}

impl AsRawFd for AsyncInet {
    fn as_raw_fd(&self) -> RawFd {
        either!(self, s => s.as_raw_fd())
    }
}

/// As `Async<ConnectedStream<D>>`'s: one `recv(2)` per readiness,
/// cancel-safe.
impl AsyncRead for AsyncInet {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        either!(self.get_mut(), s => Pin::new(s).poll_read(cx, buf))
    }
}

/// As `Async<ConnectedStream<D>>`'s: `MSG_NOSIGNAL`, vectored writes in one
/// `sendmsg(2)`, `poll_shutdown` is `shutdown(SHUT_WR)`.
impl AsyncWrite for AsyncInet {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        either!(self.get_mut(), s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        either!(self.get_mut(), s => Pin::new(s).poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        either!(self.get_mut(), s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        either!(self.get_mut(), s => Pin::new(s).poll_shutdown(cx))
    }
}

/// A UDP socket of either family, connected by name and registered with
/// tokio: the result of [`connect_datagram`]. Match on it (or
/// [`into_v4`](Self::into_v4) / [`into_v6`](Self::into_v6)) for the
/// concrete `Async<ConnectedDatagram<D>>`.
#[derive(Debug)]
pub enum AsyncInetDatagram {
    /// Connected over IPv4.
    V4(Async<ConnectedDatagram<Ipv4>>),
    /// Connected over IPv6.
    V6(Async<ConnectedDatagram<Ipv6>>),
}

macro_rules! either_dgram {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            AsyncInetDatagram::V4($s) => $body,
            AsyncInetDatagram::V6($s) => $body,
        }
    };
}

impl AsyncInetDatagram {
    /// Registers a connected datagram socket of either family with the
    /// current runtime (see [`Async::new`]).
    pub fn new(conn: ConnectedInetDatagram) -> io::Result<Self> {
        Ok(match conn {
            ConnectedInetDatagram::V4(s) => Self::V4(Async::new(s)?),
            ConnectedInetDatagram::V6(s) => Self::V6(Async::new(s)?),
        })
    }

    /// Sends one datagram to the peer (`send(2)`, `MSG_NOSIGNAL`).
    /// Cancel-safe.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        either_dgram!(self, s => s.send(buf).await)
    }

    /// Receives one datagram from the peer (`recv(2)`). Cancel-safe.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        either_dgram!(self, s => s.recv(buf).await)
    }

    /// The peer's address (`getpeername(2)`).
    pub fn peer_addr(&self) -> io::Result<InetAddr> {
        either_dgram!(self, s => s.get_ref().peer_addr().map(InetAddr::from))
    }

    /// The local address (`getsockname(2)`).
    pub fn local_addr(&self) -> io::Result<InetAddr> {
        either_dgram!(self, s => s.get_ref().local_addr().map(InetAddr::from))
    }

    /// The IPv4 socket, or `self` back if it is IPv6.
    pub fn into_v4(self) -> Result<Async<ConnectedDatagram<Ipv4>>, Self> {
        match self {
            Self::V4(s) => Ok(s),
            other => Err(other),
        }
    }

    /// The IPv6 socket, or `self` back if it is IPv4.
    pub fn into_v6(self) -> Result<Async<ConnectedDatagram<Ipv6>>, Self> {
        match self {
            Self::V6(s) => Ok(s),
            other => Err(other),
        }
    }
}

impl AsFd for AsyncInetDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        either_dgram!(self, s => s.as_fd())
    }
}
