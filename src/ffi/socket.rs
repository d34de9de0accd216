//! The operations every state has, exported ONCE on the descriptor
//! (`wl_socket_<verb>(fd, ...)`) instead of once per handle type: the
//! domain, the local address, non-blocking mode, the timeouts and the
//! pending error. Get the descriptor with `wl_<state>_fd(h)`, as for the
//! socket options; what stays per state is what needs the handle's type
//! (`wl_<state>_fd`, `_into_fd`, `_free`, `_from_fd` and the transitions).

use std::ffi::c_int;

use super::addr::wl_addr;
use super::boundary::ffi_fn;
use super::common::{millis_to_timeout, timeout_to_millis};
use super::handle::out_ptr;
use super::options::fd_arg;
use wirelane_core::ffi_support as core;

/// The socket's domain (`SO_DOMAIN`, see `socket(7)`): `AF_INET`,
/// `AF_INET6` or `AF_UNIX`.
///
/// `fd` is any socket descriptor, e.g. from `wl_conn_fd`. Returns the
/// domain, or `-EBADF` for a negative `fd`, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_domain(fd: c_int) -> c_int {
    ffi_fn!("wl_socket_domain", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::getsockopt_int(unsafe { fd_arg(fd) }?, libc::SOL_SOCKET, libc::SO_DOMAIN)
    })
}

/// Writes the socket's local address to `*out` (`getsockname(2)`). For an
/// unbound socket this is the wildcard address (or unnamed, for Unix).
///
/// `fd` is any socket descriptor. Returns 0 or `-errno`; `*out` is written
/// only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_local_addr(fd: c_int, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_socket_local_addr", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let raw = core::local_addr(unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
        unsafe { out.write(wl_addr::from_raw(&raw)) };
        Ok(0)
    })
}

/// Sets (`nonblocking` true) or clears `O_NONBLOCK` (`fcntl(2)`). In
/// non-blocking mode, calls that would wait return `-EAGAIN`.
///
/// `fd` is any socket descriptor. Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_set_nonblocking(fd: c_int, nonblocking: bool) -> c_int {
    ffi_fn!("wl_socket_set_nonblocking", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::set_nonblocking(unsafe { fd_arg(fd) }?, nonblocking)?;
        Ok(0)
    })
}

/// Whether `O_NONBLOCK` is set: returns 1 (set), 0 (clear) or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_is_nonblocking(fd: c_int) -> c_int {
    ffi_fn!("wl_socket_is_nonblocking", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        Ok(c_int::from(core::is_nonblocking(unsafe { fd_arg(fd) }?)?))
    })
}

/// Sets the read timeout in milliseconds (`SO_RCVTIMEO`, see `socket(7)`):
/// blocking receives and accepts fail with `-EAGAIN` after it. 0 means no
/// timeout (wait forever).
///
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_set_read_timeout(fd: c_int, millis: u64) -> c_int {
    ffi_fn!("wl_socket_set_read_timeout", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::set_timeout(unsafe { fd_arg(fd) }?, false, millis_to_timeout(millis))?;
        Ok(0)
    })
}

/// Writes the read timeout (`SO_RCVTIMEO`) in milliseconds to `*out_ms`,
/// rounded up; 0 means none.
///
/// Returns 0 or `-errno`; `*out_ms` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_read_timeout(fd: c_int, out_ms: *mut u64) -> c_int {
    ffi_fn!("wl_socket_read_timeout", {
        let out = out_ptr(out_ms, "out_ms")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let t = core::timeout(unsafe { fd_arg(fd) }?, false)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(timeout_to_millis(t)) };
        Ok(0)
    })
}

/// Sets the write timeout in milliseconds (`SO_SNDTIMEO`, see `socket(7)`):
/// blocking sends (and, on Linux, a blocking connect) fail with `-EAGAIN`
/// after it. 0 means no timeout (wait forever).
///
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_set_write_timeout(fd: c_int, millis: u64) -> c_int {
    ffi_fn!("wl_socket_set_write_timeout", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        core::set_timeout(unsafe { fd_arg(fd) }?, true, millis_to_timeout(millis))?;
        Ok(0)
    })
}

/// Writes the write timeout (`SO_SNDTIMEO`) in milliseconds to `*out_ms`,
/// rounded up; 0 means none.
///
/// Returns 0 or `-errno`; `*out_ms` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_write_timeout(fd: c_int, out_ms: *mut u64) -> c_int {
    ffi_fn!("wl_socket_write_timeout", {
        let out = out_ptr(out_ms, "out_ms")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let t = core::timeout(unsafe { fd_arg(fd) }?, true)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(timeout_to_millis(t)) };
        Ok(0)
    })
}

/// Reads and clears the socket's pending error (`SO_ERROR`): writes the
/// errno (positive) to `*out_errno`, or 0 if there was none.
///
/// Returns 0 or `-errno` (the call itself failing); `*out_errno` is written
/// only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_socket_take_error(fd: c_int, out_errno: *mut c_int) -> c_int {
    ffi_fn!("wl_socket_take_error", {
        let out = out_ptr(out_errno, "out_errno")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let pending = core::take_error(unsafe { fd_arg(fd) }?)?;
        let code = pending.map_or(0, |e| core::errno_of(&e));
        // SAFETY: checked non-NULL.
        unsafe { out.write(code) };
        Ok(0)
    })
}
