//! Protocol choices for the kinds that have more than one: the `protocol`
//! argument of `socket(2)`, typed.
//!
//! Most kinds have exactly one protocol per domain and need no choice
//! ([`DefaultProtocol`](crate::DefaultProtocol)). Two do:
//! - internet [`Stream`](crate::Stream) sockets carry TCP or Multipath TCP
//!   ([`StreamProtocol`]); the states are the same, only the wire differs;
//! - [`RawIp`](crate::RawIp) sockets carry any IP protocol
//!   ([`IpProtocol`]) and have no default.

use std::fmt;

/// The transport protocol of an internet stream socket.
///
/// MPTCP sockets (`IPPROTO_MPTCP`, RFC 8684, see `mptcp(7)`) go through
/// exactly the TCP states (`BoundSocket`, `Listener`, `PendingConnect`,
/// `ConnectedStream`) and accept the TCP socket options; the kernel may use
/// several paths (subflows) per connection, and falls back to plain TCP
/// when the peer does not speak MPTCP. Where the kernel lacks MPTCP the
/// socket cannot be created, with an error that says why (see
/// [`RawSocket::with_protocol`](crate::RawSocket::with_protocol)).
///
/// ```
/// use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream, StreamProtocol};
/// # fn main() -> std::io::Result<()> {
/// let listener = RawSocket::<Ipv4, Stream>::with_protocol(StreamProtocol::Mptcp)?
///     .bind(SocketAddrV4::localhost(0))?
///     .listen(16)?;
/// let client = RawSocket::<Ipv4, Stream>::with_protocol(StreamProtocol::Mptcp)?
///     .connect(listener.local_addr()?)?;
/// let server = listener.accept()?;
/// # drop((client, server)); Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StreamProtocol {
    /// TCP (`IPPROTO_TCP`), what `RawSocket::new()` creates.
    #[default]
    Tcp,
    /// Multipath TCP (`IPPROTO_MPTCP`).
    Mptcp,
}

impl StreamProtocol {
    /// The `IPPROTO_*` number passed to `socket(2)` (and reported by
    /// `SO_PROTOCOL`).
    pub const fn as_raw(self) -> libc::c_int {
        match self {
            Self::Tcp => libc::IPPROTO_TCP,
            Self::Mptcp => libc::IPPROTO_MPTCP,
        }
    }

    /// The protocol with this `IPPROTO_*` number, if it is one of these.
    pub const fn from_raw(raw: libc::c_int) -> Option<Self> {
        match raw {
            libc::IPPROTO_TCP => Some(Self::Tcp),
            libc::IPPROTO_MPTCP => Some(Self::Mptcp),
            _ => None,
        }
    }

    /// "TCP" or "MPTCP".
    pub const fn name(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Mptcp => "MPTCP",
        }
    }
}

impl fmt::Display for StreamProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An IP protocol number (the IANA "Assigned Internet Protocol Numbers",
/// `/etc/protocols`): what a [`RawIp`](crate::RawIp) socket sends and
/// receives.
///
/// ```
/// use wirelane::IpProtocol;
/// assert_eq!(IpProtocol::ICMP.number(), 1);
/// assert_eq!(IpProtocol::new(17), IpProtocol::UDP);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpProtocol(u8);

impl IpProtocol {
    /// ICMP for IPv4 (1).
    pub const ICMP: Self = Self(libc::IPPROTO_ICMP as u8);
    /// IGMP (2).
    pub const IGMP: Self = Self(libc::IPPROTO_IGMP as u8);
    /// TCP (6).
    pub const TCP: Self = Self(libc::IPPROTO_TCP as u8);
    /// UDP (17).
    pub const UDP: Self = Self(libc::IPPROTO_UDP as u8);
    /// ICMPv6 (58).
    pub const ICMPV6: Self = Self(libc::IPPROTO_ICMPV6 as u8);
    /// SCTP (132).
    pub const SCTP: Self = Self(libc::IPPROTO_SCTP as u8);
    /// `IPPROTO_RAW` (255): an IPv4 raw socket of this protocol sends
    /// packets whose IP header the caller writes (`IP_HDRINCL` implied) and
    /// receives nothing.
    pub const RAW: Self = Self(libc::IPPROTO_RAW as u8);

    /// The protocol with this number.
    pub const fn new(number: u8) -> Self {
        Self(number)
    }

    /// The protocol number.
    pub const fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Debug for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            Self::ICMP => "ICMP",
            Self::IGMP => "IGMP",
            Self::TCP => "TCP",
            Self::UDP => "UDP",
            Self::ICMPV6 => "ICMPv6",
            Self::SCTP => "SCTP",
            Self::RAW => "RAW",
            _ => return write!(f, "IpProtocol({})", self.0),
        };
        write!(f, "IpProtocol::{name}({})", self.0)
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<u8> for IpProtocol {
    fn from(number: u8) -> Self {
        Self(number)
    }
}

impl From<IpProtocol> for u8 {
    fn from(p: IpProtocol) -> u8 {
        p.0
    }
}
