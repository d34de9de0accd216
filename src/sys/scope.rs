//! IPv6 scope ids and the interface binding the kernel derives from them.
//!
//! `bind(2)` and `connect(2)` to an IPv6 address that needs a scope
//! (link-local unicast `fe80::/10`, interface- and link-local multicast)
//! with a non-zero `sin6_scope_id` set the socket's bound interface
//! (`sk_bound_dev_if`, what `SO_BINDTOIFINDEX` reads) *before* they can
//! fail, and leave it set when they do. A failed transition would then hand
//! back a socket that is no longer in its original state: tied to that
//! interface, and with an index that names no interface, unusable for any
//! later bind (`ENODEV`) or connect (`ENETUNREACH`).
//!
//! So, for such addresses only:
//! - a scope id that names no interface is refused before the syscall
//!   (`ENODEV`, naming the id);
//! - after any other failure the previous binding is restored with
//!   `SO_BINDTOIFINDEX`. The kernel lets an unprivileged process set a
//!   binding but not change one (`EPERM` without `CAP_NET_RAW`), so there
//!   the socket stays bound to the (existing) interface, as `SECURITY.md`
//!   documents.

use std::io;
use std::os::fd::BorrowedFd;

use crate::addr::RawSockAddr;
use crate::error::invalid_input;

/// The scope id of `addr` if binding or connecting to it makes the kernel
/// set the socket's bound interface.
fn interface_scope(addr: &RawSockAddr) -> Option<u32> {
    if addr.family() as libc::c_int != libc::AF_INET6
        || (addr.len() as usize) < std::mem::size_of::<libc::sockaddr_in6>()
    {
        return None;
    }
    // SAFETY: the family is AF_INET6 and the length covers a sockaddr_in6;
    // the storage is aligned for it.
    let sin6: libc::sockaddr_in6 = unsafe { std::ptr::read(addr.as_ptr().cast()) };
    let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
    let needs_scope = ip.is_unicast_link_local() || (ip.is_multicast() && matches!(ip.octets()[1] & 0x0f, 1 | 2));
    (needs_scope && sin6.sin6_scope_id != 0).then_some(sin6.sin6_scope_id)
}

/// Whether interface index `index` exists; `None` when that cannot be
/// told (e.g. out of descriptors: `if_indextoname` opens a socket).
fn interface_exists(index: u32) -> Option<bool> {
    let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `name` holds IF_NAMESIZE bytes, as if_indextoname requires.
    if !unsafe { libc::if_indextoname(index, name.as_mut_ptr()) }.is_null() {
        return Some(true);
    }
    (io::Error::last_os_error().raw_os_error() == Some(libc::ENXIO)).then_some(false)
}

/// Runs `op` (a `bind` or `connect` of `fd` to `addr`) so that a failure
/// leaves the socket's interface binding as it was; see the module docs.
pub(crate) fn keep_interface_on_failure(
    fd: BorrowedFd<'_>,
    addr: &RawSockAddr,
    op: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    let Some(scope) = interface_scope(addr) else {
        return op();
    };
    if interface_exists(scope) == Some(false) {
        return Err(invalid_input(
            libc::ENODEV,
            format!("IPv6 scope id {scope} names no network interface"),
        ));
    }
    // SO_BINDTOIFINDEX exists since Linux 5.0; without it, nothing to restore.
    let prior = super::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_BINDTOIFINDEX).ok();
    let result = op();
    if let (Err(e), Some(prior)) = (&result, prior) {
        // EINPROGRESS/EINTR/EALREADY: the connect goes on in the background
        // and needs the binding it was given.
        let in_flight = matches!(e.raw_os_error(), Some(libc::EINPROGRESS | libc::EINTR | libc::EALREADY));
        if !in_flight && prior as u32 != scope {
            // Best effort (EPERM without CAP_NET_RAW): the syscall's own
            // error is the one to report.
            let _ = super::setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_BINDTOIFINDEX, prior);
        }
    }
    result
}
