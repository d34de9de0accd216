//! What a C handle holds: the typed Rust state, as an enum over the
//! domains (and, for `wl_raw`, the socket types) C cannot tell apart.
//!
//! The enum is the only runtime state the C layer adds; each arm holds the
//! zero-cost Rust state type and calls its methods.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::addr::wl_addr;
use wirelane_core::TransitionError;
use wirelane_core::ffi_support::family_name;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedStream, Listener, MsgFlags, PendingConnect, RawSocket,
};
use wirelane_core::{Datagram, Domain, Ipv4, Ipv6, SockType, Stream, Unix};

/// One state, in whichever domain the socket has.
pub(crate) enum ByDomain<A, B, C> {
    /// IPv4.
    V4(A),
    /// IPv6.
    V6(B),
    /// Unix.
    Unix(C),
}

/// Runs the same expression on whichever arm is present.
macro_rules! each {
    ($value:expr, $s:ident => $body:expr) => {
        match $value {
            $crate::any::ByDomain::V4($s) => $body,
            $crate::any::ByDomain::V6($s) => $body,
            $crate::any::ByDomain::Unix($s) => $body,
        }
    };
}
pub(crate) use each;

/// Runs the same expression on the IPv4 or IPv6 arm; on a Unix socket the
/// enclosing function returns `Err($unix)` (for the calls that exist only
/// on internet sockets: UDP metadata, GSO/GRO, zero-copy completions).
macro_rules! each_ip {
    ($value:expr, $unix:expr, $s:ident => $body:expr) => {
        match $value {
            $crate::any::ByDomain::V4($s) => $body,
            $crate::any::ByDomain::V6($s) => $body,
            $crate::any::ByDomain::Unix(_) => return Err($unix),
        }
    };
}
pub(crate) use each_ip;

/// Runs a transition on whichever arm is present; the new state is
/// re-wrapped in the same arm and, on failure, the old one is handed back
/// through `$back` (which rebuilds the handle's value).
macro_rules! step {
    ($value:expr, $back:expr, $s:ident => $call:expr) => {
        match $value {
            $crate::any::ByDomain::V4($s) => $call.map($crate::any::ByDomain::V4).map_err(|e| {
                let (e, s) = e.into_parts();
                (e, $back($crate::any::ByDomain::V4(s)))
            }),
            $crate::any::ByDomain::V6($s) => $call.map($crate::any::ByDomain::V6).map_err(|e| {
                let (e, s) = e.into_parts();
                (e, $back($crate::any::ByDomain::V6(s)))
            }),
            $crate::any::ByDomain::Unix($s) => $call.map($crate::any::ByDomain::Unix).map_err(|e| {
                let (e, s) = e.into_parts();
                (e, $back($crate::any::ByDomain::Unix(s)))
            }),
        }
    };
}
pub(crate) use step;

/// Runs `f` with `addr` decoded for the socket's domain; a decoding error
/// hands the socket back like a failed transition.
pub(crate) fn with_addr<A: wirelane_core::ffi_support::AddrCodec, S, N>(
    s: S,
    addr: wl_addr,
    f: impl FnOnce(S, A) -> Result<N, TransitionError<S>>,
) -> Result<N, TransitionError<S>> {
    match addr.to_typed::<A>() {
        Ok(a) => f(s, a),
        Err(e) => Err(TransitionError::new(e, s)),
    }
}

