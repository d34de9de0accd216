//! The IP-level and timestamp control messages (`ip(7)`, `ipv6(7)`,
//! `socket(7)`): their encoding for `sendmsg` and their checked parsing
//! after `recvmsg`, on plain bytes like the rest of [`crate::cmsg`].
//!
//! Payload layouts (Linux, see `include/uapi/linux/in.h`, `in6.h`,
//! `errqueue.h`):
//! - `IP_TOS` arrives as one byte and is sent as an `int`; `IPV6_TCLASS`,
//!   `IP_TTL` and `IPV6_HOPLIMIT` are `int`s both ways;
//! - `in_pktinfo` is `{ int ifindex; in_addr spec_dst; in_addr addr; }`
//!   (12 bytes), `in6_pktinfo` is `{ in6_addr addr; unsigned ifindex; }`
//!   (20 bytes);
//! - `SCM_TIMESTAMPNS` is one `timespec`, `SCM_TIMESTAMPING` three;
//! - `IP_RECVERR`/`IPV6_RECVERR` is a `sock_extended_err` (16 bytes)
//!   followed by the offender's `sockaddr` (`SO_EE_OFFENDER`).

use std::mem::size_of;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::{Duration, SystemTime};

use super::{CmsgError, ParsedMessage, read_i32, read_u32};

const _: () = assert!(size_of::<libc::in_pktinfo>() == 12);
const _: () = assert!(size_of::<libc::in6_pktinfo>() == 20);
const _: () = assert!(size_of::<libc::timespec>() == 16);
const _: () = assert!(size_of::<libc::sock_extended_err>() == 16);

/// A kernel timestamp (`struct timespec`, `CLOCK_REALTIME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KernelTimestamp {
    /// Seconds since the Unix epoch.
    pub sec: i64,
    /// Nanoseconds, 0 to 999 999 999.
    pub nsec: u32,
}

impl KernelTimestamp {
    /// As a [`SystemTime`] (times before the epoch clamp to the epoch).
    pub fn to_system_time(self) -> SystemTime {
        let secs = u64::try_from(self.sec).unwrap_or(0);
        SystemTime::UNIX_EPOCH + Duration::new(secs, self.nsec)
    }

    /// Whether the kernel left this slot empty (all zero), as it does for
    /// the unused entries of `SCM_TIMESTAMPING`.
    pub fn is_zero(self) -> bool {
        self.sec == 0 && self.nsec == 0
    }
}

/// Where a queued socket error came from (`ee_origin`, `SO_EE_ORIGIN_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorOrigin {
    /// `SO_EE_ORIGIN_NONE`.
    None,
    /// `SO_EE_ORIGIN_LOCAL`: the local stack (for example `EMSGSIZE`
    /// from path MTU discovery).
    Local,
    /// `SO_EE_ORIGIN_ICMP`: an ICMPv4 message.
    Icmp,
    /// `SO_EE_ORIGIN_ICMP6`: an ICMPv6 message.
    Icmp6,
    /// `SO_EE_ORIGIN_TXSTATUS` (transmit timestamps).
    TxStatus,
    /// `SO_EE_ORIGIN_ZEROCOPY` (`MSG_ZEROCOPY` completions).
    ZeroCopy,
    /// `SO_EE_ORIGIN_TXTIME` (`SO_TXTIME` drops).
    TxTime,
    /// Any other value.
    Other(u8),
}

impl ErrorOrigin {
    fn from_raw(v: u8) -> Self {
        match v {
            0 => Self::None,
            1 => Self::Local,
            2 => Self::Icmp,
            3 => Self::Icmp6,
            4 => Self::TxStatus,
            5 => Self::ZeroCopy,
            6 => Self::TxTime,
            o => Self::Other(o),
        }
    }

    /// The raw `ee_origin` value.
    pub fn to_raw(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Local => 1,
            Self::Icmp => 2,
            Self::Icmp6 => 3,
            Self::TxStatus => 4,
            Self::ZeroCopy => 5,
            Self::TxTime => 6,
            Self::Other(o) => o,
        }
    }
}

/// A queued socket error (`struct sock_extended_err` from
/// `IP_RECVERR`/`IPV6_RECVERR`, read with `MSG_ERRQUEUE`), with the
/// address of the node that reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendedError {
    /// `ee_errno`: the error (`ECONNREFUSED` for ICMP port unreachable,
    /// `EMSGSIZE` for "fragmentation needed", `EHOSTUNREACH`, ...).
    pub errno: i32,
    /// `ee_origin`.
    pub origin: ErrorOrigin,
    /// `ee_type`: the ICMP type for ICMP origins.
    pub icmp_type: u8,
    /// `ee_code`: the ICMP code for ICMP origins.
    pub icmp_code: u8,
    /// `ee_info`: for `EMSGSIZE`, the path MTU the router reported.
    pub info: u32,
    /// `ee_data`.
    pub data: u32,
    /// `SO_EE_OFFENDER`: the node that reported the error (the router or
    /// host that sent the ICMP message), `None` when the kernel gave
    /// `AF_UNSPEC` (local errors).
    pub offender: Option<SocketAddr>,
}

