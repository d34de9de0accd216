//! Layer 1: the typestate inside tokio (cargo feature `tokio`).
//!
//! [`Async<S>`] wraps any socket state `S` (a [`Listener`](crate::Listener),
//! a [`ConnectedStream`](crate::ConnectedStream), a
//! [`BoundDatagram`](crate::BoundDatagram), ...) and registers its
//! descriptor with the tokio reactor through [`tokio::io::unix::AsyncFd`].
//! The methods are the Layer 0 methods of that state, made `async`; the
//! transitions still consume `self`, and a failed transition hands the
//! socket back in a [`TransitionError`](crate::TransitionError).
//!
//! ```
//! use wirelane::tokio::Async;
//! use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let listener = RawSocket::<Ipv4, Stream>::new()?.bind(SocketAddrV4::localhost(0))?.listen(16)?;
//! let addr = listener.local_addr()?;
//! let listener = Async::new(listener)?;
//!
//! let client = Async::new(RawSocket::<Ipv4, Stream>::new()?)?;
//! let (client, accepted) = tokio::join!(client.connect(addr), listener.accept());
//! let (mut client, mut server) = (client?, accepted?.0);
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # Ok(()) }
//! ```
//!
//! ## Registration
//! One registration (`epoll_ctl(EPOLL_CTL_ADD)`) serves a descriptor for
//! its whole life: a transition of the same fd (pending -> connected,
//! bound -> connected datagram, raw -> pending -> connected) moves the
//! registration into the new state. The one exception is an unconnected
//! TCP socket: the kernel reports `EPOLLHUP` for a socket in `TCP_CLOSE`,
//! and tokio keeps a "closed" readiness for the rest of the registration,
//! so an `Async<RawSocket<D, Stream>>` checks the runtime in
//! [`Async::new`] but registers only once its `connect` has started (as
//! `tokio::net::TcpSocket` does). For the same reason a connect that
//! fails deregisters before handing the socket back.
//!
//! ## Runtimes
//! [`Async::new`] needs a tokio runtime with IO enabled (`enable_io()` or
//! `enable_all()`); outside any runtime it returns an `io::Error`
//! (`ErrorKind::Other`, "no tokio runtime"). The descriptor stays
//! registered with the reactor of the runtime that created it: awaiting
//! its futures from another runtime works, driven by the first runtime's
//! reactor, as long as that runtime is alive. Once it is dropped,
//! pending and new operations fail with an `io::Error` (tokio's "reactor
//! gone"), never a panic; [`Async::into_inner`] still hands the socket
//! back so it can be re-wrapped in a live runtime.
//!
//! ## Cancel safety
//! Every future here is cancel-safe in tokio's sense unless its method
//! says otherwise: each one waits for readiness and then makes exactly one
//! syscall, so a future dropped before completion has made no syscall
//! that moved data or a connection. The consuming transitions (`connect`,
//! `finish`) are the exception stated on them: dropping their future
//! closes the socket it consumed.

mod connect;
mod core;
mod datagram;
mod fdpass;
mod interop;
mod listener;
mod split;
mod stream;

pub use self::core::Async;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
