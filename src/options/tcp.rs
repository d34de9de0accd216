//! `IPPROTO_TCP` options (see `tcp(7)`): Nagle, corking, delayed ACKs, Fast
//! Open, user timeout, congestion control. Keepalive tuning lives in
//! `keepalive.rs`, `TCP_INFO` in `info.rs`.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::check::{get_bool, int_in, out_of_range, set_bool};
use crate::error::invalid_input;
use crate::sys;

/// The kernel's limit on a congestion-control name, NUL included.
const TCP_CA_NAME_MAX: usize = 16;

/// Disables (`true`) or re-enables Nagle's algorithm (`TCP_NODELAY`, see
/// `tcp(7)`). With Nagle on, the kernel holds back a small segment while
/// earlier data is unacknowledged, to coalesce writes; with `TCP_NODELAY`
/// every write is sent at once, which latency-sensitive protocols want.
/// Setting it also flushes anything Nagle was holding back.
pub fn set_tcp_nodelay<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_NODELAY, enable)
}

/// Whether `TCP_NODELAY` is set (see `tcp(7)`).
pub fn tcp_nodelay<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_NODELAY)
}

/// Corks (`true`) or uncorks the connection (`TCP_CORK`, see `tcp(7)`).
/// While corked the kernel sends only full-sized segments, so a header and
/// a body written separately leave in one packet; uncorking sends what is
/// left. The kernel sends a partial segment anyway after 200 ms.
pub fn set_tcp_cork<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_CORK, enable)
}

/// Whether `TCP_CORK` is set (see `tcp(7)`).
pub fn tcp_cork<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_CORK)
}

/// Enters (`true`) or leaves quick-ACK mode (`TCP_QUICKACK`, see `tcp(7)`):
/// in quick-ACK mode the kernel acknowledges every segment at once instead
/// of delaying ACKs.
///
/// The mode is not permanent: the kernel's own heuristics switch between
/// quick and delayed ACKs as traffic flows, so a program that wants it
/// throughout sets it again after each receive. [`tcp_quickack`] reports
/// the mode at the moment of the call.
pub fn set_tcp_quickack<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_QUICKACK, enable)
}

/// Whether the connection is in quick-ACK mode right now (`TCP_QUICKACK`,
/// see `tcp(7)`).
pub fn tcp_quickack<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_QUICKACK)
}

/// Enables TCP Fast Open on a server socket (`TCP_FASTOPEN`, see
/// `tcp(7)`): clients holding a valid cookie may send data in their `SYN`,
/// delivered to `accept` before the handshake completes. `qlen` bounds the
/// number of such not-yet-completed connections; 0 turns Fast Open off.
///
/// Set it on the socket before or after `listen` (the kernel refuses it in
/// any other state with `EINVAL`). The kernel caps `qlen` at
/// `net.core.somaxconn`, and [`tcp_fastopen`] returns the capped value.
/// The server side is used only when bit `0x2` of `net.ipv4.tcp_fastopen`
/// is set. `qlen` must be at most `i32::MAX`.
pub fn set_tcp_fastopen<S: AsFd + ?Sized>(socket: &S, qlen: u32) -> io::Result<()> {
    let qlen = int_in("TCP_FASTOPEN", "", u64::from(qlen), 0, libc::c_int::MAX as u64)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_FASTOPEN, qlen)
}

/// The Fast Open queue length (`TCP_FASTOPEN`, see `tcp(7)`); 0 when off.
pub fn tcp_fastopen<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_FASTOPEN)?.max(0) as u32)
}

/// Enables client-side TCP Fast Open (`TCP_FASTOPEN_CONNECT`, see
/// `tcp(7)`), set before `connect`. `connect` then returns at once without
/// a handshake, and the first write sends the `SYN` carrying the data (and
/// the server's cookie, once one is cached; the first connection to a
/// server only fetches the cookie). Needs bit `0x1` of
/// `net.ipv4.tcp_fastopen` (the default); otherwise `EOPNOTSUPP`. On a
/// socket that is already connecting or connected the kernel answers
/// `EINVAL`.
pub fn set_tcp_fastopen_connect<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_FASTOPEN_CONNECT, enable)
}

/// Whether `TCP_FASTOPEN_CONNECT` is set (see `tcp(7)`).
pub fn tcp_fastopen_connect<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_FASTOPEN_CONNECT)
}

/// Bounds how long sent data may stay unacknowledged (or the peer's window
/// stay closed) before the kernel gives up on the connection with
/// `ETIMEDOUT` (`TCP_USER_TIMEOUT`, see `tcp(7)`, RFC 5482). It also
/// overrides keepalive's probe count when keepalive is on. `None` restores
/// the kernel's default retransmission limits.
///
/// The kernel counts whole milliseconds: the timeout must be a whole number
/// of milliseconds in `1..=i32::MAX` ms.
pub fn set_tcp_user_timeout<S: AsFd + ?Sized>(socket: &S, timeout: Option<Duration>) -> io::Result<()> {
    let ms = match timeout {
        None => 0,
        Some(d) => {
            let max = libc::c_int::MAX as u128;
            if d.subsec_nanos() % 1_000_000 != 0 || d.as_millis() < 1 || d.as_millis() > max {
                return Err(out_of_range(
                    "TCP_USER_TIMEOUT",
                    &format!("a whole number of milliseconds in 1..={max} ms (or None to disable)"),
                    format_args!("{d:?}"),
                ));
            }
            d.as_millis() as libc::c_int
        }
    };
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, ms)
}

/// The user timeout (`TCP_USER_TIMEOUT`, see `tcp(7)`); `None` when unset.
pub fn tcp_user_timeout<S: AsFd + ?Sized>(socket: &S) -> io::Result<Option<Duration>> {
    let ms = sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT)?;
    Ok((ms > 0).then(|| Duration::from_millis(ms as u64)))
}

/// Selects the congestion-control algorithm for this socket
/// (`TCP_CONGESTION`, see `tcp(7)`), e.g. `"cubic"`, `"reno"`, `"bbr"`.
///
/// The name must be 1 to 15 bytes without NUL (checked first; the kernel
/// would truncate). The kernel answers `ENOENT` for an algorithm that is
/// not available (see `net.ipv4.tcp_available_congestion_control`; it may
/// load a module) and `EPERM` for one outside
/// `net.ipv4.tcp_allowed_congestion_control` without `CAP_NET_ADMIN`.
pub fn set_tcp_congestion<S: AsFd + ?Sized>(socket: &S, algorithm: &str) -> io::Result<()> {
    if algorithm.is_empty() || algorithm.len() >= TCP_CA_NAME_MAX || algorithm.contains('\0') {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "TCP_CONGESTION: algorithm name must be 1..={} bytes without NUL, got {algorithm:?}",
                TCP_CA_NAME_MAX - 1
            ),
        ));
    }
    sys::setsockopt_bytes(
        socket.as_fd(),
        libc::IPPROTO_TCP,
        libc::TCP_CONGESTION,
        algorithm.as_bytes(),
    )
}

/// The congestion-control algorithm in use (`TCP_CONGESTION`, see `tcp(7)`).
pub fn tcp_congestion<S: AsFd + ?Sized>(socket: &S) -> io::Result<String> {
    let mut buf = [0u8; TCP_CA_NAME_MAX];
    let len = sys::getsockopt_bytes(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_CONGESTION, &mut buf)?;
    let bytes = &buf[..len.min(TCP_CA_NAME_MAX)];
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "TCP_CONGESTION: algorithm name is not UTF-8",
        )
    })
}
