//! Name resolution through the system resolver (`getaddrinfo(3)`), so
//! `/etc/hosts`, `nsswitch.conf` and search domains behave as users expect.
//!
//! Results are typed by family ([`InetAddr`]): an IPv4 answer is a
//! [`SocketAddrV4`](crate::SocketAddrV4), an IPv6 answer a
//! [`SocketAddrV6`](crate::SocketAddrV6), in the resolver's
//! order (RFC 6724 destination address selection, as glibc sorts them).
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! let addrs = wirelane::resolve::resolve("localhost", 80)?;
//! assert!(addrs.iter().all(|a| a.ip().is_loopback()));
//! # Ok(()) }
//! ```

mod getaddrinfo;
mod inet_addr;

pub use getaddrinfo::{ResolveError, resolve, resolve_timeout};
pub use inet_addr::InetAddr;
