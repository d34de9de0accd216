//! Typed per-datagram metadata for UDP: what QUIC stacks, DNS and media
//! servers need from each datagram, both ways, without hand-written cmsg
//! code.
//!
//! Receive ([`RecvMeta`], after enabling each kind with a socket option on
//! the datagram state, see [`options`](self#enabling-receive-metadata)):
//! the ECN codepoint (`IP_RECVTOS`/`IPV6_RECVTCLASS`), the destination
//! address and interface (`IP_PKTINFO`/`IPV6_RECVPKTINFO`), the TTL or hop
//! limit (`IP_RECVTTL`/`IPV6_RECVHOPLIMIT`), the kernel receive timestamp
//! (`SO_TIMESTAMPNS`, or software `SO_TIMESTAMPING`), the GRO segment size
//! (`UDP_GRO`), and whether the control buffer was too small
//! (`MSG_CTRUNC`, never silently lost). Queued ICMP errors come from the
//! error queue as a typed [`ExtendedError`] with the offender's address
//! (`IP_RECVERR`/`IPV6_RECVERR`, `recv_error`).
//!
//! Send ([`SendMeta`]): the ECN codepoint (`IP_TOS`/`IPV6_TCLASS`), the
//! source address and interface (`IP_PKTINFO`/`IPV6_PKTINFO`), the TTL or
//! hop limit, and the GSO segment size (`UDP_SEGMENT`), per message: with
//! `send_with_meta` and inside a [`SendBatch`](crate::batch::SendBatch)
//! (`push_with_meta`), where every slot carries its own control data. On
//! receive every [`RecvBatch`](crate::batch::RecvBatch) slot has its own
//! control buffer ([`RecvMsg::meta`](crate::batch::RecvMsg::meta)), so
//! slots never mix metadata.
//!
//! The generic form is `send_msg`/`recv_msg` with
//! [`ControlMessage`]/[`ParsedMessage`] (every
//! known message typed, anything else as raw bytes), into caller-provided
//! fixed buffers: nothing allocates per call.
//!
//! ```
//! use wirelane::meta::{Ecn, SendMeta, RECV_CONTROL_SPACE};
//! use wirelane::{Datagram, Ipv4, MsgFlags, RawSocket, SocketAddrV4};
//! # fn main() -> std::io::Result<()> {
//! let rx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
//! rx.set_recv_ecn(true)?;
//! rx.set_recv_ttl(true)?;
//! let tx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
//! let meta = SendMeta { ecn: Some(Ecn::Ce), ttl: Some(7), ..SendMeta::default() };
//! tx.send_with_meta(b"hello", &rx.local_addr()?, &meta)?;
//!
//! let mut buf = [0u8; 64];
//! let mut control = [0u8; RECV_CONTROL_SPACE];
//! let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE)?;
//! let m = got.meta()?;
//! assert_eq!((m.ecn, m.ttl), (Some(Ecn::Ce), Some(7)));
//! # Ok(()) }
//! ```
//!
//! # Enabling receive metadata
//! Each kind is a socket option on [`BoundDatagram`](crate::BoundDatagram)
//! and [`ConnectedDatagram`](crate::ConnectedDatagram) of `Ipv4`/`Ipv6`
//! (`set_recv_ecn`, `set_recv_pktinfo`, `set_recv_ttl`,
//! `set_recv_timestamp`, `set_recv_software_timestamping`,
//! `set_recv_errors`; `set_mtu_discover`, and on a connected socket
//! `path_mtu`). On an `Ipv6` socket the IPv4 twin of ECN and pktinfo is
//! also enabled (best effort) so IPv4-mapped traffic is described too.

use std::net::IpAddr;

use crate::cmsg::{self, CmsgError, ControlMessage, ControlMessages, ParsedMessage};

pub(crate) mod msg;
mod options;
mod slots;

pub use crate::cmsg::{ErrorOrigin, ExtendedError, KernelTimestamp};
pub use msg::{QueuedError, Received};
pub use options::PmtuDiscover;
pub use slots::RecvSlots;

/// Whether a destination is IPv4 or IPv4-mapped (for a `D` socket).
#[doc(hidden)]
pub(crate) fn options_is_v4_dest<D: crate::Domain>(raw: &crate::addr::RawSockAddr) -> bool {
    use crate::addr::codec::AddrCodec;
    if D::FAMILY != libc::AF_INET6 {
        return true;
    }
    crate::SocketAddrV6::from_raw(raw).is_ok_and(|a| a.ip().to_ipv4_mapped().is_some())
}

