//! Builders and composable configs for the common socket setups.
//!
//! The typestate API spells out every step; the builders do the usual
//! sequence (create, set options, bind/listen or connect) in one
//! expression and return the same state types. Configs are small `Copy`
//! values, defined once and reused across builders:
//!
//! ```
//! use wirelane::*;
//! # fn main() -> std::io::Result<()> {
//! let reuse = ReuseConfig::new().both(); // addr + port
//! let tcp = TcpConfig::new()
//!     .nodelay(true)
//!     .keepalive(KeepaliveConfig::new().idle(30).interval(5).count(3));
//! let buffers = BufferConfig::new().both(65536);
//!
//! let listener = ListenerBuilder::<Ipv4>::new()
//!     .reuse(reuse)
//!     .tcp(tcp)
//!     .buffers(buffers)
//!     .backlog(4096)
//!     .bind(SocketAddrV4::localhost(0))?;
//!
//! let conn = ConnectorBuilder::<Ipv4>::new()
//!     .tcp(tcp)
//!     .buffers(buffers)
//!     .connect(listener.local_addr()?)?;
//! # drop(conn); Ok(()) }
//! ```
//!
//! Options that only make sense for internet sockets (TCP options, address
//! reuse, TTL) are only offered for [`Ipv4`](crate::Ipv4) and
//! [`Ipv6`](crate::Ipv6) builders; `IPV6_V6ONLY` only for `Ipv6`. Invalid
//! values are reported when the builder applies them (`bind`/`connect`),
//! as `ErrorKind::InvalidInput` errors naming the option, never by a panic.

mod config;
mod connector;
mod datagram;
mod listener;
mod tcp_config;

pub use config::{BufferConfig, ReuseConfig};
pub use connector::ConnectorBuilder;
pub use datagram::DatagramBuilder;
pub use listener::ListenerBuilder;
pub use tcp_config::{KeepaliveConfig, KeepaliveTime, TcpConfig};
