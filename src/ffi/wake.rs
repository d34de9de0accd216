//! Waking a thread blocked on a handle: a shutdown call for every state
//! that can block and had none. `wl_listener_shutdown` wakes
//! `wl_listener_accept`; `wl_dgram_shutdown` and `wl_dgram_conn_shutdown`
//! wake the datagram receives, as `wl_conn_shutdown` wakes `wl_conn_recv`.
//! Linux wakes every thread sleeping on the socket (in the call, or in
//! `poll`/`epoll` on its descriptor).

use std::ffi::c_int;
use std::net::Shutdown;

use super::any::each;
use super::boundary::ffi_fn;
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::borrow;
use super::listener::wl_listener;
use wirelane_core::ffi_support::invalid_input;

/// `SHUT_RD` / `SHUT_WR` / `SHUT_RDWR` as a `Shutdown`.
fn direction(how: c_int) -> std::io::Result<Shutdown> {
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

/// Stops the listener and wakes every thread blocked in
/// `wl_listener_accept` / `wl_listener_accept_flags` on it (`shutdown(2)`
/// with `SHUT_RD`): `Listener::shutdown`. Each woken accept, and every
/// later one, returns `-EINVAL` with a last error saying the listener was
/// shut down. A thread waiting in `wl_wait`/`epoll` on `wl_listener_fd`
/// sees it readable (and `WL_HANGUP`).
///
/// The listener is finished afterwards, not paused: a TCP listener leaves
/// the listening state at once (connections still queued are reset, new
/// ones refused); a Unix listener refuses new connections, though ones
/// already queued may still be accepted. It cannot listen again: free it
/// (once no thread uses it) and build a new one. A second call is harmless
/// and returns 0.
///
/// Returns 0, or `-EINVAL` for a NULL `listener`. Borrows `listener`; may
/// be called from any thread while others are blocked in accept.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_listener_shutdown(listener: *const wl_listener) -> c_int {
    ffi_fn!("wl_listener_shutdown", {
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        each!(unsafe { borrow(listener) }?, l => l.shutdown())?;
        Ok(0)
    })
}

/// Shuts down receiving (`SHUT_RD`), sending (`SHUT_WR`) or both
/// (`SHUT_RDWR`) on a bound datagram socket (`shutdown(2)`):
/// `BoundDatagram::shutdown`. Wakes every thread blocked in
/// `wl_dgram_recv_from` (and the other receives) on it.
///
/// After `SHUT_RD`, once the queue is empty (datagrams already queued are
/// still delivered), a blocking `wl_dgram_recv_from` returns `-ESHUTDOWN`
/// at once, the last error naming the shutdown; a blocked one wakes so, as
/// do `wl_dgram_recv_batch`, `wl_dgram_recv_gro` and `wl_dgram_recv_meta`
/// (a batch keeps the datagrams that came before the shutdown). A
/// non-blocking receive (`WL_NONBLOCK`, `MSG_DONTWAIT`) still returns
/// `-EAGAIN` then, while `wl_wait`/epoll report the descriptor
/// `WL_READABLE | WL_READ_HANGUP` for good: an event loop that sees
/// `WL_READ_HANGUP` on a datagram socket stops watching it. After
/// `SHUT_WR` sends return `-EPIPE`. Linux applies a shutdown to an
/// unconnected UDP socket but reports `ENOTCONN` for it; this call
/// returns 0 then. The handle stays valid and must still be freed.
///
/// Returns 0, or `-EINVAL` (bad `how`, NULL `sock`). Borrows `sock`; may
/// be called from any thread while others are blocked on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_shutdown(sock: *const wl_dgram, how: c_int) -> c_int {
    ffi_fn!("wl_dgram_shutdown", {
        let how = direction(how)?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        each!(unsafe { borrow(sock) }?, s => s.shutdown(how))?;
        Ok(0)
    })
}

/// Shuts down receiving, sending or both on a connected datagram socket
/// (`shutdown(2)`): `ConnectedDatagram::shutdown`. Wakes every thread
/// blocked in `wl_dgram_conn_recv` (and the other receives) on it.
///
/// After `SHUT_RD`, once the queue is empty, a blocking
/// `wl_dgram_conn_recv` returns 0 at once (which a zero-length datagram
/// also gives: a program waking its receivers this way keeps its own
/// "stopping" flag); a non-blocking one returns `-EAGAIN`, with the
/// descriptor reported `WL_READABLE | WL_READ_HANGUP`. After `SHUT_WR`
/// sends return `-EPIPE`. The handle stays valid and must still be freed.
///
/// Returns 0, or `-EINVAL` (bad `how`, NULL `sock`). Borrows `sock`; may
/// be called from any thread while others are blocked on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_shutdown(sock: *const wl_dgram_conn, how: c_int) -> c_int {
    ffi_fn!("wl_dgram_conn_shutdown", {
        let how = direction(how)?;
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        each!(unsafe { borrow(sock) }?, s => s.shutdown(how))?;
        Ok(0)
    })
}