/// Control space that holds every receive-side message this module
/// decodes at once (ECN for both families, pktinfo, TTL, a timestamp,
/// `SCM_TIMESTAMPING`, GRO, an extended error with an IPv6 offender).
pub const RECV_CONTROL_SPACE: usize = 2 * cmsg::space(4)
    + cmsg::space(20)
    + cmsg::space(12)
    + cmsg::space(4)
    + cmsg::space(16)
    + cmsg::space(48)
    + cmsg::space(4)
    + cmsg::space(16 + 28);

/// Control space for everything a [`SendMeta`] can encode.
pub const SEND_CONTROL_SPACE: usize = cmsg::space(4) + cmsg::space(4) + cmsg::space(20) + cmsg::space(2);

/// An ECN codepoint (RFC 3168): the low two bits of the IPv4 TOS byte or
/// the IPv6 traffic class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Ecn {
    /// `00`: not ECN-capable.
    NotEct = 0b00,
    /// `01`: ECN-capable, ECT(1).
    Ect1 = 0b01,
    /// `10`: ECN-capable, ECT(0).
    Ect0 = 0b10,
    /// `11`: congestion experienced.
    Ce = 0b11,
}

impl Ecn {
    /// The codepoint in the low two bits of a TOS / traffic-class byte.
    pub fn from_tos(tos: u8) -> Self {
        match tos & 0b11 {
            0b00 => Self::NotEct,
            0b01 => Self::Ect1,
            0b10 => Self::Ect0,
            _ => Self::Ce,
        }
    }

    /// The two bits.
    pub fn bits(self) -> u8 {
        self as u8
    }
}

/// What the kernel told about one received datagram (each field `None`
/// unless its socket option is on and the kernel attached it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecvMeta {
    /// The ECN codepoint (`IP_RECVTOS` / `IPV6_RECVTCLASS`).
    pub ecn: Option<Ecn>,
    /// The full TOS byte / traffic class it came from.
    pub tos: Option<u8>,
    /// The destination address in the IP header (`IP_PKTINFO` /
    /// `IPV6_RECVPKTINFO`): which local address the peer sent to.
    pub dst_ip: Option<IpAddr>,
    /// The interface the datagram arrived on (with `dst_ip`).
    pub ifindex: Option<u32>,
    /// The TTL / hop limit (`IP_RECVTTL` / `IPV6_RECVHOPLIMIT`).
    pub ttl: Option<u8>,
    /// The kernel's receive time (`SO_TIMESTAMPNS`, or the software stamp
    /// of `SO_TIMESTAMPING`).
    pub timestamp: Option<KernelTimestamp>,
    /// The `UDP_GRO` segment size when several datagrams were coalesced.
    pub gro_segment: Option<u16>,
    /// A queued error (only on error-queue reads).
    pub error: Option<ExtendedError>,
    /// `MSG_CTRUNC`: the control buffer was too small and some of the
    /// above was cut off by the kernel. [`RecvMeta::check`] makes it an
    /// error.
    pub control_truncated: bool,
}

impl RecvMeta {
    /// Decodes the control bytes of one message (`msg_controllen` bytes)
    /// and its `msg_flags`. Unknown messages are skipped; use
    /// [`ControlMessages`] to see them. After `MSG_CTRUNC` the messages
    /// that arrived whole are decoded and `control_truncated` is set.
    pub fn from_control(control: &[u8], msg_flags: libc::c_int) -> Result<Self, CmsgError> {
        let mut m = Self {
            control_truncated: msg_flags & libc::MSG_CTRUNC != 0,
            ..Self::default()
        };
        for parsed in ControlMessages::new(control) {
            let parsed = match parsed {
                Ok(p) => p,
                // With MSG_CTRUNC the kernel cut the last message short:
                // keep what came whole; `control_truncated` says the rest.
                Err(_) if m.control_truncated => break,
                Err(e) => return Err(e),
            };
            match parsed {
                ParsedMessage::IpTos(t) | ParsedMessage::Ipv6TClass(t) => {
                    m.tos = Some(t);
                    m.ecn = Some(Ecn::from_tos(t));
                }
                ParsedMessage::IpTtl(t) | ParsedMessage::Ipv6HopLimit(t) => m.ttl = Some(t),
                ParsedMessage::Ipv4PktInfo { ifindex, addr, .. } => {
                    m.dst_ip = Some(addr.into());
                    m.ifindex = Some(ifindex);
                }
                ParsedMessage::Ipv6PktInfo { addr, ifindex } => {
                    m.dst_ip = Some(addr.into());
                    m.ifindex = Some(ifindex);
                }
                ParsedMessage::TimestampNs(t) => m.timestamp = Some(t),
                ParsedMessage::Timestamping { software, .. } if !software.is_zero() => {
                    m.timestamp.get_or_insert(software);
                }
                ParsedMessage::UdpGroSegment(s) => m.gro_segment = Some(s),
                ParsedMessage::ExtendedError(e) => m.error = Some(e),
                _ => {}
            }
        }
        Ok(m)
    }

