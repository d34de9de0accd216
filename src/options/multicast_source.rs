//! The IPv4 outgoing multicast interface (`IP_MULTICAST_IF`, see `ip(7)`)
//! and source-specific multicast (SSM, RFC 4607): joining a group for the
//! datagrams of one source only (`IP_ADD_SOURCE_MEMBERSHIP` /
//! `IP_DROP_SOURCE_MEMBERSHIP`, see `ip(7)`, and `MCAST_JOIN_SOURCE_GROUP` /
//! `MCAST_LEAVE_SOURCE_GROUP` for IPv6, RFC 3678). The IPv6 outgoing
//! interface, `IPV6_MULTICAST_IF`, is a row of the option table.

use std::io;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::sys;

fn in_addr(ip: Ipv4Addr) -> libc::in_addr {
    // Network byte order: the octets as they are in memory.
    libc::in_addr {
        s_addr: u32::from_ne_bytes(ip.octets()),
    }
}

fn ifindex_arg(option: &str, ifindex: u32) -> io::Result<libc::c_int> {
    libc::c_int::try_from(ifindex).map_err(|_| {
        invalid_input(
            libc::EINVAL,
            format!("{option}: interface index {ifindex} is out of range (0..=2147483647)"),
        )
    })
}

fn check_group_v4(option: &str, group: Ipv4Addr) -> io::Result<()> {
    if group.is_multicast() {
        Ok(())
    } else {
        Err(invalid_input(
            libc::EINVAL,
            format!("{option}: {group} is not an IPv4 multicast address (224.0.0.0/4)"),
        ))
    }
}

/// Chooses the interface for the socket's outgoing IPv4 multicast
/// (`IP_MULTICAST_IF` with a `struct ip_mreqn`, see `ip(7)`): by its
/// address `interface`, by its index `ifindex`, or both (the index wins).
/// `Ipv4Addr::UNSPECIFIED` and 0 go back to the default (by route).
/// `ifindex` must be at most `i32::MAX`; the kernel answers `ENODEV` for an
/// index that names no interface and `EADDRNOTAVAIL` for an address that
/// is not local.
pub fn set_multicast_if_v4<S: AsFd + ?Sized>(socket: &S, interface: Ipv4Addr, ifindex: u32) -> io::Result<()> {
    let mreqn = libc::ip_mreqn {
        imr_multiaddr: in_addr(Ipv4Addr::UNSPECIFIED),
        imr_address: in_addr(interface),
        imr_ifindex: ifindex_arg("IP_MULTICAST_IF", ifindex)?,
    };
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_IF, &mreqn)
}

/// The address of the outgoing IPv4 multicast interface (`IP_MULTICAST_IF`,
/// see `ip(7)`): the address given to [`set_multicast_if_v4`], or
/// `Ipv4Addr::UNSPECIFIED` when unset or chosen by index only (the kernel
/// does not report the index).
pub fn multicast_if_v4<S: AsFd + ?Sized>(socket: &S) -> io::Result<Ipv4Addr> {
    let addr: libc::in_addr = sys::getsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_MULTICAST_IF)?;
    Ok(Ipv4Addr::from(addr.s_addr.to_ne_bytes()))
}

fn mreq_source(
    option: &str,
    group: Ipv4Addr,
    source: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<libc::ip_mreq_source> {
    check_group_v4(option, group)?;
    if source.is_unspecified() || source.is_multicast() || source.is_broadcast() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{option}: source {source} is not a unicast IPv4 address"),
        ));
    }
    Ok(libc::ip_mreq_source {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
        imr_sourceaddr: in_addr(source),
    })
}

