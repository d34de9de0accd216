//! Typed per-datagram UDP metadata (`wirelane::meta`) for C: fixed-size
//! structs, a stack control buffer, no allocation on the send or receive
//! path. IPv4/IPv6 datagram sockets only (`-EAFNOSUPPORT` on Unix).

use std::ffi::{c_int, c_void};
use std::io;
use std::net::IpAddr;

use super::addr::wl_addr;
use super::any::each_ip;
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{borrow, bytes, bytes_mut, in_ref, out_ptr};
use super::peer::count;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::meta::{Ecn, PmtuDiscover, QueuedError, RECV_CONTROL_SPACE, RecvMeta, SendMeta};
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
/// Queue ICMP and local errors with their details (`IP_RECVERR` /
/// `IPV6_RECVERR`), read with `wl_dgram_recv_error`.
pub const WL_META_ERRORS: u32 = 64;
/// Receive software receive timestamps through `SO_TIMESTAMPING`
/// (`SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE`), reported
/// like `WL_META_TIMESTAMP` (`ts_sec` / `ts_nsec`, `CLOCK_REALTIME`).
pub const WL_META_SOFTWARE_TIMESTAMP: u32 = 128;

/// `IP_PMTUDISC_DONT`: never set DF; the kernel may fragment.
pub const WL_PMTUDISC_DONT: c_int = 0;
/// `IP_PMTUDISC_WANT`: the route's default.
pub const WL_PMTUDISC_WANT: c_int = 1;
/// `IP_PMTUDISC_DO`: always set DF; a send above the path MTU fails with
/// `-EMSGSIZE`.
pub const WL_PMTUDISC_DO: c_int = 2;
/// `IP_PMTUDISC_PROBE`: set DF, ignore the path MTU (QUIC's own probing).
pub const WL_PMTUDISC_PROBE: c_int = 3;
/// `IP_PMTUDISC_INTERFACE`: the interface MTU, never fragment locally.
pub const WL_PMTUDISC_INTERFACE: c_int = 4;
/// `IP_PMTUDISC_OMIT`: like `WL_PMTUDISC_INTERFACE`, but fragment packets
/// that exceed it.
pub const WL_PMTUDISC_OMIT: c_int = 5;

/// One error read from the error queue (`wirelane::meta::QueuedError`):
/// the kernel's `sock_extended_err` with the offender's address.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_udp_queued_error {
    /// Bytes of the offending datagram's payload copied into the buffer.
    pub len: usize,
    /// `ee_errno`: `ECONNREFUSED` for ICMP port unreachable, `EMSGSIZE`
    /// for "fragmentation needed", ...
    pub error: i32,
    /// `ee_origin` (`SO_EE_ORIGIN_LOCAL` 1, `_ICMP` 2, `_ICMP6` 3, ...).
    pub origin: u8,
    /// `ee_type`: the ICMP type for ICMP origins.
    pub icmp_type: u8,
    /// `ee_code`: the ICMP code for ICMP origins.
    pub icmp_code: u8,
    /// `ee_info`: for `EMSGSIZE`, the path MTU the router reported.
    pub info: u32,
    /// `ee_data`.
    pub data: u32,
    /// The node that reported the error (`SO_EE_OFFENDER`, port 0);
    /// `AF_UNSPEC` (len 0) for local errors.
    pub offender: wl_addr,
    /// Where the offending datagram was going; `AF_UNSPEC` (len 0) when
    /// the kernel did not say.
    pub destination: wl_addr,
}

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

pub(super) fn inet_only() -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "per-datagram UDP metadata applies to IPv4 and IPv6 datagram sockets only",
    )
}

pub(super) fn ip_addr(ip: IpAddr) -> wl_addr {
    match ip {
        IpAddr::V4(a) => wl_addr::from_typed(&SocketAddrV4::new(a, 0)),
        IpAddr::V6(a) => wl_addr::from_typed(&SocketAddrV6::new(a, 0, 0, 0)),
    }
}

