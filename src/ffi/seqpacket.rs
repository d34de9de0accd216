//! Unix `SOCK_SEQPACKET` sockets as typestate handles:
//! `wl_seqpacket_raw` → `wl_seqpacket_bound` → `wl_seqpacket_listener`
//! (accept) and `wl_seqpacket_raw` → `wl_seqpacket` (connect, pair).
//!
//! Their own handle types, not `wl_raw`/`wl_conn` with a third socket
//! type: the Rust states are distinct types (`RawSocket<Unix, SeqPacket>`,
//! `ConnectedSeqPacket`), a seqpacket receive has its own contract (one
//! whole message, truncation reported), and so C's type checker can refuse
//! a seqpacket handle where a stream one is expected. Unix domain only, so
//! each handle holds its state directly, with no per-domain enum.

use std::ffi::{c_int, c_uint, c_void};
use std::os::fd::OwnedFd;

use super::addr::wl_addr;
use super::any::{Adopt, State, with_addr};
use super::boundary::{ffi_fn, forward_exports};
use super::conn::{shutdown_how, wl_ucred};
use super::handle::{
    borrow, bytes, bytes_mut, give_out, impl_handle, out_ptr, pair_out, transition_addr_out, transition_out, write_opt,
};
use super::nonblock::nonblocking;
use super::peer::count;
use wirelane_core::error::MessageTruncated;
use wirelane_core::{
    BoundSocket, ConnectedSeqPacket, Listener, MsgFlags, RawSocket, SeqPacket, SockType, TransitionError, Unix,
};

/// A fresh Unix seqpacket socket (`RawSocket<Unix, SeqPacket>`): it can
/// `wl_seqpacket_raw_bind` (then listen) or `wl_seqpacket_raw_connect`.
#[cfg_attr(all(), repr(C))]
pub struct wl_seqpacket_raw(super::handle::Tag, Option<RawSocket<Unix, SeqPacket>>);
impl_handle!(wl_seqpacket_raw, RawSocket<Unix, SeqPacket>);

/// A bound, not yet listening Unix seqpacket socket
/// (`BoundSocket<Unix, SeqPacket>`): its one transition is
/// `wl_seqpacket_bound_listen`.
#[cfg_attr(all(), repr(C))]
pub struct wl_seqpacket_bound(super::handle::Tag, Option<BoundSocket<Unix, SeqPacket>>);
impl_handle!(wl_seqpacket_bound, BoundSocket<Unix, SeqPacket>);

/// A listening Unix seqpacket socket (`Listener<Unix, SeqPacket>`): it
/// accepts `wl_seqpacket` connections. Accepting does not consume it.
/// Register `wl_seqpacket_listener_fd` for readability to learn of
/// pending connections.
#[cfg_attr(all(), repr(C))]
pub struct wl_seqpacket_listener(super::handle::Tag, Option<Listener<Unix, SeqPacket>>);
impl_handle!(wl_seqpacket_listener, Listener<Unix, SeqPacket>);

/// A connected Unix seqpacket socket (`ConnectedSeqPacket`): reliable and
/// ordered like a stream, but message by message. Each `wl_seqpacket_send`
/// is delivered as one message, whole or not at all; each
/// `wl_seqpacket_recv` returns exactly one, and reports a message longer
/// than the buffer instead of cutting it silently.
///
/// Sends use `MSG_NOSIGNAL`: a closed peer gives `-EPIPE`, never `SIGPIPE`.
#[cfg_attr(all(), repr(C))]
pub struct wl_seqpacket(super::handle::Tag, Option<ConnectedSeqPacket<Unix>>);
impl_handle!(wl_seqpacket, ConnectedSeqPacket<Unix>);

impl State for Listener<Unix, SeqPacket> {
    fn family(&self) -> c_int {
        libc::AF_UNIX
    }
    fn sock_type(&self) -> c_int {
        SeqPacket::TYPE
    }
    fn into_owned_fd(self) -> OwnedFd {
        OwnedFd::from(self)
    }
}

