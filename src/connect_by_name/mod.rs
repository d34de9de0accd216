//! Connect by name: resolve with the system resolver, then race the
//! addresses following Happy Eyeballs v2 (RFC 8305).
//!
//! - Both families, in interleaved order starting with the family of the
//!   resolver's first answer (RFC 8305 §4).
//! - A new attempt starts every Connection Attempt Delay (250 ms by
//!   default, [`Connector::attempt_delay`]) or at once when the previous
//!   one fails; the attempts run side by side as non-blocking connects
//!   ([`PendingConnect`](crate::PendingConnect)) driven by `poll(2)`.
//! - The first handshake to complete wins; every other attempt is closed.
//! - An overall deadline ([`Connector::timeout`]) covers resolution and
//!   every attempt.
//! - When every attempt fails, the error's source is a [`ConnectError`]
//!   listing each address tried and its error.
//! - Event loops drive the same race without blocking: [`Connector::start`]
//!   returns a [`HappyEyeballs`] (`fds`, `timeout`, `step`); the tokio
//!   layer (`wirelane::tokio::connect`) and the C ABI (`wl_connector`) are
//!   built on it.
//! - Datagrams: [`Connector::connect_datagram`] gives a
//!   [`ConnectedInetDatagram`].
//!
//! The result keeps the typestate: [`ConnectedInet`] is an enum over
//! `ConnectedStream<Ipv4>` and `ConnectedStream<Ipv6>`.
//!
//! ```
//! use std::io::{Read, Write};
//! use wirelane::{Connector, Ipv4, ListenerBuilder, SocketAddrV4};
//! # fn main() -> std::io::Result<()> {
//! let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0))?;
//! let port = listener.local_addr()?.port();
//! let mut conn = Connector::new("127.0.0.1", port).connect()?;
//! conn.write_all(b"hi")?;
//! let mut server = listener.accept()?;
//! let mut buf = [0; 2];
//! server.read_exact(&mut buf)?;
//! assert!(conn.peer_addr()?.ip().is_loopback());
//! # Ok(()) }
//! ```

mod attempts;
mod connected;
mod connector;
mod datagram;
mod error;

pub use attempts::HappyEyeballs;
pub use connected::ConnectedInet;
pub use connector::{Connector, DEFAULT_ATTEMPT_DELAY, MIN_ATTEMPT_DELAY, interleave};
pub use datagram::ConnectedInetDatagram;
pub use error::{Attempt, ConnectError};