pub(super) fn recv_out(len: usize, source: wl_addr, m: &RecvMeta) -> wl_udp_recv_meta {
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

/// Refuses bits of `what` that `*_set_recv_meta` does not know.
pub(super) fn check_recv_what(function: &str, what: u32) -> io::Result<()> {
    if what
        & !(WL_META_ECN | WL_META_ADDR | WL_META_TTL | WL_META_TIMESTAMP | WL_META_ERRORS | WL_META_SOFTWARE_TIMESTAMP)
        != 0
    {
        return Err(invalid_input(
            libc::EINVAL,
            format!("{function}: unknown bits {what:#x} in what"),
        ));
    }
    Ok(())
}

// The bodies the `wl_dgram_*` exports and their `wl_dgram_conn_*` twins
// (dgram_conn_meta.rs) share: the `=> <body>` of their `forward_exports!`
// entries.

/// `wl_dgram_set_recv_meta` / `wl_dgram_conn_set_recv_meta`.
macro_rules! set_recv_meta_body {
    ($name:literal, $sock:ident, $what:ident, $on:ident) => {{
        check_recv_what($name, $what)?;
        // SAFETY: NULL or a live handle.
        let s = unsafe { borrow($sock)? };
        each_ip!(s, inet_only(), s => {
            if $what & WL_META_ECN != 0 {
                s.set_recv_ecn($on)?;
            }
            if $what & WL_META_ADDR != 0 {
                s.set_recv_pktinfo($on)?;
            }
            if $what & WL_META_TTL != 0 {
                s.set_recv_ttl($on)?;
            }
            if $what & WL_META_TIMESTAMP != 0 {
                s.set_recv_timestamp($on)?;
            }
            if $what & WL_META_ERRORS != 0 {
                s.set_recv_errors($on)?;
            }
            if $what & WL_META_SOFTWARE_TIMESTAMP != 0 {
                s.set_recv_software_timestamping($on)?;
            }
        });
        Ok(0)
    }};
}
pub(super) use set_recv_meta_body;

/// `wl_dgram_recv_meta` / `wl_dgram_conn_recv_meta`.
macro_rules! recv_meta_body {
    ($sock:ident, $buf:ident, $len:ident, $out:ident) => {{
        let out = out_ptr($out, "out")?;
        // SAFETY: NULL or live handle; `buf` holds `len` writable bytes.
        let (s, buf) = unsafe { (borrow($sock)?, bytes_mut($buf.cast(), $len, "buf")?) };
        let mut control = [0u8; RECV_CONTROL_SPACE];
        let r = each_ip!(s, inet_only(), s => {
            let g = s.recv_msg(buf, &mut control, MsgFlags::NONE)?;
            recv_out(
                g.len,
                wl_addr::from_typed(&g.source),
                &RecvMeta::from_control(g.control, g.flags)?,
            )
        });
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    }};
}
pub(super) use recv_meta_body;

/// `wl_dgram_set_mtu_discover` / `wl_dgram_conn_set_mtu_discover`.
macro_rules! set_mtu_discover_body {
    ($sock:ident, $mode:ident) => {{
        let mode = pmtu_mode($mode)?;
        // SAFETY: NULL or a live handle.
        each_ip!(unsafe { borrow($sock)? }, inet_only(), s => s.set_mtu_discover(mode)?);
        Ok(0)
    }};
}
pub(super) use set_mtu_discover_body;

/// `wl_dgram_mtu_discover` / `wl_dgram_conn_mtu_discover`.
macro_rules! mtu_discover_body {
    ($sock:ident, $out:ident) => {{
        let out = out_ptr($out, "out")?;
        // SAFETY: NULL or a live handle.
        let mode = each_ip!(unsafe { borrow($sock)? }, inet_only(), s => s.mtu_discover()?);
        // SAFETY: checked non-NULL.
        unsafe { out.write(pmtu_raw(mode)) };
        Ok(0)
    }};
}
pub(super) use mtu_discover_body;

forward_exports! {
    /// Turns receive-side metadata on or off: `what` is a mask of
    /// `WL_META_ECN`, `WL_META_ADDR`, `WL_META_TTL`, `WL_META_TIMESTAMP`,
    /// `WL_META_ERRORS`, `WL_META_SOFTWARE_TIMESTAMP` (`set_recv_ecn`,
    /// `set_recv_pktinfo`, `set_recv_ttl`, `set_recv_timestamp`,
    /// `set_recv_errors`, `set_recv_software_timestamping`). Returns 0, `-EINVAL` for other bits or NULL,
    /// `-EAFNOSUPPORT` (Unix), or `-errno`.
    fn dgram_set_recv_meta(
        sock: *const wl_dgram, what: u32, on: bool,
    ) -> c_int => set_recv_meta_body!("wl_dgram_set_recv_meta", sock, what, on);

    /// Receives one datagram into `buf` with its metadata in `*out`
    /// (`recv_msg` with a stack control buffer of `RECV_CONTROL_SPACE`
    /// bytes). A truncated control buffer shows as `WL_META_CTRUNC` in
    /// `out->present`. Returns the bytes received, or `-EAGAIN`, `-EINVAL`
    /// (NULL), `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written only on
    /// success.
    ///
    /// `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
    /// `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
    /// consumed and the outputs are untouched; retry when `wl_wait` (or your
    /// event loop) reports `WL_READABLE`.
    fn dgram_recv_meta(
        sock: *const wl_dgram, buf: *mut c_void, len: usize, out: *mut wl_udp_recv_meta,
    ) -> libc::ssize_t => recv_meta_body!(sock, buf, len, out);
}

pub(super) fn send_meta(m: &wl_udp_send_meta) -> io::Result<SendMeta> {
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

/// `*meta` as the core's `SendMeta`; NULL means none (the defaults).
///
/// # Safety
/// `meta` is NULL or points to a `wl_udp_send_meta`.
pub(super) unsafe fn send_meta_arg(meta: *const wl_udp_send_meta) -> io::Result<SendMeta> {
    // SAFETY: caller contract.
    match unsafe { meta.as_ref() } {
        None => Ok(SendMeta::default()),
        Some(m) => send_meta(m),
    }
}

/// Sends `len` bytes of `buf` to `*to` with the metadata in `*meta`
/// (`send_with_meta`; `meta` NULL sends with none). Returns the bytes
/// sent, or `-EINVAL` (NULL, unknown bits, a source of the wrong family),
/// `-EAFNOSUPPORT` (Unix), or `-errno`.
///
/// `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
/// Unix socket the receiver's queue, is full), on a non-blocking socket
/// (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
/// (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
/// all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
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
        // SAFETY: `meta` is NULL or points to a wl_udp_send_meta.
        let m = unsafe { send_meta_arg(meta) }?;
        let n = each_ip!(s, inet_only(), s => s.send_with_meta(buf, &to.to_typed()?, &m)?);
        Ok(count(n))
    })
}