impl State for ConnectedSeqPacket<Unix> {
    fn family(&self) -> c_int {
        libc::AF_UNIX
    }
    fn sock_type(&self) -> c_int {
        SeqPacket::TYPE
    }
    fn into_owned_fd(self) -> OwnedFd {
        OwnedFd::from(self)
    }
}

/// Adopting with the core's checks (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
/// state); the states are Unix-only, so there is no domain to dispatch on.
macro_rules! adopt_direct {
    ($($state:ty),*) => {$(
        impl Adopt for $state {
            fn adopt(fd: OwnedFd) -> Result<Self, TransitionError<OwnedFd>> {
                <$state>::try_from(fd)
            }
        }
    )*};
}
adopt_direct!(
    RawSocket<Unix, SeqPacket>,
    BoundSocket<Unix, SeqPacket>,
    Listener<Unix, SeqPacket>,
    ConnectedSeqPacket<Unix>
);

/// Creates a Unix seqpacket socket (`socket(AF_UNIX, SOCK_SEQPACKET |
/// SOCK_CLOEXEC, 0)`): `RawSocket::<Unix, SeqPacket>::new`. `flags` is 0
/// or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK` given to
/// `socket(2)`, no `fcntl`; `RawSocket::new_nonblocking`), for event
/// loops. Close-on-exec is always on.
///
/// A non-blocking socket stays so through its transitions: the
/// `wl_seqpacket` it connects to, or the `wl_seqpacket_listener` it
/// becomes, is non-blocking too, and their calls that would wait return
/// `-EAGAIN` (see each call).
///
/// Ownership: on success `*out` receives a new handle the caller owns
/// (free it with `wl_seqpacket_raw_free` or pass it to a transition).
/// Returns 0, or `-EINVAL` (unknown `flags` bits, named by the last error;
/// NULL `out`), or the `socket(2)` error (`-EMFILE`, ...); `*out` is
/// written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_raw_new(flags: c_uint, out: *mut *mut wl_seqpacket_raw) -> c_int {
    ffi_fn!("wl_seqpacket_raw_new", {
        let out = out_ptr(out, "out")?;
        let raw = if nonblocking(flags)? {
            RawSocket::<Unix, SeqPacket>::new_nonblocking()
        } else {
            RawSocket::<Unix, SeqPacket>::new()
        }?;
        // SAFETY: checked non-NULL; points to a handle pointer (caller contract).
        unsafe { give_out(out, raw) }
    })
}

/// Binds to a Unix address (`bind(2)`): `RawSocket<Unix, SeqPacket>::bind`.
///
/// Ownership: on success consumes `sock` and writes a new
/// `wl_seqpacket_bound` to `*out`. On failure `sock` stays valid and owned
/// by the caller and `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`
/// (an address that is not `AF_UNIX`), `-EINVAL` (NULL argument, malformed
/// address), or the `bind(2)` error (`-EADDRINUSE`, `-EACCES`, ...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_raw_bind(
    sock: *mut wl_seqpacket_raw,
    addr: *const wl_addr,
    out: *mut *mut wl_seqpacket_bound,
) -> c_int {
    ffi_fn!("wl_seqpacket_raw_bind", {
        // SAFETY: pointers NULL or valid; nobody else uses `sock` now (caller contract).
        unsafe {
            transition_addr_out(sock, addr, out, |s, addr| {
                with_addr(s, addr, |s, a| s.bind(a)).map_err(TransitionError::into_parts)
            })
        }
    })
}