/// Joins IPv4 multicast `group` for the datagrams of `source` only
/// (source-specific multicast, `IP_ADD_SOURCE_MEMBERSHIP`, see `ip(7)`) on
/// the interface with address `interface` (`Ipv4Addr::UNSPECIFIED`: by
/// route). Call it once per allowed source; datagrams to `group` from any
/// other source are not delivered to this socket. SSM groups are
/// 232.0.0.0/8, but the kernel filters any group. A non-multicast `group`
/// or a non-unicast `source` is rejected first; joining the same source
/// twice gives `EADDRNOTAVAIL`.
pub fn join_ssm_v4<S: AsFd + ?Sized>(
    socket: &S,
    group: Ipv4Addr,
    source: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<()> {
    let mreq = mreq_source("IP_ADD_SOURCE_MEMBERSHIP", group, source, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_ADD_SOURCE_MEMBERSHIP, &mreq)
}

/// Stops receiving `source`'s datagrams to `group`, joined with
/// [`join_ssm_v4`] (`IP_DROP_SOURCE_MEMBERSHIP`, see `ip(7)`); leaving the
/// last source leaves the group. `EADDRNOTAVAIL` when the source is not
/// joined, `EINVAL` when the group is not.
pub fn leave_ssm_v4<S: AsFd + ?Sized>(
    socket: &S,
    group: Ipv4Addr,
    source: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<()> {
    let mreq = mreq_source("IP_DROP_SOURCE_MEMBERSHIP", group, source, interface)?;
    sys::setsockopt(socket.as_fd(), libc::IPPROTO_IP, libc::IP_DROP_SOURCE_MEMBERSHIP, &mreq)
}

fn storage_v6(ip: Ipv6Addr) -> libc::sockaddr_storage {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let sin6 = libc::sockaddr_in6 {
        sin6_family: libc::AF_INET6 as libc::sa_family_t,
        sin6_port: 0,
        sin6_flowinfo: 0,
        sin6_addr: libc::in6_addr { s6_addr: ip.octets() },
        sin6_scope_id: 0,
    };
    // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
    unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6) };
    storage
}

/// A `struct group_source_req`, as the bytes handed to the kernel: built in
/// zeroed bytes because the padding after `gsr_interface` is copied too,
/// and a typed value need not keep its padding zeroed (valgrind flags it
/// as uninitialised).
type GroupSourceReq = [u8; mem::size_of::<libc::group_source_req>()];

fn group_source_v6(option: &str, group: Ipv6Addr, source: Ipv6Addr, interface: u32) -> io::Result<GroupSourceReq> {
    if !group.is_multicast() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{option}: {group} is not an IPv6 multicast address (ff00::/8)"),
        ));
    }
    if source.is_unspecified() || source.is_multicast() {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{option}: source {source} is not a unicast IPv6 address"),
        ));
    }
    let mut req: GroupSourceReq = [0; mem::size_of::<libc::group_source_req>()];
    let base = req.as_mut_ptr();
    // SAFETY: each offset and size is a field of the struct `req` is sized
    // for; unaligned writes need no alignment.
    unsafe {
        base.add(mem::offset_of!(libc::group_source_req, gsr_interface))
            .cast::<u32>()
            .write_unaligned(interface);
        base.add(mem::offset_of!(libc::group_source_req, gsr_group))
            .cast::<libc::sockaddr_storage>()
            .write_unaligned(storage_v6(group));
        base.add(mem::offset_of!(libc::group_source_req, gsr_source))
            .cast::<libc::sockaddr_storage>()
            .write_unaligned(storage_v6(source));
    }
    Ok(req)
}

/// Joins IPv6 multicast `group` for the datagrams of `source` only
/// (`MCAST_JOIN_SOURCE_GROUP`, RFC 3678; see `ipv6(7)`) on the interface
/// with index `interface` (0: by route). SSM groups are ff3x::/32. Checks
/// and errors as [`join_ssm_v4`].
pub fn join_ssm_v6<S: AsFd + ?Sized>(socket: &S, group: Ipv6Addr, source: Ipv6Addr, interface: u32) -> io::Result<()> {
    let req = group_source_v6("MCAST_JOIN_SOURCE_GROUP", group, source, interface)?;
    sys::setsockopt_bytes(socket.as_fd(), libc::IPPROTO_IPV6, libc::MCAST_JOIN_SOURCE_GROUP, &req)
}

/// Stops receiving `source`'s datagrams to `group`, joined with
/// [`join_ssm_v6`] (`MCAST_LEAVE_SOURCE_GROUP`, RFC 3678).
pub fn leave_ssm_v6<S: AsFd + ?Sized>(socket: &S, group: Ipv6Addr, source: Ipv6Addr, interface: u32) -> io::Result<()> {
    let req = group_source_v6("MCAST_LEAVE_SOURCE_GROUP", group, source, interface)?;
    sys::setsockopt_bytes(socket.as_fd(), libc::IPPROTO_IPV6, libc::MCAST_LEAVE_SOURCE_GROUP, &req)
}
