//! Typed per-datagram UDP metadata (`wirelane::meta`) for C: fixed-size
//! structs, a stack control buffer, no allocation on the send or receive
//! path. IPv4/IPv6 datagram sockets only (`-EAFNOSUPPORT` on Unix).

use std::ffi::{c_int, c_void};
use std::io;
use std::net::IpAddr;

use super::addr::wl_addr;
use super::any::ByDomain;
use super::boundary::ffi_fn;
use super::dgram::wl_dgram;
use super::handle::{borrow, bytes, bytes_mut, in_ref, out_ptr};
use super::peer::count;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::meta::{Ecn, RECV_CONTROL_SPACE, RecvMeta, SendMeta};
use wirelane_core::{MsgFlags, SocketAddrV4, SocketAddrV6};

/// Receive or send the ECN codepoint (`IP_RECVTOS`/`IPV6_RECVTCLASS`;
/// `IP_TOS`/`IPV6_TCLASS`).
pub const WL_META_ECN: u32 = 1;
/// Receive the destination address and interface / send from a source
/// address and interface (pktinfo).
pub const WL_META_ADDR: u32 = 2;
/// Receive / send the TTL or hop limit.
pub const WL_META_TTL: u32 = 4;
/// Receive the kernel timestamp (`SO_TIMESTAMPNS`).
pub const WL_META_TIMESTAMP: u32 = 8;
/// Receive: the GRO segment size is set / send: a GSO segment size.
pub const WL_META_SEGMENT: u32 = 16;
/// Receive: the control data was truncated (`MSG_CTRUNC`).
pub const WL_META_CTRUNC: u32 = 32;

/// One received datagram's metadata (`wirelane::meta::RecvMeta`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_udp_recv_meta {
    /// Bytes received.
    pub len: usize,
    /// Which fields below are set (`WL_META_*`), and `WL_META_CTRUNC`.
    pub present: u32,
    /// ECN codepoint (0 to 3), with `WL_META_ECN`.
    pub ecn: u8,
    /// TTL / hop limit, with `WL_META_TTL`.
    pub ttl: u8,
    /// GRO segment size, with `WL_META_SEGMENT`.
    pub gro_segment: u16,
    /// Arrival interface index, with `WL_META_ADDR`.
    pub ifindex: u32,
    /// Receive time (`CLOCK_REALTIME`), with `WL_META_TIMESTAMP`.
    pub ts_sec: i64,
    /// Nanoseconds of `ts_sec`.
    pub ts_nsec: u32,
    /// The sender.
    pub source: wl_addr,
    /// The destination address in the IP header (port 0), with
    /// `WL_META_ADDR`.
    pub dst: wl_addr,
}

/// Metadata for one outgoing datagram (`wirelane::meta::SendMeta`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_udp_send_meta {
    /// Which fields below to use (`WL_META_ECN`, `WL_META_ADDR`,
    /// `WL_META_TTL`, `WL_META_SEGMENT`).
    pub present: u32,
    /// ECN codepoint (0 to 3).
    pub ecn: u8,
    /// TTL / hop limit (1 to 255).
    pub ttl: u8,
    /// GSO segment size.
    pub segment_size: u16,
    /// Outgoing interface, 0 for routing's choice.
    pub ifindex: u32,
    /// Source address (its port is ignored).
    pub src: wl_addr,
}

fn inet_only() -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "per-datagram UDP metadata applies to IPv4 and IPv6 datagram sockets only",
    )
}

fn ip_addr(ip: IpAddr) -> wl_addr {
    match ip {
        IpAddr::V4(a) => wl_addr::from_typed(&SocketAddrV4::new(a, 0)),
        IpAddr::V6(a) => wl_addr::from_typed(&SocketAddrV6::new(a, 0, 0, 0)),
    }
}

fn recv_out(len: usize, source: wl_addr, m: &RecvMeta) -> wl_udp_recv_meta {
    let mut out = wl_udp_recv_meta {
        len,
        present: if m.control_truncated { WL_META_CTRUNC } else { 0 },
        ecn: 0,
        ttl: 0,
        gro_segment: 0,
        ifindex: 0,
        ts_sec: 0,
        ts_nsec: 0,
        source,
        dst: source,
    };
    if let Some(e) = m.ecn {
        out.present |= WL_META_ECN;
        out.ecn = e.bits();
    }
    if let Some(t) = m.ttl {
        out.present |= WL_META_TTL;
        out.ttl = t;
    }
    if let Some(s) = m.gro_segment {
        out.present |= WL_META_SEGMENT;
        out.gro_segment = s;
    }
    if let Some(ip) = m.dst_ip {
        out.present |= WL_META_ADDR;
        out.dst = ip_addr(ip);
        out.ifindex = m.ifindex.unwrap_or(0);
    }
    if let Some(t) = m.timestamp {
        out.present |= WL_META_TIMESTAMP;
        out.ts_sec = t.sec;
        out.ts_nsec = t.nsec;
    }
    out
}

