//! Multicast group membership for IPv4 (`IP_ADD/DROP_MEMBERSHIP`, see
//! `ip(7)`) and IPv6 (`IPV6_ADD/DROP_MEMBERSHIP`, see `ipv6(7)`); the hop
//! limits and loopback switches are rows of the option table (`table.rs`).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::sys;

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
