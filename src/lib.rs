//! # Wirelane
//!
//! Zero-cost, type-safe network sockets: the socket state machine, enforced
//! at compile time.
//!
//! Each kernel socket state is its own type. A transition consumes `self`
//! and returns the next state; an operation exists only on the states where
//! it is valid, so misuse does not compile:
//!
//! ```
//! use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
//! # fn main() -> std::io::Result<()> {
//! let socket = RawSocket::<Ipv4, Stream>::new()?;
//! // socket.accept();     // does not compile: no such method on RawSocket
//! let bound = socket.bind(SocketAddrV4::localhost(0))?;
//! let listener = bound.listen(128)?;
//! let addr = listener.local_addr()?;
//!
//! let client = RawSocket::<Ipv4, Stream>::new()?.connect(addr)?;
//! let server = listener.accept()?;
//! client.send(b"hi")?;
//! let mut buf = [0; 2];
//! server.recv(&mut buf)?;
//! assert_eq!(&buf, b"hi");
//! # Ok(()) }
//! ```
//!
//! At run time a socket is just its file descriptor: no state field, no
//! branch, and `size_of::<ConnectedStream<Ipv4>>() == size_of::<OwnedFd>()`.
//!
//! ## Conventions
//! - Every socket is created `SOCK_CLOEXEC`; accepted descriptors too.
//! - Every send uses `MSG_NOSIGNAL`: a closed peer gives `EPIPE`
//!   (`ErrorKind::BrokenPipe`), never a `SIGPIPE`.
//! - A failed transition hands the socket back inside a [`TransitionError`];
//!   `?` converts it into `io::Error` where that is all you need.
//! - Blocking calls return `EINTR` (`ErrorKind::Interrupted`) to the caller
//!   instead of retrying inside the library, so callers can react to
//!   signals. `Read`/`Write` behave like `std`'s (`read_exact` and
//!   `write_all` retry `Interrupted`).
//! - Linux only.

#![cfg(target_os = "linux")]
#![warn(missing_docs)]

pub mod activation;
pub mod addr;
pub mod batch;
mod builder;
pub mod cmsg;
mod domain;
pub mod error;
pub mod fdpass;
#[doc(hidden)]
pub mod ffi_support;
pub mod handover;
pub mod options;
mod protocol;
pub mod resolve;
mod socket;
pub mod stream_ext;
mod sys;
#[cfg(feature = "tokio")]
pub mod tokio;
pub mod zerocopy;

pub use addr::{SocketAddrV4, SocketAddrV6, UnixAddr};
pub use domain::{
    ConnectionOriented, Connectionless, Datagram, DefaultProtocol, Domain, Icmp, Inet, Ipv4, Ipv6, RawIp, SeqPacket,
    SockType, Stream, Unix,
};
pub use error::{InputError, TransitionError};
pub use protocol::{IpProtocol, StreamProtocol};
pub use socket::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedSeqPacket, ConnectedStream, ECHO_HEADER_LEN, EchoReply,
    Incoming, Listener, MsgFlags, PendingConnect, RawSocket, UCred,
};

// Options and builders are flat at the crate root, as the seed uses them
// (`set_tcp_nodelay(&s, true)`, `ListenerBuilder::<Ipv4>::new()`).
#[allow(unused_imports)]
pub use builder::*;
// The seed calls these unqualified: `send_fd(&unix_socket, &some_file)?`.
pub use fdpass::{recv_fd, send_fd};
// The seed calls `splice(...)` with `SPLICE_F_MOVE` unqualified.
#[allow(unused_imports)]
pub use options::*;
pub use zerocopy::{
    Pipe, SPLICE_F_GIFT, SPLICE_F_MORE, SPLICE_F_MOVE, SPLICE_F_NONBLOCK, SpliceFlags, pipe, splice, splice_simple, tee,
};

/// The README's Rust examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