/// Turns receive-side metadata on or off: `what` is a mask of
/// `WL_META_ECN`, `WL_META_ADDR`, `WL_META_TTL`, `WL_META_TIMESTAMP`
/// (`set_recv_ecn`, `set_recv_pktinfo`, `set_recv_ttl`,
/// `set_recv_timestamp`). Returns 0, `-EINVAL` for other bits or NULL,
/// `-EAFNOSUPPORT` (Unix), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_set_recv_meta(sock: *const wl_dgram, what: u32, on: bool) -> c_int {
    ffi_fn!("wl_dgram_set_recv_meta", {
        if what & !(WL_META_ECN | WL_META_ADDR | WL_META_TTL | WL_META_TIMESTAMP) != 0 {
            return Err(invalid_input(
                libc::EINVAL,
                format!("wl_dgram_set_recv_meta: unknown bits {what:#x} in what"),
            ));
        }
        // SAFETY: NULL or a live handle.
        let s = unsafe { borrow(sock)? };
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
            }};
        }
        match s {
            ByDomain::V4(s) => apply!(s),
            ByDomain::V6(s) => apply!(s),
            ByDomain::Unix(_) => return Err(inet_only()),
        }
        Ok(0)
    })
}

/// Receives one datagram into `buf` with its metadata in `*out`
/// (`recv_msg` with a stack control buffer of `RECV_CONTROL_SPACE`
/// bytes). A truncated control buffer shows as `WL_META_CTRUNC` in
/// `out->present`. Returns the bytes received, or `-EAGAIN`, `-EINVAL`
/// (NULL), `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written only on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_recv_meta(
    sock: *const wl_dgram,
    buf: *mut c_void,
    len: usize,
    out: *mut wl_udp_recv_meta,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_recv_meta", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or live handle; `buf` holds `len` writable bytes.
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let mut control = [0u8; RECV_CONTROL_SPACE];
        let r = match s {
            ByDomain::V4(s) => {
                let g = s.recv_msg(buf, &mut control, MsgFlags::NONE)?;
                recv_out(
                    g.len,
                    wl_addr::from_typed(&g.source),
                    &RecvMeta::from_control(g.control, g.flags)?,
                )
            }
            ByDomain::V6(s) => {
                let g = s.recv_msg(buf, &mut control, MsgFlags::NONE)?;
                recv_out(
                    g.len,
                    wl_addr::from_typed(&g.source),
                    &RecvMeta::from_control(g.control, g.flags)?,
                )
            }
            ByDomain::Unix(_) => return Err(inet_only()),
        };
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    })
}

fn send_meta(m: &wl_udp_send_meta) -> io::Result<SendMeta> {
    let known = WL_META_ECN | WL_META_ADDR | WL_META_TTL | WL_META_SEGMENT;
    if m.present & !known != 0 {
        return Err(invalid_input(
            libc::EINVAL,
            format!("wl_udp_send_meta: unknown bits {:#x} in present", m.present),
        ));
    }
    let mut s = SendMeta::default();
    if m.present & WL_META_ECN != 0 {
        if m.ecn > 3 {
            return Err(invalid_input(
                libc::EINVAL,
                format!("ECN codepoint {} is not 0 to 3", m.ecn),
            ));
        }
        s.ecn = Some(Ecn::from_tos(m.ecn));
    }
    if m.present & WL_META_TTL != 0 {
        s.ttl = Some(m.ttl);
    }
    if m.present & WL_META_SEGMENT != 0 {
        s.segment_size = Some(m.segment_size);
    }
    if m.present & WL_META_ADDR != 0 {
        s.ifindex = m.ifindex;
        let raw = m.src.to_raw()?;
        s.src_ip = match raw.family() as c_int {
            libc::AF_INET => Some(m.src.to_typed::<SocketAddrV4>()?.ip().into()),
            libc::AF_INET6 => Some(m.src.to_typed::<SocketAddrV6>()?.ip().into()),
            libc::AF_UNSPEC => None,
            f => {
                return Err(invalid_input(
                    libc::EAFNOSUPPORT,
                    format!("wl_udp_send_meta: source address family {f} is not IPv4 or IPv6"),
                ));
            }
        };
    }
    Ok(s)
}

/// Sends `len` bytes of `buf` to `*to` with the metadata in `*meta`
/// (`send_with_meta`; `meta` may be NULL for none). Returns the bytes
/// sent, or `-EINVAL` (NULL, unknown bits, a source of the wrong family),
/// `-EAFNOSUPPORT` (Unix), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_send_meta(
    sock: *const wl_dgram,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
    meta: *const wl_udp_send_meta,
) -> libc::ssize_t {
    ffi_fn!("wl_dgram_send_meta", {
        // SAFETY: NULL or live handle; `buf` holds `len` bytes; `to` valid.
        let (s, buf, to) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?, *in_ref(to, "to")?) };
        let m = if meta.is_null() {
            SendMeta::default()
        } else {
            // SAFETY: a non-NULL `meta` points to a wl_udp_send_meta.
            send_meta(unsafe { &*meta })?
        };
        let n = match s {
            ByDomain::V4(s) => s.send_with_meta(buf, &to.to_typed()?, &m)?,
            ByDomain::V6(s) => s.send_with_meta(buf, &to.to_typed()?, &m)?,
            ByDomain::Unix(_) => return Err(inet_only()),
        };
        Ok(count(n))
    })
}
