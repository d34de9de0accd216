//! `wl_dgram` and `wl_dgram_conn`: bound and connected datagram sockets
//! (UDP, Unix datagrams).

use std::ffi::{c_int, c_void};

use super::addr::wl_addr;
use super::any::{ByDomain, DgramAny, DgramConnAny, step, with_addr};
use super::boundary::{ffi_fn, forward_exports};
use super::handle::{
    borrow, bytes, bytes_mut, give_out, impl_handle, in_ref, out_ptr, pair_out, transition_addr_out, write_opt,
};
use super::peer::{self, count};
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::{ConnectedDatagram, MsgFlags};

/// A bound datagram socket (`BoundDatagram<D>`): it sends to and receives
/// from anyone, naming the peer on each `wl_dgram_send_to` and learning it
/// on each `wl_dgram_recv_from`. `wl_dgram_connect` fixes one peer.
#[cfg_attr(all(), repr(C))]
pub struct wl_dgram(super::handle::Tag, Option<DgramAny>);
impl_handle!(wl_dgram, DgramAny);

/// A datagram socket locked to one peer (`ConnectedDatagram<D>`): sends
/// and receives take no address and the kernel drops datagrams from anyone
/// else (the way QUIC uses UDP).
#[cfg_attr(all(), repr(C))]
pub struct wl_dgram_conn(super::handle::Tag, Option<DgramConnAny>);
impl_handle!(wl_dgram_conn, DgramConnAny);

/// Sends one datagram of `len` bytes to `*to` (`sendto(2)`, `MSG_NOSIGNAL`
/// always added): `BoundDatagram::send_to_with_flags`.
///
/// Returns the number of bytes sent, or `-EAFNOSUPPORT` (address of another
/// family), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock` or
/// `to`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
/// Unix socket the receiver's queue, is full), on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
/// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
/// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_send_to(
    sock: *const wl_dgram,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_send_to", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf, to) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?, *in_ref(to, "to")?) };
        let flags = MsgFlags::from_bits(flags);
        match s {
            ByDomain::V4(s) => s.send_to_with_flags(buf, &to.to_typed()?, flags),
            ByDomain::V6(s) => s.send_to_with_flags(buf, &to.to_typed()?, flags),
            ByDomain::Unix(s) => s.send_to_with_flags(buf, &to.to_typed()?, flags),
        }
        .map(count)
    })
}

/// Receives one datagram into `buf` (`recvfrom(2)`):
/// `BoundDatagram::recv_from_with_flags`. A datagram longer than `len` is
/// truncated; with `MSG_TRUNC` in `flags` the real length is returned.
/// `MSG_PEEK` leaves it queued. If `from` is not NULL the sender's address
/// is written there.
///
/// Returns the datagram's length, or `-EAGAIN` (non-blocking, or read
/// timeout), `-EINTR`, `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`).
/// `*from` is written only on success. Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
/// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
/// consumed and the outputs are untouched; retry when `wl_wait` (or your
/// event loop) reports `WL_READABLE`. A blocking receive on a socket shut
/// down with `wl_dgram_shutdown` returns `-ESHUTDOWN` instead of waiting.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_recv_from(
    sock: *const wl_dgram,
    buf: *mut c_void,
    len: usize,
    from: *mut wl_addr,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_recv_from", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let flags = MsgFlags::from_bits(flags);
        let (n, addr) = match s {
            ByDomain::V4(s) => s.recv_from_with_flags(buf, flags).map(|(n, a)| (n, a.to_raw()))?,
            ByDomain::V6(s) => s.recv_from_with_flags(buf, flags).map(|(n, a)| (n, a.to_raw()))?,
            ByDomain::Unix(s) => s.recv_from_with_flags(buf, flags).map(|(n, a)| (n, a.to_raw()))?,
        };
        // SAFETY: `from` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(from, wl_addr::from_raw(&addr)) };
        Ok(count(n))
    })
}

/// Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
/// `BoundDatagram::try_clone`. Each handle must be freed.
///
/// Returns 0 or `-errno`; `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_try_clone(sock: *const wl_dgram, out: *mut *mut wl_dgram) -> c_int {
    ffi_fn!("wl_dgram_try_clone", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        let copy = match unsafe { borrow(sock) }? {
            ByDomain::V4(s) => ByDomain::V4(s.try_clone()?),
            ByDomain::V6(s) => ByDomain::V6(s.try_clone()?),
            ByDomain::Unix(s) => ByDomain::Unix(s.try_clone()?),
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, copy) }
    })
}

