//! Accepting connections on an `Async<Listener<D>>`.

use std::io;
use std::os::fd::AsFd;

use tokio::io::Interest;

use super::Async;
use super::core::register;
use crate::addr::codec::AddrCodec;
use crate::domain::Domain;
use crate::{ConnectedStream, Listener};

impl<D: Domain> Async<Listener<D>> {
    /// Accepts one connection and returns it with the peer's address.
    ///
    /// The new descriptor comes from `accept4(2)` with `SOCK_NONBLOCK |
    /// SOCK_CLOEXEC` (no extra `fcntl`) and is registered with the same
    /// reactor as the listener.
    ///
    /// Cancel safety: cancel-safe. A dropped future has not called
    /// `accept4`, so the connection stays in the backlog for the next call.
    pub async fn accept(&self) -> io::Result<(Async<ConnectedStream<D>>, D::Addr)> {
        let (fd, raw) = self
            .io_op(Interest::READABLE, |l| {
                crate::sys::accept(l.as_fd(), libc::SOCK_NONBLOCK)
            })
            .await?;
        let addr = D::Addr::from_raw(&raw)?;
        let stream = ConnectedStream::from_fd(fd);
        let registration = register(self.handle(), std::os::fd::AsRawFd::as_raw_fd(&stream))?;
        Ok((
            Async::from_parts(Some(registration), self.handle().clone(), stream),
            addr,
        ))
    }
}