/// A state in any domain.
pub(crate) type Any<S4, S6, SU> = ByDomain<S4, S6, SU>;
/// `RawSocket<D, T>` in any domain.
pub(crate) type RawOf<T> = Any<RawSocket<Ipv4, T>, RawSocket<Ipv6, T>, RawSocket<Unix, T>>;
/// `RawSocket<D, Stream>` in any domain.
pub(crate) type RawStream = RawOf<Stream>;
/// `RawSocket<D, Datagram>` in any domain.
pub(crate) type RawDgram = RawOf<Datagram>;
/// `BoundSocket<D, Stream>` in any domain.
pub(crate) type BoundAny = Any<BoundSocket<Ipv4>, BoundSocket<Ipv6>, BoundSocket<Unix>>;
/// `Listener<D>` in any domain.
pub(crate) type ListenerAny = Any<Listener<Ipv4>, Listener<Ipv6>, Listener<Unix>>;
/// `ConnectedStream<D>` in any domain.
pub(crate) type ConnAny = Any<ConnectedStream<Ipv4>, ConnectedStream<Ipv6>, ConnectedStream<Unix>>;
/// `PendingConnect<D>` in any domain.
pub(crate) type PendingAny = Any<PendingConnect<Ipv4>, PendingConnect<Ipv6>, PendingConnect<Unix>>;
/// `BoundDatagram<D>` in any domain.
pub(crate) type DgramAny = Any<BoundDatagram<Ipv4>, BoundDatagram<Ipv6>, BoundDatagram<Unix>>;
/// `ConnectedDatagram<D>` in any domain.
pub(crate) type DgramConnAny = Any<ConnectedDatagram<Ipv4>, ConnectedDatagram<Ipv6>, ConnectedDatagram<Unix>>;

/// A `RawSocket` of either type in any domain.
pub(crate) enum RawAny {
    /// `SOCK_STREAM`.
    Stream(RawStream),
    /// `SOCK_DGRAM`.
    Dgram(RawDgram),
}

/// What every state can do, whatever its domain: the `socket_state!`
/// methods of the core, plus the domain as data.
pub(crate) trait State: AsFd + Sized {
    /// `AF_INET`, `AF_INET6` or `AF_UNIX`.
    fn family(&self) -> c_int;
    /// `SOCK_STREAM` or `SOCK_DGRAM`.
    fn sock_type(&self) -> c_int;
    /// Gives up the state, keeping the descriptor.
    fn into_owned_fd(self) -> OwnedFd;
}

macro_rules! impl_state {
    ($state:ident < D $(, $ty:ident)? >, $sock:ty) => {
        impl<D: Domain $(, $ty: SockType)?> State for $state<D $(, $ty)?> {
            fn family(&self) -> c_int {
                D::FAMILY
            }
            fn sock_type(&self) -> c_int {
                <$sock as SockType>::TYPE
            }
            fn into_owned_fd(self) -> OwnedFd {
                OwnedFd::from(self)
            }
        }
    };
}

impl_state!(RawSocket<D, T>, T);
impl_state!(BoundSocket<D, T>, T);
impl_state!(Listener<D>, Stream);
impl_state!(ConnectedStream<D>, Stream);
impl_state!(PendingConnect<D>, Stream);
impl_state!(BoundDatagram<D>, Datagram);
impl_state!(ConnectedDatagram<D>, Datagram);

impl<A: AsFd, B: AsFd, C: AsFd> AsFd for ByDomain<A, B, C> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        each!(self, s => s.as_fd())
    }
}

impl<A: State, B: State, C: State> State for ByDomain<A, B, C> {
    fn family(&self) -> c_int {
        each!(self, s => s.family())
    }
    fn sock_type(&self) -> c_int {
        each!(self, s => s.sock_type())
    }
    fn into_owned_fd(self) -> OwnedFd {
        each!(self, s => s.into_owned_fd())
    }
}

/// Runs the same expression on either type of raw socket.
macro_rules! each_raw {
    ($value:expr, $s:ident => $body:expr) => {
        match $value {
            RawAny::Stream($s) => $body,
            RawAny::Dgram($s) => $body,
        }
    };
}

impl AsFd for RawAny {
    fn as_fd(&self) -> BorrowedFd<'_> {
        each_raw!(self, s => s.as_fd())
    }
}

impl State for RawAny {
    fn family(&self) -> c_int {
        each_raw!(self, s => s.family())
    }
    fn sock_type(&self) -> c_int {
        each_raw!(self, s => s.sock_type())
    }
    fn into_owned_fd(self) -> OwnedFd {
        each_raw!(self, s => s.into_owned_fd())
    }
}

/// Adopting a descriptor with the core's `TryFrom<OwnedFd>` checks; on
/// failure the descriptor comes back.
pub(crate) trait Adopt: Sized {
    /// Checks and wraps `fd`.
    fn adopt(fd: OwnedFd) -> Result<Self, TransitionError<OwnedFd>>;
}

fn family_of(fd: BorrowedFd<'_>) -> io::Result<c_int> {
    wirelane_core::ffi_support::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN)
}

