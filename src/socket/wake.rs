//! Waking threads blocked on a socket: `shutdown(2)` for the states that
//! had none (a listener, both datagram states), as
//! [`ConnectedStream::shutdown`](super::ConnectedStream::shutdown) wakes a
//! blocked `recv`.
//!
//! Linux wakes every thread sleeping on the socket when it is shut down
//! (`sk_state_change` wakes all waiters), whether the thread sleeps in
//! `accept`, `recv`, `recvfrom`, `recvmmsg` or `poll`.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, BorrowedFd};

use super::{BoundDatagram, ConnectedDatagram, Listener};
use crate::domain::{ConnectionOriented, Connectionless, Domain};
use crate::error::explained;
use crate::sys;

impl<D: Domain, T: ConnectionOriented> Listener<D, T> {
    /// Stops listening and wakes every thread blocked in
    /// [`accept`](Self::accept) (`shutdown(2)` with `SHUT_RD`): each of
    /// them, and every later accept, fails with `InvalidInput` (`EINVAL`)
    /// and a message saying the listener was shut down.
    ///
    /// This ends the listener: a TCP listener leaves the `LISTEN` state at
    /// once (connections still in its queue are reset, new ones are
    /// refused); a Unix listener refuses new connections, though ones
    /// already queued may still be accepted. There is no way back to
    /// listening: drop it (and create a new one to listen again).
    /// Shutting down twice is harmless.
    ///
    /// ```
    /// use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
    /// let listener = RawSocket::<Ipv4, Stream>::new().unwrap()
    ///     .bind(SocketAddrV4::localhost(0)).unwrap()
    ///     .listen(8).unwrap();
    /// std::thread::scope(|s| {
    ///     let blocked = s.spawn(|| listener.accept());
    ///     while !blocked.is_finished() {
    ///         listener.shutdown().unwrap();
    ///         std::thread::yield_now();
    ///     }
    ///     let err = blocked.join().unwrap().unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput); // EINVAL
    /// });
    /// ```
    pub fn shutdown(&self) -> io::Result<()> {
        match sys::shutdown(self.as_fd(), Shutdown::Read) {
            // A TCP listener already shut down is in the CLOSE state, for
            // which Linux says ENOTCONN: the listener is stopped, as asked.
            Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Ok(()),
            other => other,
        }
    }
}

/// Names the cause of an `accept4(2)` `EINVAL`: the flags and address
/// length Wirelane passes are valid and the socket was listening, so the
/// listener has been shut down since.
pub(super) fn explain_accept(e: io::Error) -> io::Error {
    if e.raw_os_error() == Some(libc::EINVAL) {
        explained(
            libc::EINVAL,
            "the listener was shut down (Listener::shutdown, or shutdown(2) on its descriptor) \
             and accepts no more connections; drop it, and create a new one to listen again",
        )
    } else {
        e
    }
}

/// Whether a receive that returned `len` bytes from a sender address of
/// `namelen` bytes was in fact ended by a shutdown, not a datagram.
///
/// A receive ended by `shutdown(SHUT_RD)` returns 0 bytes and no address.
/// For UDP no datagram ever lacks a source, but a zero-length Unix datagram
/// from an unbound sender looks the same; so the socket is asked too: only
/// a shut-down socket polls `POLLRDHUP`. The extra `poll` runs on this
/// rare path only.
pub(crate) fn ended_by_shutdown(fd: BorrowedFd<'_>, len: usize, namelen: libc::socklen_t) -> bool {
    len == 0
        && namelen == 0
        && sys::poll(fd, libc::POLLRDHUP, Some(std::time::Duration::ZERO))
            .is_ok_and(|revents| revents & libc::POLLRDHUP != 0)
}

/// How many of the `n` messages a `recvmmsg(2)` returned are datagrams.
///
/// After `shutdown(SHUT_RD)` each remaining slot of a batch "receives"
/// nothing from no one ([`ended_by_shutdown`]); those come last, once the
/// queue is drained, and are cut off here. A batch of only those is the
/// shutdown itself: the error of [`shut_down_for_receiving`].
pub(crate) fn datagrams_before_shutdown(
    fd: BorrowedFd<'_>,
    n: usize,
    msgs: impl Iterator<Item = (usize, libc::socklen_t)>,
) -> io::Result<usize> {
    match msgs
        .take(n)
        .position(|(len, namelen)| ended_by_shutdown(fd, len, namelen))
    {
        Some(0) => Err(shut_down_for_receiving()),
        Some(end) => Ok(end),
        None => Ok(n),
    }
}

/// The error of a receive ended by a shutdown ([`ended_by_shutdown`]).
pub(crate) fn shut_down_for_receiving() -> io::Error {
    explained(
        libc::ESHUTDOWN,
        "the socket was shut down for receiving (shutdown): nothing was received; \
         the queue is empty and no datagram will be read any more",
    )
}

