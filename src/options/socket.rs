//! `SOL_SOCKET` options (see `socket(7)`): address reuse, buffer sizes,
//! linger, broadcast, mark, priority, receive low-water mark.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::check::{get_bool, int_in, positive_size, set_bool, whole_secs};
use crate::sys;

/// Allows binding to a local address still held by a socket in
/// `TIME_WAIT`, or (for a wildcard bind) alongside other sockets on the
/// same port (`SO_REUSEADDR`, see `socket(7)`). Set it before `bind`; a
/// server that restarts needs it to rebind its port at once.
pub fn set_reuse_address<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, enable)
}

/// Whether `SO_REUSEADDR` is set (see `socket(7)`).
pub fn reuse_address<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR)
}

/// Lets several sockets of the same user bind the very same address and
/// port (`SO_REUSEPORT`, see `socket(7)`); every one of them must set it
/// before `bind`. The kernel then spreads incoming connections (TCP) or
/// datagrams (UDP) across them, which is how multi-process servers balance
/// load without a shared accept queue. Internet sockets only: the kernel
/// refuses it on Unix sockets (`EOPNOTSUPP`).
pub fn set_reuse_port<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEPORT, enable)
}

/// Whether `SO_REUSEPORT` is set (see `socket(7)`).
pub fn reuse_port<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEPORT)
}

/// Requests a send buffer of `size` bytes (`SO_SNDBUF`, see `socket(7)`).
///
/// The kernel **doubles** the value (the extra half is for its own
/// bookkeeping) and [`send_buffer_size`] returns that doubled value. The
/// kernel caps the request at `net.core.wmem_max` before doubling and
/// raises it to a kernel minimum of a few KiB; read the result back to see
/// what you got. For TCP, setting it turns off send-buffer
/// autotuning for this socket. `size` must be in `1..=i32::MAX`.
pub fn set_send_buffer_size<S: AsFd + ?Sized>(socket: &S, size: usize) -> io::Result<()> {
    let size = positive_size("SO_SNDBUF", size)?;
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_SNDBUF, size)
}

/// The send buffer size the kernel uses (`SO_SNDBUF`, see `socket(7)`):
/// twice what was requested with [`set_send_buffer_size`].
pub fn send_buffer_size<S: AsFd + ?Sized>(socket: &S) -> io::Result<usize> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_SNDBUF)? as usize)
}

/// Requests a receive buffer of `size` bytes (`SO_RCVBUF`, see `socket(7)`).
///
/// The kernel **doubles** the value and [`recv_buffer_size`] returns the
/// doubled value. The request is capped at `net.core.rmem_max` before
/// doubling and raised to a kernel minimum of a few KiB.
/// For TCP, set it before `listen`/`connect`: the window scale is fixed at
/// the handshake, and setting it turns off receive-buffer autotuning.
/// `size` must be in `1..=i32::MAX`.
pub fn set_recv_buffer_size<S: AsFd + ?Sized>(socket: &S, size: usize) -> io::Result<()> {
    let size = positive_size("SO_RCVBUF", size)?;
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, size)
}

/// The receive buffer size the kernel uses (`SO_RCVBUF`, see `socket(7)`):
/// twice what was requested with [`set_recv_buffer_size`].
pub fn recv_buffer_size<S: AsFd + ?Sized>(socket: &S) -> io::Result<usize> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF)? as usize)
}

