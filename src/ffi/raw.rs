//! `wl_raw`: a created socket, not yet bound or connected.

use std::ffi::c_int;

use super::addr::wl_addr;
use super::any::{RawAny, RawDgram, RawOf, RawStream, State, step, with_addr, wrong_type};
use super::bound::wl_bound;
use super::boundary::{ffi_fn, forward_exports};
use super::conn::wl_conn;
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{Handle, borrow, give_out, impl_handle, in_ref, out_ptr, transition};
use super::nonblock::by_domain;
use super::pending::wl_pending;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{Datagram, DefaultProtocol, Ipv4, Ipv6, RawSocket, Stream, Unix};

/// A freshly created socket (`RawSocket<D, T>`): not bound, not connected.
///
/// Stream sockets can `wl_raw_bind` (then listen), `wl_raw_connect` or
/// `wl_raw_connect_nonblocking`; datagram sockets can `wl_raw_bind_dgram`
/// or `wl_raw_connect_dgram`. Calling a stream transition on a datagram
/// socket (or the reverse) fails with `-EPROTOTYPE` and consumes nothing.
#[cfg_attr(all(), repr(C))]
pub struct wl_raw(super::handle::Tag, Option<RawAny>);
impl_handle!(wl_raw, RawAny);

/// The domain's state for one socket type, or the error.
fn new_any<T: DefaultProtocol<Ipv4> + DefaultProtocol<Ipv6> + DefaultProtocol<Unix>>(
    domain: c_int,
) -> std::io::Result<RawOf<T>> {
    by_domain(domain, RawSocket::new, RawSocket::new, RawSocket::new)
}

/// Creates a socket (`socket(2)`, always `SOCK_CLOEXEC`).
///
/// `domain` is `AF_INET`, `AF_INET6` or `AF_UNIX`; `type` is `SOCK_STREAM`
/// or `SOCK_DGRAM` (no flag bits: for a socket non-blocking from birth use
/// `wl_raw_open` with `WL_NONBLOCK`).
///
/// Ownership: on success `*out` receives a new handle the caller owns
/// (free it with `wl_raw_free` or pass it to a transition). Returns 0, or
/// `-EAFNOSUPPORT` / `-EPROTOTYPE` for an unsupported domain / type,
/// `-EINVAL` for a NULL `out`, or the `socket(2)` error (`-EMFILE`, ...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_raw_new(domain: c_int, r#type: c_int, out: *mut *mut wl_raw) -> c_int {
    ffi_fn!("wl_raw_new", {
        let out = out_ptr(out, "out")?;
        let raw = match r#type {
            libc::SOCK_STREAM => RawAny::Stream(new_any::<Stream>(domain)?),
            libc::SOCK_DGRAM => RawAny::Dgram(new_any::<Datagram>(domain)?),
            other => {
                return Err(invalid_input(
                    libc::EPROTOTYPE,
                    format!(
                        "socket type {other} is not supported: use SOCK_STREAM or SOCK_DGRAM (for SOCK_NONBLOCK, use wl_raw_open with WL_NONBLOCK)"
                    ),
                ));
            }
        };
        // SAFETY: checked non-NULL; points to a `wl_raw *` (caller contract).
        unsafe { give_out(out, raw) }
    })
}

/// The socket type: `SOCK_STREAM` or `SOCK_DGRAM` (no syscall).
///
/// Returns the type, or `-EINVAL` if `sock` is NULL. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_raw_type(sock: *const wl_raw) -> c_int {
    ffi_fn!("wl_raw_type", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        Ok(unsafe { borrow(sock) }?.sock_type())
    })
}

/// Checks a stream transition's arguments before anything is taken:
/// `addr` readable and `sock` a stream socket (else `wrong`).
unsafe fn stream_args(sock: *const wl_raw, addr: *const wl_addr, wrong: &'static str) -> std::io::Result<wl_addr> {
    // SAFETY: forwarded from the export's contract.
    let a = *unsafe { in_ref(addr, "addr") }?;
    // SAFETY: as above.
    match unsafe { borrow(sock) }? {
        RawAny::Stream(_) => Ok(a),
        RawAny::Dgram(_) => Err(wrong_type(wrong)),
    }
}

