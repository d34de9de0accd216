//! Adopting existing descriptors, and conversions to and from `std`.
//!
//! `TryFrom<OwnedFd>` asks the kernel what it can tell (`SO_DOMAIN`,
//! `SO_TYPE`, `SO_PROTOCOL`, `SO_ACCEPTCONN`, whether there is a peer,
//! whether the socket is bound) and hands the descriptor back on a
//! mismatch. The protocol tells kinds of one `SOCK_*` type apart: a UDP
//! socket is not adopted as [`Icmp`](crate::Icmp), nor the reverse; TCP and
//! MPTCP are both [`Stream`]. Conversions into
//! `std` types are infallible; conversions from `std` types go through the
//! same checks (a `TcpStream` may be IPv4 or IPv6).

use std::io;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use super::{BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedSeqPacket, ConnectedStream, Listener, RawSocket};
use crate::addr::codec::AddrCodec;
use crate::addr::family_name;
use crate::domain::{ConnectionOriented, Connectionless, Domain, Ipv4, Ipv6, SeqPacket, SockType, Stream, Unix};
use crate::error::{TransitionError, invalid_input};
use crate::sys;

/// What a descriptor must look like to be adopted as a given state.
/// The state a descriptor is expected to be in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Expect {
    /// Unbound, unconnected, not listening.
    Fresh,
    /// Bound, unconnected, not listening.
    Bound,
    /// Listening.
    Listening,
    /// Has a peer.
    Connected,
}

fn is_bound(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let raw = sys::local_addr(fd)?;
    Ok(match raw.family() as libc::c_int {
        // An unbound inet socket reports port 0; the port lives at the same
        // offset in sockaddr_in and sockaddr_in6.
        libc::AF_INET | libc::AF_INET6 => {
            let bytes = raw.storage() as *const libc::sockaddr_storage as *const u8;
            // SAFETY: the storage is at least 4 bytes; bytes 2..4 are the port.
            let port = unsafe { [*bytes.add(2), *bytes.add(3)] };
            port != [0, 0]
        }
        // An unbound Unix socket has the unnamed address (family only).
        _ => raw.len() as usize > std::mem::size_of::<libc::sa_family_t>(),
    })
}

/// Whether a connectionless internet socket has a cached route, which
/// `connect(2)` sets (`IP_MTU` / `IPV6_MTU` fail with `ENOTCONN` without
/// one, see `ip(7)`). For kinds whose port names no peer (ICMP echo, raw
/// IP) a connect to port 0 leaves `getpeername(2)` failing with
/// `ENOTCONN`, so this is how their connected state shows.
fn has_route(fd: BorrowedFd<'_>, family: libc::c_int) -> bool {
    let (level, name) = match family {
        libc::AF_INET => (libc::IPPROTO_IP, libc::IP_MTU),
        libc::AF_INET6 => (libc::IPPROTO_IPV6, libc::IPV6_MTU),
        _ => return false,
    };
    sys::getsockopt_int(fd, level, name).is_ok()
}

/// Whether a raw IP socket is bound: its local port is its protocol
/// number from birth, so only a specific local address shows a `bind(2)`.
fn has_local_ip(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let raw = sys::local_addr(fd)?;
    Ok(match raw.family() as libc::c_int {
        libc::AF_INET => crate::SocketAddrV4::from_raw(&raw).is_ok_and(|a| !a.ip().is_unspecified()),
        libc::AF_INET6 => crate::SocketAddrV6::from_raw(&raw).is_ok_and(|a| !a.ip().is_unspecified()),
        _ => false,
    })
}

