//! Zero-sized markers for the socket domain ([`Ipv4`], [`Ipv6`], [`Unix`])
//! and kind ([`Stream`], [`Datagram`], [`SeqPacket`], [`Icmp`], [`RawIp`]).
//!
//! They exist only at compile time: each is a unit struct, so a state type
//! like `RawSocket<Ipv4, Stream>` is exactly as large as its file descriptor.
//!
//! # Kinds and the states they pass through
//!
//! A kind is a `SOCK_*` type together with the protocols it may carry; it
//! decides which states a socket can reach:
//!
//! | kind | `socket(2)` | domains | states after [`RawSocket`](crate::RawSocket) |
//! |---|---|---|---|
//! | [`Stream`] | `SOCK_STREAM`, TCP or [MPTCP](crate::StreamProtocol) | all | `BoundSocket`, `Listener`, `PendingConnect`, `ConnectedStream` |
//! | [`SeqPacket`] | `SOCK_SEQPACKET` | [`Unix`] | `BoundSocket`, `Listener`, `ConnectedSeqPacket` |
//! | [`Datagram`] | `SOCK_DGRAM`, UDP | all | `BoundDatagram`, `ConnectedDatagram` |
//! | [`Icmp`] | `SOCK_DGRAM`, `IPPROTO_ICMP`/`IPPROTO_ICMPV6` | [`Ipv4`], [`Ipv6`] | `BoundDatagram<D, Icmp>`, `ConnectedDatagram<D, Icmp>` |
//! | [`RawIp`] | `SOCK_RAW`, any [IP protocol](crate::IpProtocol) | [`Ipv4`], [`Ipv6`] | `BoundDatagram<D, RawIp>`, `ConnectedDatagram<D, RawIp>` |
//!
//! The two traits [`ConnectionOriented`] and [`Connectionless`] sort the
//! kinds into those two families, and [`DefaultProtocol`] says which
//! (domain, kind) pairs `RawSocket::new()` can create: an invalid pair such
//! as `RawSocket::<Unix, Icmp>::new()` does not compile.

use crate::addr::{SocketAddrV4, SocketAddrV6, SocketAddress, UnixAddr};

mod sealed {
    pub trait Sealed {}

    /// What the crate needs to know about a kind and callers must not
    /// implement or rely on.
    pub trait KindInfo {
        /// Whether a descriptor of `family` whose `SO_PROTOCOL` is
        /// `protocol` is of this kind (checked when a descriptor is adopted).
        fn has_protocol(family: libc::c_int, protocol: libc::c_int) -> bool;
        /// Whether the port of an internet address names a peer (UDP), as
        /// opposed to being ignored (ICMP echo, raw IP).
        const PORT_NAMES_PEER: bool;
    }
}

/// A socket domain (address family). Sealed: implemented by [`Ipv4`],
/// [`Ipv6`] and [`Unix`] only.
pub trait Domain: sealed::Sealed + Copy + Default + Send + Sync + Unpin + 'static {
    /// The address type of this domain.
    type Addr: SocketAddress;
    /// The `AF_*` constant passed to `socket(2)`.
    const FAMILY: libc::c_int;
    /// A short human name ("IPv4", "IPv6", "Unix").
    const NAME: &'static str;
}

/// A socket kind: the `SOCK_*` type plus the protocols it carries. Sealed:
/// implemented by [`Stream`], [`Datagram`], [`SeqPacket`], [`Icmp`] and
/// [`RawIp`] only.
pub trait SockType: sealed::Sealed + sealed::KindInfo + Copy + Default + Send + Sync + Unpin + 'static {
    /// The `SOCK_*` constant passed to `socket(2)`.
    const TYPE: libc::c_int;
    /// A short human name ("Stream", "Datagram", "SeqPacket", "Icmp", "RawIp").
    const NAME: &'static str;
}

