//! Handles that are non-blocking from birth, for event loops (libuv,
//! libevent, epoll, asio): socket creation, accept and the socketpair
//! constructors take `flags`, so a loop never needs `fcntl(2)`. The
//! descriptor is created with `SOCK_NONBLOCK` by the call that makes it,
//! and always close-on-exec.

use std::ffi::{c_int, c_uint};

use super::addr::wl_addr;
use super::any::{ByDomain, RawAny, RawOf};
use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::dgram::wl_dgram_conn;
use super::handle::{borrow, give_out, out_ptr, pair_out, write_opt};
use super::listener::wl_listener;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{
    ConnectedDatagram, ConnectedStream, Datagram, DefaultProtocol, Domain, Inet, Ipv4, Ipv6, RawSocket, Stream,
    StreamProtocol, Unix,
};

/// Flag for `wl_raw_open`, `wl_listener_accept_flags`, `wl_conn_pair_flags`
/// and `wl_dgram_conn_pair_flags`, and for the other kinds'
/// `wl_seqpacket_raw_new`, `wl_seqpacket_listener_accept_flags`,
/// `wl_seqpacket_pair_flags`, `wl_icmp_raw_new` and `wl_rawip_raw_new`:
/// the new descriptor is non-blocking from
/// birth (`SOCK_NONBLOCK` given to `socket(2)` / `accept4(2)` /
/// `socketpair(2)`; no `fcntl`). A call that would wait on it returns
/// `-EAGAIN` instead (see each call). Close-on-exec is always on and needs
/// no flag. Its value is Wirelane's own, not `SOCK_NONBLOCK`'s.
pub const WL_NONBLOCK: c_uint = 1;

/// Every flag bit the calls above know.
const KNOWN_FLAGS: c_uint = WL_NONBLOCK;

/// Whether `flags` asks for non-blocking mode; unknown bits are an error
/// naming them. Shared by every call that takes `WL_NONBLOCK`.
pub(crate) fn nonblocking(flags: c_uint) -> std::io::Result<bool> {
    let unknown = flags & !KNOWN_FLAGS;
    if unknown != 0 {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "unknown flag bits {unknown:#x} in flags {flags:#x}: the only flag is WL_NONBLOCK (1); close-on-exec is always on"
            ),
        ));
    }
    Ok(flags & WL_NONBLOCK != 0)
}

fn unsupported_protocol(protocol: c_int, domain: &str, ty: &str, accepted: &str) -> std::io::Error {
    invalid_input(
        libc::EPROTONOSUPPORT,
        format!("protocol {protocol} is not supported for {domain} {ty} sockets: use {accepted}"),
    )
}

/// An internet stream socket: protocol 0 or `IPPROTO_TCP` is TCP,
/// `IPPROTO_MPTCP` Multipath TCP (`RawSocket::with_protocol`).
fn inet_stream<D: Inet>(protocol: c_int, nb: bool) -> std::io::Result<RawSocket<D, Stream>> {
    let protocol = match protocol {
        0 => StreamProtocol::Tcp,
        p => StreamProtocol::from_raw(p)
            .ok_or_else(|| unsupported_protocol(p, D::NAME, "SOCK_STREAM", "0, IPPROTO_TCP or IPPROTO_MPTCP"))?,
    };
    if nb {
        RawSocket::<D, Stream>::with_protocol_nonblocking(protocol)
    } else {
        RawSocket::<D, Stream>::with_protocol(protocol)
    }
}

/// A socket of a kind with one protocol per domain: `protocol` is 0 or
/// that protocol's number (`default`, e.g. `IPPROTO_UDP`; none for Unix).
fn single<D: Domain, T: DefaultProtocol<D>>(
    protocol: c_int,
    nb: bool,
    default: Option<(c_int, &str)>,
    ty: &str,
) -> std::io::Result<RawSocket<D, T>> {
    match (protocol, default) {
        (0, _) => {}
        (p, Some((number, _))) if p == number => {}
        (p, Some((_, name))) => return Err(unsupported_protocol(p, D::NAME, ty, &format!("0 or {name}"))),
        (p, None) => return Err(unsupported_protocol(p, D::NAME, ty, "0")),
    }
    if nb {
        RawSocket::new_nonblocking()
    } else {
        RawSocket::new()
    }
}

