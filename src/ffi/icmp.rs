//! ICMP echo ("ping") sockets as typestate handles: `wl_icmp_raw` →
//! `wl_icmp` (bound: ping anyone) → `wl_icmp_conn` (connected: ping one
//! host), over `SOCK_DGRAM` with `IPPROTO_ICMP` / `IPPROTO_ICMPV6`.
//!
//! Their own handle types rather than `wl_raw`/`wl_dgram`: the Rust states
//! are `BoundDatagram<D, Icmp>` / `ConnectedDatagram<D, Icmp>`, a kind of
//! their own whose operations (echo request out, echo reply in, the
//! identifier) make no sense on UDP, and whose UDP operations (`send_to`
//! of arbitrary bytes to a port) make no sense here. Separate C types keep
//! that split checked by the C compiler, as the Rust types do.
//!
//! Opening one needs no privilege, only a group inside
//! `net.ipv4.ping_group_range` (which governs ICMPv6 as well); outside it
//! the kernel refuses with `EACCES` and the message quotes the range.

use std::ffi::{c_int, c_uint, c_void};

use super::addr::wl_addr;
use super::boundary::{ffi_fn, forward_exports};
use super::by_inet::{ByInet, InetBound, InetConn, InetRaw, addr_arg, each_inet, inet_addr_step, inet_domain};
use super::handle::{borrow, bytes, bytes_mut, give_out, impl_handle, out_ptr, transition_addr_out, write_opt};
use super::nonblock::nonblocking;
use super::peer::count;
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::{EchoReply, Icmp, RawSocket};

/// A fresh ICMP echo socket (`RawSocket<D, Icmp>`, IPv4 or IPv6): it can
/// `wl_icmp_raw_bind` (ping anyone) or `wl_icmp_raw_connect` (ping one
/// host). Options that must precede binding (`SO_BINDTODEVICE`, ...) are
/// set on its descriptor.
#[cfg_attr(all(), repr(C))]
pub struct wl_icmp_raw(super::handle::Tag, Option<InetRaw<Icmp>>);
impl_handle!(wl_icmp_raw, InetRaw<Icmp>);

/// A bound ICMP echo socket (`BoundDatagram<D, Icmp>`): it sends echo
/// requests to any host (`wl_icmp_send_echo_to`) and receives the replies
/// (`wl_icmp_recv_echo_from`). `wl_icmp_connect` fixes one host.
#[cfg_attr(all(), repr(C))]
pub struct wl_icmp(super::handle::Tag, Option<InetBound<Icmp>>);
impl_handle!(wl_icmp, InetBound<Icmp>);

/// An ICMP echo socket locked to one host (`ConnectedDatagram<D, Icmp>`):
/// `wl_icmp_conn_send_echo` / `wl_icmp_conn_recv_echo` take no address and
/// only that host's replies arrive.
#[cfg_attr(all(), repr(C))]
pub struct wl_icmp_conn(super::handle::Tag, Option<InetConn<Icmp>>);
impl_handle!(wl_icmp_conn, InetConn<Icmp>);

/// One received echo reply (`EchoReply`): the header fields, and how many
/// payload bytes were written to the caller's buffer.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_echo_reply {
    /// The identifier: this socket's (the kernel delivers only replies
    /// carrying it); equal to `wl_icmp_ident`.
    pub ident: u16,
    /// The sequence number, copied by the peer from the request.
    pub seq: u16,
    /// The payload length (the bytes now at the front of the buffer).
    pub len: usize,
}

impl From<EchoReply> for wl_echo_reply {
    fn from(r: EchoReply) -> Self {
        Self {
            ident: r.ident,
            seq: r.seq,
            len: r.len,
        }
    }
}

/// Writes `reply` to a non-NULL `out` and returns its payload length.
///
/// # Safety
/// `out` is NULL or points to a writable `wl_echo_reply`.
unsafe fn report(reply: EchoReply, out: *mut wl_echo_reply) -> libc::ssize_t {
    // SAFETY: caller contract.
    unsafe { write_opt(out, reply.into()) };
    count(reply.len)
}

