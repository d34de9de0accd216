//! Raw IP sockets (`SOCK_RAW`, see `raw(7)`) as typestate handles:
//! `wl_rawip_raw` → `wl_rawip` (bound: any host) → `wl_rawip_conn`
//! (connected: one host). They need `CAP_NET_RAW` in the user namespace
//! owning the current network namespace.
//!
//! Their own handle types rather than `wl_raw`/`wl_dgram`: the Rust states
//! are `RawSocket<D, RawIp>` (created only with a protocol) and
//! `BoundDatagram<D, RawIp>` / `ConnectedDatagram<D, RawIp>`, where an
//! address's port means nothing and IPv4 receives carry the IP header; a
//! raw socket handed to a UDP call would be a state mix-up the C compiler
//! now refuses. `wl_raw` keeps no protocol parameter (MPTCP's C face is
//! `wl_raw_open`, elsewhere).

use std::ffi::{c_int, c_uint, c_void};

use super::addr::wl_addr;
use super::boundary::{ffi_fn, forward_exports};
use super::by_inet::{ByInet, InetBound, InetConn, InetRaw, addr_arg, each_inet, inet_addr_step, inet_domain};
use super::handle::{borrow, bytes, bytes_mut, give_out, impl_handle, out_ptr, transition_addr_out, write_opt};
use super::nonblock::nonblocking;
use super::peer::count;
use wirelane_core::ffi_support::{AddrCodec, invalid_input};
use wirelane_core::{IpProtocol, Ipv4, Ipv6, MsgFlags, RawIp, RawSocket};

/// A fresh raw IP socket of one protocol (`RawSocket<D, RawIp>`, IPv4 or
/// IPv6): it can `wl_rawip_raw_bind` or `wl_rawip_raw_connect`. Options
/// such as `IP_HDRINCL` are set on its descriptor.
#[cfg_attr(all(), repr(C))]
pub struct wl_rawip_raw(super::handle::Tag, Option<InetRaw<RawIp>>);
impl_handle!(wl_rawip_raw, InetRaw<RawIp>);

/// A bound raw IP socket (`BoundDatagram<D, RawIp>`): it sends payloads to
/// any host (`wl_rawip_send_to`) and receives every packet of its protocol
/// (`wl_rawip_recv_from`; for IPv4 with the IP header in front).
#[cfg_attr(all(), repr(C))]
pub struct wl_rawip(super::handle::Tag, Option<InetBound<RawIp>>);
impl_handle!(wl_rawip, InetBound<RawIp>);

/// A raw IP socket locked to one host (`ConnectedDatagram<D, RawIp>`):
/// sends and receives take no address, packets from other hosts are
/// dropped.
#[cfg_attr(all(), repr(C))]
pub struct wl_rawip_conn(super::handle::Tag, Option<InetConn<RawIp>>);
impl_handle!(wl_rawip_conn, InetConn<RawIp>);

/// Creates a raw IP socket for IP protocol `protocol` (1 to 255, e.g.
/// `IPPROTO_ICMP`, `IPPROTO_UDP`; `socket(domain, SOCK_RAW | SOCK_CLOEXEC,
/// protocol)`): `RawSocket::<D, RawIp>::with_protocol`.
///
/// `flags` is 0 or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK`
/// given to `socket(2)`, no `fcntl`;
/// `RawSocket::<D, RawIp>::with_protocol_nonblocking`), for event loops;
/// the `wl_rawip` / `wl_rawip_conn` it becomes stays non-blocking, and
/// their sends and receives return `-EAGAIN` instead of waiting.
/// Close-on-exec is always on.
///
/// Ownership: on success `*out` receives a new handle the caller owns
/// (free it with `wl_rawip_raw_free` or pass it to a transition). Returns
/// 0, or `-EAFNOSUPPORT` (`domain` is not `AF_INET`/`AF_INET6`),
/// `-EPROTONOSUPPORT` (protocol 0, which names none), `-EINVAL` (protocol
/// outside 0..=255, unknown `flags` bits, NULL `out`; each named by the
/// last error), `-EPERM` (no `CAP_NET_RAW` over this network namespace;
/// the last error message says so), or the `socket(2)` error; `*out` is
/// written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_rawip_raw_new(
    domain: c_int,
    protocol: c_int,
    flags: c_uint,
    out: *mut *mut wl_rawip_raw,
) -> c_int {
    ffi_fn!("wl_rawip_raw_new", {
        let out = out_ptr(out, "out")?;
        let nb = nonblocking(flags)?;
        let v6 = inet_domain(domain, "raw IP")?;
        let protocol = u8::try_from(protocol).map(IpProtocol::new).map_err(|_| {
            invalid_input(
                libc::EINVAL,
                format!("IP protocol {protocol} is out of range: protocol numbers are 1 to 255"),
            )
        })?;
        let raw = match (v6, nb) {
            (true, false) => ByInet::V6(RawSocket::<Ipv6, RawIp>::with_protocol(protocol)?),
            (true, true) => ByInet::V6(RawSocket::<Ipv6, RawIp>::with_protocol_nonblocking(protocol)?),
            (false, false) => ByInet::V4(RawSocket::<Ipv4, RawIp>::with_protocol(protocol)?),
            (false, true) => ByInet::V4(RawSocket::<Ipv4, RawIp>::with_protocol_nonblocking(protocol)?),
        };
        // SAFETY: checked non-NULL; points to a handle pointer (caller contract).
        unsafe { give_out(out, raw) }
    })
}

