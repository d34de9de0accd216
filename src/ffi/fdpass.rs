//! Descriptor and credential passing over Unix sockets (`SCM_RIGHTS`,
//! `SCM_CREDENTIALS`): `wirelane::fdpass` on `wl_conn` and `wl_dgram_conn`
//! handles of the Unix domain. Other domains get `-EAFNOSUPPORT`.

use std::ffi::{c_int, c_void};
use std::io;
use std::os::fd::{BorrowedFd, IntoRawFd};

use super::any::ByDomain;
use super::boundary::{ffi_fn, forward_exports};
use super::conn::{wl_conn, wl_ucred};
use super::dgram::wl_dgram_conn;
use super::handle::{Handle, array, array_mut, borrow, bytes, bytes_mut, out_ptr};
use super::options::fd_arg;
use super::peer::count;
use wirelane_core::fdpass::{self, UnixConnected};
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{ConnectedDatagram, ConnectedStream, Unix};

/// The Unix socket behind a `wl_conn` or `wl_dgram_conn`.
pub(crate) trait UnixHandle: Handle {
    type Socket: UnixConnected;
    fn unix(inner: &Self::Inner) -> Option<&Self::Socket>;
}

impl UnixHandle for wl_conn {
    type Socket = ConnectedStream<Unix>;
    fn unix(inner: &Self::Inner) -> Option<&Self::Socket> {
        match inner {
            ByDomain::Unix(s) => Some(s),
            _ => None,
        }
    }
}

impl UnixHandle for wl_dgram_conn {
    type Socket = ConnectedDatagram<Unix>;
    fn unix(inner: &Self::Inner) -> Option<&Self::Socket> {
        match inner {
            ByDomain::Unix(s) => Some(s),
            _ => None,
        }
    }
}

/// Borrows the Unix socket of a handle, or says why not.
pub(crate) unsafe fn unix<'a, H: UnixHandle>(h: *const H) -> io::Result<&'a H::Socket> {
    // SAFETY: forwarded from the export's contract.
    let inner = unsafe { borrow(h) }?;
    H::unix(inner).ok_or_else(|| {
        invalid_input(
            libc::EAFNOSUPPORT,
            "descriptor and credential passing needs a Unix socket (SCM_RIGHTS, see unix(7))",
        )
    })
}

unsafe fn send_fd<H: UnixHandle>(h: *const H, fd: c_int) -> io::Result<c_int> {
    // SAFETY: forwarded.
    let (s, fd) = unsafe { (unix(h)?, fd_arg(fd)?) };
    fdpass::send_fd(s, &fd)?;
    Ok(0)
}

unsafe fn recv_fd<H: UnixHandle>(h: *const H, out: *mut c_int) -> io::Result<c_int> {
    let out = out_ptr(out, "out_fd")?;
    // SAFETY: forwarded.
    let fd = fdpass::recv_fd(unsafe { unix(h) }?)?;
    // SAFETY: checked non-NULL; the caller now owns the descriptor.
    unsafe { out.write(fd.into_raw_fd()) };
    Ok(0)
}