/// Creates an ICMP echo socket (`socket(domain, SOCK_DGRAM | SOCK_CLOEXEC,
/// IPPROTO_ICMP)`, or `IPPROTO_ICMPV6` for `AF_INET6`):
/// `RawSocket::<D, Icmp>::new`. No privilege is needed, but the process's
/// group must be inside `net.ipv4.ping_group_range`.
///
/// `flags` is 0 or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK`
/// given to `socket(2)`, no `fcntl`; `RawSocket::new_nonblocking`), for
/// event loops; the `wl_icmp` / `wl_icmp_conn` it becomes stays
/// non-blocking, and their sends and receives return `-EAGAIN` instead of
/// waiting. Close-on-exec is always on.
///
/// Ownership: on success `*out` receives a new handle the caller owns
/// (free it with `wl_icmp_raw_free` or pass it to a transition). Returns
/// 0, or `-EAFNOSUPPORT` (`domain` is not `AF_INET`/`AF_INET6`), `-EACCES`
/// (group outside `net.ipv4.ping_group_range`; the last error message
/// quotes the range), `-EINVAL` (unknown `flags` bits, named by the last
/// error; NULL `out`), or the `socket(2)` error; `*out` is written only on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_raw_new(domain: c_int, flags: c_uint, out: *mut *mut wl_icmp_raw) -> c_int {
    ffi_fn!("wl_icmp_raw_new", {
        let out = out_ptr(out, "out")?;
        let nb = nonblocking(flags)?;
        let raw = if inet_domain(domain, "ICMP echo")? {
            ByInet::V6(if nb {
                RawSocket::new_nonblocking()
            } else {
                RawSocket::new()
            }?)
        } else {
            ByInet::V4(if nb {
                RawSocket::new_nonblocking()
            } else {
                RawSocket::new()
            }?)
        };
        // SAFETY: checked non-NULL; points to a handle pointer (caller contract).
        unsafe { give_out(out, raw) }
    })
}

forward_exports! {
    /// Binds to a local address (`bind(2)`; its port is the echo identifier,
    /// 0 lets the kernel pick one): `RawSocket<D, Icmp>::bind`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_icmp` to
    /// `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT` (address of the
    /// other family), `-EINVAL` (NULL argument, malformed address), or the
    /// `bind(2)` error.
    fn icmp_raw_bind(
        sock: *mut wl_icmp_raw, addr: *const wl_addr, out: *mut *mut wl_icmp,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(bind));

    /// Fixes the host to ping (`connect(2)`; nothing is sent; the port is
    /// ignored): `RawSocket<D, Icmp>::connect`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_icmp_conn`
    /// to `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `connect(2)` error (`-ENETUNREACH`, ...).
    ///
    /// `-EAGAIN`: never a readiness condition, since a datagram connect never
    /// waits (a non-blocking socket connects with this call too); only when
    /// the implicit bind finds no free echo identifier (every one is taken by
    /// another ICMP socket). Nothing changed and `sock` stays a fresh
    /// `wl_icmp_raw`, still owned by the caller: retry once identifiers are
    /// free, or bind first.
    fn icmp_raw_connect(
        sock: *mut wl_icmp_raw, addr: *const wl_addr, out: *mut *mut wl_icmp_conn,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(connect));

    /// Fixes the host to ping (`connect(2)`): `BoundDatagram<D, Icmp>::connect`.
    ///
    /// Ownership: on success consumes `sock` and writes a new `wl_icmp_conn`
    /// to `*out`; on failure `sock` stays valid and owned by the caller and
    /// `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
    /// `connect(2)` error.
    ///
    /// Never returns `-EAGAIN`: the socket is already bound (it has its
    /// identifier), and a datagram connect never waits.
    fn icmp_connect(
        sock: *mut wl_icmp, addr: *const wl_addr, out: *mut *mut wl_icmp_conn,
    ) -> c_int = transition_addr_out(sock, addr, out, inet_addr_step!(connect));
}

/// Sends an echo request with sequence number `seq` and `len` bytes of
/// `payload` to `*to` (its port is ignored; `sendmsg(2)`):
/// `BoundDatagram<D, Icmp>::send_echo_to`. The kernel fills in the checksum
/// and this socket's identifier.
///
/// Returns 0, or `-EAFNOSUPPORT` (address of the other family),
/// `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock` or `to`, NULL
/// `payload` with `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no room for the request in the socket's send buffer, on a
/// non-blocking socket (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a
/// blocking one, after the write timeout (`SO_SNDTIMEO`). The request was
/// not sent (it goes whole or not at all); retry when `wl_wait` (or your
/// event loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_send_echo_to(
    sock: *const wl_icmp,
    to: *const wl_addr,
    seq: u16,
    payload: *const c_void,
    len: usize,
) -> c_int {
    ffi_fn!("wl_icmp_send_echo_to", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, to, payload) = unsafe { (borrow(sock)?, addr_arg(to)?, bytes(payload.cast(), len, "payload")?) };
        each_inet!(s, s => s.send_echo_to(&to.to_typed()?, seq, payload))?;
        Ok(0)
    })
}

