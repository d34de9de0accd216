//! `BoundDatagram<D, T>` and `ConnectedDatagram<D, T>`: the two states of
//! every connectionless kind: UDP and Unix datagrams, ICMP echo, raw IP.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::connected::connected_ops;
use super::raw::Transition;
use super::socket_state;
use crate::MsgFlags;
use crate::addr::codec::AddrCodec;
use crate::addr::{RawSockAddr, SocketAddrV4, SocketAddrV6, SocketAddress};
use crate::domain::{Connectionless, Datagram, Domain, Unix};
use crate::error::{TransitionError, invalid_input};
use crate::sys;

/// `connect(2)` for a connectionless socket, refusing port 0 where the
/// port names the peer (UDP).
///
/// Linux accepts a UDP connect to port 0 but leaves the socket
/// half-connected: `getpeername` fails with `ENOTCONN` and datagrams from
/// every port of the peer host are received. That is not the peer-locked
/// socket a [`ConnectedDatagram`] promises, so it is an input error here.
/// ICMP echo and raw IP sockets have no ports; any port is fine there.
pub(super) fn connect_datagram<T: Connectionless, A: SocketAddress>(fd: BorrowedFd<'_>, addr: &A) -> io::Result<()> {
    let raw = addr.to_raw();
    if T::PORT_NAMES_PEER && inet_port(&raw) == Some(0) {
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
pub(super) fn inet_port(raw: &RawSockAddr) -> Option<u16> {
    match raw.family() as libc::c_int {
        libc::AF_INET => SocketAddrV4::from_raw(raw).ok().map(|a| a.port()),
        libc::AF_INET6 => SocketAddrV6::from_raw(raw).ok().map(|a| a.port()),
        _ => None,
    }
}

/// A connectionless socket bound to a local address: it talks to anyone,
/// naming the peer on each [`send_to`](Self::send_to) and learning it on
/// each [`recv_from`](Self::recv_from).
///
/// `BoundDatagram<D>` is UDP (or a Unix datagram socket);
/// `BoundDatagram<D, Icmp>` an ICMP echo socket (see
/// [`send_echo_to`](Self::send_echo_to)); `BoundDatagram<D, RawIp>` a raw
/// IP socket. [`connect`](Self::connect) fixes one peer and becomes a
/// [`ConnectedDatagram`].
pub struct BoundDatagram<D: Domain, T: Connectionless = Datagram> {
    fd: OwnedFd,
    _marker: PhantomData<(D, T)>,
}

socket_state!(BoundDatagram<D: Domain, T: Connectionless>);

impl<D: Domain, T: Connectionless> BoundDatagram<D, T> {
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
    /// Once the socket is [shut down](Self::shutdown) for receiving and its
    /// queue is empty, fails with `ESHUTDOWN` (a blocked call wakes so).
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, D::Addr)> {
        self.recv_from_with_flags(buf, MsgFlags::NONE)
    }

    /// [`recv_from`](Self::recv_from) with `MSG_*` flags. With
    /// [`MsgFlags::TRUNC`] the returned length is the datagram's real length.
    pub fn recv_from_with_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<(usize, D::Addr)> {
        let (n, raw) = sys::recv_from(self.as_fd(), buf, flags.bits())?;
        if super::wake::ended_by_shutdown(self.as_fd(), n, raw.len()) {
            return Err(super::wake::shut_down_for_receiving());
        }
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
    /// A UDP peer with port 0 is refused (`InvalidInput`, `EINVAL`):
    /// Linux would accept it but leave the socket half-connected, without
    /// a peer address and receiving from every port of the peer host.
    ///
    /// On failure the bound socket is returned in the error.
    pub fn connect(self, addr: D::Addr) -> Transition<ConnectedDatagram<D, T>, Self> {
        match connect_datagram::<T, _>(self.as_fd(), &addr) {
            Ok(()) => Ok(ConnectedDatagram::from_fd(self.into_fd())),
            Err(e) => Err(TransitionError::new(e, self)),
        }
    }
}

/// A connectionless socket locked to one peer: [`send`](Self::send) and
/// [`recv`](Self::recv) take no address, and the kernel filters out
/// datagrams from anyone else (the way QUIC uses UDP).
///
/// `ConnectedDatagram<D>` is UDP (or Unix datagrams);
/// `ConnectedDatagram<D, Icmp>` pings one host (see
/// [`send_echo`](Self::send_echo)); `ConnectedDatagram<D, RawIp>` sends raw
/// IP payloads to one host.
pub struct ConnectedDatagram<D: Domain, T: Connectionless = Datagram> {
    fd: OwnedFd,
    _marker: PhantomData<(D, T)>,
}

socket_state!(ConnectedDatagram<D: Domain, T: Connectionless>);
connected_ops!(ConnectedDatagram<D: Domain, T: Connectionless>);

impl ConnectedDatagram<Unix> {
    /// A pair of connected Unix datagram sockets (`socketpair(2)`).
    pub fn pair() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <Datagram as crate::SockType>::TYPE)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }
}
