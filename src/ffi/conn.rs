//! `wl_conn`: a connected byte stream (TCP or Unix stream).

use std::ffi::{c_int, c_void};
use std::io;
use std::net::Shutdown;

use super::addr::wl_addr;
use super::any::{ByDomain, ConnAny, each};
use super::boundary::{ffi_fn, forward_exports};
use super::handle::{borrow, impl_handle, out_ptr, pair_out};
use super::peer;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{ConnectedStream, UCred};

/// A connected stream (`ConnectedStream<D>`): TCP over IPv4/IPv6, or a
/// Unix stream. From `wl_raw_connect`, `wl_listener_accept`,
/// `wl_pending_finish`, `wl_conn_pair` or `wl_conn_from_fd`.
///
/// Sends use `MSG_NOSIGNAL`: a closed peer gives `-EPIPE`, never
/// `SIGPIPE`. One thread may send while another receives on the same
/// handle (the kernel serializes them).
#[cfg_attr(all(), repr(C))]
pub struct wl_conn(super::handle::Tag, Option<ConnAny>);
impl_handle!(wl_conn, ConnAny);

/// Credentials of a Unix peer, as the kernel recorded them at connect time
/// (`SO_PEERCRED`, see `unix(7)`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_ucred {
    /// The peer's process id.
    pub pid: libc::pid_t,
    /// The peer's effective user id.
    pub uid: libc::uid_t,
    /// The peer's effective group id.
    pub gid: libc::gid_t,
}

impl From<UCred> for wl_ucred {
    fn from(c: UCred) -> Self {
        Self {
            pid: c.pid,
            uid: c.uid,
            gid: c.gid,
        }
    }
}

/// `SHUT_RD` / `SHUT_WR` / `SHUT_RDWR` as the core's `Shutdown`, or the
/// error naming the three.
pub(crate) fn shutdown_how(how: c_int) -> io::Result<Shutdown> {
    match how {
        libc::SHUT_RD => Ok(Shutdown::Read),
        libc::SHUT_WR => Ok(Shutdown::Write),
        libc::SHUT_RDWR => Ok(Shutdown::Both),
        other => Err(invalid_input(
            libc::EINVAL,
            format!("shutdown mode {other} is not SHUT_RD, SHUT_WR or SHUT_RDWR"),
        )),
    }
}

forward_exports! {
    /// Sends up to `len` bytes of `buf` to the peer (`send(2)`, `MSG_NOSIGNAL`
    /// always added): `ConnectedStream::send_with_flags`. `flags` is 0 or
    /// `MSG_*` bits (`MSG_DONTWAIT`, `MSG_MORE`, `MSG_OOB`, ...).
    ///
    /// Returns the number of bytes queued (possibly fewer than `len`), or
    /// `-EPIPE` / `-ECONNRESET` (peer gone; no `SIGPIPE`), `-EAGAIN`
    /// (non-blocking, or write timeout), `-EINTR` (signal), `-EINVAL` (NULL
    /// `conn`, or NULL `buf` with `len > 0`). Borrows `conn`; no allocation.
    ///
    /// `-EAGAIN`: the send buffer is full, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
    /// timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
    /// room appeared. Nothing of this call was queued (once some bytes are queued
    /// the call returns their count instead); retry when `wl_wait` (or your event
    /// loop) reports `WL_WRITABLE`.
    fn conn_send(
        conn: *const wl_conn, buf: *const c_void, len: usize, flags: c_int,
    ) -> libc::ssize_t = peer::send(conn, buf.cast(), len, flags);

    /// Receives up to `len` bytes into `buf` (`recv(2)`):
    /// `ConnectedStream::recv_with_flags`. `flags` is 0 or `MSG_*` bits
    /// (`MSG_PEEK`, `MSG_DONTWAIT`, `MSG_WAITALL`, ...).
    ///
    /// Returns the number of bytes received, 0 at end of stream (peer closed or
    /// shut down writing), or `-EAGAIN` (non-blocking, or read timeout),
    /// `-EINTR` (signal), `-ECONNRESET`, `-EINVAL` (NULL `conn`, or NULL `buf`
    /// with `len > 0`). Borrows `conn`; no allocation.
    ///
    /// `-EAGAIN`: nothing has arrived, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
    /// timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
    /// consumed and the buffers are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn conn_recv(
        conn: *const wl_conn, buf: *mut c_void, len: usize, flags: c_int,
    ) -> libc::ssize_t = peer::recv(conn, buf.cast(), len, flags);

    /// Sends a gather list of `iovcnt` buffers in one `sendmsg(2)`
    /// (`MSG_NOSIGNAL`): `ConnectedStream::send_vectored`.
    ///
    /// Returns the number of bytes queued or `-errno` as `wl_conn_send`;
    /// checked first: more than `WL_IOV_MAX` buffers (`-EMSGSIZE`), lengths
    /// adding up to more than `SSIZE_MAX` (`-EINVAL`). Borrows `conn`; no
    /// allocation.
    ///
    /// `-EAGAIN`: the send buffer is full, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
    /// timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
    /// room appeared. Nothing of this call was queued (once some bytes are queued
    /// the call returns their count instead); retry when `wl_wait` (or your event
    /// loop) reports `WL_WRITABLE`.
    fn conn_send_vectored(
        conn: *const wl_conn, iov: *const libc::iovec, iovcnt: usize,
    ) -> libc::ssize_t = peer::send_iov(conn, iov, iovcnt);

    /// Receives into a scatter list of `iovcnt` buffers in one `recvmsg(2)`:
    /// `ConnectedStream::recv_vectored`.
    ///
    /// Returns the number of bytes received (0 at end of stream) or `-errno`
    /// as `wl_conn_recv`; `iovcnt` and the lengths are checked first as in
    /// `wl_conn_send_vectored`. Borrows `conn`; no allocation.
    ///
    /// `-EAGAIN`: nothing has arrived, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
    /// timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
    /// consumed and the buffers are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn conn_recv_vectored(
        conn: *const wl_conn, iov: *const libc::iovec, iovcnt: usize,
    ) -> libc::ssize_t = peer::recv_iov(conn, iov, iovcnt);
}