impl ExtendedError {
    /// The error as an `io::Error` (its errno), with the origin and
    /// offender in the message.
    pub fn to_io_error(&self) -> std::io::Error {
        let base = std::io::Error::from_raw_os_error(self.errno);
        let from = match self.offender {
            Some(a) => format!(" reported by {}", a.ip()),
            None => String::new(),
        };
        std::io::Error::new(
            base.kind(),
            format!(
                "{base}{from} ({:?} error, type {} code {})",
                self.origin, self.icmp_type, self.icmp_code
            ),
        )
    }
}

/// Reads an `int`-sized value that must fit a byte (TTL, hop limit,
/// traffic class).
fn int_byte(offset: usize, what: &'static str, data: &[u8]) -> Result<u8, CmsgError> {
    if data.len() != size_of::<libc::c_int>() {
        return Err(CmsgError::BadDataLen {
            offset,
            what,
            len: data.len(),
            expected: "4",
        });
    }
    let v = read_i32(data);
    u8::try_from(v).map_err(|_| CmsgError::BadValue {
        offset,
        what,
        value: v.into(),
    })
}

fn timespec(b: &[u8]) -> KernelTimestamp {
    let mut s = [0u8; 8];
    s.copy_from_slice(&b[..8]);
    let mut n = [0u8; 8];
    n.copy_from_slice(&b[8..16]);
    KernelTimestamp {
        sec: i64::from_ne_bytes(s),
        // The kernel keeps tv_nsec below 10^9.
        nsec: i64::from_ne_bytes(n).clamp(0, 999_999_999) as u32,
    }
}

/// Decodes a `sockaddr_in`/`sockaddr_in6` (the offender); `AF_UNSPEC` or
/// anything unreadable is `None`.
fn offender(b: &[u8]) -> Option<SocketAddr> {
    if b.len() < 2 {
        return None;
    }
    let family = libc::sa_family_t::from_ne_bytes([b[0], b[1]]);
    match libc::c_int::from(family) {
        libc::AF_INET if b.len() >= size_of::<libc::sockaddr_in>() => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            let ip = Ipv4Addr::new(b[4], b[5], b[6], b[7]);
            Some(SocketAddr::V4(SocketAddrV4::new(ip, port)))
        }
        libc::AF_INET6 if b.len() >= size_of::<libc::sockaddr_in6>() => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            let flow = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&b[8..24]);
            let scope = read_u32(&b[24..]);
            Some(SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope)))
        }
        _ => None,
    }
}

/// Parses the IP-level and timestamp messages; `None` for a type this
/// module does not know (the caller reports it as `Unknown`).
pub(super) fn parse<'a>(
    level: libc::c_int,
    ty: libc::c_int,
    data: &'a [u8],
    offset: usize,
) -> Option<Result<ParsedMessage<'a>, CmsgError>> {
    let bad_len = |what, expected| CmsgError::BadDataLen {
        offset,
        what,
        len: data.len(),
        expected,
    };
    let parsed = match (level, ty) {
        (libc::IPPROTO_IP, libc::IP_TOS) => match data.len() {
            // Received as one byte; accept the `int` form senders use.
            1 => Ok(ParsedMessage::IpTos(data[0])),
            4 => int_byte(offset, "IP_TOS", data).map(ParsedMessage::IpTos),
            _ => Err(bad_len("IP_TOS", "1 or 4")),
        },
        (libc::IPPROTO_IP, libc::IP_TTL) => int_byte(offset, "IP_TTL", data).map(ParsedMessage::IpTtl),
        (libc::IPPROTO_IPV6, libc::IPV6_TCLASS) => int_byte(offset, "IPV6_TCLASS", data).map(ParsedMessage::Ipv6TClass),
        (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => {
            int_byte(offset, "IPV6_HOPLIMIT", data).map(ParsedMessage::Ipv6HopLimit)
        }
        (libc::IPPROTO_IP, libc::IP_PKTINFO) => {
            if data.len() != size_of::<libc::in_pktinfo>() {
                Err(bad_len("IP_PKTINFO", "12"))
            } else {
                Ok(ParsedMessage::Ipv4PktInfo {
                    ifindex: read_u32(data),
                    spec_dst: Ipv4Addr::new(data[4], data[5], data[6], data[7]),
                    addr: Ipv4Addr::new(data[8], data[9], data[10], data[11]),
                })
            }
        }
        (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => {
            if data.len() != size_of::<libc::in6_pktinfo>() {
                Err(bad_len("IPV6_PKTINFO", "20"))
            } else {
                let mut ip = [0u8; 16];
                ip.copy_from_slice(&data[..16]);
                Ok(ParsedMessage::Ipv6PktInfo {
                    addr: Ipv6Addr::from(ip),
                    ifindex: read_u32(&data[16..]),
                })
            }
        }
        (libc::SOL_SOCKET, libc::SCM_TIMESTAMPNS) => {
            if data.len() != size_of::<libc::timespec>() {
                Err(bad_len("SCM_TIMESTAMPNS", "16"))
            } else {
                Ok(ParsedMessage::TimestampNs(timespec(data)))
            }
        }
        (libc::SOL_SOCKET, libc::SCM_TIMESTAMPING) => {
            if data.len() != 3 * size_of::<libc::timespec>() {
                Err(bad_len("SCM_TIMESTAMPING", "48"))
            } else {
                Ok(ParsedMessage::Timestamping {
                    software: timespec(data),
                    hardware: timespec(&data[32..]),
                })
            }
        }
        (libc::IPPROTO_IP, libc::IP_RECVERR) | (libc::IPPROTO_IPV6, libc::IPV6_RECVERR) => {
            if data.len() < size_of::<libc::sock_extended_err>() {
                Err(bad_len("IP_RECVERR", "at least 16"))
            } else {
                Ok(ParsedMessage::ExtendedError(ExtendedError {
                    errno: read_i32(data),
                    origin: ErrorOrigin::from_raw(data[4]),
                    icmp_type: data[5],
                    icmp_code: data[6],
                    info: read_u32(&data[8..]),
                    data: read_u32(&data[12..]),
                    offender: offender(&data[16..]),
                }))
            }
        }
        _ => return None,
    };
    Some(parsed)
}

/// `in_pktinfo` bytes for sending: `ipi_ifindex` and `ipi_spec_dst` (the
/// source address to use); `ipi_addr` is ignored by the kernel on send.
pub(super) fn in_pktinfo(ifindex: u32, spec_dst: Ipv4Addr) -> [u8; 12] {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&ifindex.to_ne_bytes());
    b[4..8].copy_from_slice(&spec_dst.octets());
    b
}