forward_exports! {
    /// Binds to a local address (`bind(2)`; the port is ignored):
    /// `RawSocket<D, RawIp>::bind`. Only packets to that address arrive.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_rawip` to
    /// `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `bind(2)` error (`-EADDRNOTAVAIL`, ...).
    fn rawip_raw_bind(
        sock: *mut wl_rawip_raw, addr: *const wl_addr, out: *mut *mut wl_rawip,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(bind));

    /// Fixes the peer host (`connect(2)`; nothing is sent; the port is
    /// ignored): `RawSocket<D, RawIp>::connect`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_rawip_conn`
    /// to `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `connect(2)` error.
    ///
    /// Never returns `-EAGAIN`: a raw socket is bound to its protocol from
    /// creation, so there is no implicit bind, and a datagram connect never
    /// waits (a non-blocking socket connects with this call too).
    fn rawip_raw_connect(
        sock: *mut wl_rawip_raw, addr: *const wl_addr, out: *mut *mut wl_rawip_conn,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(connect));

    /// Fixes the peer host (`connect(2)`): `BoundDatagram<D, RawIp>::connect`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_rawip_conn`
    /// to `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `connect(2)` error.
    ///
    /// Never returns `-EAGAIN`: the socket is already bound, and a datagram
    /// connect never waits.
    fn rawip_connect(
        sock: *mut wl_rawip, addr: *const wl_addr, out: *mut *mut wl_rawip_conn,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(connect));
}

/// Sends one packet payload of `len` bytes to `*to` (`sendto(2)`,
/// `MSG_NOSIGNAL` added; the kernel writes the IP header unless
/// `IP_HDRINCL`): `BoundDatagram<D, RawIp>::send_to_with_flags`.
///
/// Returns the number of bytes sent, or `-EAFNOSUPPORT` (address of the
/// other family), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock`
/// or `to`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no room for the packet in the socket's send buffer, on a
/// non-blocking socket (`wl_rawip_raw_new` with `WL_NONBLOCK`,
/// `MSG_DONTWAIT`) or, on a blocking one, after the write timeout
/// (`SO_SNDTIMEO`). The packet was not sent (it goes whole or not at all);
/// retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_rawip_send_to(
    sock: *const wl_rawip,
    buf: *const c_void,
    len: usize,
    to: *const wl_addr,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_rawip_send_to", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf, to) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?, addr_arg(to)?) };
        let flags = MsgFlags::from_bits(flags);
        each_inet!(s, s => s.send_to_with_flags(buf, &to.to_typed()?, flags)).map(count)
    })
}

/// Receives one packet into `buf` (`recvfrom(2)`; IPv4 packets start with
/// their IP header): `BoundDatagram<D, RawIp>::recv_from_with_flags`. As
/// with `wl_dgram_recv_from`, a packet longer than `len` is truncated;
/// with `MSG_TRUNC` in `flags` its real length is returned. If `from` is
/// not NULL the sender's address (port 0) is written there.
///
/// Returns the packet's length, or `-EAGAIN` (non-blocking, or read
/// timeout), `-EINTR`, `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`).
/// `*from` is written only on success. Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no packet is queued, on a non-blocking socket
/// (`wl_rawip_raw_new` with `WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a
/// blocking one, after the read timeout (`SO_RCVTIMEO`). Nothing was
/// consumed and the outputs are untouched; retry when `wl_wait` (or your
/// event loop) reports `WL_READABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_rawip_recv_from(
    sock: *const wl_rawip,
    buf: *mut c_void,
    len: usize,
    from: *mut wl_addr,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_rawip_recv_from", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let flags = MsgFlags::from_bits(flags);
        let (n, addr) = each_inet!(s, s => s.recv_from_with_flags(buf, flags).map(|(n, a)| (n, a.to_raw()))?);
        // SAFETY: `from` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(from, wl_addr::from_raw(&addr)) };
        Ok(count(n))
    })
}

/// Sends one packet payload to the connected host (`send(2)`,
/// `MSG_NOSIGNAL` added): `ConnectedDatagram<D, RawIp>::send_with_flags`.
///
/// Returns the number of bytes sent, or `-EMSGSIZE`, `-EAGAIN`, `-EINTR`,
/// `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
/// allocation.
///
/// `-EAGAIN`: no room for the packet in the socket's send buffer, on a
/// non-blocking socket (`wl_rawip_raw_new` with `WL_NONBLOCK`,
/// `MSG_DONTWAIT`) or, on a blocking one, after the write timeout
/// (`SO_SNDTIMEO`). The packet was not sent (it goes whole or not at all);
/// retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_rawip_conn_send(
    sock: *const wl_rawip_conn,
    buf: *const c_void,
    len: usize,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_rawip_conn_send", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes(buf.cast(), len, "buf")?) };
        let flags = MsgFlags::from_bits(flags);
        each_inet!(s, s => s.send_with_flags(buf, flags)).map(count)
    })
}

/// Receives one packet from the connected host (`recv(2)`; IPv4 packets
/// start with their IP header): `ConnectedDatagram<D, RawIp>::recv_with_flags`.
/// Truncation as in `wl_rawip_recv_from`.
///
/// Returns the packet's length, or `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL
/// `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no packet is queued, on a non-blocking socket
/// (`wl_rawip_raw_new` with `WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a
/// blocking one, after the read timeout (`SO_RCVTIMEO`). Nothing was
/// consumed and the outputs are untouched; retry when `wl_wait` (or your
/// event loop) reports `WL_READABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_rawip_conn_recv(
    sock: *const wl_rawip_conn,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
) -> libc::ssize_t {
    ffi_fn!("wl_rawip_conn_recv", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, buf) = unsafe { (borrow(sock)?, bytes_mut(buf.cast(), len, "buf")?) };
        let flags = MsgFlags::from_bits(flags);
        each_inet!(s, s => s.recv_with_flags(buf, flags)).map(count)
    })
}