/// Receives one echo reply (`recvmsg(2)`): its payload goes to `payload`
/// (`len` bytes), its header fields to `*reply` (if not NULL) and the
/// replying host to `*from` (if not NULL):
/// `BoundDatagram<D, Icmp>::recv_echo_from`.
///
/// Returns the payload length, or `-EMSGSIZE` when the reply's payload is
/// longer than `len` (reported, never silently cut: `payload` holds its
/// first `len` bytes, the rest is gone), `-EINVAL` for a message that is
/// not an echo reply (the last error message names its type) or a NULL
/// `sock` / NULL `payload` with `len > 0`, `-EAGAIN` (non-blocking, or read
/// timeout), `-EINTR`. Outputs are written only on success. Borrows `sock`.
///
/// `-EAGAIN`: no reply is queued, on a non-blocking socket
/// (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a blocking one, after the
/// read timeout (`SO_RCVTIMEO`). Nothing was consumed and the outputs are
/// untouched; retry when `wl_wait` (or your event loop) reports
/// `WL_READABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_recv_echo_from(
    sock: *const wl_icmp,
    payload: *mut c_void,
    len: usize,
    reply: *mut wl_echo_reply,
    from: *mut wl_addr,
) -> libc::ssize_t {
    ffi_fn!("wl_icmp_recv_echo_from", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, payload) = unsafe { (borrow(sock)?, bytes_mut(payload.cast(), len, "payload")?) };
        let (r, addr) = each_inet!(s, s => s.recv_echo_from(payload).map(|(r, a)| (r, a.to_raw()))?);
        // SAFETY: `from` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(from, wl_addr::from_raw(&addr)) };
        // SAFETY: `reply` is NULL or writable (caller contract).
        Ok(unsafe { report(r, reply) })
    })
}

/// The echo identifier the kernel uses for this socket (the port of its
/// local address): `BoundDatagram<D, Icmp>::ident`.
///
/// Returns the identifier (0 to 65535), or `-EINVAL` (NULL `sock`) or the
/// `getsockname(2)` error. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_ident(sock: *const wl_icmp) -> c_int {
    ffi_fn!("wl_icmp_ident", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        each_inet!(unsafe { borrow(sock) }?, s => s.ident()).map(c_int::from)
    })
}

/// Sends an echo request with sequence number `seq` and `len` bytes of
/// `payload` to the connected host: `ConnectedDatagram<D, Icmp>::send_echo`.
///
/// Returns 0, or `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-ECONNREFUSED` (an
/// earlier request drew an ICMP error), `-EINVAL` (NULL `sock`, NULL
/// `payload` with `len > 0`). Borrows `sock`; no allocation.
///
/// `-EAGAIN`: no room for the request in the socket's send buffer, on a
/// non-blocking socket (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a
/// blocking one, after the write timeout (`SO_SNDTIMEO`). The request was
/// not sent; retry when `wl_wait` (or your event loop) reports
/// `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_conn_send_echo(
    sock: *const wl_icmp_conn,
    seq: u16,
    payload: *const c_void,
    len: usize,
) -> c_int {
    ffi_fn!("wl_icmp_conn_send_echo", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, payload) = unsafe { (borrow(sock)?, bytes(payload.cast(), len, "payload")?) };
        each_inet!(s, s => s.send_echo(seq, payload))?;
        Ok(0)
    })
}

/// Receives one echo reply from the connected host: its payload into
/// `payload` (`len` bytes), its header fields to `*reply` (if not NULL):
/// `ConnectedDatagram<D, Icmp>::recv_echo`.
///
/// Returns the payload length, or `-EMSGSIZE` (payload longer than `len`;
/// `payload` holds its first `len` bytes), `-EINVAL` (not an echo reply,
/// NULL `sock`, NULL `payload` with `len > 0`), `-EAGAIN`, `-EINTR`.
/// `*reply` is written only on success. Borrows `sock`.
///
/// `-EAGAIN`: no reply is queued, on a non-blocking socket
/// (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a blocking one, after the
/// read timeout (`SO_RCVTIMEO`). Nothing was consumed and `payload` and
/// `*reply` are untouched; retry when `wl_wait` (or your event loop)
/// reports `WL_READABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_conn_recv_echo(
    sock: *const wl_icmp_conn,
    payload: *mut c_void,
    len: usize,
    reply: *mut wl_echo_reply,
) -> libc::ssize_t {
    ffi_fn!("wl_icmp_conn_recv_echo", {
        // SAFETY: pointers NULL or valid (caller contract).
        let (s, payload) = unsafe { (borrow(sock)?, bytes_mut(payload.cast(), len, "payload")?) };
        let r = each_inet!(s, s => s.recv_echo(payload))?;
        // SAFETY: `reply` is NULL or writable (caller contract).
        Ok(unsafe { report(r, reply) })
    })
}

/// The echo identifier the kernel uses for this socket:
/// `ConnectedDatagram<D, Icmp>::ident`.
///
/// Returns the identifier (0 to 65535), or `-EINVAL` (NULL `sock`) or the
/// `getsockname(2)` error. Borrows `sock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_icmp_conn_ident(sock: *const wl_icmp_conn) -> c_int {
    ffi_fn!("wl_icmp_conn_ident", {
        // SAFETY: `sock` is NULL or a live handle (caller contract).
        each_inet!(unsafe { borrow(sock) }?, s => s.ident()).map(c_int::from)
    })
}
