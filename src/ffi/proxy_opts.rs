//! The C face of the proxy and multicast options whose values are not one
//! `int` (`wirelane::options`, `multicast_source.rs` and `proxy.rs`): the
//! IPv4 outgoing multicast interface, source-specific multicast joins,
//! the original destination before a NAT redirect and the saved SYN. Like
//! the table's options they take any socket descriptor
//! (`wl_<state>_fd(h)`).

use std::ffi::c_int;

use super::addr::wl_addr;
use super::boundary::ffi_fn;
use super::handle::{bytes_mut, out_ptr};
use super::options::{fd_arg, ipv4_arg, ipv6_arg};
use wirelane_core::options as core;

/// Chooses the interface for outgoing IPv4 multicast (`IP_MULTICAST_IF`
/// with a `struct ip_mreqn`, see `ip(7)`): `wirelane::set_multicast_if_v4`.
/// `interface` is the interface's address (4 bytes in network order),
/// `ifindex` its index (`if_nametoindex(3)`); give either or both (the
/// index wins). All-zero and 0 go back to the default (by route).
///
/// Returns 0, or `-EINVAL` (NULL `interface`, `ifindex` above `INT_MAX`),
/// `-EADDRNOTAVAIL` (not a local address), `-ENODEV` (no such index), or
/// another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_multicast_if_v4(fd: c_int, interface: *const u8, ifindex: u32) -> c_int {
    ffi_fn!("wl_set_multicast_if_v4", {
        // SAFETY: `interface` NULL or 4 bytes (caller contract).
        let address = unsafe { ipv4_arg(interface, "interface") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::set_multicast_if_v4(&unsafe { fd_arg(fd) }?, address, ifindex)?;
        Ok(0)
    })
}

/// Writes the address of the outgoing IPv4 multicast interface
/// (`IP_MULTICAST_IF`, see `ip(7)`) to `out` (4 bytes, network order):
/// `wirelane::multicast_if_v4`. All zero when unset or set by index only
/// (the kernel does not report the index).
///
/// Returns 0 or `-errno`; `out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_multicast_if_v4(fd: c_int, out: *mut u8) -> c_int {
    ffi_fn!("wl_multicast_if_v4", {
        // SAFETY: a non-NULL `out` holds 4 writable bytes (caller contract).
        let out = unsafe { bytes_mut(out_ptr(out, "out")?, 4, "out") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let address = core::multicast_if_v4(&unsafe { fd_arg(fd) }?)?;
        out.copy_from_slice(&address.octets());
        Ok(0)
    })
}

/// Joins IPv4 multicast `group` for the datagrams of `source` only
/// (source-specific multicast, `IP_ADD_SOURCE_MEMBERSHIP`, see `ip(7)`) on
/// the interface with address `interface` (all zero: by route):
/// `wirelane::join_ssm_v4`. Each is 4 bytes in network order. Call it once
/// per allowed source.
///
/// Returns 0, or `-EINVAL` (NULL, `group` not multicast, `source` not
/// unicast), `-EADDRNOTAVAIL` (this source joined already), or another
/// `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_ssm_v4(fd: c_int, group: *const u8, source: *const u8, interface: *const u8) -> c_int {
    ffi_fn!("wl_join_ssm_v4", {
        // SAFETY: each pointer NULL or 4 bytes (caller contract).
        let (g, s, i) = unsafe {
            (
                ipv4_arg(group, "group")?,
                ipv4_arg(source, "source")?,
                ipv4_arg(interface, "interface")?,
            )
        };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::join_ssm_v4(&unsafe { fd_arg(fd) }?, g, s, i)?;
        Ok(0)
    })
}