/// Connects to a listening seqpacket socket (`connect(2)`):
/// `RawSocket<Unix, SeqPacket>::connect`. A Unix connect completes or
/// fails at once (never `-EINPROGRESS`), so this is the connect for a
/// non-blocking socket as well; the connection keeps the socket's mode.
///
/// Ownership: on success consumes `sock` and writes a new `wl_seqpacket`
/// to `*out`; on failure `sock` stays valid and owned by the caller and
/// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
/// `connect(2)` error (`-ECONNREFUSED`, `-ENOENT`, `-EAGAIN`, `-EINTR`,
/// ...).
///
/// `-EAGAIN`: the listener's queue is full (its backlog), at once on a
/// non-blocking socket (`WL_NONBLOCK`), or on a blocking one after the
/// write timeout (`SO_SNDTIMEO`) passed while waiting for room (without a
/// timeout a blocking connect waits). Nothing was connected and `sock`
/// stays a fresh `wl_seqpacket_raw`, still owned by the caller: retry
/// later. The listener's side gives this socket no readiness signal for
/// it, so an event loop retries on a timer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_raw_connect(
    sock: *mut wl_seqpacket_raw,
    addr: *const wl_addr,
    out: *mut *mut wl_seqpacket,
) -> c_int {
    ffi_fn!("wl_seqpacket_raw_connect", {
        // SAFETY: pointers NULL or valid; nobody else uses `sock` now (caller contract).
        unsafe {
            transition_addr_out(sock, addr, out, |s, addr| {
                with_addr(s, addr, |s, a| s.connect(a)).map_err(TransitionError::into_parts)
            })
        }
    })
}

forward_exports! {
    /// Starts listening (`listen(2)`) with up to `backlog` pending connections:
    /// `BoundSocket<Unix, SeqPacket>::listen`.
    ///
    /// Ownership: on success consumes `sock` and writes a new
    /// `wl_seqpacket_listener` to `*out`; on failure `sock` stays valid and
    /// owned by the caller and `*out` is untouched. Returns 0 or `-errno`
    /// (`-EINVAL` for a NULL argument).
    fn seqpacket_bound_listen(
        sock: *mut wl_seqpacket_bound, backlog: u32, out: *mut *mut wl_seqpacket_listener,
    ) -> c_int = transition_out(sock, out, |s| s.listen(backlog).map_err(TransitionError::into_parts));
}

/// Accepts one connection (`accept4(2)` with `SOCK_CLOEXEC`):
/// `Listener<Unix, SeqPacket>::accept_with_addr`. Blocks until a client
/// connects unless the listener is non-blocking (`wl_seqpacket_raw_new`
/// with `WL_NONBLOCK`; then `-EAGAIN` when none is pending). The accepted
/// socket is blocking (`wl_seqpacket_listener_accept_flags` with
/// `WL_NONBLOCK` accepts it non-blocking from birth).
///
/// Ownership: borrows `listener`; on success `*out` receives a new
/// `wl_seqpacket` the caller owns, and `*peer` (if `peer` is not NULL) the
/// client's address (usually unnamed). Outputs are written only on
/// success. Returns 0, or `-EAGAIN`, `-EINTR` (a signal interrupted the
/// wait; nothing accepted), `-EMFILE` / `-ENFILE` (the connection stays
/// queued), ..., or `-EINVAL` for a NULL `listener`/`out` or a listener
/// that was shut down (`wl_seqpacket_listener_shutdown`).
///
/// `-EAGAIN`: no connection is queued on a non-blocking listener, or the
/// listener's read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and
/// the outputs are untouched; retry when `wl_wait` (or your event loop)
/// reports the listener `WL_READABLE`. A thread blocked here is woken by
/// `wl_seqpacket_listener_shutdown` (with `-EINVAL`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_listener_accept(
    listener: *const wl_seqpacket_listener,
    out: *mut *mut wl_seqpacket,
    peer: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_seqpacket_listener_accept", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        let (conn, addr) = unsafe { borrow(listener) }?.accept_with_addr()?;
        // SAFETY: `peer` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(peer, wl_addr::from_typed(&addr)) };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn) }
    })
}