impl<A, B, C> Adopt for ByDomain<A, B, C>
where
    A: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
    B: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
    C: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
{
    fn adopt(fd: OwnedFd) -> Result<Self, TransitionError<OwnedFd>> {
        match family_of(fd.as_fd()) {
            Ok(libc::AF_INET) => A::try_from(fd).map(ByDomain::V4),
            Ok(libc::AF_INET6) => B::try_from(fd).map(ByDomain::V6),
            Ok(libc::AF_UNIX) => C::try_from(fd).map(ByDomain::Unix),
            Ok(other) => Err(TransitionError::new(
                invalid_input(
                    libc::EAFNOSUPPORT,
                    format!(
                        "descriptor is {}; Wirelane supports IPv4, IPv6 and Unix",
                        family_name(other)
                    ),
                ),
                fd,
            )),
            Err(e) => Err(TransitionError::new(e, fd)),
        }
    }
}

impl Adopt for RawAny {
    fn adopt(fd: OwnedFd) -> Result<Self, TransitionError<OwnedFd>> {
        match wirelane_core::ffi_support::getsockopt_int(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TYPE) {
            Ok(libc::SOCK_STREAM) => RawStream::adopt(fd).map(RawAny::Stream),
            Ok(libc::SOCK_DGRAM) => RawDgram::adopt(fd).map(RawAny::Dgram),
            Ok(other) => Err(TransitionError::new(
                invalid_input(
                    libc::EPROTOTYPE,
                    format!("descriptor has socket type {other}; only SOCK_STREAM and SOCK_DGRAM are supported"),
                ),
                fd,
            )),
            Err(e) => Err(TransitionError::new(e, fd)),
        }
    }
}

/// The connected-peer operations shared by `ConnectedStream` and
/// `ConnectedDatagram` (the core's `connected_ops!`).
pub(crate) trait Peer: Sized {
    fn send_flags(&self, buf: &[u8], flags: MsgFlags) -> io::Result<usize>;
    fn recv_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<usize>;
    fn send_iov(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize>;
    fn recv_iov(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize>;
    fn peer(&self) -> io::Result<wl_addr>;
    fn dup(&self) -> io::Result<Self>;
}

macro_rules! impl_peer {
    ($state:ident) => {
        impl<D: Domain> Peer for $state<D> {
            fn send_flags(&self, buf: &[u8], flags: MsgFlags) -> io::Result<usize> {
                self.send_with_flags(buf, flags)
            }
            fn recv_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<usize> {
                self.recv_with_flags(buf, flags)
            }
            fn send_iov(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
                self.send_vectored(bufs)
            }
            fn recv_iov(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
                self.recv_vectored(bufs)
            }
            fn peer(&self) -> io::Result<wl_addr> {
                self.peer_addr().map(|a| wl_addr::from_typed(&a))
            }
            fn dup(&self) -> io::Result<Self> {
                self.try_clone()
            }
        }
    };
}

impl_peer!(ConnectedStream);
impl_peer!(ConnectedDatagram);

impl<A: Peer, B: Peer, C: Peer> Peer for ByDomain<A, B, C> {
    fn send_flags(&self, buf: &[u8], flags: MsgFlags) -> io::Result<usize> {
        each!(self, s => s.send_flags(buf, flags))
    }
    fn recv_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<usize> {
        each!(self, s => s.recv_flags(buf, flags))
    }
    fn send_iov(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        each!(self, s => s.send_iov(bufs))
    }
    fn recv_iov(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        each!(self, s => s.recv_iov(bufs))
    }
    fn peer(&self) -> io::Result<wl_addr> {
        each!(self, s => s.peer())
    }
    fn dup(&self) -> io::Result<Self> {
        Ok(match self {
            ByDomain::V4(s) => ByDomain::V4(s.dup()?),
            ByDomain::V6(s) => ByDomain::V6(s.dup()?),
            ByDomain::Unix(s) => ByDomain::Unix(s.dup()?),
        })
    }
}

/// The error for a call made on the wrong type of `wl_raw` (stream vs
/// datagram): `EPROTOTYPE`, with a message naming the right call.
pub(crate) fn wrong_type(message: &'static str) -> io::Error {
    invalid_input(libc::EPROTOTYPE, message)
}