    /// `Ok(self)`, or the truncation as an error when the kernel cut the
    /// control data (`MSG_CTRUNC`): `InvalidData`, naming the buffer size
    /// and [`RECV_CONTROL_SPACE`].
    pub fn check(self, control_capacity: usize) -> std::io::Result<Self> {
        if self.control_truncated {
            return Err(truncation_error(control_capacity));
        }
        Ok(self)
    }
}

/// The error for `MSG_CTRUNC`.
pub(crate) fn truncation_error(capacity: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "control data truncated (MSG_CTRUNC): the {capacity}-byte control buffer is too small for the \
             metadata this socket receives; offer at least wirelane::meta::RECV_CONTROL_SPACE \
             ({RECV_CONTROL_SPACE}) bytes"
        ),
    )
}

/// Metadata to attach to one outgoing datagram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendMeta {
    /// The ECN codepoint to mark (`IP_TOS` / `IPV6_TCLASS`; DSCP bits 0).
    pub ecn: Option<Ecn>,
    /// The source address (`IP_PKTINFO` / `IPV6_PKTINFO`): for a socket
    /// bound to the wildcard, answer from the address the peer used.
    pub src_ip: Option<IpAddr>,
    /// The outgoing interface index (pktinfo), 0 for routing's choice.
    pub ifindex: u32,
    /// The TTL / hop limit of this datagram (`IP_TTL` / `IPV6_HOPLIMIT`).
    pub ttl: Option<u8>,
    /// UDP GSO: split the payload into datagrams of this size
    /// (`UDP_SEGMENT`). Not encoded when the payload fits one segment
    /// (some drivers reject a one-segment GSO send).
    pub segment_size: Option<u16>,
}

impl SendMeta {
    /// Whether nothing is to be attached.
    pub fn is_empty(&self) -> bool {
        self.ecn.is_none()
            && self.src_ip.is_none()
            && self.ifindex == 0
            && self.ttl.is_none()
            && self.segment_size.is_none()
    }

    /// Encodes the control messages for a datagram of `payload_len` bytes
    /// sent on a socket of family `ipv6` (true for `AF_INET6`) towards a
    /// destination that `to_v4` says is IPv4 (or IPv4-mapped); returns the
    /// bytes used. `buf` needs at most [`SEND_CONTROL_SPACE`] bytes.
    ///
    /// An IPv6 source address on an IPv4 socket, or an IPv4 one towards an
    /// IPv6 destination, is an `InvalidInput` error naming both.
    pub fn encode(&self, buf: &mut [u8], ipv6: bool, to_v4: bool, payload_len: usize) -> Result<usize, MetaError> {
        let mut enc = cmsg::CmsgEncoder::new(buf);
        let v4_path = !ipv6 || to_v4;
        if let Some(ecn) = self.ecn {
            enc.push(&if v4_path {
                ControlMessage::IpTos(ecn.bits())
            } else {
                ControlMessage::Ipv6TClass(ecn.bits())
            })?;
        }
        if let Some(ttl) = self.ttl {
            enc.push(&if v4_path {
                ControlMessage::IpTtl(ttl)
            } else {
                ControlMessage::Ipv6HopLimit(ttl)
            })?;
        }
        match self.src_ip {
            Some(IpAddr::V4(a)) if v4_path => enc.push(&ControlMessage::Ipv4PktInfo {
                ifindex: self.ifindex,
                spec_dst: a,
            })?,
            Some(IpAddr::V6(a)) if ipv6 => match a.to_ipv4_mapped() {
                Some(v4) if to_v4 => enc.push(&ControlMessage::Ipv4PktInfo {
                    ifindex: self.ifindex,
                    spec_dst: v4,
                })?,
                _ if !to_v4 => enc.push(&ControlMessage::Ipv6PktInfo {
                    addr: a,
                    ifindex: self.ifindex,
                })?,
                _ => return Err(MetaError::SourceFamily { src: a.into(), ipv6 }),
            },
            Some(IpAddr::V4(a)) if !to_v4 => {
                return Err(MetaError::SourceFamily { src: a.into(), ipv6 });
            }
            Some(a) => return Err(MetaError::SourceFamily { src: a, ipv6 }),
            None if self.ifindex != 0 => enc.push(&if v4_path {
                ControlMessage::Ipv4PktInfo {
                    ifindex: self.ifindex,
                    spec_dst: std::net::Ipv4Addr::UNSPECIFIED,
                }
            } else {
                ControlMessage::Ipv6PktInfo {
                    addr: std::net::Ipv6Addr::UNSPECIFIED,
                    ifindex: self.ifindex,
                }
            })?,
            None => {}
        }
        if let Some(seg) = self.segment_size {
            if seg == 0 {
                return Err(MetaError::ZeroSegment);
            }
            if usize::from(seg) < payload_len {
                enc.push(&ControlMessage::UdpGsoSegment(seg))?;
            }
        }
        Ok(enc.len())
    }
}