/// Shuts down one or both directions (`shutdown(2)`): `how` is `SHUT_RD`,
/// `SHUT_WR` or `SHUT_RDWR`. After `SHUT_WR` the peer reads end-of-stream.
/// The handle stays valid and must still be freed.
///
/// Returns 0, or `-EINVAL` (bad `how`, NULL `conn`), `-ENOTCONN`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_shutdown(conn: *const wl_conn, how: c_int) -> c_int {
    ffi_fn!("wl_conn_shutdown", {
        let how = shutdown_how(how)?;
        // SAFETY: `conn` is NULL or a live handle (caller contract).
        each!(unsafe { borrow(conn) }?, s => s.shutdown(how))?;
        Ok(0)
    })
}

forward_exports! {
    /// Writes the peer's address to `*out` (`getpeername(2)`).
    ///
    /// Returns 0 or `-errno` (`-ENOTCONN` once the connection is gone);
    /// `*out` is written only on success. Borrows `conn`.
    fn conn_peer_addr(conn: *const wl_conn, out: *mut wl_addr) -> c_int = peer::peer_addr(conn, out);

    /// Creates a second handle to the same connection
    /// (`fcntl(F_DUPFD_CLOEXEC)`): `ConnectedStream::try_clone`, e.g. for one
    /// thread reading while another writes. Each handle must be freed; the
    /// connection closes when both are.
    ///
    /// Returns 0 or `-errno` (`-EMFILE`); `*out` is written only on success.
    fn conn_try_clone(conn: *const wl_conn, out: *mut *mut wl_conn) -> c_int = peer::try_clone(conn, out);
}

/// Creates a pair of connected Unix stream sockets (`socketpair(2)`,
/// close-on-exec): `ConnectedStream::<Unix>::pair`.
///
/// Ownership: on success `*a` and `*b` receive new handles the caller
/// owns; on failure neither is written. Returns 0 or `-errno` (`-EINVAL`
/// for a NULL argument, `-EMFILE`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_pair(a: *mut *mut wl_conn, b: *mut *mut wl_conn) -> c_int {
    ffi_fn!("wl_conn_pair", {
        // SAFETY: `a` and `b` are NULL or writable (caller contract).
        unsafe {
            pair_out(a, b, || {
                ConnectedStream::pair().map(|(x, y)| (ByDomain::Unix(x), ByDomain::Unix(y)))
            })
        }
    })
}

/// Writes the Unix peer's credentials at connect time to `*out`
/// (`SO_PEERCRED`, see `unix(7)`): `ConnectedStream::<Unix>::peer_credentials`.
/// Use them for access checks on a Unix-socket server.
///
/// Returns 0, or `-EAFNOSUPPORT` for a TCP connection, `-EINVAL` for a NULL
/// argument; `*out` is written only on success. Borrows `conn`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_peer_credentials(conn: *const wl_conn, out: *mut wl_ucred) -> c_int {
    ffi_fn!("wl_conn_peer_credentials", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `conn` is NULL or a live handle (caller contract).
        let ByDomain::Unix(s) = unsafe { borrow(conn) }? else {
            return Err(invalid_input(
                libc::EAFNOSUPPORT,
                "peer credentials (SO_PEERCRED) exist only for Unix sockets",
            ));
        };
        let c = s.peer_credentials()?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(c.into()) };
        Ok(0)
    })
}