pub(super) fn unspec() -> wl_addr {
    // SAFETY: all-zero bytes are a valid sockaddr_storage (AF_UNSPEC).
    let storage = unsafe { std::mem::zeroed() };
    wl_addr { storage, len: 0 }
}

fn queued_out<A: wirelane_core::ffi_support::AddrCodec>(q: &QueuedError<A>) -> wl_udp_queued_error {
    let e = &q.error;
    wl_udp_queued_error {
        len: q.len,
        error: e.errno,
        origin: e.origin.to_raw(),
        icmp_type: e.icmp_type,
        icmp_code: e.icmp_code,
        info: e.info,
        data: e.data,
        offender: match e.offender {
            Some(a) => ip_addr(a.ip()),
            None => unspec(),
        },
        destination: q.destination.as_ref().map_or_else(unspec, wl_addr::from_typed),
    }
}

// The body both error-queue reads share (their `forward_exports!` entries'
// `=> <body>`).
macro_rules! recv_error_body {
    ($sock:ident, $buf:ident, $len:ident, $out:ident) => {{
        let out = out_ptr($out, "out")?;
        // SAFETY: NULL or live handle; `buf` holds `len` writable bytes.
        let (s, buf) = unsafe { (borrow($sock)?, bytes_mut($buf.cast(), $len, "buf")?) };
        let mut control = [0u8; RECV_CONTROL_SPACE];
        let r = each_ip!(s, inet_only(), s => queued_out(&s.recv_error(buf, &mut control)?));
        // SAFETY: checked non-NULL.
        unsafe { out.write(r) };
        Ok(count(r.len))
    }};
}