/// `in6_pktinfo` bytes for sending: the source address and interface.
pub(super) fn in6_pktinfo(ifindex: u32, addr: Ipv6Addr) -> [u8; 20] {
    let mut b = [0u8; 20];
    b[..16].copy_from_slice(&addr.octets());
    b[16..].copy_from_slice(&ifindex.to_ne_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_libc() {
        // SAFETY: in_pktinfo/in6_pktinfo are plain old data.
        let p: libc::in_pktinfo = unsafe { std::mem::transmute(in_pktinfo(7, Ipv4Addr::new(127, 0, 0, 2))) };
        assert_eq!(p.ipi_ifindex, 7);
        assert_eq!(p.ipi_spec_dst.s_addr, u32::from_ne_bytes([127, 0, 0, 2]));
        // SAFETY: as above.
        let p6: libc::in6_pktinfo = unsafe { std::mem::transmute(in6_pktinfo(3, Ipv6Addr::LOCALHOST)) };
        assert_eq!(p6.ipi6_ifindex, 3);
        assert_eq!(p6.ipi6_addr.s6_addr, Ipv6Addr::LOCALHOST.octets());
    }

    #[test]
    fn extended_error_with_offender() {
        let mut ee: libc::sock_extended_err = unsafe { std::mem::zeroed() };
        ee.ee_errno = libc::ECONNREFUSED as u32;
        ee.ee_origin = libc::SO_EE_ORIGIN_ICMP;
        ee.ee_type = 3;
        ee.ee_code = 3;
        let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let mut data = [0u8; 32];
        // SAFETY: both are plain old data of the sizes copied.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (&ee as *const libc::sock_extended_err).cast::<u8>(),
                data.as_mut_ptr(),
                16,
            );
            std::ptr::copy_nonoverlapping(
                (&sin as *const libc::sockaddr_in).cast::<u8>(),
                data[16..].as_mut_ptr(),
                16,
            );
        }
        match parse(libc::IPPROTO_IP, libc::IP_RECVERR, &data, 0) {
            Some(Ok(ParsedMessage::ExtendedError(e))) => {
                assert_eq!(e.errno, libc::ECONNREFUSED);
                assert_eq!(e.origin, ErrorOrigin::Icmp);
                assert_eq!((e.icmp_type, e.icmp_code), (3, 3));
                assert_eq!(e.offender, Some("127.0.0.1:0".parse().unwrap()));
                assert_eq!(e.to_io_error().kind(), std::io::ErrorKind::ConnectionRefused);
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            parse(libc::IPPROTO_IP, libc::IP_RECVERR, &data[..15], 0),
            Some(Err(CmsgError::BadDataLen { .. }))
        ));
    }

    #[test]
    fn bad_sizes_and_values() {
        assert!(matches!(
            parse(libc::IPPROTO_IP, libc::IP_TTL, &300i32.to_ne_bytes(), 0),
            Some(Err(CmsgError::BadValue { value: 300, .. }))
        ));
        assert!(matches!(
            parse(libc::IPPROTO_IP, libc::IP_TOS, &[1, 2], 0),
            Some(Err(CmsgError::BadDataLen { .. }))
        ));
        assert!(matches!(
            parse(libc::IPPROTO_IPV6, libc::IPV6_PKTINFO, &[0; 12], 0),
            Some(Err(CmsgError::BadDataLen { .. }))
        ));
        assert!(parse(libc::IPPROTO_IP, 9999, &[], 0).is_none());
    }
}
