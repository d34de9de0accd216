//! Zero-sized markers for the socket domain ([`Ipv4`], [`Ipv6`], [`Unix`])
//! and type ([`Stream`], [`Datagram`]).
//!
//! They exist only at compile time: each is a unit struct, so a state type
//! like `RawSocket<Ipv4, Stream>` is exactly as large as its file descriptor.

use crate::addr::{SocketAddrV4, SocketAddrV6, SocketAddress, UnixAddr};

mod sealed {
    pub trait Sealed {}
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

/// A socket type. Sealed: implemented by [`Stream`] and [`Datagram`] only.
pub trait SockType: sealed::Sealed + Copy + Default + Send + Sync + Unpin + 'static {
    /// The `SOCK_*` constant passed to `socket(2)`.
    const TYPE: libc::c_int;
    /// A short human name ("Stream", "Datagram").
    const NAME: &'static str;
}

/// IPv4 (`AF_INET`); addresses are [`SocketAddrV4`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ipv4;

/// IPv6 (`AF_INET6`); addresses are [`SocketAddrV6`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ipv6;

/// Unix domain (`AF_UNIX`); addresses are [`UnixAddr`]. Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Unix;

/// A reliable byte stream (`SOCK_STREAM`: TCP, or a Unix stream). Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stream;

/// Datagrams (`SOCK_DGRAM`: UDP, or a Unix datagram socket). Zero-sized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Datagram;

impl sealed::Sealed for Ipv4 {}
impl sealed::Sealed for Ipv6 {}
impl sealed::Sealed for Unix {}
impl sealed::Sealed for Stream {}
impl sealed::Sealed for Datagram {}

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

impl SockType for Stream {
    const TYPE: libc::c_int = libc::SOCK_STREAM;
    const NAME: &'static str = "Stream";
}

impl SockType for Datagram {
    const TYPE: libc::c_int = libc::SOCK_DGRAM;
    const NAME: &'static str = "Datagram";
}

/// An internet domain ([`Ipv4`] or [`Ipv6`]): TCP and UDP options apply.
pub trait Inet: Domain {}
impl Inet for Ipv4 {}
impl Inet for Ipv6 {}
