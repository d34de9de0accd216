//! `wl_listener`: a listening stream socket.

use std::ffi::c_int;

use super::addr::wl_addr;
use super::any::ByDomain;
use super::any::ListenerAny;
use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::handle::{borrow, give_out, impl_handle, out_ptr, write_opt};

/// A listening stream socket (`Listener<D>`): it accepts connections.
/// Accepting does not consume the listener.
#[cfg_attr(all(), repr(C))]
pub struct wl_listener(super::handle::Tag, Option<ListenerAny>);
impl_handle!(wl_listener, ListenerAny);

/// Accepts one connection (`accept4(2)` with `SOCK_CLOEXEC`):
/// `Listener::accept_with_addr`. Blocks until a client connects unless the
/// listener is non-blocking (`wl_socket_set_nonblocking`), in which case
/// it returns `-EAGAIN` when none is pending: that is the non-blocking
/// accept for event loops. The accepted socket is blocking
/// (`wl_listener_accept_flags` with `WL_NONBLOCK` accepts it non-blocking
/// from birth).
///
/// Ownership: borrows `listener`; on success `*out` receives a new
/// `wl_conn` the caller owns, and `*peer` (if `peer` is not NULL) the
/// client's address. Outputs are written only on success. Returns 0, or
/// `-EAGAIN`, `-EINTR` (a signal interrupted the wait), `-EMFILE`, ...,
/// or `-EINVAL` for a NULL `listener`/`out`. Several threads may accept on
/// one listener at once.
///
/// `-EAGAIN`: no connection is queued on a non-blocking listener, or the
/// listener's read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and
/// the outputs are untouched; retry when `wl_wait` (or your event loop)
/// reports the listener `WL_READABLE`. A thread blocked here is woken by
/// `wl_listener_shutdown` (with `-EINVAL`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_listener_accept(
    listener: *const wl_listener,
    out: *mut *mut wl_conn,
    peer: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_listener_accept", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        let listener = unsafe { borrow(listener) }?;
        let (conn, addr) = match listener {
            ByDomain::V4(l) => l
                .accept_with_addr()
                .map(|(c, a)| (ByDomain::V4(c), wl_addr::from_typed(&a)))?,
            ByDomain::V6(l) => l
                .accept_with_addr()
                .map(|(c, a)| (ByDomain::V6(c), wl_addr::from_typed(&a)))?,
            ByDomain::Unix(l) => l
                .accept_with_addr()
                .map(|(c, a)| (ByDomain::Unix(c), wl_addr::from_typed(&a)))?,
        };
        // SAFETY: `peer` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(peer, addr) };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn) }
    })
}
