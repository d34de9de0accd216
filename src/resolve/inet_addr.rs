//! [`InetAddr`]: an IPv4 or an IPv6 socket address, typed.

use std::fmt;
use std::net::IpAddr;

use crate::addr::{SocketAddrV4, SocketAddrV6};

/// An internet socket address of either family: what a name resolves to.
///
/// Unlike `std::net::SocketAddr` each variant holds Wirelane's typed
/// address, so it goes straight into a `RawSocket<Ipv4, _>` or
/// `RawSocket<Ipv6, _>` transition.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum InetAddr {
    /// An IPv4 address (`AF_INET`).
    V4(SocketAddrV4),
    /// An IPv6 address (`AF_INET6`).
    V6(SocketAddrV6),
}

impl InetAddr {
    /// The IP address.
    pub fn ip(&self) -> IpAddr {
        match self {
            Self::V4(a) => IpAddr::V4(a.ip()),
            Self::V6(a) => IpAddr::V6(a.ip()),
        }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        match self {
            Self::V4(a) => a.port(),
            Self::V6(a) => a.port(),
        }
    }

    /// Whether this is an IPv4 address.
    pub fn is_ipv4(&self) -> bool {
        matches!(self, Self::V4(_))
    }

    /// Whether this is an IPv6 address.
    pub fn is_ipv6(&self) -> bool {
        matches!(self, Self::V6(_))
    }

    /// The `std::net` form.
    pub fn to_std(self) -> std::net::SocketAddr {
        match self {
            Self::V4(a) => a.into(),
            Self::V6(a) => a.into(),
        }
    }
}

impl From<std::net::SocketAddr> for InetAddr {
    fn from(a: std::net::SocketAddr) -> Self {
        match a {
            std::net::SocketAddr::V4(a) => Self::V4(a.into()),
            std::net::SocketAddr::V6(a) => Self::V6(a.into()),
        }
    }
}

impl From<InetAddr> for std::net::SocketAddr {
    fn from(a: InetAddr) -> Self {
        a.to_std()
    }
}

impl From<SocketAddrV4> for InetAddr {
    fn from(a: SocketAddrV4) -> Self {
        Self::V4(a)
    }
}

impl From<SocketAddrV6> for InetAddr {
    fn from(a: SocketAddrV6) -> Self {
        Self::V6(a)
    }
}

impl fmt::Display for InetAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(a) => fmt::Display::fmt(a, f),
            Self::V6(a) => fmt::Display::fmt(a, f),
        }
    }
}

impl fmt::Debug for InetAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