/// Fixes the peer (`connect(2)`; nothing is sent): `BoundDatagram::connect`.
/// Sends then go to `*addr` and the kernel drops datagrams from anyone else.
///
/// Ownership: on success consumes `sock` and writes a new `wl_dgram_conn`
/// to `*out`; on failure `sock` stays valid and owned by the caller and
/// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
/// `connect(2)` error.
///
/// Never returns `-EAGAIN`: the socket is already bound, and a datagram
/// connect never waits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_connect(
    sock: *mut wl_dgram,
    addr: *const wl_addr,
    out: *mut *mut wl_dgram_conn,
) -> c_int {
    ffi_fn!("wl_dgram_connect", {
        // SAFETY: pointers NULL or valid; nobody else uses `sock` now (caller contract).
        unsafe {
            transition_addr_out(
                sock,
                addr,
                out,
                |s, addr| step!(s, |b| b, s => with_addr(s, addr, |s, a| s.connect(a))),
            )
        }
    })
}

forward_exports! {
    /// Sends one datagram to the peer (`send(2)`, `MSG_NOSIGNAL` always
    /// added): `ConnectedDatagram::send_with_flags`.
    ///
    /// Returns the number of bytes sent, or `-ECONNREFUSED` (an earlier
    /// datagram was refused by the peer), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`,
    /// `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
    /// allocation.
    ///
    /// `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
    /// Unix socket the receiver's queue, is full), on a non-blocking socket
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
    /// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
    /// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
    fn dgram_conn_send(
        sock: *const wl_dgram_conn, buf: *const c_void, len: usize, flags: c_int,
    ) -> libc::ssize_t = peer::send(sock, buf.cast(), len, flags);

    /// Receives one datagram from the peer (`recv(2)`):
    /// `ConnectedDatagram::recv_with_flags`. A longer datagram is truncated
    /// (`MSG_TRUNC` returns its real length; `MSG_PEEK` leaves it queued).
    ///
    /// Returns the datagram's length, or `-EAGAIN`, `-EINTR`, `-ECONNREFUSED`,
    /// `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
    /// allocation.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn dgram_conn_recv(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, flags: c_int,
    ) -> libc::ssize_t = peer::recv(sock, buf.cast(), len, flags);

    /// Sends one datagram gathered from `iovcnt` buffers (`sendmsg(2)`):
    /// `ConnectedDatagram::send_vectored`. Returns as `wl_dgram_conn_send`;
    /// `iovcnt` and the lengths are checked as in `wl_conn_send_vectored`.
    ///
    /// `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
    /// Unix socket the receiver's queue, is full), on a non-blocking socket
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
    /// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
    /// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
    fn dgram_conn_send_vectored(
        sock: *const wl_dgram_conn, iov: *const libc::iovec, iovcnt: usize,
    ) -> libc::ssize_t = peer::send_iov(sock, iov, iovcnt);

    /// Receives one datagram scattered into `iovcnt` buffers (`recvmsg(2)`):
    /// `ConnectedDatagram::recv_vectored`. Returns as `wl_dgram_conn_recv`;
    /// `iovcnt` and the lengths are checked as in `wl_conn_send_vectored`.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn dgram_conn_recv_vectored(
        sock: *const wl_dgram_conn, iov: *const libc::iovec, iovcnt: usize,
    ) -> libc::ssize_t = peer::recv_iov(sock, iov, iovcnt);

    /// Writes the peer's address to `*out` (`getpeername(2)`).
    ///
    /// Returns 0 or `-errno`; `*out` is written only on success. Borrows `sock`.
    fn dgram_conn_peer_addr(sock: *const wl_dgram_conn, out: *mut wl_addr) -> c_int = peer::peer_addr(sock, out);

    /// Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
    /// `ConnectedDatagram::try_clone`. Each handle must be freed.
    ///
    /// Returns 0 or `-errno`; `*out` is written only on success.
    fn dgram_conn_try_clone(
        sock: *const wl_dgram_conn, out: *mut *mut wl_dgram_conn,
    ) -> c_int = peer::try_clone(sock, out);
}

/// Creates a pair of connected Unix datagram sockets (`socketpair(2)`,
/// close-on-exec): `ConnectedDatagram::<Unix>::pair`.
///
/// Ownership: on success `*a` and `*b` receive new handles the caller
/// owns; on failure neither is written. Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_pair(a: *mut *mut wl_dgram_conn, b: *mut *mut wl_dgram_conn) -> c_int {
    ffi_fn!("wl_dgram_conn_pair", {
        // SAFETY: `a` and `b` are NULL or writable (caller contract).
        unsafe {
            pair_out(a, b, || {
                ConnectedDatagram::pair().map(|(x, y)| (ByDomain::Unix(x), ByDomain::Unix(y)))
            })
        }
    })
}