/// `shutdown(2)` on a datagram socket. Linux applies it to an unconnected
/// UDP socket too (receives end, blocked ones wake), but reports `ENOTCONN`
/// for it: that case is success here.
fn shutdown_datagram(fd: std::os::fd::BorrowedFd<'_>, how: Shutdown) -> io::Result<()> {
    match sys::shutdown(fd, how) {
        Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Ok(()),
        other => other,
    }
}

impl<D: Domain, T: Connectionless> BoundDatagram<D, T> {
    /// Shuts down receiving, sending or both (`shutdown(2)`), waking every
    /// thread blocked in a receive on this socket.
    ///
    /// After `Shutdown::Read` (or `Both`), once the queue is empty
    /// (datagrams already queued are still delivered first), a blocking
    /// [`recv_from`](Self::recv_from) fails at once with `ESHUTDOWN` naming
    /// the shutdown, and so do the batch, GRO and metadata receives (a
    /// batch keeps the datagrams that came before the shutdown). A
    /// non-blocking receive keeps failing with `WouldBlock` instead, while
    /// `poll` reports the socket readable and `POLLRDHUP` for good.
    /// Receives without a sender address, such as
    /// [`ConnectedDatagram::recv`], return `Ok(0)`, which a zero-length
    /// datagram also gives.
    ///
    /// After `Shutdown::Write` sends fail with `BrokenPipe`. The kernel
    /// reports `ENOTCONN` for an unconnected UDP socket although it does
    /// apply the shutdown; this returns `Ok(())` then.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        shutdown_datagram(self.as_fd(), how)
    }
}

impl<D: Domain, T: Connectionless> ConnectedDatagram<D, T> {
    /// Shuts down receiving, sending or both (`shutdown(2)`), waking every
    /// thread blocked in a receive; the rest is as for
    /// [`BoundDatagram::shutdown`].
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        shutdown_datagram(self.as_fd(), how)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::error::errno_of;
    use crate::{Datagram, Ipv4, Ipv6, RawSocket, SeqPacket, SocketAddrV4, SocketAddrV6, Stream, Unix, UnixAddr};

    /// Runs `blocked` on a thread and calls `wake` until it returns, at
    /// most for 10 s (each wake is a no-op once applied, so repeating it
    /// only covers the race with the thread not yet sleeping).
    fn woken<R: Send>(blocked: impl FnOnce() -> R + Send, wake: impl Fn()) -> R {
        std::thread::scope(|s| {
            let t = s.spawn(blocked);
            let deadline = Instant::now() + Duration::from_secs(10);
            while !t.is_finished() {
                assert!(Instant::now() < deadline, "the blocked call was not woken within 10 s");
                wake();
                std::thread::park_timeout(Duration::from_millis(5));
            }
            t.join().unwrap()
        })
    }

    #[test]
    fn listener_shutdown_wakes_blocked_accepts_with_a_clear_error() {
        let listener = RawSocket::<Ipv6, Stream>::new()
            .unwrap()
            .bind(SocketAddrV6::localhost(0))
            .unwrap()
            .listen(8)
            .unwrap();
        let err = woken(|| listener.accept().map(drop), || listener.shutdown().unwrap()).unwrap_err();
        assert_eq!(errno_of(&err), libc::EINVAL);
        assert!(err.to_string().contains("shut down"), "{err}");
        // Later accepts fail the same way, at once.
        let err = listener.accept_nonblocking().map(drop).unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        listener.shutdown().unwrap();
    }

    #[test]
    fn seqpacket_listener_shutdown_wakes_accept() {
        let path = std::env::temp_dir().join(format!("wl-wake-seq-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let listener = RawSocket::<Unix, SeqPacket>::new()
            .unwrap()
            .bind(UnixAddr::new(&path).unwrap())
            .unwrap()
            .listen(4)
            .unwrap();
        let err = woken(|| listener.accept().map(drop), || listener.shutdown().unwrap()).unwrap_err();
        assert_eq!(errno_of(&err), libc::EINVAL);
        assert!(err.to_string().contains("shut down"), "{err}");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn unconnected_udp_shutdown_wakes_recv_and_reports_success() {
        let s = RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let err = woken(
            || s.recv_from(&mut [0; 16]).map(|(n, _)| n),
            || s.shutdown(Shutdown::Read).unwrap(),
        )
        .unwrap_err();
        assert_eq!(errno_of(&err), libc::ESHUTDOWN);
        assert!(err.to_string().contains("shut down for receiving"), "{err}");
    }

    #[test]
    fn connected_datagram_shutdown_wakes_recv() {
        let (a, _b) = ConnectedDatagram::<Unix, Datagram>::pair().unwrap();
        let n = woken(|| a.recv(&mut [0; 16]), || a.shutdown(Shutdown::Both).unwrap());
        assert_eq!(n.unwrap(), 0);
    }
}
