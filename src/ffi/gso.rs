//! UDP segmentation offload (GSO) and receive coalescing (GRO):
//! `wirelane::batch::{set_udp_segment, set_udp_gro, send_segmented,
//! recv_gro, ...}`. IPv4/IPv6 datagram sockets only.

use std::ffi::{c_int, c_void};
use std::io;

use super::addr::wl_addr;
use super::any::each_ip;
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{borrow, bytes, bytes_mut, in_ref, out_ptr, write_opt};
use super::peer::count;
use wirelane_core::batch::{self, GroRecv, SegmentedSend};
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::ffi_support::{errno_of, invalid_input};
use wirelane_core::{Ipv4, Ipv6};

/// The most segments one GSO send may produce:
/// `wirelane::batch::MAX_UDP_SEGMENTS`.
pub const WL_MAX_UDP_SEGMENTS: usize = 64;
const _: () = assert!(WL_MAX_UDP_SEGMENTS == batch::MAX_UDP_SEGMENTS);

/// What a segmented send did (`SegmentedSend`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_segmented_send {
    /// Payload bytes sent, over all datagrams.
    pub bytes: usize,
    /// Datagrams sent.
    pub datagrams: usize,
    /// True when the kernel segmented one send (GSO); false when it
    /// refused and the segments went out as separate datagrams through
    /// `sendmmsg`.
    pub offloaded: bool,
    /// The kernel's error for the refused GSO send (positive errno:
    /// `EIO`, `EINVAL`, `ENOPROTOOPT`, `EOPNOTSUPP`), 0 when offloaded.
    pub fallback_errno: c_int,
}

/// One receive with GRO information (`GroRecv`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_gro_recv {
    /// Bytes received into the buffer.
    pub len: usize,
    /// The coalesced datagrams' size (`UDP_GRO`): split the buffer every
    /// `segment_size` bytes (the last piece may be shorter). 0 for a single
    /// datagram.
    pub segment_size: u16,
    /// Whether the data was longer than the buffer (`MSG_TRUNC`).
    pub truncated: bool,
    /// The sender.
    pub source: wl_addr,
}

fn inet_only() -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "UDP segmentation (GSO/GRO) applies to IPv4 and IPv6 datagram sockets only",
    )
}

fn segmented(s: SegmentedSend) -> wl_segmented_send {
    wl_segmented_send {
        bytes: s.bytes,
        datagrams: s.datagrams,
        offloaded: s.offloaded,
        fallback_errno: s.fallback_reason.as_ref().map_or(0, errno_of),
    }
}

fn gro<A: AddrCodec>(g: GroRecv<A>) -> wl_gro_recv {
    wl_gro_recv {
        len: g.len,
        segment_size: g.segment_size.unwrap_or(0),
        truncated: g.truncated,
        source: wl_addr::from_typed(&g.source),
    }
}

/// The largest UDP payload one send may carry for `domain` (65507 over
/// IPv4, 65527 over IPv6), which bounds a whole GSO buffer:
/// `wirelane::batch::max_udp_payload`. Returns it, or `-EAFNOSUPPORT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_max_udp_payload(domain: c_int) -> c_int {
    ffi_fn!("wl_max_udp_payload", {
        match domain {
            libc::AF_INET => Ok(batch::max_udp_payload::<Ipv4>() as c_int),
            libc::AF_INET6 => Ok(batch::max_udp_payload::<Ipv6>() as c_int),
            _ => Err(inet_only()),
        }
    })
}

/// Sends `len` bytes of `buf` to the peer as datagrams of `segment_size`
/// bytes (the last may be shorter) in one `sendmsg(2)` with `UDP_SEGMENT`
/// (GSO): `ConnectedDatagram::send_segmented`. If the kernel refuses GSO,
/// the segments go out as separate datagrams in one `sendmmsg`; `*out`
/// (if not NULL) says which happened.
///
/// Returns the payload bytes sent, or `-EINVAL` (segment size 0, empty
/// buffer, more than `WL_MAX_UDP_SEGMENTS` segments), `-EMSGSIZE` (more
/// than `wl_max_udp_payload`), `-EAFNOSUPPORT` (a Unix socket), or `-errno`.
///
/// `-EAGAIN`: no room (non-blocking socket, or the write timeout) before any
/// segment went out; nothing was sent. If room runs out after some segments
/// of the `sendmmsg` fallback, the call returns the bytes of those. Retry
/// when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_send_segmented(
    sock: *const wl_dgram_conn,
    buf: *const c_void,
    len: usize,
    segment_size: u16,
    out: *mut wl_segmented_send,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_conn_send_segmented", {
        // SAFETY: NULL or live handle; `buf` holds `len` bytes.
        let (s, buf) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?) };
        let sent = each_ip!(s, inet_only(), s => s.send_segmented(buf, segment_size)?);
        let result = segmented(sent);
        // SAFETY: `out` is NULL or writable (caller contract).
        unsafe { write_opt(out, result) };
        Ok(count(result.bytes))
    })
}

/// `wl_dgram_conn_send_segmented` to `*to` from a bound socket:
/// `BoundDatagram::send_to_segmented`.
///
/// `-EAGAIN`: as for `wl_dgram_conn_send_segmented`: nothing was sent; retry
/// when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_send_to_segmented(
    sock: *const wl_dgram,
    buf: *const c_void,
    len: usize,
    segment_size: u16,
    to: *const wl_addr,
    out: *mut wl_segmented_send,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_send_to_segmented", {
        // SAFETY: NULL or live handle; `buf` holds `len` bytes; `to` valid.
        let (s, buf, to) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?, *in_ref(to, "to")?) };
        let sent = each_ip!(s, inet_only(), s => s.send_to_segmented(buf, segment_size, &to.to_typed()?)?);
        let result = segmented(sent);
        // SAFETY: `out` is NULL or writable (caller contract).
        unsafe { write_opt(out, result) };
        Ok(count(result.bytes))
    })
}

// The body `wl_dgram_recv_gro` and `wl_dgram_conn_recv_gro` share (their
// `forward_exports!` entries' `=> <body>`).
macro_rules! recv_gro_body {
    ($sock:ident, $buf:ident, $len:ident, $out:ident) => {{
        let out = out_ptr($out, "out")?;
        // SAFETY: NULL or live handle; `buf` holds `len` writable bytes.
        let (s, buf) = unsafe { (borrow($sock)?, bytes_mut($buf.cast(), $len, "buf")?) };
        let r = each_ip!(s, inet_only(), s => gro(s.recv_gro(buf)?));
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    }};
}

forward_exports! {
    /// Receives one datagram (`recvmsg(2)`), or with `UDP_GRO` on possibly
    /// several coalesced ones, into `buf` (use 65536 bytes):
    /// `BoundDatagram::recv_gro`. `*out` receives the length, segment size and
    /// sender.
    ///
    /// Returns the bytes received, or `-EAGAIN`, `-EINTR`, `-EAFNOSUPPORT` (a
    /// Unix socket), `-EINVAL` (NULL), ...; `*out` is written only on success.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn dgram_recv_gro(
        sock: *const wl_dgram, buf: *mut c_void, len: usize, out: *mut wl_gro_recv,
    ) -> libc::ssize_t => recv_gro_body!(sock, buf, len, out);

    /// `wl_dgram_recv_gro` on a connected datagram socket:
    /// `ConnectedDatagram::recv_gro`.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn dgram_conn_recv_gro(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, out: *mut wl_gro_recv,
    ) -> libc::ssize_t => recv_gro_body!(sock, buf, len, out);
}
