//! `wl_bound`: a bound stream socket, not yet listening.

use std::ffi::{c_int, c_uint};

use super::any::{BoundAny, step};
use super::boundary::ffi_fn;
use super::common;
use super::handle::{impl_handle, transition_out};
use super::listener::wl_listener;

/// A stream socket bound to a local address (`BoundSocket<D, Stream>`),
/// not yet listening. Its one transition is `wl_bound_listen`.
#[cfg_attr(all(), repr(C))]
pub struct wl_bound(super::handle::Tag, Option<BoundAny>);
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
        // SAFETY: `sock` is NULL or a live handle nobody else uses now; `out` NULL or writable.
        unsafe { transition_out(sock, out, |s| step!(s, |b| b, s => s.listen(backlog))) }
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
