//! `wl_bound`: a bound stream socket, not yet listening.

use std::ffi::{c_int, c_uint};

use super::any::{BoundAny, step};
use super::boundary::{ffi_fn, forward_exports};
use super::handle::{impl_handle, transition_out};
use super::listener::wl_listener;

/// A stream socket bound to a local address (`BoundSocket<D, Stream>`),
/// not yet listening. Its one transition is `wl_bound_listen`.
#[cfg_attr(all(), repr(C))]
pub struct wl_bound(super::handle::Tag, Option<BoundAny>);
impl_handle!(wl_bound, BoundAny);

forward_exports! {
    /// Starts listening (`listen(2)`) with a queue of up to `backlog` pending
    /// connections (the kernel caps it at `/proc/sys/net/core/somaxconn`):
    /// `BoundSocket::listen`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_listener` to
    /// `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EINVAL` (NULL argument) or the
    /// `listen(2)` error (`-EADDRINUSE` when another socket listens on the
    /// port).
    fn bound_listen(
        sock: *mut wl_bound, backlog: c_uint, out: *mut *mut wl_listener,
    ) -> c_int = transition_out(sock, out, |s| step!(s, |b| b, s => s.listen(backlog)));
}