/// The same for datagram transitions.
unsafe fn dgram_args(sock: *const wl_raw, addr: *const wl_addr, wrong: &'static str) -> std::io::Result<wl_addr> {
    // SAFETY: forwarded from the export's contract.
    let a = *unsafe { in_ref(addr, "addr") }?;
    // SAFETY: as above.
    match unsafe { borrow(sock) }? {
        RawAny::Dgram(_) => Ok(a),
        RawAny::Stream(_) => Err(wrong_type(wrong)),
    }
}

/// Takes the stream arm out of a `wl_raw` known to hold one.
/// The body of the `wl_raw` transitions that take an address: checks
/// `out`, then (with `args`) `*addr` and the socket's type, then runs `f`
/// on the state and writes the new handle. On failure `sock` keeps its
/// state.
///
/// # Safety
/// `sock` is NULL or a live handle nobody else uses during the call;
/// `addr` NULL or valid; `out` NULL or writable.
unsafe fn addr_step<N: Handle>(
    sock: *mut wl_raw,
    addr: *const wl_addr,
    out: *mut *mut N,
    args: unsafe fn(*const wl_raw, *const wl_addr, &'static str) -> std::io::Result<wl_addr>,
    wrong: &'static str,
    f: impl FnOnce(RawAny, wl_addr) -> Result<N::Inner, (std::io::Error, RawAny)>,
) -> std::io::Result<c_int> {
    let out = out_ptr(out, "out")?;
    // SAFETY: forwarded from the caller's contract.
    let addr = unsafe { args(sock, addr, wrong) }?;
    // SAFETY: as above.
    let next = unsafe { transition(sock, |raw| f(raw, addr)) }?;
    // SAFETY: checked non-NULL.
    unsafe { give_out(out, next) }
}

fn stream_of(raw: RawAny) -> Result<RawStream, (std::io::Error, RawAny)> {
    match raw {
        RawAny::Stream(s) => Ok(s),
        other => Err((wrong_type("expected a SOCK_STREAM socket"), other)),
    }
}

fn dgram_of(raw: RawAny) -> Result<RawDgram, (std::io::Error, RawAny)> {
    match raw {
        RawAny::Dgram(s) => Ok(s),
        other => Err((wrong_type("expected a SOCK_DGRAM socket"), other)),
    }
}

forward_exports! {
    /// Binds a stream socket to a local address (`bind(2)`): `RawSocket::bind`.
    /// Port 0 picks a free port (read it with `wl_socket_local_addr`).
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_bound` to
    /// `*out`. On failure `sock` stays valid and owned by the caller (retry
    /// another address, or free it) and `*out` is untouched. Returns 0, or
    /// `-EPROTOTYPE` (a datagram socket: use `wl_raw_bind_dgram`),
    /// `-EAFNOSUPPORT` (address of another family), `-EINVAL` (NULL argument,
    /// malformed address), or the `bind(2)` error (`-EADDRINUSE`, `-EACCES`, ...).
    fn raw_bind(sock: *mut wl_raw, addr: *const wl_addr, out: *mut *mut wl_bound) -> c_int = addr_step(
        sock,
        addr,
        out,
        stream_args,
        "wl_raw_bind needs a SOCK_STREAM socket; for a datagram socket use wl_raw_bind_dgram",
        |raw, addr| step!(stream_of(raw)?, RawAny::Stream, s => with_addr(s, addr, |s, a| s.bind(a))),
    );

    /// Binds a datagram socket to a local address (`bind(2)`):
    /// `RawSocket<D, Datagram>::bind`. The result can `sendto`/`recvfrom` anyone.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_dgram` to
    /// `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a stream socket: use
    /// `wl_raw_bind`), `-EAFNOSUPPORT`, `-EINVAL`, or the `bind(2)` error.
    fn raw_bind_dgram(sock: *mut wl_raw, addr: *const wl_addr, out: *mut *mut wl_dgram) -> c_int = addr_step(
        sock,
        addr,
        out,
        dgram_args,
        "wl_raw_bind_dgram needs a SOCK_DGRAM socket; for a stream socket use wl_raw_bind",
        |raw, addr| step!(dgram_of(raw)?, RawAny::Dgram, s => with_addr(s, addr, |s, a| s.bind(a))),
    );

    /// Connects a stream socket, blocking until the handshake completes
    /// (`connect(2)`): `RawSocket::connect`. The write timeout
    /// (`wl_socket_set_write_timeout`) bounds the wait.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_conn` to
    /// `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a datagram socket:
    /// use `wl_raw_connect_dgram`), `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `connect(2)` error (`-ECONNREFUSED`, `-ETIMEDOUT`, ...). A signal gives
    /// `-EINTR`; the kernel then continues the handshake in the background.
    /// Retrying `wl_raw_connect` on `sock` with the same address is the way
    /// to resume: it waits for that handshake and returns its outcome, and if
    /// the handshake already completed (the kernel says `EISCONN`) it returns
    /// 0 with the connection. (`-EISCONN` only if the socket is connected to
    /// another address; `-EALREADY` on a socket made non-blocking.)
    ///
    /// `-EAGAIN`: a Unix listener's queue is full (at once on a non-blocking
    /// socket, after the write timeout on a blocking one); nothing was connected
    /// and `sock` is as it was: retry later. An internet socket gives
    /// `-EINPROGRESS` instead when it is non-blocking (`wl_raw_open` with
    /// `WL_NONBLOCK`) or when the write timeout ends the wait: the handshake then
    /// goes on in the kernel while `sock` stays a `wl_raw` (resume as after
    /// `-EINTR`; on a non-blocking socket a retry says `-EALREADY` while the
    /// handshake is in flight); a non-blocking socket connects with
    /// `wl_raw_connect_nonblocking`.
    fn raw_connect(sock: *mut wl_raw, addr: *const wl_addr, out: *mut *mut wl_conn) -> c_int = addr_step(
        sock,
        addr,
        out,
        stream_args,
        "wl_raw_connect needs a SOCK_STREAM socket; for a datagram socket use wl_raw_connect_dgram",
        |raw, addr| step!(stream_of(raw)?, RawAny::Stream, s => with_addr(s, addr, |s, a| s.connect(a))),
    );

    /// Starts a stream connect without waiting (`O_NONBLOCK` + `connect(2)`):
    /// `RawSocket::connect_nonblocking`. Wait for writability on
    /// `wl_pending_fd` (epoll, io_uring, `wl_pending_wait`), then call
    /// `wl_pending_finish`. The socket stays non-blocking.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_pending` to
    /// `*out`; on an immediate failure `sock` stays valid and owned by the
    /// caller (its blocking mode restored) and `*out` is untouched. Returns 0,
    /// or `-EPROTOTYPE` (a datagram socket), `-EAFNOSUPPORT`, `-EINVAL`, or
    /// the immediate `connect(2)` error.
    ///
    /// `-EAGAIN`: only for a Unix socket, whose listener's queue is full (a Unix
    /// connect never reports `EINPROGRESS`: it completes or fails at once).
    /// Nothing was started and `sock` stays a fresh `wl_raw` in its former
    /// blocking mode; retry later (the listener's side gives no readiness signal
    /// for it, so use a timer).
    fn raw_connect_nonblocking(sock: *mut wl_raw, addr: *const wl_addr, out: *mut *mut wl_pending) -> c_int = addr_step(
        sock,
        addr,
        out,
        stream_args,
        "wl_raw_connect_nonblocking needs a SOCK_STREAM socket; a datagram connect never waits: use wl_raw_connect_dgram",
        |raw, addr| step!(stream_of(raw)?, RawAny::Stream, s => with_addr(s, addr, |s, a| s.connect_nonblocking(a))),
    );

    /// Fixes the peer of a datagram socket (`connect(2)`; nothing is sent):
    /// `RawSocket<D, Datagram>::connect`. The kernel picks the local address;
    /// only the peer's datagrams are received.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_dgram_conn`
    /// to `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a stream socket: use
    /// `wl_raw_connect`), `-EAFNOSUPPORT`, `-EINVAL`, or the `connect(2)` error.
    ///
    /// `-EAGAIN`: no free local port for the implicit bind (the ephemeral range,
    /// `net.ipv4.ip_local_port_range`, is exhausted); this is not a readiness
    /// condition and nothing changed (`sock` stays a fresh `wl_raw`): retry once
    /// ports are free, or bind first.
    fn raw_connect_dgram(sock: *mut wl_raw, addr: *const wl_addr, out: *mut *mut wl_dgram_conn) -> c_int = addr_step(
        sock,
        addr,
        out,
        dgram_args,
        "wl_raw_connect_dgram needs a SOCK_DGRAM socket; for a stream socket use wl_raw_connect",
        |raw, addr| step!(dgram_of(raw)?, RawAny::Dgram, s => with_addr(s, addr, |s, a| s.connect(a))),
    );
}
