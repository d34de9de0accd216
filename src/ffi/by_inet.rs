//! What the ICMP echo and raw IP handles hold: their typed Rust state in
//! IPv4 or IPv6, the only two domains those kinds have (so, unlike
//! `any::ByDomain`, there is no Unix arm that could never be filled).

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::addr::wl_addr;
use super::any::{Adopt, State};
use wirelane_core::ffi_support::{family_name, getsockopt_int, invalid_input};
use wirelane_core::{BoundDatagram, ConnectedDatagram, Icmp, Inet, RawIp, RawSocket, SockType, TransitionError};

/// One state, in whichever internet domain the socket has.
pub(crate) enum ByInet<A, B> {
    /// IPv4.
    V4(A),
    /// IPv6.
    V6(B),
}

/// Runs the same expression on whichever arm is present.
macro_rules! each_inet {
    ($value:expr, $s:ident => $body:expr) => {
        match $value {
            $crate::by_inet::ByInet::V4($s) => $body,
            $crate::by_inet::ByInet::V6($s) => $body,
        }
    };
}
pub(crate) use each_inet;

/// Runs a transition on whichever arm is present, re-wrapping the new
/// state in the same arm and, on failure, handing the old one back.
macro_rules! step_inet {
    ($value:expr, $s:ident => $call:expr) => {
        match $value {
            $crate::by_inet::ByInet::V4($s) => $call.map($crate::by_inet::ByInet::V4).map_err(|e| {
                let (e, s) = e.into_parts();
                (e, $crate::by_inet::ByInet::V4(s))
            }),
            $crate::by_inet::ByInet::V6($s) => $call.map($crate::by_inet::ByInet::V6).map_err(|e| {
                let (e, s) = e.into_parts();
                (e, $crate::by_inet::ByInet::V6(s))
            }),
        }
    };
}
pub(crate) use step_inet;

/// The closure that [`transition_addr_out`](super::handle::transition_addr_out)
/// runs for an ICMP or raw IP `bind` / `connect`: `$method` with the
/// address decoded for the socket's domain, in whichever arm is present.
macro_rules! inet_addr_step {
    ($method:ident) => {
        |s, addr| $crate::by_inet::step_inet!(s, s => $crate::by_inet::with_addr(s, addr, |s, a| s.$method(a)))
    };
}
pub(crate) use inet_addr_step;

/// `RawSocket<D, T>` in either internet domain.
pub(crate) type InetRaw<T> = ByInet<RawSocket<wirelane_core::Ipv4, T>, RawSocket<wirelane_core::Ipv6, T>>;
/// `BoundDatagram<D, T>` in either internet domain.
pub(crate) type InetBound<T> = ByInet<BoundDatagram<wirelane_core::Ipv4, T>, BoundDatagram<wirelane_core::Ipv6, T>>;
/// `ConnectedDatagram<D, T>` in either internet domain.
pub(crate) type InetConn<T> =
    ByInet<ConnectedDatagram<wirelane_core::Ipv4, T>, ConnectedDatagram<wirelane_core::Ipv6, T>>;

/// The `AF_*` argument as a domain, or the error naming the allowed ones.
pub(crate) fn inet_domain(domain: c_int, kind: &str) -> io::Result<bool> {
    match domain {
        libc::AF_INET => Ok(false),
        libc::AF_INET6 => Ok(true),
        other => Err(invalid_input(
            libc::EAFNOSUPPORT,
            format!("{kind} sockets exist for AF_INET and AF_INET6 only, not domain {other}"),
        )),
    }
}

/// `*addr`, checked readable (decoding happens in the domain's arm).
///
/// # Safety
/// `addr` is NULL or points to a `wl_addr`.
pub(crate) unsafe fn addr_arg(addr: *const wl_addr) -> io::Result<wl_addr> {
    // SAFETY: forwarded.
    Ok(*unsafe { super::handle::in_ref(addr, "addr") }?)
}

/// Runs `f` with `addr` decoded for the socket's domain; a decoding error
/// hands the socket back like a failed transition.
pub(crate) use super::any::with_addr;

impl<A: AsFd, B: AsFd> AsFd for ByInet<A, B> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        each_inet!(self, s => s.as_fd())
    }
}

impl<A: State, B: State> State for ByInet<A, B> {
    fn family(&self) -> c_int {
        each_inet!(self, s => s.family())
    }
    fn sock_type(&self) -> c_int {
        each_inet!(self, s => s.sock_type())
    }
    fn into_owned_fd(self) -> OwnedFd {
        each_inet!(self, s => s.into_owned_fd())
    }
}

/// `State` for the connectionless states of the ICMP and raw IP kinds
/// (`any.rs` covers the UDP ones).
macro_rules! inet_state {
    ($state:ident < $kind:ty >) => {
        impl<D: Inet> State for $state<D, $kind> {
            fn family(&self) -> c_int {
                D::FAMILY
            }
            fn sock_type(&self) -> c_int {
                <$kind as SockType>::TYPE
            }
            fn into_owned_fd(self) -> OwnedFd {
                OwnedFd::from(self)
            }
        }
    };
}

inet_state!(BoundDatagram<Icmp>);
inet_state!(ConnectedDatagram<Icmp>);
inet_state!(BoundDatagram<RawIp>);
inet_state!(ConnectedDatagram<RawIp>);

impl<A, B> Adopt for ByInet<A, B>
where
    A: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
    B: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>>,
{
    fn adopt(fd: OwnedFd) -> Result<Self, TransitionError<OwnedFd>> {
        match getsockopt_int(fd.as_fd(), libc::SOL_SOCKET, libc::SO_DOMAIN) {
            Ok(libc::AF_INET) => A::try_from(fd).map(ByInet::V4),
            Ok(libc::AF_INET6) => B::try_from(fd).map(ByInet::V6),
            Ok(other) => Err(TransitionError::new(
                invalid_input(
                    libc::EAFNOSUPPORT,
                    format!(
                        "descriptor is {}; ICMP echo and raw IP sockets are IPv4 or IPv6",
                        family_name(other)
                    ),
                ),
                fd,
            )),
            Err(e) => Err(TransitionError::new(e, fd)),
        }
    }
}
