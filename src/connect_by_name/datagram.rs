//! [`ConnectedInetDatagram`]: a UDP socket "connected" by name.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use super::connected::either;
use super::error::{Attempt, ConnectError};
use crate::domain::{Datagram, Ipv4, Ipv6};
use crate::resolve::InetAddr;
use crate::socket::{ConnectedDatagram, RawSocket};

/// A UDP socket locked to one peer whose family was decided at run time.
/// Match on it, or call [`into_v4`](Self::into_v4)/[`into_v6`](Self::into_v6),
/// to get the concrete [`ConnectedDatagram`] back; [`AsFd`] makes every
/// option function work on it.
pub enum ConnectedInetDatagram {
    /// Connected over IPv4.
    V4(ConnectedDatagram<Ipv4>),
    /// Connected over IPv6.
    V6(ConnectedDatagram<Ipv6>),
}

impl ConnectedInetDatagram {
    /// Connects a new UDP socket to the first of `addrs` that the kernel
    /// accepts. A datagram `connect(2)` sends nothing, so there is no
    /// handshake to race: an address fails only when it has no route
    /// (`ENETUNREACH`, `EADDRNOTAVAIL`), and the next one is tried at once.
    /// Each failing socket is closed.
    pub(crate) fn connect_first(
        host: &str,
        port: u16,
        addrs: &[InetAddr],
        local: Option<InetAddr>,
    ) -> io::Result<Self> {
        let mut attempts = Vec::new();
        for &addr in addrs {
            let result = match (addr, local) {
                (InetAddr::V4(a), Some(InetAddr::V4(l))) => RawSocket::<Ipv4, Datagram>::new()
                    .and_then(|s| s.bind(l).map_err(io::Error::from))
                    .and_then(|s| s.connect(a).map_err(io::Error::from))
                    .map(Self::V4),
                (InetAddr::V4(a), _) => RawSocket::<Ipv4, Datagram>::new()
                    .and_then(|s| s.connect(a).map_err(io::Error::from))
                    .map(Self::V4),
                (InetAddr::V6(a), Some(InetAddr::V6(l))) => RawSocket::<Ipv6, Datagram>::new()
                    .and_then(|s| s.bind(l).map_err(io::Error::from))
                    .and_then(|s| s.connect(a).map_err(io::Error::from))
                    .map(Self::V6),
                (InetAddr::V6(a), _) => RawSocket::<Ipv6, Datagram>::new()
                    .and_then(|s| s.connect(a).map_err(io::Error::from))
                    .map(Self::V6),
            };
            match result {
                Ok(s) => return Ok(s),
                Err(error) => attempts.push(Attempt { addr, error }),
            }
        }
        Err(ConnectError {
            host: host.to_owned(),
            port,
            attempts,
            timed_out: false,
        }
        .into_io())
    }

    /// The peer's address (`getpeername(2)`).
    pub fn peer_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.peer_addr().map(InetAddr::from))
    }

    /// The local address (`getsockname(2)`).
    pub fn local_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.local_addr().map(InetAddr::from))
    }

    /// Sends one datagram to the peer (`send(2)` with `MSG_NOSIGNAL`).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        either!(self, s => s.send(buf))
    }

    /// Receives one datagram from the peer (`recv(2)`).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        either!(self, s => s.recv(buf))
    }

    /// Sets or clears `O_NONBLOCK`.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        either!(self, s => s.set_nonblocking(nonblocking))
    }

    /// Sets the receive timeout (`SO_RCVTIMEO`); `None` waits forever.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        either!(self, s => s.set_read_timeout(timeout))
    }

    /// Reads and clears the pending socket error (`SO_ERROR`), e.g. an
    /// ICMP port unreachable reported as `ECONNREFUSED`.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        either!(self, s => s.take_error())
    }

    /// The IPv4 socket, or `self` back if it is IPv6.
    pub fn into_v4(self) -> Result<ConnectedDatagram<Ipv4>, Self> {
        match self {
            Self::V4(s) => Ok(s),
            other => Err(other),
        }
    }

    /// The IPv6 socket, or `self` back if it is IPv4.
    pub fn into_v6(self) -> Result<ConnectedDatagram<Ipv6>, Self> {
        match self {
            Self::V6(s) => Ok(s),
            other => Err(other),
        }
    }
}

impl AsFd for ConnectedInetDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        either!(self, s => s.as_fd())
    }
}

impl AsRawFd for ConnectedInetDatagram {
    fn as_raw_fd(&self) -> RawFd {
        either!(self, s => s.as_raw_fd())
    }
}

impl IntoRawFd for ConnectedInetDatagram {
    fn into_raw_fd(self) -> RawFd {
        either!(self, s => s.into_raw_fd())
    }
}

impl From<ConnectedInetDatagram> for OwnedFd {
    fn from(s: ConnectedInetDatagram) -> OwnedFd {
        either!(ConnectedInetDatagram: s, s => s.into())
    }
}

impl std::fmt::Debug for ConnectedInetDatagram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        either!(self, s => s.fmt(f))
    }
}
