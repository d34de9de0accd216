//! `ConnectedStream<D>`: a connected byte stream (TCP or Unix stream).

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::marker::PhantomData;
use std::net::Shutdown;
use std::os::fd::{AsFd, OwnedFd};

use super::connected::connected_ops;
use super::socket_state;
use crate::domain::{Domain, Stream, Unix};
use crate::sys;

/// A connected stream: TCP over [`Ipv4`](crate::Ipv4)/[`Ipv6`](crate::Ipv6),
/// or a Unix stream.
///
/// Implements [`Read`] and [`Write`] on the value and on `&ConnectedStream`
/// (like `std::net::TcpStream`), so one thread can read while another
/// writes. Writes go through `send`/`sendmsg` with `MSG_NOSIGNAL`: a closed
/// peer gives `ErrorKind::BrokenPipe`, never a `SIGPIPE`. As in `std`, a
/// signal surfaces as `ErrorKind::Interrupted` from `read`/`write`, and
/// `read_exact`/`write_all` retry it.
pub struct ConnectedStream<D: Domain> {
    fd: OwnedFd,
    _marker: PhantomData<D>,
}

socket_state!(ConnectedStream<D: Domain>);
connected_ops!(ConnectedStream<D: Domain>);

impl<D: Domain> ConnectedStream<D> {
    /// Shuts down one or both directions (`shutdown(2)`). After
    /// `Shutdown::Write` the peer reads end-of-stream.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        sys::shutdown(self.as_fd(), how)
    }
}

impl ConnectedStream<Unix> {
    /// A pair of connected Unix streams (`socketpair(2)`), both close-on-exec.
    pub fn pair() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <Stream as crate::SockType>::TYPE)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }

    /// The peer process's credentials at connect time (`SO_PEERCRED`, see
    /// `unix(7)`): use them for access checks on a Unix-socket server.
    pub fn peer_credentials(&self) -> io::Result<UCred> {
        peer_credentials_of(self.as_fd())
    }
}

/// Reads `SO_PEERCRED` (any connected Unix socket).
pub(super) fn peer_credentials_of(fd: std::os::fd::BorrowedFd<'_>) -> io::Result<UCred> {
    let cred: libc::ucred = sys::getsockopt(fd, libc::SOL_SOCKET, libc::SO_PEERCRED)?;
    Ok(UCred {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}

/// A Unix peer's credentials, as the kernel recorded them at connect time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UCred {
    /// The peer's process id.
    pub pid: libc::pid_t,
    /// The peer's effective user id.
    pub uid: libc::uid_t,
    /// The peer's effective group id.
    pub gid: libc::gid_t,
}

impl<D: Domain> Read for &ConnectedStream<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.recv_vectored(bufs)
    }
}

impl<D: Domain> Write for &ConnectedStream<D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.send_vectored(bufs)
    }

    /// A socket has no user-space buffer: nothing to flush.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<D: Domain> Read for ConnectedStream<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }

    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        (&*self).read_vectored(bufs)
    }
}

impl<D: Domain> Write for ConnectedStream<D> {
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