unsafe fn send_fds<H: UnixHandle>(
    h: *const H,
    data: *const c_void,
    len: usize,
    fds: *const c_int,
    nfds: usize,
) -> io::Result<libc::ssize_t> {
    // SAFETY: forwarded; buffers hold the lengths given.
    let (s, data, raw) = unsafe { (unix(h)?, bytes(data.cast(), len, "data")?, array(fds, nfds, "fds")?) };
    if let Some(bad) = raw.iter().find(|&&fd| fd < 0) {
        return Err(invalid_input(libc::EBADF, format!("{bad} is not a file descriptor")));
    }
    // SAFETY: `BorrowedFd` is `repr(transparent)` over a `RawFd` (documented
    // as usable in FFI where a descriptor is passed); every value is
    // non-negative, and the caller keeps them open for the call.
    let list: &[BorrowedFd<'_>] = unsafe { std::slice::from_raw_parts(raw.as_ptr().cast(), raw.len()) };
    fdpass::send_fds(s, data, list).map(count)
}

unsafe fn recv_fds<H: UnixHandle>(
    h: *const H,
    buf: *mut c_void,
    len: usize,
    fds: *mut c_int,
    max_fds: usize,
    nfds: *mut usize,
) -> io::Result<libc::ssize_t> {
    let nfds = out_ptr(nfds, "out_nfds")?;
    // SAFETY: forwarded; buffers hold the lengths given.
    let (s, buf, slots) = unsafe {
        (
            unix(h)?,
            bytes_mut(buf.cast(), len, "buf")?,
            array_mut(fds, max_fds, "fds")?,
        )
    };
    let (n, received) = fdpass::recv_fds(s, buf, max_fds)?;
    let got = received.len();
    for (slot, fd) in slots.iter_mut().zip(received) {
        *slot = fd.into_raw_fd();
    }
    // SAFETY: checked non-NULL.
    unsafe { nfds.write(got) };
    Ok(count(n))
}

unsafe fn send_creds<H: UnixHandle>(h: *const H, data: *const c_void, len: usize) -> io::Result<libc::ssize_t> {
    // SAFETY: forwarded.
    let (s, data) = unsafe { (unix(h)?, bytes(data.cast(), len, "data")?) };
    fdpass::send_with_credentials(s, data).map(count)
}

unsafe fn recv_creds<H: UnixHandle>(
    h: *const H,
    buf: *mut c_void,
    len: usize,
    cred: *mut wl_ucred,
    has_cred: *mut bool,
) -> io::Result<libc::ssize_t> {
    let cred = out_ptr(cred, "cred")?;
    let has = out_ptr(has_cred, "has_cred")?;
    // SAFETY: forwarded.
    let (s, buf) = unsafe { (unix(h)?, bytes_mut(buf.cast(), len, "buf")?) };
    let (n, c) = fdpass::recv_with_credentials(s, buf)?;
    // SAFETY: both checked non-NULL.
    unsafe {
        has.write(c.is_some());
        if let Some(c) = c {
            cred.write(c.into());
        }
    }
    Ok(count(n))
}

forward_exports! {
    /// Sends the descriptor `fd` over a Unix stream, with one byte of data
    /// (`sendmsg(2)` with `SCM_RIGHTS`): `wirelane::fdpass::send_fd`. The
    /// receiver gets a new descriptor for the same open file description.
    /// `fd` stays open and owned by the caller.
    ///
    /// Returns 0, or `-EAFNOSUPPORT` (not a Unix socket), `-EBADF`, `-EPIPE`,
    /// or another `-errno`. Pair with `wl_conn_recv_fd`.
    ///
    /// `-EAGAIN`: the send buffer is full (non-blocking connection, or the write
    /// timeout). Nothing was sent and no descriptor passed: `fd` is still only
    /// the caller's; retry when `wl_wait` (or your event loop) reports
    /// `WL_WRITABLE`.
    fn conn_send_fd(conn: *const wl_conn, fd: c_int) -> c_int = send_fd(conn, fd);

    /// Receives one descriptor sent with `wl_conn_send_fd` (reads its byte):
    /// `wirelane::fdpass::recv_fd`. The new descriptor is close-on-exec and
    /// owned by the caller.
    ///
    /// Returns 0 and writes `*out_fd`, or `-ENODATA` (the peer closed first),
    /// `-EINVAL` (a message without a descriptor), `-EMSGSIZE` (more than one:
    /// all closed), `-EAFNOSUPPORT`, `-EAGAIN`, `-EINTR`, ...
    ///
    /// `-EAGAIN`: nothing has arrived (non-blocking connection, or the read
    /// timeout); nothing was consumed and `*out_fd` is untouched; retry when
    /// `wl_wait` (or your event loop) reports `WL_READABLE`.
    fn conn_recv_fd(conn: *const wl_conn, out_fd: *mut c_int) -> c_int = recv_fd(conn, out_fd);

    /// Sends `len` bytes of `data` (at least 1 on a stream) with `nfds`
    /// descriptors (1 to 253) in one `sendmsg(2)`: `wirelane::fdpass::send_fds`.
    /// The descriptors stay owned by the caller.
    ///
    /// Returns the data bytes sent (the descriptors travel with the first
    /// byte; fewer than `len` on a stream after a partial send: send the rest
    /// with `wl_conn_send`, see PROGRESS), or `-EINVAL` (no data, no or too many descriptors, NULL),
    /// `-EAFNOSUPPORT`, `-EBADF`, or another `-errno`.
    ///
    /// `-EAGAIN`: the send buffer is full (non-blocking connection, or the write
    /// timeout). Nothing was sent and no descriptor passed; retry when `wl_wait`
    /// (or your event loop) reports `WL_WRITABLE`.
    fn conn_send_fds(
        conn: *const wl_conn, data: *const c_void, len: usize, fds: *const c_int, nfds: usize,
    ) -> libc::ssize_t = send_fds(conn, data, len, fds, nfds);

    /// Receives data into `buf` and up to `max_fds` descriptors (1 to 253)
    /// into `fds` in one `recvmsg(2)`: `wirelane::fdpass::recv_fds`. Writes how
    /// many descriptors arrived to `*out_nfds`; they are close-on-exec and
    /// owned by the caller.
    ///
    /// Returns the data length (0: end of stream), or `-EMSGSIZE` when the peer
    /// sent more than `max_fds` (every one that arrived is closed: none leaks),
    /// `-EINVAL`, `-EAFNOSUPPORT`, `-EAGAIN`, `-EINTR`, ...
    ///
    /// `-EAGAIN`: nothing has arrived (non-blocking connection, or the read
    /// timeout); nothing was consumed, no descriptor received, the outputs are
    /// untouched; retry when `wl_wait` (or your event loop) reports
    /// `WL_READABLE`.
    fn conn_recv_fds(
        conn: *const wl_conn, buf: *mut c_void, len: usize, fds: *mut c_int, max_fds: usize, out_nfds: *mut usize,
    ) -> libc::ssize_t = recv_fds(conn, buf, len, fds, max_fds, out_nfds);

    /// Sends `data` with this process's credentials (`SCM_CREDENTIALS`):
    /// `wirelane::fdpass::send_with_credentials`. The kernel checks them; the
    /// receiver must have `SO_PASSCRED` on (`wl_set_passcred`).
    ///
    /// Returns the bytes sent or `-errno`.
    ///
    /// `-EAGAIN`: the send buffer is full, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
    /// timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
    /// room appeared. Nothing of this call was queued (once some bytes are queued
    /// the call returns their count instead); retry when `wl_wait` (or your event
    /// loop) reports `WL_WRITABLE`.
    fn conn_send_with_credentials(
        conn: *const wl_conn, data: *const c_void, len: usize,
    ) -> libc::ssize_t = send_creds(conn, data, len);

    /// Receives data and the sender's credentials, if any arrived
    /// (`SO_PASSCRED` must be on): `wirelane::fdpass::recv_with_credentials`.
    /// Writes `*has_cred`, and `*cred` when true.
    ///
    /// Returns the data length or `-errno`.
    ///
    /// `-EAGAIN`: nothing has arrived, on a non-blocking connection
    /// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
    /// timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
    /// consumed and the buffers are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn conn_recv_with_credentials(
        conn: *const wl_conn, buf: *mut c_void, len: usize, cred: *mut wl_ucred, has_cred: *mut bool,
    ) -> libc::ssize_t = recv_creds(conn, buf, len, cred, has_cred);

    /// `wl_conn_send_fd` on a connected Unix datagram socket.
    ///
    /// `-EAGAIN`: as for `wl_conn_send_fd`: nothing was sent and no descriptor
    /// passed.
    fn dgram_conn_send_fd(sock: *const wl_dgram_conn, fd: c_int) -> c_int = send_fd(sock, fd);

    /// `wl_conn_recv_fd` on a connected Unix datagram socket.
    ///
    /// `-EAGAIN`: as for `wl_conn_recv_fd`: nothing was consumed.
    fn dgram_conn_recv_fd(sock: *const wl_dgram_conn, out_fd: *mut c_int) -> c_int = recv_fd(sock, out_fd);

    /// `wl_conn_send_fds` on a connected Unix datagram socket (empty `data`
    /// is allowed on datagrams).
    ///
    /// `-EAGAIN`: as for `wl_conn_send_fds`: nothing was sent and no descriptor
    /// passed.
    fn dgram_conn_send_fds(
        sock: *const wl_dgram_conn, data: *const c_void, len: usize, fds: *const c_int, nfds: usize,
    ) -> libc::ssize_t = send_fds(sock, data, len, fds, nfds);

    /// `wl_conn_recv_fds` on a connected Unix datagram socket.
    ///
    /// `-EAGAIN`: as for `wl_conn_recv_fds`: nothing was consumed, no descriptor
    /// received.
    fn dgram_conn_recv_fds(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, fds: *mut c_int, max_fds: usize, out_nfds: *mut usize,
    ) -> libc::ssize_t = recv_fds(sock, buf, len, fds, max_fds, out_nfds);

    /// `wl_conn_send_with_credentials` on a connected Unix datagram socket.
    ///
    /// `-EAGAIN`: no room (non-blocking socket, or the write timeout); the
    /// datagram was not sent: retry when `wl_wait` reports `WL_WRITABLE`.
    fn dgram_conn_send_with_credentials(
        sock: *const wl_dgram_conn, data: *const c_void, len: usize,
    ) -> libc::ssize_t = send_creds(sock, data, len);

    /// `wl_conn_recv_with_credentials` on a connected Unix datagram socket.
    ///
    /// `-EAGAIN`: nothing queued (non-blocking socket, or the read timeout);
    /// nothing was consumed: retry when `wl_wait` reports `WL_READABLE`.
    fn dgram_conn_recv_with_credentials(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, cred: *mut wl_ucred, has_cred: *mut bool,
    ) -> libc::ssize_t = recv_creds(sock, buf, len, cred, has_cred);
}

/// This process's credentials as `SCM_CREDENTIALS` sends them (pid,
/// effective uid and gid): `wirelane::fdpass::own_credentials`. Returns 0,
/// or `-EINVAL` for a NULL `out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_own_credentials(out: *mut wl_ucred) -> c_int {
    ffi_fn!("wl_own_credentials", {
        let out = out_ptr(out, "out")?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(fdpass::own_credentials().into()) };
        Ok(0)
    })
}
