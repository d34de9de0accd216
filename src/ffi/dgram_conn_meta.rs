//! Per-datagram UDP metadata on connected datagram sockets
//! (`ConnectedDatagram<Ipv4/Ipv6>`): the `wl_dgram_conn` twins of
//! `wl_dgram_set_recv_meta` / `wl_dgram_recv_meta` / `wl_dgram_send_meta`
//! and of the path MTU discovery mode. The same structs, the same stack
//! control buffer, no allocation on the send or receive path; `-EAFNOSUPPORT`
//! on Unix.

use std::ffi::{c_int, c_void};

use super::addr::wl_addr;
use super::any::each_ip;
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::wl_dgram_conn;
use super::handle::{borrow, bytes, bytes_mut, out_ptr};
use super::peer::count;
use super::udp_meta::{
    WL_META_ADDR, WL_META_ECN, WL_META_ERRORS, WL_META_SOFTWARE_TIMESTAMP, WL_META_TIMESTAMP, WL_META_TTL,
    check_recv_what, inet_only, mtu_discover_body, pmtu_mode, pmtu_raw, recv_meta_body, recv_out, send_meta_arg,
    set_mtu_discover_body, set_recv_meta_body, wl_udp_recv_meta, wl_udp_send_meta,
};
use wirelane_core::MsgFlags;
use wirelane_core::meta::{RECV_CONTROL_SPACE, RecvMeta};

forward_exports! {
    /// Turns receive-side metadata on or off on a connected datagram socket;
    /// `what` as for `wl_dgram_set_recv_meta` (`WL_META_ECN`, `WL_META_ADDR`,
    /// `WL_META_TTL`, `WL_META_TIMESTAMP`, `WL_META_ERRORS`,
    /// `WL_META_SOFTWARE_TIMESTAMP`). Returns 0,
    /// `-EINVAL` for other bits or NULL, `-EAFNOSUPPORT` (Unix), or `-errno`.
    fn dgram_conn_set_recv_meta(
        sock: *const wl_dgram_conn, what: u32, on: bool,
    ) -> c_int => set_recv_meta_body!("wl_dgram_conn_set_recv_meta", sock, what, on);

    /// Receives one datagram from the peer into `buf` with its metadata in
    /// `*out` (`ConnectedDatagram::recv_msg` with a stack control buffer of
    /// `RECV_CONTROL_SPACE` bytes); `out->source` is the peer. A truncated
    /// control buffer shows as `WL_META_CTRUNC` in `out->present`. Returns the
    /// bytes received, or `-EAGAIN`, `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix),
    /// `-errno` (`-ECONNREFUSED` after an ICMP port unreachable); `*out` is
    /// written only on success.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`. A blocking receive on a socket shut
    /// down for receiving returns `-ESHUTDOWN` instead of waiting.
    fn dgram_conn_recv_meta(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, out: *mut wl_udp_recv_meta,
    ) -> libc::ssize_t => recv_meta_body!(sock, buf, len, out);
}

/// Sends `len` bytes of `buf` to the peer with the metadata in `*meta`
/// (`ConnectedDatagram::send_with_meta`; `meta` NULL sends with none).
/// Returns the bytes sent, or `-EINVAL` (NULL, unknown bits, a source of
/// the wrong family), `-EAFNOSUPPORT` (Unix), or `-errno`.
///
/// `-EAGAIN`: no room for the datagram, on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
/// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
/// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_send_meta(
    sock: *const wl_dgram_conn,
    buf: *const c_void,
    len: usize,
    meta: *const wl_udp_send_meta,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_conn_send_meta", {
        // SAFETY: NULL or live handle; `buf` holds `len` bytes.
        let (s, buf) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?) };
        // SAFETY: `meta` is NULL or points to a wl_udp_send_meta.
        let m = unsafe { send_meta_arg(meta) }?;
        let n = each_ip!(s, inet_only(), s => s.send_with_meta(buf, &m)?);
        Ok(count(n))
    })
}

forward_exports! {
    /// Sets the path MTU discovery mode of a connected datagram socket
    /// (`IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER`) to one of `WL_PMTUDISC_*`.
    /// Returns 0, or `-EINVAL` (NULL, an unknown mode), `-EAFNOSUPPORT`
    /// (Unix), `-errno`.
    fn dgram_conn_set_mtu_discover(
        sock: *const wl_dgram_conn, mode: c_int,
    ) -> c_int => set_mtu_discover_body!(sock, mode);

    /// Writes the path MTU discovery mode (`WL_PMTUDISC_*`) of a connected
    /// datagram socket to `*out`. Returns 0, or `-EINVAL` (NULL),
    /// `-EAFNOSUPPORT` (Unix), `-errno`.
    fn dgram_conn_mtu_discover(sock: *const wl_dgram_conn, out: *mut c_int) -> c_int => mtu_discover_body!(sock, out);
}
