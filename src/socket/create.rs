//! Creating sockets of every kind, with errors that name the cause where
//! the kernel's errno alone does not (`EACCES` for a ping socket means
//! "outside `net.ipv4.ping_group_range`", `ENOPROTOOPT` for MPTCP means
//! "disabled by `net.mptcp.enabled`").

use std::io;
use std::os::fd::OwnedFd;

use crate::domain::{Domain, Inet, SockType};
use crate::error::{explained, invalid_input};
use crate::protocol::{IpProtocol, StreamProtocol};
use crate::sys;

/// `socket(D::FAMILY, T::TYPE, protocol)`, explaining the failures whose
/// cause is known for this kind.
pub(super) fn create<D: Domain, T: SockType>(protocol: libc::c_int) -> io::Result<OwnedFd> {
    create_with::<D, T>(protocol, false)
}

/// [`create`], non-blocking from birth when asked (`SOCK_NONBLOCK` in the
/// `socket(2)` type: no `fcntl` afterwards).
pub(super) fn create_with<D: Domain, T: SockType>(protocol: libc::c_int, nonblocking: bool) -> io::Result<OwnedFd> {
    let flags = if nonblocking { libc::SOCK_NONBLOCK } else { 0 };
    sys::socket(D::FAMILY, T::TYPE | flags, protocol).map_err(|e| explain::<D, T>(e, protocol))
}

/// An internet stream socket of the chosen protocol.
pub(super) fn create_stream<D: Inet>(protocol: StreamProtocol) -> io::Result<OwnedFd> {
    create::<D, crate::Stream>(protocol.as_raw())
}

/// A raw IP socket; protocol 0 is refused before the syscall.
pub(super) fn create_raw_ip<D: Inet>(protocol: IpProtocol) -> io::Result<OwnedFd> {
    create_raw_ip_with::<D>(protocol, false)
}

/// [`create_raw_ip`], non-blocking from birth when asked.
pub(super) fn create_raw_ip_with<D: Inet>(protocol: IpProtocol, nonblocking: bool) -> io::Result<OwnedFd> {
    if protocol.number() == 0 {
        return Err(invalid_input(
            libc::EPROTONOSUPPORT,
            "a raw IP socket needs a protocol: protocol 0 (IPPROTO_IP) names none; \
             use IpProtocol::ICMP, IpProtocol::UDP, ...",
        ));
    }
    create_with::<D, crate::RawIp>(libc::c_int::from(protocol.number()), nonblocking)
}

fn explain<D: Domain, T: SockType>(e: io::Error, protocol: libc::c_int) -> io::Error {
    let Some(errno) = e.raw_os_error() else { return e };
    let message = match (T::TYPE, protocol, errno) {
        (libc::SOCK_STREAM, libc::IPPROTO_MPTCP, libc::ENOPROTOOPT) => format!(
            "cannot create an {} MPTCP socket: MPTCP is disabled in this network namespace \
             (sysctl net.mptcp.enabled = 0); enable it with `sysctl -w net.mptcp.enabled=1` \
             or use plain TCP (protocol IPPROTO_TCP; StreamProtocol::Tcp in Rust)",
            D::NAME
        ),
        (libc::SOCK_STREAM, libc::IPPROTO_MPTCP, libc::EPROTONOSUPPORT) => format!(
            "cannot create an {} MPTCP socket: this kernel has no MPTCP support \
             (built without CONFIG_MPTCP{}); use plain TCP (protocol IPPROTO_TCP; \
             StreamProtocol::Tcp in Rust)",
            D::NAME,
            if D::FAMILY == libc::AF_INET6 {
                " or CONFIG_MPTCP_IPV6"
            } else {
                ""
            }
        ),
        (libc::SOCK_DGRAM, libc::IPPROTO_ICMP | libc::IPPROTO_ICMPV6, libc::EACCES) => format!(
            "cannot create an {} ICMP echo socket: the process's groups (effective gid {}) are \
             outside net.ipv4.ping_group_range ({}), which also governs ICMPv6; allow them with \
             `sysctl -w net.ipv4.ping_group_range=\"<low> <high>\"`",
            D::NAME,
            sys::effective_gid(),
            ping_group_range()
        ),
        (libc::SOCK_RAW, _, libc::EPERM) => format!(
            "cannot create an {} raw socket (protocol {protocol}): raw sockets need CAP_NET_RAW \
             in the user namespace that owns this network namespace; run with that capability, \
             or inside user and network namespaces of your own (`unshare -Urn`)",
            D::NAME
        ),
        (libc::SOCK_RAW, _, libc::EPROTONOSUPPORT) => {
            format!("cannot create an {} raw socket for IP protocol {protocol}", D::NAME)
        }
        _ => return e,
    };
    explained(errno, message)
}

/// The current `net.ipv4.ping_group_range` ("low high"), or why it could
/// not be read.
fn ping_group_range() -> String {
    match std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range") {
        Ok(text) => text.split_whitespace().collect::<Vec<_>>().join(" "),
        Err(e) => format!("unreadable: {e}"),
    }
}
