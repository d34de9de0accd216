//! `wl_pending`: a non-blocking stream connect in flight.

use std::ffi::c_int;
use std::time::Duration;

use super::any::{PendingAny, each, step};
use super::boundary::{ffi_fn, forward_exports};
use super::conn::wl_conn;
use super::handle::{borrow, impl_handle, transition_out};

/// A stream connect that has been started but may not have completed
/// (`PendingConnect<D>`), from `wl_raw_connect_nonblocking`. Register
/// `wl_pending_fd` for writability with your event loop (or call
/// `wl_pending_wait`), then `wl_pending_finish`.
#[cfg_attr(all(), repr(C))]
pub struct wl_pending(super::handle::Tag, Option<PendingAny>);
impl_handle!(wl_pending, PendingAny);

/// Waits up to `timeout_ms` milliseconds (negative: forever) for the
/// connect to resolve, one way or the other (`poll(2)` for `POLLOUT`):
/// `PendingConnect::wait`.
///
/// Returns 1 when it has resolved (call `wl_pending_finish`), 0 on
/// timeout, `-EINTR` if a signal interrupted the wait, `-EINVAL` for a NULL
/// `pending`. Borrows `pending`.
///
/// Never returns `-EAGAIN`: it polls for up to `timeout_ms` and returns 0 on
/// timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pending_wait(pending: *const wl_pending, timeout_ms: c_int) -> c_int {
    ffi_fn!("wl_pending_wait", {
        // SAFETY: `pending` is NULL or a live handle (caller contract).
        let p = unsafe { borrow(pending) }?;
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        Ok(c_int::from(each!(p, s => s.wait(timeout))?))
    })
}

forward_exports! {
    /// Completes the connect if it has succeeded: `PendingConnect::finish`.
    /// The connected socket stays non-blocking.
    ///
    /// Ownership: on success consumes `pending` and writes a new `wl_conn` to
    /// `*out`. On failure `pending` stays valid and owned by the caller and
    /// `*out` is untouched: `-EAGAIN` while the handshake is in flight (call
    /// again when writable), the connect's own error (`-ECONNREFUSED`,
    /// `-ETIMEDOUT`, ...) once it failed, `-ENOTCONN` if the error was already
    /// read with `wl_socket_take_error`, `-EINVAL` for a NULL argument.
    ///
    /// `-EAGAIN`: the handshake is still in flight (the descriptor is not
    /// writable yet). Nothing changed: `pending` stays valid and owned by the
    /// caller; retry when `wl_wait` (or your event loop) reports `WL_WRITABLE` on
    /// `wl_pending_fd`, or after `wl_pending_wait` returns 1.
    fn pending_finish(
        pending: *mut wl_pending, out: *mut *mut wl_conn,
    ) -> c_int = transition_out(pending, out, |s| step!(s, |b| b, s => s.finish()));
}