pub(crate) fn by_domain<T>(
    domain: c_int,
    v4: impl FnOnce() -> std::io::Result<RawSocket<Ipv4, T>>,
    v6: impl FnOnce() -> std::io::Result<RawSocket<Ipv6, T>>,
    unix: impl FnOnce() -> std::io::Result<RawSocket<Unix, T>>,
) -> std::io::Result<RawOf<T>>
where
    T: wirelane_core::SockType,
{
    Ok(match domain {
        libc::AF_INET => ByDomain::V4(v4()?),
        libc::AF_INET6 => ByDomain::V6(v6()?),
        libc::AF_UNIX => ByDomain::Unix(unix()?),
        other => {
            return Err(invalid_input(
                libc::EAFNOSUPPORT,
                format!("domain {other} is not supported: use AF_INET, AF_INET6 or AF_UNIX"),
            ));
        }
    })
}

/// Creates a socket (`socket(2)`, always `SOCK_CLOEXEC`), non-blocking from
/// birth with `WL_NONBLOCK` in `flags` (`SOCK_NONBLOCK`, no `fcntl`): the
/// creation call for event loops. `wl_raw_new(d, t, out)` is
/// `wl_raw_open(d, t, 0, 0, out)`.
///
/// `domain` is `AF_INET`, `AF_INET6` or `AF_UNIX`; `type` is `SOCK_STREAM`
/// or `SOCK_DGRAM` with no flag bits (pass `WL_NONBLOCK` in `flags`).
/// `protocol` 0 picks the default; an internet stream also takes
/// `IPPROTO_TCP` or `IPPROTO_MPTCP` (Multipath TCP: then `-ENOPROTOOPT`
/// when disabled by `net.mptcp.enabled`, `-EPROTONOSUPPORT` without kernel
/// support, each with a message naming the cause), an internet datagram
/// `IPPROTO_UDP`.
///
/// A non-blocking stream socket connects only with
/// `wl_raw_connect_nonblocking` (`wl_raw_connect` would return
/// `-EINPROGRESS`); its connection, and everything bound or connected from
/// a non-blocking `wl_raw`, stays non-blocking: calls that would wait
/// return `-EAGAIN`.
///
/// Ownership: on success `*out` receives a new handle the caller owns.
/// Returns 0, or `-EINVAL` (unknown `flags` bits, named by the last error;
/// NULL `out`), `-EAFNOSUPPORT` / `-EPROTOTYPE` / `-EPROTONOSUPPORT` for
/// an unsupported domain / type / protocol, or the `socket(2)` error
/// (`-EMFILE`, ...); `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_raw_open(
    domain: c_int,
    r#type: c_int,
    protocol: c_int,
    flags: c_uint,
    out: *mut *mut super::raw::wl_raw,
) -> c_int {
    ffi_fn!("wl_raw_open", {
        let out = out_ptr(out, "out")?;
        let nb = nonblocking(flags)?;
        let udp = Some((libc::IPPROTO_UDP, "IPPROTO_UDP"));
        let raw = match r#type {
            libc::SOCK_STREAM => RawAny::Stream(by_domain(
                domain,
                || inet_stream::<Ipv4>(protocol, nb),
                || inet_stream::<Ipv6>(protocol, nb),
                || single::<Unix, Stream>(protocol, nb, None, "SOCK_STREAM"),
            )?),
            libc::SOCK_DGRAM => RawAny::Dgram(by_domain(
                domain,
                || single::<Ipv4, Datagram>(protocol, nb, udp, "SOCK_DGRAM"),
                || single::<Ipv6, Datagram>(protocol, nb, udp, "SOCK_DGRAM"),
                || single::<Unix, Datagram>(protocol, nb, None, "SOCK_DGRAM"),
            )?),
            other if other & (libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) != 0 => {
                return Err(invalid_input(
                    libc::EPROTOTYPE,
                    format!(
                        "socket type {other:#x} carries SOCK_NONBLOCK/SOCK_CLOEXEC bits: pass SOCK_STREAM or SOCK_DGRAM alone, and WL_NONBLOCK in flags (close-on-exec is always on)"
                    ),
                ));
            }
            other => {
                return Err(invalid_input(
                    libc::EPROTOTYPE,
                    format!("socket type {other} is not supported: use SOCK_STREAM or SOCK_DGRAM"),
                ));
            }
        };
        // SAFETY: checked non-NULL; points to a `wl_raw *` (caller contract).
        unsafe { give_out(out, raw) }
    })
}

