//! [`ConnectedInet`]: a connected TCP stream of either family.

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::domain::{Ipv4, Ipv6};
use crate::resolve::InetAddr;
use crate::socket::ConnectedStream;

/// Runs `$body` with `$s` bound to the inner stream, whichever family.
/// `either!(Type: expr, ...)` names the enum where `Self` is another type.
macro_rules! either {
    ($t:ident: $self:expr, $s:ident => $body:expr) => {
        match $self {
            $t::V4($s) => $body,
            $t::V6($s) => $body,
        }
    };
    ($self:expr, $s:ident => $body:expr) => {
        either!(Self: $self, $s => $body)
    };
}
pub(crate) use either;

/// A connected TCP stream whose family was decided at run time (by the
/// resolver and the Happy Eyeballs race).
///
/// It keeps the typestate: match on it, or call
/// [`into_v4`](Self::into_v4)/[`into_v6`](Self::into_v6), to get the
/// concrete [`ConnectedStream`] back. It implements [`Read`], [`Write`] and
/// [`AsFd`], so every option function (`set_tcp_nodelay(&conn, true)`)
/// works on it directly. Same size as the descriptor plus a tag.
pub enum ConnectedInet {
    /// Connected over IPv4.
    V4(ConnectedStream<Ipv4>),
    /// Connected over IPv6.
    V6(ConnectedStream<Ipv6>),
}

impl ConnectedInet {
    /// The peer's address (`getpeername(2)`).
    pub fn peer_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.peer_addr().map(InetAddr::from))
    }

    /// The local address (`getsockname(2)`).
    pub fn local_addr(&self) -> io::Result<InetAddr> {
        either!(self, s => s.local_addr().map(InetAddr::from))
    }

    /// Sends bytes (`send(2)` with `MSG_NOSIGNAL`).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        either!(self, s => s.send(buf))
    }

    /// Receives bytes (`recv(2)`).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        either!(self, s => s.recv(buf))
    }

    /// Reads without consuming (`MSG_PEEK`).
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        either!(self, s => s.peek(buf))
    }

    /// Shuts down one or both directions (`shutdown(2)`).
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        either!(self, s => s.shutdown(how))
    }

    /// Sets or clears `O_NONBLOCK`.
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        either!(self, s => s.set_nonblocking(nonblocking))
    }

    /// Sets the receive timeout (`SO_RCVTIMEO`); `None` waits forever.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        either!(self, s => s.set_read_timeout(timeout))
    }

    /// Sets the send timeout (`SO_SNDTIMEO`); `None` waits forever.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        either!(self, s => s.set_write_timeout(timeout))
    }

    /// Reads and clears the pending socket error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        either!(self, s => s.take_error())
    }

    /// A second handle to the same socket (`F_DUPFD_CLOEXEC`).
    pub fn try_clone(&self) -> io::Result<Self> {
        Ok(match self {
            Self::V4(s) => Self::V4(s.try_clone()?),
            Self::V6(s) => Self::V6(s.try_clone()?),
        })
    }

    /// Whether the connection is over IPv4.
    pub fn is_ipv4(&self) -> bool {
        matches!(self, Self::V4(_))
    }

    /// The IPv4 stream, or `self` back if it is IPv6.
    pub fn into_v4(self) -> Result<ConnectedStream<Ipv4>, Self> {
        match self {
            Self::V4(s) => Ok(s),
            other => Err(other),
        }
    }

    /// The IPv6 stream, or `self` back if it is IPv4.
    pub fn into_v6(self) -> Result<ConnectedStream<Ipv6>, Self> {
        match self {
            Self::V6(s) => Ok(s),
            other => Err(other),
        }
    }
}

impl From<ConnectedStream<Ipv4>> for ConnectedInet {
    fn from(s: ConnectedStream<Ipv4>) -> Self {
        Self::V4(s)
    }
}

impl From<ConnectedStream<Ipv6>> for ConnectedInet {
    fn from(s: ConnectedStream<Ipv6>) -> Self {
        Self::V6(s)
    }
}

impl Read for &ConnectedInet {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        either!(ConnectedInet: *self, s => s.recv_vectored(bufs))
    }
}

impl Write for &ConnectedInet {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        either!(ConnectedInet: *self, s => s.send_vectored(bufs))
    }

    /// A socket has no user-space buffer: nothing to flush.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for ConnectedInet {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        (&*self).read_vectored(bufs)
    }
}

impl Write for ConnectedInet {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        (&*self).write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsFd for ConnectedInet {
    fn as_fd(&self) -> BorrowedFd<'_> {
        either!(self, s => s.as_fd())
    }
}

impl AsRawFd for ConnectedInet {
    fn as_raw_fd(&self) -> RawFd {
        either!(self, s => s.as_raw_fd())
    }
}

impl IntoRawFd for ConnectedInet {
    fn into_raw_fd(self) -> RawFd {
        either!(self, s => s.into_raw_fd())
    }
}

impl From<ConnectedInet> for OwnedFd {
    fn from(s: ConnectedInet) -> OwnedFd {
        either!(ConnectedInet: s, s => s.into())
    }
}

impl std::fmt::Debug for ConnectedInet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        either!(self, s => s.fmt(f))
    }
}
