//! Multicast: hop limits, loopback, and group membership for IPv4
//! (`IP_MULTICAST_*`, `IP_ADD/DROP_MEMBERSHIP`, see `ip(7)`) and IPv6
//! (`IPV6_MULTICAST_*`, `IPV6_ADD/DROP_MEMBERSHIP`, see `ipv6(7)`).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;

use super::check::{get_bool, int_in, set_bool};
use crate::error::invalid_input;
use crate::sys;

/// Sets the time-to-live of outgoing IPv4 multicast packets
/// (`IP_MULTICAST_TTL`, see `ip(7)`). The default 1 keeps them on the local
/// network; 0 keeps them on this host. `ttl` must be in `0..=255`.
pub fn set_multicast_ttl_v4<S: AsFd + ?Sized>(socket: &S, ttl: u32) -> io::Result<()> {
    let ttl = int_in("IP_MULTICAST_TTL", "", u64::from(ttl), 0, 255)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_TTL, ttl)
}

/// The IPv4 multicast time-to-live (`IP_MULTICAST_TTL`, see `ip(7)`).
pub fn multicast_ttl_v4<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_TTL)?.max(0) as u32)
}

/// Whether this host's own IPv4 multicast sends are looped back to its
/// local listeners (`IP_MULTICAST_LOOP`, see `ip(7)`); on by default.
pub fn set_multicast_loop_v4<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, enable)
}

/// Whether `IP_MULTICAST_LOOP` is on (see `ip(7)`).
pub fn multicast_loop_v4<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP)
}

/// Sets the hop limit of outgoing IPv6 multicast packets
/// (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`); default 1. `hops` must be in
/// `0..=255`.
pub fn set_multicast_hops_v6<S: AsFd + ?Sized>(socket: &S, hops: u32) -> io::Result<()> {
    let hops = int_in("IPV6_MULTICAST_HOPS", "", u64::from(hops), 0, 255)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_HOPS, hops)
}

/// The IPv6 multicast hop limit (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`).
pub fn multicast_hops_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_HOPS)?.max(0) as u32)
}

/// Whether this host's own IPv6 multicast sends are looped back to its
/// local listeners (`IPV6_MULTICAST_LOOP`, see `ipv6(7)`); on by default.
pub fn set_multicast_loop_v6<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, enable)
}

/// Whether `IPV6_MULTICAST_LOOP` is on (see `ipv6(7)`).
pub fn multicast_loop_v6<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP)
}

fn mreq_v4(option: &str, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<libc::ip_mreq> {
    if !group.is_multicast() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{option}: {group} is not an IPv4 multicast address (224.0.0.0/4)"),
        ));
    }
    let in_addr = |ip: Ipv4Addr| libc::in_addr {
        // Network byte order: the octets as they are in memory.
        s_addr: u32::from_ne_bytes(ip.octets()),
    };
    Ok(libc::ip_mreq {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
    })
}

fn mreq_v6(option: &str, group: Ipv6Addr, interface: u32) -> io::Result<libc::ipv6_mreq> {
    if !group.is_multicast() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{option}: {group} is not an IPv6 multicast address (ff00::/8)"),
        ));
    }
    Ok(libc::ipv6_mreq {
        ipv6mr_multiaddr: libc::in6_addr {
            s6_addr: group.octets(),
        },
        ipv6mr_interface: interface,
    })
}

/// Joins an IPv4 multicast group on the interface with address `interface`
/// (`IP_ADD_MEMBERSHIP`, see `ip(7)`); `Ipv4Addr::UNSPECIFIED` lets the
/// kernel pick by route. The socket then receives datagrams sent to
/// `group` on its bound port. A non-multicast `group` is rejected first;
/// joining twice gives `EADDRINUSE`.
pub fn join_multicast_v4<S: AsFd + ?Sized>(socket: &S, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
    let mreq = mreq_v4("IP_ADD_MEMBERSHIP", group, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, &mreq)
}

/// Leaves an IPv4 multicast group joined with [`join_multicast_v4`]
/// (`IP_DROP_MEMBERSHIP`, see `ip(7)`); leaving a group not joined gives
/// `EADDRNOTAVAIL`.
pub fn leave_multicast_v4<S: AsFd + ?Sized>(socket: &S, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
    let mreq = mreq_v4("IP_DROP_MEMBERSHIP", group, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_DROP_MEMBERSHIP, &mreq)
}

/// Joins an IPv6 multicast group on the interface with index `interface`
/// (`IPV6_ADD_MEMBERSHIP`, see `ipv6(7)`); 0 lets the kernel pick by
/// route. A non-multicast `group` is rejected first.
pub fn join_multicast_v6<S: AsFd + ?Sized>(socket: &S, group: Ipv6Addr, interface: u32) -> io::Result<()> {
    let mreq = mreq_v6("IPV6_ADD_MEMBERSHIP", group, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_ADD_MEMBERSHIP, &mreq)
}

/// Leaves an IPv6 multicast group joined with [`join_multicast_v6`]
/// (`IPV6_DROP_MEMBERSHIP`, see `ipv6(7)`).
pub fn leave_multicast_v6<S: AsFd + ?Sized>(socket: &S, group: Ipv6Addr, interface: u32) -> io::Result<()> {
    let mreq = mreq_v6("IPV6_DROP_MEMBERSHIP", group, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_DROP_MEMBERSHIP, &mreq)
}
