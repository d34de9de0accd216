//! `PendingConnect<D>`: a non-blocking connect in flight.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

use super::raw::Transition;
use super::{ConnectedStream, socket_state};
use crate::domain::Domain;
use crate::error::TransitionError;
use crate::sys;

/// A stream connect that has been started but may not have completed.
///
/// Register the descriptor for writability with your event loop (or call
/// [`wait`](Self::wait)), then [`finish`](Self::finish). The socket is in
/// non-blocking mode and stays so after `finish`.
///
/// ```no_run
/// use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
/// # fn main() -> std::io::Result<()> {
/// let pending = RawSocket::<Ipv4, Stream>::new()?
///     .connect_nonblocking(SocketAddrV4::localhost(8080))?;
/// pending.wait(Some(std::time::Duration::from_secs(1)))?;
/// let conn = pending.finish()?; // ConnectedStream<Ipv4>
/// # drop(conn); Ok(()) }
/// ```
pub struct PendingConnect<D: Domain> {
    fd: OwnedFd,
    _marker: PhantomData<D>,
}

socket_state!(PendingConnect<D: Domain>);

impl<D: Domain> PendingConnect<D> {
    /// Waits up to `timeout` (`None`: forever) for the connect to resolve,
    /// one way or the other (`poll(2)` for `POLLOUT`). Returns `true` when it
    /// has, `false` on timeout. Interrupted by a signal: `ErrorKind::Interrupted`.
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<bool> {
        Ok(sys::poll(self.as_fd(), libc::POLLOUT, timeout)? != 0)
    }

    /// Completes the transition to [`ConnectedStream`] if the connect has
    /// succeeded.
    ///
    /// Fails, handing the pending socket back, with
    /// - `ErrorKind::WouldBlock` while the handshake is still in flight
    ///   (call again when writable);
    /// - the connect's own error (`ECONNREFUSED`, `ETIMEDOUT`, ...) once it
    ///   failed (read from `SO_ERROR`);
    /// - `ENOTCONN` if the error was already taken with `take_error`.
    pub fn finish(self) -> Transition<ConnectedStream<D>, Self> {
        match self.check() {
            Ok(()) => Ok(ConnectedStream::from_fd(self.into_fd())),
            Err(e) => Err(TransitionError::new(e, self)),
        }
    }

    fn check(&self) -> io::Result<()> {
        if sys::poll(self.as_fd(), libc::POLLOUT, Some(Duration::ZERO))? == 0 {
            return Err(io::Error::from_raw_os_error(libc::EAGAIN));
        }
        if let Some(e) = self.take_error()? {
            return Err(e);
        }
        // Writable with no pending error but not connected means the
        // failure was already consumed by `take_error`.
        sys::peer_addr(self.as_fd()).map(drop)
    }
}
