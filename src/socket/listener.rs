//! `Listener<D, T>`: a listening stream (or seqpacket) socket.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};

use super::wake::explain_accept;
use super::{ConnectedSeqPacket, ConnectedStream, socket_state};
use crate::addr::codec::AddrCodec;
use crate::domain::{ConnectionOriented, Domain, SeqPacket, Stream};
use crate::sys;

/// A listening socket: it accepts connections. `Listener<D>` is a stream
/// listener (TCP, MPTCP, Unix stream) whose connections are
/// [`ConnectedStream`]s; `Listener<Unix, SeqPacket>` accepts
/// [`ConnectedSeqPacket`]s.
///
/// Accepted sockets are created close-on-exec (`accept4(SOCK_CLOEXEC)`) and
/// blocking, whatever the listener's own mode.
pub struct Listener<D: Domain, T: ConnectionOriented = Stream> {
    fd: OwnedFd,
    _marker: PhantomData<(D, T)>,
}

socket_state!(Listener<D: Domain, T: ConnectionOriented>);

impl<D: Domain, T: ConnectionOriented> Listener<D, T> {
    /// A second handle to the same listening socket
    /// (`fcntl(F_DUPFD_CLOEXEC)`), for example to accept on several
    /// threads that each own a handle. The socket stops listening when the
    /// last handle is closed. Both share the kernel's file description, so
    /// `O_NONBLOCK` set on one applies to both.
    pub fn try_clone(&self) -> io::Result<Self> {
        self.as_fd().try_clone_to_owned().map(Self::from_fd)
    }
}

impl<D: Domain> Listener<D, Stream> {
    /// Waits for and accepts one connection (`accept4(2)`).
    ///
    /// On a non-blocking listener with nothing pending this fails with
    /// `ErrorKind::WouldBlock`; see [`try_accept`](Self::try_accept).
    /// A signal interrupts the wait with `ErrorKind::Interrupted`.
    pub fn accept(&self) -> io::Result<ConnectedStream<D>> {
        let (fd, _) = sys::accept(self.as_fd(), 0).map_err(explain_accept)?;
        Ok(ConnectedStream::from_fd(fd))
    }

    /// Accepts one connection and returns the peer's address too.
    pub fn accept_with_addr(&self) -> io::Result<(ConnectedStream<D>, D::Addr)> {
        let (fd, raw) = sys::accept(self.as_fd(), 0).map_err(explain_accept)?;
        let stream = ConnectedStream::from_fd(fd);
        Ok((stream, D::Addr::from_raw(&raw)?))
    }

    /// Accepts a pending connection if there is one: `Ok(None)` means
    /// "would block". Meant for non-blocking listeners (event loops); on a
    /// blocking listener it waits like [`accept_with_addr`](Self::accept_with_addr).
    pub fn try_accept(&self) -> io::Result<Option<(ConnectedStream<D>, D::Addr)>> {
        match self.accept_with_addr() {
            Ok(pair) => Ok(Some(pair)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An endless iterator of accepted connections, like
    /// `std::net::TcpListener::incoming`.
    pub fn incoming(&self) -> Incoming<'_, D> {
        Incoming { listener: self }
    }
}

impl<D: Domain> Listener<D, SeqPacket> {
    /// Waits for and accepts one connection (`accept4(2)`).
    ///
    /// On a non-blocking listener with nothing pending this fails with
    /// `ErrorKind::WouldBlock`; see [`try_accept`](Self::try_accept).
    pub fn accept(&self) -> io::Result<ConnectedSeqPacket<D>> {
        let (fd, _) = sys::accept(self.as_fd(), 0).map_err(explain_accept)?;
        Ok(ConnectedSeqPacket::from_fd(fd))
    }

    /// Accepts one connection and returns the peer's address too (for Unix
    /// sockets usually unnamed: clients rarely bind).
    pub fn accept_with_addr(&self) -> io::Result<(ConnectedSeqPacket<D>, D::Addr)> {
        let (fd, raw) = sys::accept(self.as_fd(), 0).map_err(explain_accept)?;
        let conn = ConnectedSeqPacket::from_fd(fd);
        Ok((conn, D::Addr::from_raw(&raw)?))
    }

    /// Accepts a pending connection if there is one: `Ok(None)` means
    /// "would block".
    pub fn try_accept(&self) -> io::Result<Option<(ConnectedSeqPacket<D>, D::Addr)>> {
        match self.accept_with_addr() {
            Ok(pair) => Ok(Some(pair)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An endless iterator of accepted connections.
    pub fn incoming(&self) -> Incoming<'_, D, SeqPacket> {
        Incoming { listener: self }
    }
}

/// Iterator returned by [`Listener::incoming`]; never yields `None`.
#[derive(Debug)]
pub struct Incoming<'a, D: Domain, T: ConnectionOriented = Stream> {
    listener: &'a Listener<D, T>,
}

impl<D: Domain> Iterator for Incoming<'_, D, Stream> {
    type Item = io::Result<ConnectedStream<D>>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.listener.accept())
    }
}

impl<D: Domain> Iterator for Incoming<'_, D, SeqPacket> {
    type Item = io::Result<ConnectedSeqPacket<D>>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.listener.accept())
    }
}