/// Stops receiving `source`'s datagrams to `group`, joined with
/// `wl_join_ssm_v4` (`IP_DROP_SOURCE_MEMBERSHIP`, see `ip(7)`):
/// `wirelane::leave_ssm_v4`. Leaving the last source leaves the group.
///
/// Returns 0, or `-EADDRNOTAVAIL` (source not joined), `-EINVAL` (group
/// not joined, bad arguments), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_ssm_v4(
    fd: c_int,
    group: *const u8,
    source: *const u8,
    interface: *const u8,
) -> c_int {
    ffi_fn!("wl_leave_ssm_v4", {
        // SAFETY: each pointer NULL or 4 bytes (caller contract).
        let (g, s, i) = unsafe {
            (
                ipv4_arg(group, "group")?,
                ipv4_arg(source, "source")?,
                ipv4_arg(interface, "interface")?,
            )
        };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::leave_ssm_v4(&unsafe { fd_arg(fd) }?, g, s, i)?;
        Ok(0)
    })
}

/// Joins IPv6 multicast `group` for the datagrams of `source` only
/// (`MCAST_JOIN_SOURCE_GROUP`, RFC 3678; see `ipv6(7)`) on the interface
/// with index `interface` (0: by route): `wirelane::join_ssm_v6`. `group`
/// and `source` are 16 bytes in network order.
///
/// Returns 0, or `-EINVAL` (NULL, `group` not multicast, `source` not
/// unicast), `-EADDRNOTAVAIL` (joined already), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_ssm_v6(fd: c_int, group: *const u8, source: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_join_ssm_v6", {
        // SAFETY: each pointer NULL or 16 bytes (caller contract).
        let (g, s) = unsafe { (ipv6_arg(group, "group")?, ipv6_arg(source, "source")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::join_ssm_v6(&unsafe { fd_arg(fd) }?, g, s, interface)?;
        Ok(0)
    })
}

/// Stops receiving `source`'s datagrams to `group`, joined with
/// `wl_join_ssm_v6` (`MCAST_LEAVE_SOURCE_GROUP`, RFC 3678):
/// `wirelane::leave_ssm_v6`.
///
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_ssm_v6(fd: c_int, group: *const u8, source: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_leave_ssm_v6", {
        // SAFETY: each pointer NULL or 16 bytes (caller contract).
        let (g, s) = unsafe { (ipv6_arg(group, "group")?, ipv6_arg(source, "source")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::leave_ssm_v6(&unsafe { fd_arg(fd) }?, g, s, interface)?;
        Ok(0)
    })
}

/// Writes the destination an accepted IPv4 TCP connection had before a
/// netfilter NAT rule (`REDIRECT`, `DNAT`) rewrote it to `*out`
/// (`SO_ORIGINAL_DST`, see `iptables-extensions(8)`):
/// `wirelane::original_dst_v4`. A connection no rule translated gives its
/// own destination.
///
/// Returns 0, or `-ENOENT` (conntrack does not track the connection), or
/// another `-errno`; `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_original_dst_v4(fd: c_int, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_original_dst_v4", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let addr = core::original_dst_v4(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// The IPv6 twin of `wl_original_dst_v4` (`IP6T_SO_ORIGINAL_DST`):
/// `wirelane::original_dst_v6`.
///
/// Returns 0, or `-ENOENT` (conntrack does not track the connection), or
/// another `-errno`; `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_original_dst_v6(fd: c_int, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_original_dst_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let addr = core::original_dst_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// Copies the SYN that opened an accepted connection, its IP and TCP
/// headers as they arrived (`TCP_SAVED_SYN`, see `tcp(7)`), into `buf`
/// (`len` bytes), after `wl_set_tcp_save_syn(listener_fd, true)`:
/// `wirelane::tcp_saved_syn_into`.
///
/// Returns the SYN's length: 0 when none is saved (the kernel hands it
/// out once). A return value larger than `len` means `buf` is too small:
/// nothing was copied and the SYN stays saved; call again with that many
/// bytes (`buf = NULL, len = 0` asks for the length). Or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_saved_syn(fd: c_int, buf: *mut u8, len: usize) -> c_int {
    ffi_fn!("wl_tcp_saved_syn", {
        // SAFETY: a non-NULL `buf` holds `len` writable bytes (caller contract).
        let buf = unsafe { bytes_mut(buf, len, "buf") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let n = core::tcp_saved_syn_into(&unsafe { fd_arg(fd) }?, buf)?;
        Ok(n.min(c_int::MAX as usize) as c_int)
    })
}
