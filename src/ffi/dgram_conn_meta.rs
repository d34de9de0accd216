//! Per-datagram UDP metadata on connected datagram sockets
//! (`ConnectedDatagram<Ipv4/Ipv6>`): the `wl_dgram_conn` twins of
//! `wl_dgram_set_recv_meta` / `wl_dgram_recv_meta` / `wl_dgram_send_meta`
//! and of the path MTU discovery mode. The same structs, the same stack
//! control buffer, no allocation on the send or receive path; `-EAFNOSUPPORT`
//! on Unix.

use std::ffi::{c_int, c_void};

use super::addr::wl_addr;
use super::any::ByDomain;
use super::boundary::ffi_fn;
use super::dgram::wl_dgram_conn;
use super::handle::{borrow, bytes, bytes_mut, out_ptr};
use super::peer::count;
use super::udp_meta::{
    WL_META_ADDR, WL_META_ECN, WL_META_ERRORS, WL_META_SOFTWARE_TIMESTAMP, WL_META_TIMESTAMP, WL_META_TTL,
    check_recv_what, inet_only, pmtu_mode, pmtu_raw, recv_out, send_meta, wl_udp_recv_meta, wl_udp_send_meta,
};
use wirelane_core::MsgFlags;
use wirelane_core::meta::{RECV_CONTROL_SPACE, RecvMeta, SendMeta};

/// Turns receive-side metadata on or off on a connected datagram socket;
/// `what` as for `wl_dgram_set_recv_meta` (`WL_META_ECN`, `WL_META_ADDR`,
/// `WL_META_TTL`, `WL_META_TIMESTAMP`, `WL_META_ERRORS`,
/// `WL_META_SOFTWARE_TIMESTAMP`). Returns 0,
/// `-EINVAL` for other bits or NULL, `-EAFNOSUPPORT` (Unix), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_set_recv_meta(sock: *const wl_dgram_conn, what: u32, on: bool) -> c_int {
    ffi_fn!("wl_dgram_conn_set_recv_meta", {
        check_recv_what("wl_dgram_conn_set_recv_meta", what)?;
        macro_rules! apply {
            ($s:expr) => {{
                if what & WL_META_ECN != 0 {
                    $s.set_recv_ecn(on)?;
                }
                if what & WL_META_ADDR != 0 {
                    $s.set_recv_pktinfo(on)?;
                }
                if what & WL_META_TTL != 0 {
                    $s.set_recv_ttl(on)?;
                }
                if what & WL_META_TIMESTAMP != 0 {
                    $s.set_recv_timestamp(on)?;
                }
                if what & WL_META_ERRORS != 0 {
                    $s.set_recv_errors(on)?;
                }
                if what & WL_META_SOFTWARE_TIMESTAMP != 0 {
                    $s.set_recv_software_timestamping(on)?;
                }
            }};
        }
        // SAFETY: NULL or a live handle.
        match unsafe { borrow(sock)? } {
            ByDomain::V4(s) => apply!(s),
            ByDomain::V6(s) => apply!(s),
            ByDomain::Unix(_) => return Err(inet_only()),
        }
        Ok(0)
    })
}

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
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_recv_meta(
    sock: *const wl_dgram_conn,
    buf: *mut c_void,
    len: usize,
    out: *mut wl_udp_recv_meta,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_conn_recv_meta", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or live handle; `buf` holds `len` writable bytes.
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let mut control = [0u8; RECV_CONTROL_SPACE];
        macro_rules! recv {
            ($s:expr) => {{
                let g = $s.recv_msg(buf, &mut control, MsgFlags::NONE)?;
                recv_out(
                    g.len,
                    wl_addr::from_typed(&g.source),
                    &RecvMeta::from_control(g.control, g.flags)?,
                )
            }};
        }
        let r = match s {
            ByDomain::V4(s) => recv!(s),
            ByDomain::V6(s) => recv!(s),
            ByDomain::Unix(_) => return Err(inet_only()),
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    })
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
        let m = if meta.is_null() {
            SendMeta::default()
        } else {
            // SAFETY: a non-NULL `meta` points to a wl_udp_send_meta.
            send_meta(unsafe { &*meta })?
        };
        let n = match s {
            ByDomain::V4(s) => s.send_with_meta(buf, &m)?,
            ByDomain::V6(s) => s.send_with_meta(buf, &m)?,
            ByDomain::Unix(_) => return Err(inet_only()),
        };
        Ok(count(n))
    })
}

/// Sets the path MTU discovery mode of a connected datagram socket
/// (`IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER`) to one of `WL_PMTUDISC_*`.
/// Returns 0, or `-EINVAL` (NULL, an unknown mode), `-EAFNOSUPPORT`
/// (Unix), `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_set_mtu_discover(sock: *const wl_dgram_conn, mode: c_int) -> c_int {
    ffi_fn!("wl_dgram_conn_set_mtu_discover", {
        let mode = pmtu_mode(mode)?;
        // SAFETY: NULL or a live handle.
        match unsafe { borrow(sock)? } {
            ByDomain::V4(s) => s.set_mtu_discover(mode)?,
            ByDomain::V6(s) => s.set_mtu_discover(mode)?,
            ByDomain::Unix(_) => return Err(inet_only()),
        }
        Ok(0)
    })
}

/// Writes the path MTU discovery mode (`WL_PMTUDISC_*`) of a connected
/// datagram socket to `*out`. Returns 0, or `-EINVAL` (NULL),
/// `-EAFNOSUPPORT` (Unix), `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_mtu_discover(sock: *const wl_dgram_conn, out: *mut c_int) -> c_int {
    ffi_fn!("wl_dgram_conn_mtu_discover", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let mode = match unsafe { borrow(sock)? } {
            ByDomain::V4(s) => s.mtu_discover()?,
            ByDomain::V6(s) => s.mtu_discover()?,
            ByDomain::Unix(_) => return Err(inet_only()),
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(pmtu_raw(mode)) };
        Ok(0)
    })
}
