//! `wl_bound`: a bound stream socket, not yet listening.

use std::ffi::{c_int, c_uint};

use super::addr::wl_addr;
use super::any::{BoundAny, step};
use super::boundary::ffi_fn;
use super::common;
use super::handle::{give, impl_handle, out_ptr, transition};
use super::listener::wl_listener;

/// A stream socket bound to a local address (`BoundSocket<D, Stream>`),
/// not yet listening. Its one transition is `wl_bound_listen`.
pub struct wl_bound(Option<BoundAny>);
impl_handle!(wl_bound, BoundAny);

/// Starts listening (`listen(2)`) with a queue of up to `backlog` pending
/// connections (the kernel caps it at `/proc/sys/net/core/somaxconn`):
/// `BoundSocket::listen`.
///
/// Ownership: on success consumes `sock` and writes a new `wl_listener` to
/// `*out`; on failure `sock` stays valid and owned by the caller and
/// `*out` is untouched. Returns 0, or `-EINVAL` (NULL argument) or the
/// `listen(2)` error (`-EADDRINUSE` when another socket listens on the
/// port).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_listen(sock: *mut wl_bound, backlog: c_uint, out: *mut *mut wl_listener) -> c_int {
    ffi_fn!("wl_bound_listen", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `sock` is NULL or a live handle nobody else uses now.
        let listener = unsafe { transition(sock, |s| step!(s, |b| b, s => s.listen(backlog))) }?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(give(listener)) };
        Ok(0)
    })
}

/// Closes the socket and frees the handle. NULL is a no-op.
///
/// Ownership: consumes `sock`; it must not be used afterwards. Errors from
/// `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
/// thread still uses it is the caller's bug.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_free(sock: *mut wl_bound) {
    ffi_fn!("wl_bound_free", {
        // SAFETY: `sock` is NULL or a live handle the caller gives up.
        unsafe { common::free(sock) }
    })
}

/// The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
/// a `setsockopt(2)` Wirelane does not wrap.
///
/// Ownership: the descriptor stays owned by the handle: do not close it,
/// and do not use it after `wl_bound_free`. Returns the descriptor (>= 0), or
/// `-EINVAL` if `sock` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_fd(sock: *const wl_bound) -> c_int {
    ffi_fn!("wl_bound_fd", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::fd(sock) }
    })
}

/// Frees the handle and returns its descriptor, which the caller now owns
/// and must `close(2)`.
///
/// Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
/// `-EINVAL` if `sock` is NULL (nothing is consumed then).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_into_fd(sock: *mut wl_bound) -> c_int {
    ffi_fn!("wl_bound_into_fd", {
        // SAFETY: `sock` is NULL or a live handle the caller gives up.
        unsafe { common::into_fd(sock) }
    })
}

/// The socket's domain: `AF_INET`, `AF_INET6` or `AF_UNIX` (no syscall).
///
/// Returns the domain, or `-EINVAL` if `sock` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_domain(sock: *const wl_bound) -> c_int {
    ffi_fn!("wl_bound_domain", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::domain(sock) }
    })
}

/// Writes the socket's local address to `*out` (`getsockname(2)`). For an
/// unbound socket this is the wildcard address (or unnamed, for Unix).
///
/// Returns 0 or `-errno`; `*out` is written only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_local_addr(sock: *const wl_bound, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_bound_local_addr", {
        // SAFETY: `sock` is NULL or a live handle; `out` NULL or writable.
        unsafe { common::local_addr(sock, out) }
    })
}

/// Sets (`nonblocking` true) or clears `O_NONBLOCK` (`fcntl(2)`). In
/// non-blocking mode, calls that would wait return `-EAGAIN`.
///
/// Returns 0 or `-errno`. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_set_nonblocking(sock: *const wl_bound, nonblocking: bool) -> c_int {
    ffi_fn!("wl_bound_set_nonblocking", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::set_nonblocking(sock, nonblocking) }
    })
}

/// Whether `O_NONBLOCK` is set: returns 1 (set), 0 (clear) or `-errno`.
/// Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_is_nonblocking(sock: *const wl_bound) -> c_int {
    ffi_fn!("wl_bound_is_nonblocking", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::is_nonblocking(sock) }
    })
}

/// Sets the read timeout in milliseconds (`SO_RCVTIMEO`, see `socket(7)`):
/// blocking receives and accepts fail with `-EAGAIN` after it. 0 means no timeout (wait forever).
///
/// Returns 0 or `-errno`. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_set_read_timeout(sock: *const wl_bound, millis: u64) -> c_int {
    ffi_fn!("wl_bound_set_read_timeout", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::set_timeout(sock, false, millis) }
    })
}

/// Writes the read timeout (`SO_RCVTIMEO`) in milliseconds to `*out_ms`, rounded
/// up; 0 means none.
///
/// Returns 0 or `-errno`; `*out_ms` is written only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_read_timeout(sock: *const wl_bound, out_ms: *mut u64) -> c_int {
    ffi_fn!("wl_bound_read_timeout", {
        // SAFETY: `sock` is NULL or a live handle; `out_ms` NULL or writable.
        unsafe { common::timeout(sock, false, out_ms) }
    })
}

/// Sets the write timeout in milliseconds (`SO_SNDTIMEO`, see `socket(7)`):
/// blocking sends (and, on Linux, a blocking connect) fail with `-EAGAIN` after it. 0 means no timeout (wait forever).
///
/// Returns 0 or `-errno`. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_set_write_timeout(sock: *const wl_bound, millis: u64) -> c_int {
    ffi_fn!("wl_bound_set_write_timeout", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        unsafe { common::set_timeout(sock, true, millis) }
    })
}

/// Writes the write timeout (`SO_SNDTIMEO`) in milliseconds to `*out_ms`, rounded
/// up; 0 means none.
///
/// Returns 0 or `-errno`; `*out_ms` is written only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_write_timeout(sock: *const wl_bound, out_ms: *mut u64) -> c_int {
    ffi_fn!("wl_bound_write_timeout", {
        // SAFETY: `sock` is NULL or a live handle; `out_ms` NULL or writable.
        unsafe { common::timeout(sock, true, out_ms) }
    })
}

/// Reads and clears the socket's pending error (`SO_ERROR`): writes the
/// errno (positive) to `*out_errno`, or 0 if there was none.
///
/// Returns 0 or `-errno` (the call itself failing); `*out_errno` is written
/// only on success. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_take_error(sock: *const wl_bound, out_errno: *mut c_int) -> c_int {
    ffi_fn!("wl_bound_take_error", {
        // SAFETY: `sock` is NULL or a live handle; `out_errno` NULL or writable.
        unsafe { common::take_error(sock, out_errno) }
    })
}

/// Adopts an existing descriptor as a `wl_bound`, after asking the kernel
/// that it is a bound stream socket (bound, not listening, not connected) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
/// `SO_ACCEPTCONN`, peer and local address).
///
/// Ownership: on success the handle owns `fd` (close it only through
/// `wl_bound_free`, or take it back with `wl_bound_into_fd`) and `*out` is written.
/// On failure `fd` stays open and owned by the caller. Returns 0, or
/// `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
/// domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
/// `out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_from_fd(fd: c_int, out: *mut *mut wl_bound) -> c_int {
    ffi_fn!("wl_bound_from_fd", {
        // SAFETY: `fd` is the caller's to give; `out` NULL or writable.
        unsafe { common::from_fd(fd, out) }
    })
}
