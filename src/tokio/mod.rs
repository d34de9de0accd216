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
//! One registration (one `epoll_ctl(EPOLL_CTL_ADD)`) serves a descriptor
//! from the moment it registers until it is closed: a transition of the
//! same fd (pending -> connected, bound -> connected datagram, raw ->
//! pending -> connected) moves the registration into the new state. The
//! exception is an unconnected TCP socket: the kernel reports `EPOLLHUP`
//! for a socket in `TCP_CLOSE`, and tokio keeps a "closed" readiness for
//! the rest of the registration, so an `Async<RawSocket<D, Stream>>`
//! checks the runtime in [`Async::new`] but registers only once its
//! `connect` has started (as `tokio::net::TcpSocket` does), and an
//! `Async<PendingConnect<D>>` wrapped before its connection was
//! established registers when `finish` starts. For the same reason a
//! connect that fails deregisters (`EPOLL_CTL_DEL`) before handing the
//! socket back: the refusal has already latched the closed readiness, so
//! a retried `connect` on the returned socket registers again. The exact
//! count is therefore one `EPOLL_CTL_ADD` per fd for every path without a
//! failed connect, and one per connect attempt otherwise
//! (`tests/tokio_epoll.rs` counts them with strace).
//!
//! ## Runtimes
//! [`Async::new`] needs a tokio runtime with IO enabled (`enable_io()` or
//! `enable_all()`); outside any runtime it returns an `io::Error`
//! (`ErrorKind::Other`, "no tokio runtime"). The descriptor stays
//! registered with the reactor of the runtime that registered it (the one
//! current at `Async::new`, or at the `connect`/`finish` that
//! registered it; accepted sockets join their listener's). Awaiting its
//! futures from another runtime works as long as that runtime is alive
//! and its reactor is driven: a multi-thread runtime's workers always
//! drive it; a current-thread runtime drives it only while some thread is
//! inside its `block_on`, so a future awaited elsewhere meanwhile waits
//! (as for every `tokio::net` type). Once that runtime shuts down, every
//! operation fails with an `io::Error` (`ErrorKind::Other`, "the tokio
//! runtime this socket is registered with has shut down: ...", tokio's own
//! error as its source): operations already waiting are woken with it,
//! new ones fail at once, and a transition that must register (a
//! connect) hands its socket back with it. Never a panic, never a hang.
//! [`Async::into_inner`] still hands the socket back, to wrap again with
//! `Async::new` in a live runtime. `tests/tokio_reliability.rs` checks
//! all of this.
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