/// Checks that `fd` is a `D`/`T` socket in state `expect`.
/// Checks `fd` against the kernel: domain, type, state.
pub(crate) fn check<D: Domain, T: SockType>(fd: BorrowedFd<'_>, expect: Expect) -> io::Result<()> {
    let family = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN)?;
    if family != D::FAMILY {
        return Err(invalid_input(
            libc::EAFNOSUPPORT,
            format!(
                "descriptor is {}, expected {}",
                family_name(family),
                family_name(D::FAMILY)
            ),
        ));
    }
    let ty = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE)?;
    if ty != T::TYPE {
        return Err(invalid_input(
            libc::EPROTOTYPE,
            format!("descriptor has socket type {ty}, expected {} ({})", T::TYPE, T::NAME),
        ));
    }
    let protocol = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL)?;
    if !T::has_protocol(family, protocol) {
        return Err(invalid_input(
            libc::EPROTONOSUPPORT,
            format!("descriptor has protocol {protocol}, which is not a {} socket", T::NAME),
        ));
    }
    let listening = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN)? != 0;
    let connected = sys::peer_addr(fd).is_ok() || (!T::PORT_NAMES_PEER && has_route(fd, family));
    let bound = if T::TYPE == libc::SOCK_RAW {
        has_local_ip(fd)?
    } else {
        is_bound(fd)?
    };
    let actual = if listening {
        Expect::Listening
    } else if connected {
        Expect::Connected
    } else if bound {
        Expect::Bound
    } else {
        Expect::Fresh
    };
    if actual != expect {
        return Err(invalid_input(
            libc::EINVAL,
            format!("socket is in state {actual:?}, expected {expect:?}"),
        ));
    }
    Ok(())
}

/// Implements `TryFrom<OwnedFd>` for a state with the given checks.
macro_rules! adopt {
    ($state:ident < D $(, $ty:ident : $bound:ident)? >, $sock:ty, $expect:expr) => {
        impl<D: Domain $(, $ty: $bound)?> TryFrom<OwnedFd> for $state<D $(, $ty)?> {
            type Error = TransitionError<OwnedFd>;

            /// Adopts `fd` after checking its domain, type and state with the
            /// kernel; on a mismatch the descriptor is handed back.
            fn try_from(fd: OwnedFd) -> Result<Self, Self::Error> {
                match check::<D, $sock>(fd.as_fd(), $expect) {
                    Ok(()) => Ok(Self::from_fd(fd)),
                    Err(e) => Err(TransitionError::new(e, fd)),
                }
            }
        }
    };
}

adopt!(RawSocket<D, T: SockType>, T, Expect::Fresh);
adopt!(BoundSocket<D, T: SockType>, T, Expect::Bound);
adopt!(Listener<D, T: ConnectionOriented>, T, Expect::Listening);
adopt!(ConnectedStream<D>, Stream, Expect::Connected);
adopt!(ConnectedSeqPacket<D>, SeqPacket, Expect::Connected);
adopt!(BoundDatagram<D, T: Connectionless>, T, Expect::Bound);
adopt!(ConnectedDatagram<D, T: Connectionless>, T, Expect::Connected);

/// Conversions between one state and one `std` type, both ways.
macro_rules! std_interop {
    ($state:ident < $d:ty >, $std:ty) => {
        impl From<$state<$d>> for $std {
            fn from(s: $state<$d>) -> $std {
                <$std>::from(s.into_fd())
            }
        }

        impl TryFrom<$std> for $state<$d> {
            type Error = TransitionError<$std>;

            /// Checks the domain and state, handing the `std` value back on
            /// a mismatch (for example an IPv6 `TcpStream` into an IPv4 state).
            fn try_from(s: $std) -> Result<Self, Self::Error> {
                $state::<$d>::try_from(OwnedFd::from(s)).map_err(|e| {
                    let (error, fd) = e.into_parts();
                    TransitionError::new(error, <$std>::from(fd))
                })
            }
        }
    };
}

std_interop!(ConnectedStream<Ipv4>, TcpStream);
std_interop!(ConnectedStream<Ipv6>, TcpStream);
std_interop!(ConnectedStream<Unix>, UnixStream);
std_interop!(Listener<Ipv4>, TcpListener);
std_interop!(Listener<Ipv6>, TcpListener);
std_interop!(Listener<Unix>, UnixListener);
std_interop!(BoundDatagram<Ipv4>, UdpSocket);
std_interop!(BoundDatagram<Ipv6>, UdpSocket);
std_interop!(BoundDatagram<Unix>, UnixDatagram);
std_interop!(ConnectedDatagram<Ipv4>, UdpSocket);
std_interop!(ConnectedDatagram<Ipv6>, UdpSocket);
std_interop!(ConnectedDatagram<Unix>, UnixDatagram);
