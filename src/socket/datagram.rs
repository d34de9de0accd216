//! `BoundDatagram<D>` and `ConnectedDatagram<D>`: UDP and Unix datagrams.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::connected::connected_ops;
use super::raw::Transition;
use super::socket_state;
use crate::MsgFlags;
use crate::addr::codec::AddrCodec;
use crate::addr::{RawSockAddr, SocketAddrV4, SocketAddrV6, SocketAddress};
use crate::domain::{Datagram, Domain, Unix};
use crate::error::{TransitionError, invalid_input};
use crate::sys;

/// `connect(2)` for a datagram socket, refusing port 0.
///
/// Linux accepts a UDP connect to port 0 but leaves the socket
/// half-connected: `getpeername` fails with `ENOTCONN` and datagrams from
/// every port of the peer host are received. That is not the peer-locked
/// socket a [`ConnectedDatagram`] promises, so it is an input error here.
pub(super) fn connect_datagram<A: SocketAddress>(fd: BorrowedFd<'_>, addr: &A) -> io::Result<()> {
    let raw = addr.to_raw();
    if inet_port(&raw) == Some(0) {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "cannot connect a datagram socket to {addr}: port 0 names no peer \
                 (Linux would leave the socket half-connected, receiving from every port)"
            ),
        ));
    }
    sys::connect(fd, &raw)
}

/// The port of an IPv4 or IPv6 address; `None` for other families.
fn inet_port(raw: &RawSockAddr) -> Option<u16> {
    match raw.family() as libc::c_int {
        libc::AF_INET => SocketAddrV4::from_raw(raw).ok().map(|a| a.port()),
        libc::AF_INET6 => SocketAddrV6::from_raw(raw).ok().map(|a| a.port()),
        _ => None,
    }
}

/// A datagram socket bound to a local address: it talks to anyone, naming
/// the peer on each [`send_to`](Self::send_to) and learning it on each
/// [`recv_from`](Self::recv_from).
///
/// [`connect`](Self::connect) fixes one peer and becomes a
/// [`ConnectedDatagram`].
pub struct BoundDatagram<D: Domain> {
    fd: OwnedFd,
    _marker: PhantomData<D>,
}

socket_state!(BoundDatagram<D: Domain>);

impl<D: Domain> BoundDatagram<D> {
    /// Sends one datagram to `addr` (`sendto(2)` with `MSG_NOSIGNAL`).
    pub fn send_to(&self, buf: &[u8], addr: &D::Addr) -> io::Result<usize> {
        self.send_to_with_flags(buf, addr, MsgFlags::NONE)
    }

    /// [`send_to`](Self::send_to) with extra `MSG_*` flags.
    pub fn send_to_with_flags(&self, buf: &[u8], addr: &D::Addr, flags: MsgFlags) -> io::Result<usize> {
        sys::send_to(self.as_fd(), buf, flags.bits(), &addr.to_raw())
    }

    /// Receives one datagram (`recvfrom(2)`); returns its length and sender.
    /// A datagram longer than `buf` is truncated (see [`MsgFlags::TRUNC`]).
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, D::Addr)> {
        self.recv_from_with_flags(buf, MsgFlags::NONE)
    }

    /// [`recv_from`](Self::recv_from) with `MSG_*` flags. With
    /// [`MsgFlags::TRUNC`] the returned length is the datagram's real length.
    pub fn recv_from_with_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<(usize, D::Addr)> {
        let (n, raw) = sys::recv_from(self.as_fd(), buf, flags.bits())?;
        Ok((n, D::Addr::from_raw(&raw)?))
    }

    /// Reads the next datagram without consuming it (`MSG_PEEK`).
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, D::Addr)> {
        self.recv_from_with_flags(buf, MsgFlags::PEEK)
    }

    /// A second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`).
    pub fn try_clone(&self) -> io::Result<Self> {
        self.as_fd().try_clone_to_owned().map(Self::from_fd)
    }

    /// Fixes the peer (`connect(2)`): sends go to `addr`, and the kernel
    /// drops datagrams from anyone else. Nothing is sent on the wire.
    ///
    /// An IPv4/IPv6 peer with port 0 is refused (`InvalidInput`, `EINVAL`):
    /// Linux would accept it but leave the socket half-connected, without
    /// a peer address and receiving from every port of the peer host.
    ///
    /// On failure the bound socket is returned in the error.
    pub fn connect(self, addr: D::Addr) -> Transition<ConnectedDatagram<D>, Self> {
        match connect_datagram(self.as_fd(), &addr) {
            Ok(()) => Ok(ConnectedDatagram::from_fd(self.into_fd())),
            Err(e) => Err(TransitionError::new(e, self)),
        }
    }
}

/// A datagram socket locked to one peer: [`send`](Self::send) and
/// [`recv`](Self::recv) take no address, and the kernel filters out
/// datagrams from anyone else (the way QUIC uses UDP).
pub struct ConnectedDatagram<D: Domain> {
    fd: OwnedFd,
    _marker: PhantomData<D>,
}

socket_state!(ConnectedDatagram<D: Domain>);
connected_ops!(ConnectedDatagram);

impl ConnectedDatagram<Unix> {
    /// A pair of connected Unix datagram sockets (`socketpair(2)`).
    pub fn pair() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <Datagram as crate::SockType>::TYPE)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }
}