forward_exports! {
    /// Reads one queued error from the error queue (`MSG_ERRQUEUE`, after
    /// `wl_dgram_set_recv_meta(sock, WL_META_ERRORS, true)`) into `*out`, the
    /// offending datagram's payload into `buf` (`len` may be 0). Never waits:
    /// an empty queue is `-EAGAIN`. Returns the payload bytes copied, or
    /// `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written
    /// only on success.
    ///
    /// `-EAGAIN`: the error queue is empty (this call never waits); nothing was
    /// consumed and `*out` is untouched. A queued error makes `wl_wait` report
    /// `WL_ERROR`.
    fn dgram_recv_error(
        sock: *const wl_dgram, buf: *mut c_void, len: usize, out: *mut wl_udp_queued_error,
    ) -> libc::ssize_t => recv_error_body!(sock, buf, len, out);

    /// Reads one queued error of a connected datagram socket (ICMP port
    /// unreachable from the peer, ...); as `wl_dgram_recv_error`.
    ///
    /// `-EAGAIN`: the error queue is empty (this call never waits); nothing was
    /// consumed. A queued error makes `wl_wait` report `WL_ERROR`.
    fn dgram_conn_recv_error(
        sock: *const wl_dgram_conn, buf: *mut c_void, len: usize, out: *mut wl_udp_queued_error,
    ) -> libc::ssize_t => recv_error_body!(sock, buf, len, out);
}

pub(super) fn pmtu_mode(mode: c_int) -> io::Result<PmtuDiscover> {
    Ok(match mode {
        WL_PMTUDISC_DONT => PmtuDiscover::Dont,
        WL_PMTUDISC_WANT => PmtuDiscover::Want,
        WL_PMTUDISC_DO => PmtuDiscover::Do,
        WL_PMTUDISC_PROBE => PmtuDiscover::Probe,
        WL_PMTUDISC_INTERFACE => PmtuDiscover::Interface,
        WL_PMTUDISC_OMIT => PmtuDiscover::Omit,
        m => {
            return Err(invalid_input(
                libc::EINVAL,
                format!("path MTU discovery mode {m} is not one of WL_PMTUDISC_*"),
            ));
        }
    })
}

pub(super) fn pmtu_raw(mode: PmtuDiscover) -> c_int {
    match mode {
        PmtuDiscover::Dont => WL_PMTUDISC_DONT,
        PmtuDiscover::Want => WL_PMTUDISC_WANT,
        PmtuDiscover::Do => WL_PMTUDISC_DO,
        PmtuDiscover::Probe => WL_PMTUDISC_PROBE,
        PmtuDiscover::Interface => WL_PMTUDISC_INTERFACE,
        PmtuDiscover::Omit => WL_PMTUDISC_OMIT,
    }
}

forward_exports! {
    /// Sets the path MTU discovery mode (`IP_MTU_DISCOVER` /
    /// `IPV6_MTU_DISCOVER`) to one of `WL_PMTUDISC_*`; set it before
    /// `wl_dgram_connect` to keep it on the connected socket. Returns 0, or
    /// `-EINVAL` (NULL, an unknown mode), `-EAFNOSUPPORT` (Unix), `-errno`.
    fn dgram_set_mtu_discover(sock: *const wl_dgram, mode: c_int) -> c_int => set_mtu_discover_body!(sock, mode);

    /// Writes the path MTU discovery mode (`WL_PMTUDISC_*`) to `*out`.
    /// Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix), `-errno`.
    fn dgram_mtu_discover(sock: *const wl_dgram, out: *mut c_int) -> c_int => mtu_discover_body!(sock, out);
}

/// Writes the path MTU the kernel knows towards the peer (`IP_MTU` /
/// `IPV6_MTU`) to `*out`. Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT`
/// (Unix), `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_path_mtu(sock: *const wl_dgram_conn, out: *mut u32) -> c_int {
    ffi_fn!("wl_dgram_conn_path_mtu", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let mtu = each_ip!(unsafe { borrow(sock)? }, inet_only(), s => s.path_mtu()?);
        // SAFETY: checked non-NULL.
        unsafe { out.write(mtu) };
        Ok(0)
    })
}