/// Accepts one connection as `wl_listener_accept` does, the new socket
/// non-blocking from birth with `WL_NONBLOCK` in `flags` (`accept4(2)`
/// with `SOCK_NONBLOCK | SOCK_CLOEXEC`, no `fcntl`):
/// `Listener::accept_nonblocking`. `flags` 0 accepts a blocking socket.
///
/// The flag concerns the new connection only; whether this call waits
/// depends on the listener. On a blocking listener it waits:
/// `wl_listener_shutdown` wakes it with `-EINVAL`.
///
/// `-EAGAIN`: no connection is queued on a non-blocking listener
/// (`wl_raw_open` with `WL_NONBLOCK`, `wl_listener_config.nonblocking`),
/// or a blocking listener's read timeout (`SO_RCVTIMEO`) passed. Nothing
/// was accepted and the outputs are untouched; retry when `wl_wait` (or
/// your loop) reports the listener `WL_READABLE`. An event loop accepts
/// its batch by calling this until `-EAGAIN`.
///
/// Ownership: borrows `listener`; on success `*out` receives a new
/// `wl_conn` the caller owns and `*peer` (if not NULL) the client's
/// address; outputs are written only on success. Returns 0, or `-EAGAIN`,
/// `-EINTR` (a signal interrupted the wait; nothing accepted),
/// `-ECONNABORTED` (a client gave up in the queue: accept again),
/// `-EMFILE` / `-ENFILE` (out of descriptors: the connection stays
/// queued), `-EINVAL` (unknown `flags` bits; NULL `listener`/`out`; the
/// listener was shut down), each named by the last error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_listener_accept_flags(
    listener: *const wl_listener,
    flags: c_uint,
    out: *mut *mut wl_conn,
    peer: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_listener_accept_flags", {
        let out = out_ptr(out, "out")?;
        let nb = nonblocking(flags)?;
        // SAFETY: `listener` is NULL or a live handle (caller contract).
        let listener = unsafe { borrow(listener) }?;
        macro_rules! accept {
            ($l:expr, $arm:path) => {{
                let (c, a) = if nb {
                    $l.accept_nonblocking()
                } else {
                    $l.accept_with_addr()
                }?;
                ($arm(c), wl_addr::from_typed(&a))
            }};
        }
        let (conn, addr) = match listener {
            ByDomain::V4(l) => accept!(l, ByDomain::V4),
            ByDomain::V6(l) => accept!(l, ByDomain::V6),
            ByDomain::Unix(l) => accept!(l, ByDomain::Unix),
        };
        // SAFETY: `peer` is NULL or points to a wl_addr (caller contract).
        unsafe { write_opt(peer, addr) };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn) }
    })
}

/// `wl_conn_pair` with flags: `WL_NONBLOCK` makes both ends non-blocking
/// from birth (`socketpair(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`):
/// `ConnectedStream::<Unix>::pair_nonblocking`. On them a recv with
/// nothing queued, or a send with the peer's buffer full, returns
/// `-EAGAIN` having moved nothing.
///
/// Ownership: on success `*a` and `*b` receive new handles the caller
/// owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
/// `flags` bits, NULL argument), `-EMFILE`, ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_pair_flags(flags: c_uint, a: *mut *mut wl_conn, b: *mut *mut wl_conn) -> c_int {
    ffi_fn!("wl_conn_pair_flags", {
        // SAFETY: `a` and `b` are NULL or writable (caller contract).
        unsafe {
            pair_out(a, b, || {
                let (x, y) = if nonblocking(flags)? {
                    ConnectedStream::pair_nonblocking()
                } else {
                    ConnectedStream::pair()
                }?;
                Ok((ByDomain::Unix(x), ByDomain::Unix(y)))
            })
        }
    })
}

/// `wl_dgram_conn_pair` with flags: `WL_NONBLOCK` makes both ends
/// non-blocking from birth (`socketpair(2)` with `SOCK_NONBLOCK |
/// SOCK_CLOEXEC`): `ConnectedDatagram::<Unix>::pair_nonblocking`.
///
/// Ownership: on success `*a` and `*b` receive new handles the caller
/// owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
/// `flags` bits, NULL argument), `-EMFILE`, ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_dgram_conn_pair_flags(
    flags: c_uint,
    a: *mut *mut wl_dgram_conn,
    b: *mut *mut wl_dgram_conn,
) -> c_int {
    ffi_fn!("wl_dgram_conn_pair_flags", {
        // SAFETY: `a` and `b` are NULL or writable (caller contract).
        unsafe {
            pair_out(a, b, || {
                let (x, y) = if nonblocking(flags)? {
                    ConnectedDatagram::pair_nonblocking()
                } else {
                    ConnectedDatagram::pair()
                }?;
                Ok((ByDomain::Unix(x), ByDomain::Unix(y)))
            })
        }
    })
}
