//! [`Async<S>`] itself: construction, registration, access to the state.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::runtime::Handle;

/// A socket in state `S`, registered with the tokio reactor.
///
/// The methods available depend on `S`, exactly as in Layer 0: `accept`
/// exists on `Async<Listener<D>>`, `AsyncRead` on
/// `Async<ConnectedStream<D>>`, `recv_from` on `Async<BoundDatagram<D>>`.
/// `Async<S>` is `Send + Sync + Unpin` like the `tokio::net` types.
pub struct Async<S: AsFd> {
    // Declared first so it is dropped first: the reactor forgets the fd
    // (EPOLL_CTL_DEL) before the state closes it, so a reused fd number
    // never meets a stale registration.
    registration: Option<AsyncFd<RawFd>>,
    handle: Handle,
    state: S,
}

/// The error for "no runtime here": clear, never a panic.
fn no_runtime() -> io::Error {
    io::Error::other(
        "no tokio runtime: wirelane::tokio::Async::new must be called from inside a tokio runtime \
         (with IO enabled)",
    )
}

/// tokio's own words for a reactor whose runtime has shut down.
const TOKIO_SHUTDOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// The error for "the runtime this socket is registered with is gone",
/// naming the problem and the way out. `tokio` reports it as
/// [`TOKIO_SHUTDOWN`]; the original error is kept as the source.
pub(super) fn runtime_gone(tokio_error: io::Error) -> io::Error {
    io::Error::other(RuntimeGone(tokio_error))
}

/// See [`runtime_gone`].
#[derive(Debug)]
struct RuntimeGone(io::Error);

impl fmt::Display for RuntimeGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the tokio runtime this socket is registered with has shut down: \
             Async::into_inner gives the socket back to wrap again (Async::new) in a live runtime",
        )
    }
}

impl std::error::Error for RuntimeGone {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// A readiness error: tokio fails a readiness wait only when its runtime
/// has shut down.
pub(super) fn readiness_error(e: io::Error) -> io::Error {
    runtime_gone(e)
}

/// Registers `fd` with the reactor of `handle` (read and write interest,
/// edge-triggered, one EPOLL_CTL_ADD).
pub(super) fn register(handle: &Handle, fd: RawFd) -> io::Result<AsyncFd<RawFd>> {
    let _entered = handle.enter();
    // SAFETY: `fd` belongs to the state stored next to this registration
    // in `Async`, which is declared after it and so outlives it; every
    // transition keeps the same descriptor, and the registration is
    // dropped (or moved with the fd) before the state can close it.
    unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE | Interest::WRITABLE) }.map_err(|e| {
        let e = e.into_parts().1;
        // Matching tokio's text is the only way to tell; should it
        // change, tokio's own error passes through unchanged.
        if e.to_string() == TOKIO_SHUTDOWN {
            runtime_gone(e)
        } else {
            e
        }
    })
}

/// Whether a state registers at construction. An unconnected TCP socket
/// does not (see the module docs on `EPOLLHUP`): it registers when its
/// connect starts.
pub(super) fn registers_at_new(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let sys = crate::sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE)?;
    if sys != libc::SOCK_STREAM {
        return Ok(true);
    }
    let listening = crate::sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN)? != 0;
    let connected = crate::sys::peer_addr(fd).is_ok();
    Ok(listening || connected)
}

impl<S: AsFd> Async<S> {
    /// Makes the descriptor non-blocking and registers it with the reactor
    /// of the current tokio runtime.
    ///
    /// Outside a runtime this returns an `io::Error` ("no tokio runtime"),
    /// never a panic; the state is dropped (closed) in that case, so call
    /// it where a runtime is known to run. (The runtime must have IO
    /// enabled; a runtime built without `enable_io` makes tokio panic, as
    /// for every `tokio::net` type.)
    pub fn new(state: S) -> io::Result<Self> {
        let handle = Handle::try_current().map_err(|_| no_runtime())?;
        crate::sys::set_nonblocking(state.as_fd(), true)?;
        let registration = if registers_at_new(state.as_fd())? {
            Some(register(&handle, state.as_fd().as_raw_fd())?)
        } else {
            None
        };
        Ok(Self {
            registration,
            handle,
            state,
        })
    }

    /// The socket state, for its synchronous methods (`local_addr`,
    /// options through `AsFd`, ...). Do not make blocking-mode changes or
    /// read/write through it: the reactor would not learn about them.
    pub fn get_ref(&self) -> &S {
        &self.state
    }

    /// Deregisters the descriptor from the reactor and returns the state.
    ///
    /// The descriptor is left **non-blocking** (as `tokio::net`'s
    /// `into_std` leaves it); call `set_nonblocking(false)` on the state
    /// for blocking use. Never fails today; the `Result` keeps the
    /// signature stable should deregistration ever report an error.
    pub fn into_inner(self) -> io::Result<S> {
        let (registration, _handle, state) = self.into_parts();
        drop(registration);
        Ok(state)
    }

    /// Splits into parts, for transitions that move the registration.
    pub(super) fn into_parts(self) -> (Option<AsyncFd<RawFd>>, Handle, S) {
        (self.registration, self.handle, self.state)
    }

    /// Reassembles parts (same fd, new state type).
    pub(super) fn from_parts(registration: Option<AsyncFd<RawFd>>, handle: Handle, state: S) -> Self {
        Self {
            registration,
            handle,
            state,
        }
    }

    /// The runtime this socket is registered with.
    pub(super) fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The registration; every state but an unconnected TCP socket has one.
    pub(super) fn io(&self) -> io::Result<&AsyncFd<RawFd>> {
        self.registration
            .as_ref()
            .ok_or_else(|| io::Error::other("socket is not registered with the reactor"))
    }

    /// Waits until the socket is ready for `interest`, then runs `op` (one
    /// non-blocking syscall) and retries on `WouldBlock`. Cancel-safe: a
    /// dropped future has at most waited. Through tokio's `async_io`, so
    /// each call spends the task's cooperative budget as `tokio::net` does
    /// (a loop on an always-ready socket still yields to other tasks).
    pub(super) async fn io_op<R>(&self, interest: Interest, mut op: impl FnMut(&S) -> io::Result<R>) -> io::Result<R> {
        // `async_io` fails for two reasons: `op` failed (returned as is),
        // or the readiness wait failed, which tokio does only when the
        // runtime has shut down (restated by `readiness_error`).
        let mut op_failed = false;
        let result = self
            .io()?
            .async_io(interest, |_| {
                let r = op(&self.state);
                op_failed = r.as_ref().is_err_and(|e| e.kind() != io::ErrorKind::WouldBlock);
                r
            })
            .await;
        result.map_err(|e| if op_failed { e } else { readiness_error(e) })
    }
}

impl<S: AsFd> AsFd for Async<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.state.as_fd()
    }
}

impl<S: AsFd> AsRawFd for Async<S> {
    fn as_raw_fd(&self) -> RawFd {
        self.state.as_fd().as_raw_fd()
    }
}

impl<S: AsFd + fmt::Debug> fmt::Debug for Async<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("state", &self.state)
            .field("registered", &self.registration.is_some())
            .finish()
    }
}
