//! `wl_listener_try_clone`: a second handle to one listening socket.

use std::ffi::c_int;

use super::any::ByDomain;
use super::boundary::ffi_fn;
use super::handle::{borrow, give, out_ptr};
use super::listener::wl_listener;

/// Creates a second handle to the same listening socket
/// (`fcntl(F_DUPFD_CLOEXEC)`): `Listener::try_clone`, e.g. so that each of
/// several accepting threads owns a handle, or to keep accepting from a
/// handle given to a library that frees its own. The socket stops
/// listening when every handle is freed. Both handles share one open file
/// description: `wl_socket_set_nonblocking` on one applies to both.
///
/// Ownership: borrows `listener`; on success `*out` receives a new
/// `wl_listener` the caller frees with `wl_listener_free`. `*out` is
/// written only on success. Returns 0, or `-EMFILE` / `-ENFILE` (no
/// descriptor left), `-EINVAL` (NULL `listener` or `out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_listener_try_clone(listener: *const wl_listener, out: *mut *mut wl_listener) -> c_int {
    ffi_fn!("wl_listener_try_clone", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        let copy = match unsafe { borrow(listener) }? {
            ByDomain::V4(l) => ByDomain::V4(l.try_clone()?),
            ByDomain::V6(l) => ByDomain::V6(l.try_clone()?),
            ByDomain::Unix(l) => ByDomain::Unix(l.try_clone()?),
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(give::<wl_listener>(copy)) };
        Ok(0)
    })
}