/// Accepts one connection as `wl_seqpacket_listener_accept` does, the new
/// socket non-blocking from birth with `WL_NONBLOCK` in `flags`
/// (`accept4(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`, no `fcntl`):
/// `Listener<Unix, SeqPacket>::accept_nonblocking`. `flags` 0 accepts a
/// blocking socket.
///
/// The flag concerns the new connection only; whether this call waits
/// depends on the listener. On a blocking listener it waits:
/// `wl_seqpacket_listener_shutdown` wakes it with `-EINVAL`.
///
/// `-EAGAIN`: no connection is queued on a non-blocking listener
/// (`wl_seqpacket_raw_new` with `WL_NONBLOCK`), or a blocking listener's
/// read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and the
/// outputs are untouched; retry when `wl_wait` (or your loop) reports the
/// listener `WL_READABLE`. An event loop accepts its batch by calling this
/// until `-EAGAIN`.
///
/// Ownership: borrows `listener`; on success `*out` receives a new
/// `wl_seqpacket` the caller owns and `*peer` (if not NULL) the client's
/// address (usually unnamed); outputs are written only on success. Returns
/// 0, or `-EAGAIN`, `-EINTR` (a signal interrupted the wait; nothing
/// accepted), `-EMFILE` / `-ENFILE` (out of descriptors: the connection
/// stays queued), `-EINVAL` (unknown `flags` bits; NULL `listener`/`out`;
/// the listener was shut down), each named by the last error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_listener_accept_flags(
    listener: *const wl_seqpacket_listener,
    flags: c_uint,
    out: *mut *mut wl_seqpacket,
    peer: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_seqpacket_listener_accept_flags", {
        let out = out_ptr(out, "out")?;
        let nb = nonblocking(flags)?;
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        let listener = unsafe { borrow(listener) }?;
        let (conn, addr) = if nb {
            listener.accept_nonblocking()
        } else {
            listener.accept_with_addr()
        }?;
        // SAFETY: `peer` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(peer, wl_addr::from_typed(&addr)) };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn) }
    })
}

/// Stops the listener and wakes every thread blocked in
/// `wl_seqpacket_listener_accept` / `wl_seqpacket_listener_accept_flags`
/// on it (`shutdown(2)` with `SHUT_RD`): `Listener::shutdown`, as
/// `wl_listener_shutdown` does for stream listeners. Each woken accept,
/// and every later accept that would wait, returns `-EINVAL` with a last
/// error saying the listener was shut down. A thread waiting in
/// `wl_wait`/`epoll` on `wl_seqpacket_listener_fd` sees it `WL_READABLE`
/// (and `WL_READ_HANGUP`).
///
/// The listener is finished afterwards, not paused: it refuses new
/// connections (`-ECONNREFUSED` for a client), though ones already queued
/// may still be accepted; on a non-blocking listener an accept with the
/// queue empty still returns `-EAGAIN` (Linux reports the shutdown only
/// to a waiting accept), so an event loop that sees `WL_READ_HANGUP`
/// stops watching it. It cannot listen again: free it (once no thread uses
/// it) and build a new one. A second call is harmless and returns 0.
///
/// Returns 0, or `-EINVAL` for a NULL `listener`. Borrows `listener`; may
/// be called from any thread while others are blocked in accept.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_listener_shutdown(listener: *const wl_seqpacket_listener) -> c_int {
    ffi_fn!("wl_seqpacket_listener_shutdown", {
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        unsafe { borrow(listener) }?.shutdown()?;
        Ok(0)
    })
}