/// Why [`SendMeta`] could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// The control buffer is too small.
    #[error(transparent)]
    Cmsg(#[from] CmsgError),
    /// A source address of the wrong family.
    #[error("source address {src} cannot be used on this {} socket for this destination", if *ipv6 { "IPv6" } else { "IPv4" })]
    SourceFamily {
        /// The source asked for.
        src: IpAddr,
        /// Whether the socket is IPv6.
        ipv6: bool,
    },
    /// A GSO segment size of 0.
    #[error("GSO segment size must be at least 1 byte")]
    ZeroSegment,
}

impl From<MetaError> for std::io::Error {
    fn from(e: MetaError) -> Self {
        match e {
            MetaError::Cmsg(c) => c.into(),
            other => crate::error::invalid_input(libc::EINVAL, other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_meta_round_trips_through_the_parser() {
        let meta = SendMeta {
            ecn: Some(Ecn::Ect0),
            src_ip: Some("127.0.0.2".parse().unwrap()),
            ifindex: 1,
            ttl: Some(9),
            segment_size: Some(1200),
        };
        let mut buf = [0u8; SEND_CONTROL_SPACE];
        let n = meta.encode(&mut buf, false, true, 5000).unwrap();
        assert_eq!(n, 2 * cmsg::space(4) + cmsg::space(12) + cmsg::space(2));
        assert!(n <= SEND_CONTROL_SPACE);
        let got: Vec<_> = ControlMessages::new(&buf[..n]).map(Result::unwrap).collect();
        assert_eq!(got[0], ParsedMessage::IpTos(0b10));
        assert_eq!(got[1], ParsedMessage::IpTtl(9));
        assert!(matches!(got[2], ParsedMessage::Ipv4PktInfo { ifindex: 1, .. }));
        assert_eq!(got[3], ParsedMessage::UdpGsoSegment(1200));
        // One segment: no UDP_SEGMENT.
        let n = meta.encode(&mut buf, false, true, 1200).unwrap();
        assert_eq!(ControlMessages::new(&buf[..n]).count(), 3);
    }

    #[test]
    fn wrong_family_source_is_refused() {
        let meta = SendMeta {
            src_ip: Some("::1".parse().unwrap()),
            ..SendMeta::default()
        };
        let mut buf = [0u8; SEND_CONTROL_SPACE];
        assert!(matches!(
            meta.encode(&mut buf, false, true, 1),
            Err(MetaError::SourceFamily { .. })
        ));
        let e: std::io::Error = meta.encode(&mut buf, false, true, 1).unwrap_err().into();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(meta.encode(&mut buf, true, false, 1).is_ok());
    }

    #[test]
    fn ecn_bits() {
        for e in [Ecn::NotEct, Ecn::Ect1, Ecn::Ect0, Ecn::Ce] {
            assert_eq!(Ecn::from_tos(e.bits() | 0xb8), e);
        }
    }
}
