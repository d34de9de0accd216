//! The async connect transitions: raw -> pending -> connected, and the
//! datagram connect (bound -> connected datagram).

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use tokio::io::Interest;

use super::Async;
use super::core::register;
use crate::domain::{Domain, Stream};
use crate::error::TransitionError;
use crate::{BoundDatagram, ConnectedDatagram, ConnectedStream, PendingConnect, RawSocket};

/// Dissolves a failed non-blocking connect so the socket can connect
/// again: after a failed attempt Linux answers the next `connect(2)` with
/// `ECONNABORTED` unless the socket is first "disconnected" with an
/// `AF_UNSPEC` address (see `connect(2)`).
fn reset_connect(fd: std::os::fd::BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: a zeroed sockaddr with family AF_UNSPEC is a valid argument.
    let mut addr: libc::sockaddr = unsafe { std::mem::zeroed() };
    addr.sa_family = libc::AF_UNSPEC as libc::sa_family_t;
    let len = std::mem::size_of::<libc::sockaddr>() as libc::socklen_t;
    // SAFETY: `addr` is valid for `len` bytes.
    crate::sys::cvt(unsafe { libc::connect(fd.as_raw_fd(), &addr, len) }).map(drop)
}

impl<D: Domain> Async<RawSocket<D, Stream>> {
    /// Connects to `addr` without blocking the runtime (non-blocking
    /// `connect(2)`, then waiting for writability and `SO_ERROR`).
    ///
    /// On failure the socket comes back in the error, reset with
    /// `connect(AF_UNSPEC)` so it can connect again.
    ///
    /// Cancel safety: not cancel-safe in the sense of keeping the socket:
    /// it consumes `self`, so dropping the future closes the socket (and
    /// abandons the connection attempt). Nothing else is affected.
    pub async fn connect(self, addr: D::Addr) -> Result<Async<ConnectedStream<D>>, TransitionError<Self>> {
        let (registration, handle, raw) = self.into_parts();
        let pending = match raw.connect_nonblocking(addr) {
            Ok(pending) => pending,
            Err(e) => {
                let (error, raw) = e.into_parts();
                return Err(TransitionError::new(
                    error,
                    Async::from_parts(registration, handle, raw),
                ));
            }
        };
        // Register now that the socket is no longer in TCP_CLOSE (see the
        // module docs); a socket that arrives registered keeps its entry.
        let registration = match registration {
            Some(r) => Some(r),
            None => match register(&handle, pending.as_fd().as_raw_fd()) {
                Ok(r) => Some(r),
                Err(e) => {
                    let raw = back_to_raw(pending);
                    return Err(TransitionError::new(e, Async::from_parts(None, handle, raw)));
                }
            },
        };
        match Async::from_parts(registration, handle, pending).finish().await {
            Ok(connected) => Ok(connected),
            Err(e) => {
                let (error, pending) = e.into_parts();
                // Deregister: the reset socket is in TCP_CLOSE again and
                // would latch EPOLLHUP in this registration.
                let (registration, handle, pending) = pending.into_parts();
                drop(registration);
                Err(TransitionError::new(
                    error,
                    Async::from_parts(None, handle, back_to_raw(pending)),
                ))
            }
        }
    }
}

/// A pending connect that failed, reset and retyped as a fresh socket.
fn back_to_raw<D: Domain>(pending: PendingConnect<D>) -> RawSocket<D, Stream> {
    // A reset that fails leaves the socket as it is; the next connect
    // then reports the kernel's answer (ECONNABORTED) with the socket.
    let _ = reset_connect(pending.as_fd());
    RawSocket::from_fd(pending.into_fd())
}

impl<D: Domain> Async<PendingConnect<D>> {
    /// Waits for the connect in progress to complete (writability, then
    /// `SO_ERROR` and the peer address), without blocking the runtime.
    ///
    /// On failure the pending socket comes back in the error (its
    /// `SO_ERROR` already read and cleared).
    ///
    /// Cancel safety: consumes `self`; dropping the future closes the
    /// socket and abandons the connection attempt.
    pub async fn finish(self) -> Result<Async<ConnectedStream<D>>, TransitionError<Self>> {
        let (registration, handle, mut pending) = self.into_parts();
        // `Async::new` registers a pending connect only once it has a peer
        // (an unconnected socket would latch EPOLLHUP, see the module
        // docs); one still in SYN_SENT, or already refused, registers here
        // (a refused one reports EPOLLERR, so `SO_ERROR` is read at once).
        let registration = match registration {
            Some(r) => r,
            None => match register(&handle, pending.as_fd().as_raw_fd()) {
                Ok(r) => r,
                Err(e) => return Err(TransitionError::new(e, Async::from_parts(None, handle, pending))),
            },
        };
        loop {
            let mut guard = match registration.ready(Interest::WRITABLE).await {
                Ok(guard) => guard,
                Err(e) => {
                    return Err(TransitionError::new(
                        super::core::readiness_error(e),
                        Async::from_parts(Some(registration), handle, pending),
                    ));
                }
            };
            match pending.finish() {
                Ok(connected) => {
                    drop(guard);
                    return Ok(Async::from_parts(Some(registration), handle, connected));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    drop(guard);
                    pending = e.into_socket();
                }
                Err(e) => {
                    drop(guard);
                    let (error, pending) = e.into_parts();
                    return Err(TransitionError::new(
                        error,
                        Async::from_parts(Some(registration), handle, pending),
                    ));
                }
            }
        }
    }
}

impl<D: Domain> Async<BoundDatagram<D>> {
    /// Connects the datagram socket to `addr` (`connect(2)`, which never
    /// waits for a datagram socket). The reactor registration moves to the
    /// connected socket. On failure the bound socket comes back.
    pub fn connect(self, addr: D::Addr) -> Result<Async<ConnectedDatagram<D>>, TransitionError<Self>> {
        let (registration, handle, bound) = self.into_parts();
        match bound.connect(addr) {
            Ok(connected) => Ok(Async::from_parts(registration, handle, connected)),
            Err(e) => {
                let (error, bound) = e.into_parts();
                Err(TransitionError::new(
                    error,
                    Async::from_parts(registration, handle, bound),
                ))
            }
        }
    }
}