/// Sends one message of `len` bytes (`send(2)`, `MSG_NOSIGNAL` always
/// added): `ConnectedSeqPacket::send_with_flags`. `flags` is 0 or `MSG_*`
/// bits (`MSG_DONTWAIT`, ...). The message is queued whole or not at all.
///
/// Returns `len`, or `-EMSGSIZE` (larger than the socket's send buffer
/// allows), `-EPIPE` (peer gone; no `SIGPIPE`), `-EAGAIN` (non-blocking,
/// or write timeout), `-EINTR`, `-EINVAL` (NULL `sock`, or NULL `buf` with
/// `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no room for the message in this socket's send buffer
/// (`SO_SNDBUF`; messages the peer has not received yet still count
/// against it), on a non-blocking socket (`WL_NONBLOCK`, `MSG_DONTWAIT`)
/// or, on a blocking one, when the write timeout (`SO_SNDTIMEO`) passed.
/// The message was not sent, not even in part; retry when `wl_wait` (or
/// your event loop) reports `WL_WRITABLE`, which comes as the peer
/// receives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_send(
    sock: *const wl_seqpacket,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_seqpacket_send", {
        // SAFETY: pointers NULL or valid for `len` bytes (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?) };
        s.send_with_flags(buf, MsgFlags::from_bits(flags)).map(count)
    })
}

/// Receives exactly one message into `buf` (`recv(2)`):
/// `ConnectedSeqPacket::recv_with_flags`. `flags` is 0 or `MSG_*` bits
/// (`MSG_PEEK` leaves the message queued, `MSG_DONTWAIT`, ...).
///
/// Returns the message's length (0: an empty message, or the peer shut
/// down its side). A message longer than `len` is reported, never
/// silently cut: the call returns `-EMSGSIZE`, `buf` holds its first
/// `len` bytes, the rest of that message is gone (unless `MSG_PEEK`) and,
/// if `msg_len` is not NULL, `*msg_len` receives the whole message's
/// length (the kernel's `MSG_TRUNC` report). On success `*msg_len` (if not
/// NULL) receives the returned length too. Other errors: `-EAGAIN`
/// (non-blocking, or read timeout), `-EINTR`, `-ECONNRESET`, `-EINVAL`
/// (NULL `sock`, or NULL `buf` with `len > 0`); `*msg_len` is then
/// untouched. Use `wl_seqpacket_next_len` to size the buffer first.
/// Borrows `sock`; no allocation unless the message was truncated.
///
/// `-EAGAIN`: no message is queued, on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
/// timeout (`SO_RCVTIMEO`) passed. Nothing was consumed, `buf` and
/// `*msg_len` are untouched; retry when `wl_wait` (or your event loop)
/// reports `WL_READABLE`. A thread blocked here is woken by
/// `wl_seqpacket_shutdown` with `SHUT_RD` (it then returns 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_recv(
    sock: *const wl_seqpacket,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    msg_len: *mut usize,
) -> libc::ssize_t {
    ffi_fn!("wl_seqpacket_recv", {
        // SAFETY: pointers NULL or valid for `len` bytes (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let result = s.recv_with_flags(buf, MsgFlags::from_bits(flags));
        let whole = match &result {
            Ok(n) => Some(*n),
            Err(e) => e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<MessageTruncated>())
                .and_then(MessageTruncated::message_len),
        };
        if let (Some(n), false) = (whole, msg_len.is_null()) {
            // SAFETY: a non-NULL `msg_len` points to a writable size_t.
            unsafe { msg_len.write(n) };
        }
        result.map(count)
    })
}

/// The length of the next message, without consuming it (`MSG_PEEK |
/// MSG_TRUNC`): `ConnectedSeqPacket::next_len`, so a buffer can be sized
/// for it. Blocks like `wl_seqpacket_recv` until a message arrives (0 for
/// an empty message or the peer's shutdown).
///
/// Returns the length, or `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock`).
/// Borrows `sock`; no allocation.
///
/// `-EAGAIN`: as for `wl_seqpacket_recv`: no message is queued on a
/// non-blocking socket, or the read timeout passed. Nothing was consumed;
/// wait for `WL_READABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_next_len(sock: *const wl_seqpacket) -> libc::ssize_t {
    ffi_fn!("wl_seqpacket_next_len", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { borrow(sock) }?.next_len().map(count)
    })
}

