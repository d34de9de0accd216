//! IP-level options: `IPPROTO_IP` (see `ip(7)`) for IPv4 sockets and
//! `IPPROTO_IPV6` (see `ipv6(7)`) for IPv6 sockets. Using an option of the
//! wrong family is refused by the kernel (typically `ENOPROTOOPT`).

use std::io;
use std::os::fd::AsFd;

use super::check::{get_bool, int_in, set_bool};
use crate::sys;

/// Sets the time-to-live of outgoing unicast IPv4 packets (`IP_TTL`, see
/// `ip(7)`): each router decrements it and drops the packet at zero.
/// `ttl` must be in `1..=255`, the kernel's range; the default comes from
/// `net.ipv4.ip_default_ttl` (64).
pub fn set_ttl<S: AsFd + ?Sized>(socket: &S, ttl: u32) -> io::Result<()> {
    let ttl = int_in("IP_TTL", "", u64::from(ttl), 1, 255)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_TTL, ttl)
}

/// The IPv4 unicast time-to-live (`IP_TTL`, see `ip(7)`).
pub fn ttl<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_TTL)?.max(0) as u32)
}

/// Sets the Type-of-Service byte of outgoing IPv4 packets (`IP_TOS`, see
/// `ip(7)`): the DSCP in the upper six bits, ECN in the lower two. On TCP
/// sockets the kernel owns the two ECN bits and keeps its own value for
/// them, so only the DSCP part of `tos` takes effect.
pub fn set_tos<S: AsFd + ?Sized>(socket: &S, tos: u8) -> io::Result<()> {
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_TOS, libc::c_int::from(tos))
}

/// The IPv4 Type-of-Service byte (`IP_TOS`, see `ip(7)`).
pub fn tos<S: AsFd + ?Sized>(socket: &S) -> io::Result<u8> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_TOS)? as u8)
}

/// Sets the hop limit of outgoing unicast IPv6 packets
/// (`IPV6_UNICAST_HOPS`, see `ipv6(7)`), IPv6's TTL. `hops` must be in
/// `0..=255`, the kernel's range; the default comes from the route or
/// `net.ipv6.conf.*.hop_limit` (64).
pub fn set_unicast_hops_v6<S: AsFd + ?Sized>(socket: &S, hops: u32) -> io::Result<()> {
    let hops = int_in("IPV6_UNICAST_HOPS", "", u64::from(hops), 0, 255)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, hops)
}

/// The IPv6 unicast hop limit (`IPV6_UNICAST_HOPS`, see `ipv6(7)`).
pub fn unicast_hops_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS)?.max(0) as u32)
}

/// Sets the Traffic Class byte of outgoing IPv6 packets (`IPV6_TCLASS`,
/// see `ipv6(7)`), IPv6's TOS. As with [`set_tos`], on TCP sockets the
/// kernel keeps its own value for the two ECN bits.
pub fn set_tclass_v6<S: AsFd + ?Sized>(socket: &S, tclass: u8) -> io::Result<()> {
    sys::setsockopt_int(
        socket.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_TCLASS,
        libc::c_int::from(tclass),
    )
}

/// The IPv6 Traffic Class byte (`IPV6_TCLASS`, see `ipv6(7)`).
pub fn tclass_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<u8> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_TCLASS)? as u8)
}

/// Restricts an IPv6 socket to IPv6 (`IPV6_V6ONLY`, see `ipv6(7)`). When
/// off, a socket bound to `::` also accepts IPv4 traffic as v4-mapped
/// addresses (`::ffff:a.b.c.d`). Set it before `bind`; afterwards the
/// kernel refuses with `EINVAL`. The default comes from
/// `net.ipv6.bindv6only` (normally off).
pub fn set_only_v6<S: AsFd + ?Sized>(socket: &S, only_v6: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, only_v6)
}

/// Whether `IPV6_V6ONLY` is set (see `ipv6(7)`).
pub fn only_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY)
}