/// The `socket(2)` protocol argument a kind uses in domain `D` when none is
/// chosen: implemented exactly for the pairs [`RawSocket::new`] can create.
///
/// [`Stream`] and [`Datagram`] have one in every domain (0: TCP or UDP for
/// internet sockets); [`SeqPacket`] in [`Unix`] only; [`Icmp`] in [`Ipv4`]
/// (`IPPROTO_ICMP`) and [`Ipv6`] (`IPPROTO_ICMPV6`). [`RawIp`] has none: a
/// raw socket is created with
/// [`RawSocket::with_protocol`](crate::RawSocket#method.with_protocol-1),
/// naming the IP protocol it captures.
///
/// ```compile_fail,E0599
/// use wirelane::{Icmp, RawSocket, Unix};
/// let s = RawSocket::<Unix, Icmp>::new(); // ICMP has no Unix domain
/// ```
///
/// [`RawSocket::new`]: crate::RawSocket::new
pub trait DefaultProtocol<D: Domain>: SockType {
    /// The protocol argument passed to `socket(2)`.
    const PROTOCOL: libc::c_int;
}

/// A connection-oriented kind ([`Stream`], [`SeqPacket`]): a bound socket
/// [`listen`](crate::BoundSocket::listen)s, a [`Listener`](crate::Listener)
/// accepts, a connected socket has one peer for its whole life.
pub trait ConnectionOriented: SockType {}

/// A connectionless kind ([`Datagram`], [`Icmp`], [`RawIp`]): each message
/// stands alone; the socket is bound ([`BoundDatagram`](crate::BoundDatagram),
/// talking to anyone with `send_to`/`recv_from`) or connected
/// ([`ConnectedDatagram`](crate::ConnectedDatagram), locked to one peer).
pub trait Connectionless: SockType {}

/// IPv4 (`AF_INET`); addresses are [`SocketAddrV4`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ipv4;

/// IPv6 (`AF_INET6`); addresses are [`SocketAddrV6`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ipv6;

/// Unix domain (`AF_UNIX`); addresses are [`UnixAddr`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Unix;

/// A reliable byte stream (`SOCK_STREAM`: TCP, MPTCP, or a Unix stream).
/// Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stream;

/// Datagrams (`SOCK_DGRAM`: UDP, or a Unix datagram socket). Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Datagram;

/// Sequenced packets (`SOCK_SEQPACKET`, see `unix(7)`): connection-oriented
/// like [`Stream`] (bind, listen, accept, connect), but every send is one
/// whole message and every receive returns exactly one, so message
/// boundaries survive. [`Unix`] only. Zero-sized.
///
/// The connected state is [`ConnectedSeqPacket`](crate::ConnectedSeqPacket).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SeqPacket;

/// ICMP echo ("ping") sockets (`SOCK_DGRAM` with `IPPROTO_ICMP` or
/// `IPPROTO_ICMPV6`, see `icmp(7)`): send echo requests and receive the
/// replies without privileges, for processes whose group is in
/// `net.ipv4.ping_group_range` (which covers ICMPv6 too). The kernel fills
/// in the checksum and the identifier, and delivers only replies to this
/// socket's identifier. [`Ipv4`] and [`Ipv6`] only. Zero-sized.
///
/// Its states are [`BoundDatagram<D, Icmp>`](crate::BoundDatagram) and
/// [`ConnectedDatagram<D, Icmp>`](crate::ConnectedDatagram), with
/// `send_echo`/`recv_echo` for typed echo messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Icmp;

/// Raw IP sockets (`SOCK_RAW`, see `raw(7)`): send and receive whole IP
/// payloads of one [`IpProtocol`](crate::IpProtocol). Needs `CAP_NET_RAW`
/// in the user namespace owning the socket's network namespace. Received
/// IPv4 packets include the IP header; IPv6 ones do not (see `raw(7)` and
/// `ipv6(7)`). [`Ipv4`] and [`Ipv6`] only. Zero-sized.
///
/// Created with [`RawSocket::with_protocol`](crate::RawSocket#method.with_protocol-1);
/// its states are [`BoundDatagram<D, RawIp>`](crate::BoundDatagram) and
/// [`ConnectedDatagram<D, RawIp>`](crate::ConnectedDatagram).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RawIp;

impl sealed::Sealed for Ipv4 {}
impl sealed::Sealed for Ipv6 {}
impl sealed::Sealed for Unix {}
impl sealed::Sealed for Stream {}
impl sealed::Sealed for Datagram {}
impl sealed::Sealed for SeqPacket {}
impl sealed::Sealed for Icmp {}
impl sealed::Sealed for RawIp {}