/// Shuts down one or both directions (`shutdown(2)`): `how` is `SHUT_RD`,
/// `SHUT_WR` or `SHUT_RDWR`. After `SHUT_WR` the peer's receives return 0.
/// The handle stays valid and must still be freed.
///
/// Returns 0, or `-EINVAL` (bad `how`, NULL `sock`), `-ENOTCONN`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_shutdown(sock: *const wl_seqpacket, how: c_int) -> c_int {
    ffi_fn!("wl_seqpacket_shutdown", {
        let how = shutdown_how(how)?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { borrow(sock) }?.shutdown(how)?;
        Ok(0)
    })
}

/// Writes the peer's address to `*out` (`getpeername(2)`; a client made
/// by `connect` has an unnamed address unless it was bound).
///
/// Returns 0 or `-errno`; `*out` is written only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_peer_addr(sock: *const wl_seqpacket, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_seqpacket_peer_addr", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        let addr = unsafe { borrow(sock) }?.peer_addr()?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// Writes the peer process's credentials at connect time to `*out`
/// (`SO_PEERCRED`, see `unix(7)`): `ConnectedSeqPacket::peer_credentials`.
///
/// Returns 0 or `-errno` (`-EINVAL` for a NULL argument); `*out` is
/// written only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_peer_credentials(sock: *const wl_seqpacket, out: *mut wl_ucred) -> c_int {
    ffi_fn!("wl_seqpacket_peer_credentials", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        let c = unsafe { borrow(sock) }?.peer_credentials()?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(c.into()) };
        Ok(0)
    })
}

/// Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
/// `ConnectedSeqPacket::try_clone`. Each handle must be freed; the socket
/// closes when both are.
///
/// Returns 0 or `-errno` (`-EMFILE`); `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_try_clone(sock: *const wl_seqpacket, out: *mut *mut wl_seqpacket) -> c_int {
    ffi_fn!("wl_seqpacket_try_clone", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        let copy = unsafe { borrow(sock) }?.try_clone()?;
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, copy) }
    })
}

forward_exports! {
    /// Creates a pair of connected Unix seqpacket sockets (`socketpair(2)`,
    /// close-on-exec): `ConnectedSeqPacket::pair`. Both are blocking;
    /// `wl_seqpacket_pair_flags` makes them non-blocking from birth.
    ///
    /// Ownership: on success `*a` and `*b` receive new handles the caller
    /// owns; on failure neither is written. Returns 0 or `-errno` (`-EINVAL`
    /// for a NULL argument, `-EMFILE`).
    fn seqpacket_pair(
        a: *mut *mut wl_seqpacket, b: *mut *mut wl_seqpacket,
    ) -> c_int = pair_out(a, b, ConnectedSeqPacket::pair);
}

/// `wl_seqpacket_pair` with flags: `WL_NONBLOCK` makes both ends
/// non-blocking from birth (`socketpair(2)` with `SOCK_NONBLOCK |
/// SOCK_CLOEXEC`): `ConnectedSeqPacket::<Unix>::pair_nonblocking`. On
/// them a recv with nothing queued, or a send with no room, returns
/// `-EAGAIN` having moved nothing.
///
/// Ownership: on success `*a` and `*b` receive new handles the caller
/// owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
/// `flags` bits, NULL argument), `-EMFILE`, ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_seqpacket_pair_flags(
    flags: c_uint,
    a: *mut *mut wl_seqpacket,
    b: *mut *mut wl_seqpacket,
) -> c_int {
    ffi_fn!("wl_seqpacket_pair_flags", {
        // SAFETY: `a` and `b` are NULL or writable (caller contract).
        unsafe {
            pair_out(a, b, || {
                if nonblocking(flags)? {
                    ConnectedSeqPacket::pair_nonblocking()
                } else {
                    ConnectedSeqPacket::pair()
                }
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn states_report_unix_seqpacket() {
        let (a, _b) = ConnectedSeqPacket::pair().unwrap();
        assert_eq!(a.family(), libc::AF_UNIX);
        assert_eq!(a.sock_type(), libc::SOCK_SEQPACKET);
        assert!(a.as_fd().try_clone_to_owned().is_ok());
    }
}