/// Sets what `close` does with unsent data (`SO_LINGER`, see `socket(7)`).
///
/// - `None` (the default): `close` returns at once and the kernel keeps
///   sending queued data in the background.
/// - `Some(t)`: `close` blocks until the data is sent and acknowledged or
///   `t` passes; on timeout the rest is discarded.
/// - `Some(Duration::ZERO)`: `close` discards queued data and resets the
///   connection (TCP sends `RST`, no `TIME_WAIT`).
///
/// The kernel counts whole seconds: `t` must be a whole number of seconds
/// in `0..=i32::MAX`.
pub fn set_linger<S: AsFd + ?Sized>(socket: &S, linger: Option<Duration>) -> io::Result<()> {
    let value = match linger {
        None => libc::linger {
            l_onoff: 0,
            l_linger: 0,
        },
        Some(d) => libc::linger {
            l_onoff: 1,
            l_linger: whole_secs("SO_LINGER", d, 0, libc::c_int::MAX as u64)?,
        },
    };
    sys::setsockopt(socket.as_fd(), libc::SOL_SOCKET, libc::SO_LINGER, &value)
}

/// The linger setting (`SO_LINGER`, see `socket(7)`): `None` when off.
pub fn linger<S: AsFd + ?Sized>(socket: &S) -> io::Result<Option<Duration>> {
    let value: libc::linger = sys::getsockopt(socket.as_fd(), libc::SOL_SOCKET, libc::SO_LINGER)?;
    Ok((value.l_onoff != 0).then(|| Duration::from_secs(value.l_linger.max(0) as u64)))
}

/// Allows sending datagrams to a broadcast address (`SO_BROADCAST`, see
/// `socket(7)`); without it such a `send_to` fails with `EACCES`.
pub fn set_broadcast<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_BROADCAST, enable)
}

/// Whether `SO_BROADCAST` is set (see `socket(7)`).
pub fn broadcast<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_BROADCAST)
}

/// Tags every packet of the socket with a firewall mark (`SO_MARK`, see
/// `socket(7)`), which routing rules (`ip rule fwmark`) and netfilter can
/// match. Needs `CAP_NET_RAW` or `CAP_NET_ADMIN`; without it the kernel
/// answers `EPERM`.
pub fn set_mark<S: AsFd + ?Sized>(socket: &S, mark: u32) -> io::Result<()> {
    sys::setsockopt(socket.as_fd(), libc::SOL_SOCKET, libc::SO_MARK, &mark)
}

/// The socket's firewall mark (`SO_MARK`, see `socket(7)`); 0 when unset.
pub fn mark<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    sys::getsockopt::<u32>(socket.as_fd(), libc::SOL_SOCKET, libc::SO_MARK)
}

/// Sets the queueing priority of the socket's packets (`SO_PRIORITY`, see
/// `socket(7)`), used by queueing disciplines to pick a band. Values
/// `0..=6` are open to everyone; higher ones need `CAP_NET_ADMIN` (else
/// `EPERM`). `priority` must be at most `i32::MAX`.
pub fn set_priority<S: AsFd + ?Sized>(socket: &S, priority: u32) -> io::Result<()> {
    let value = int_in("SO_PRIORITY", "", u64::from(priority), 0, libc::c_int::MAX as u64)?;
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_PRIORITY, value)
}

/// The socket's queueing priority (`SO_PRIORITY`, see `socket(7)`).
pub fn priority<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_PRIORITY)? as u32)
}

/// Makes blocking receives (and readiness for `poll`/`epoll`) wait until at
/// least `bytes` bytes are queued (`SO_RCVLOWAT`, see `socket(7)`); a
/// receive still returns less at end of stream, on a signal, on an error or
/// when a timeout expires. `bytes` must be in `1..=i32::MAX` (the kernel
/// would turn 0 into 1). The send-side twin, `SO_SNDLOWAT`, cannot be
/// changed on Linux.
pub fn set_recv_low_watermark<S: AsFd + ?Sized>(socket: &S, bytes: usize) -> io::Result<()> {
    let value = positive_size("SO_RCVLOWAT", bytes)?;
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_RCVLOWAT, value)
}

/// The receive low-water mark (`SO_RCVLOWAT`, see `socket(7)`); 1 by default.
pub fn recv_low_watermark<S: AsFd + ?Sized>(socket: &S) -> io::Result<usize> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_RCVLOWAT)? as usize)
}