impl Domain for Ipv4 {
    type Addr = SocketAddrV4;
    const FAMILY: libc::c_int = libc::AF_INET;
    const NAME: &'static str = "IPv4";
}

impl Domain for Ipv6 {
    type Addr = SocketAddrV6;
    const FAMILY: libc::c_int = libc::AF_INET6;
    const NAME: &'static str = "IPv6";
}

impl Domain for Unix {
    type Addr = UnixAddr;
    const FAMILY: libc::c_int = libc::AF_UNIX;
    const NAME: &'static str = "Unix";
}

fn is_inet(family: libc::c_int) -> bool {
    family == libc::AF_INET || family == libc::AF_INET6
}

impl SockType for Stream {
    const TYPE: libc::c_int = libc::SOCK_STREAM;
    const NAME: &'static str = "Stream";
}

impl sealed::KindInfo for Stream {
    fn has_protocol(family: libc::c_int, protocol: libc::c_int) -> bool {
        if is_inet(family) {
            protocol == libc::IPPROTO_TCP || protocol == libc::IPPROTO_MPTCP
        } else {
            protocol == 0
        }
    }
    const PORT_NAMES_PEER: bool = true;
}

impl SockType for Datagram {
    const TYPE: libc::c_int = libc::SOCK_DGRAM;
    const NAME: &'static str = "Datagram";
}

impl sealed::KindInfo for Datagram {
    fn has_protocol(family: libc::c_int, protocol: libc::c_int) -> bool {
        if is_inet(family) {
            protocol == libc::IPPROTO_UDP
        } else {
            protocol == 0
        }
    }
    const PORT_NAMES_PEER: bool = true;
}

impl SockType for SeqPacket {
    const TYPE: libc::c_int = libc::SOCK_SEQPACKET;
    const NAME: &'static str = "SeqPacket";
}

impl sealed::KindInfo for SeqPacket {
    fn has_protocol(family: libc::c_int, protocol: libc::c_int) -> bool {
        family == libc::AF_UNIX && protocol == 0
    }
    const PORT_NAMES_PEER: bool = true;
}

impl SockType for Icmp {
    const TYPE: libc::c_int = libc::SOCK_DGRAM;
    const NAME: &'static str = "Icmp";
}

impl sealed::KindInfo for Icmp {
    fn has_protocol(family: libc::c_int, protocol: libc::c_int) -> bool {
        (family == libc::AF_INET && protocol == libc::IPPROTO_ICMP)
            || (family == libc::AF_INET6 && protocol == libc::IPPROTO_ICMPV6)
    }
    const PORT_NAMES_PEER: bool = false;
}

impl SockType for RawIp {
    const TYPE: libc::c_int = libc::SOCK_RAW;
    const NAME: &'static str = "RawIp";
}

impl sealed::KindInfo for RawIp {
    fn has_protocol(family: libc::c_int, _protocol: libc::c_int) -> bool {
        is_inet(family)
    }
    const PORT_NAMES_PEER: bool = false;
}

impl<D: Domain> DefaultProtocol<D> for Stream {
    const PROTOCOL: libc::c_int = 0;
}
impl<D: Domain> DefaultProtocol<D> for Datagram {
    const PROTOCOL: libc::c_int = 0;
}
impl DefaultProtocol<Unix> for SeqPacket {
    const PROTOCOL: libc::c_int = 0;
}
impl DefaultProtocol<Ipv4> for Icmp {
    const PROTOCOL: libc::c_int = libc::IPPROTO_ICMP;
}
impl DefaultProtocol<Ipv6> for Icmp {
    const PROTOCOL: libc::c_int = libc::IPPROTO_ICMPV6;
}

impl ConnectionOriented for Stream {}
impl ConnectionOriented for SeqPacket {}
impl Connectionless for Datagram {}
impl Connectionless for Icmp {}
impl Connectionless for RawIp {}

/// An internet domain ([`Ipv4`] or [`Ipv6`]): TCP and UDP options apply.
pub trait Inet: Domain {}
impl Inet for Ipv4 {}
impl Inet for Ipv6 {}
