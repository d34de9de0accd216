//! Socket options: one C function per Rust option function, taking the
//! descriptor (`wl_<state>_fd(h)`) the way the Rust functions take any
//! `AsFd`. Getters write to an out-parameter and return 0 or `-errno`.

use std::ffi::{c_char, c_int};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use super::boundary::ffi_fn;
use super::handle::{bytes, c_str, copy_out_truncating, out_ptr};
use wirelane_core::ffi_support::invalid_input;
// The core's option functions, reachable as `crate::options::<name>` from
// the exports below (this module is the C face of `wirelane::options`).
#[allow(unused_imports)]
use wirelane_core::options::*;

/// Borrows a caller's descriptor for one call.
///
/// # Safety
/// A non-negative `fd` must stay open for the duration of the call (a
/// closed one makes the syscall fail with `EBADF`).
pub(crate) unsafe fn fd_arg<'a>(fd: c_int) -> io::Result<BorrowedFd<'a>> {
    if fd < 0 {
        return Err(invalid_input(libc::EBADF, format!("{fd} is not a file descriptor")));
    }
    // SAFETY: non-negative, and open for the call (caller contract).
    Ok(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// Whole seconds of a duration, saturating at `u32::MAX`.
fn secs(d: Duration) -> u32 {
    d.as_secs().min(u64::from(u32::MAX)) as u32
}

/// Four bytes in network order as an IPv4 address.
unsafe fn ipv4_arg(ptr: *const u8, what: &'static str) -> io::Result<Ipv4Addr> {
    // SAFETY: a non-NULL `ptr` points to 4 bytes (caller contract).
    let b = unsafe { bytes(ptr, 4, what) }?;
    Ok(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

/// Sixteen bytes in network order as an IPv6 address.
unsafe fn ipv6_arg(ptr: *const u8, what: &'static str) -> io::Result<Ipv6Addr> {
    // SAFETY: a non-NULL `ptr` points to 16 bytes (caller contract).
    let b = unsafe { bytes(ptr, 16, what) }?;
    let mut octets = [0u8; 16];
    octets.copy_from_slice(b);
    Ok(Ipv6Addr::from(octets))
}

/// Sets what `close` does with unsent data (`SO_LINGER`, see `socket(7)`):
/// `wirelane::set_linger`.
///
/// - `enable` false (the default): `close` returns at once and the kernel
///   keeps sending queued data in the background (`seconds` is ignored).
/// - `enable` true: `close` blocks until the data is sent and acknowledged
///   or `seconds` pass; on timeout the rest is discarded.
/// - `enable` true, `seconds` 0: `close` discards queued data and resets
///   the connection (TCP sends `RST`, no `TIME_WAIT`).
///
/// `fd` is any socket descriptor, e.g. from `wl_conn_fd`. Returns 0, or
/// `-EINVAL` for `seconds` above `INT_MAX`, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_linger(fd: c_int, enable: bool, seconds: u32) -> c_int {
    ffi_fn!("wl_set_linger", {
        let linger = enable.then(|| Duration::from_secs(u64::from(seconds)));
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_linger(&unsafe { fd_arg(fd) }?, linger)?;
        Ok(0)
    })
}

/// The linger setting (`SO_LINGER`, see `socket(7)`): `wirelane::linger`.
/// Writes whether it is on to `*enabled` and its time to `*seconds` (0
/// when off). `fd` is any socket descriptor.
///
/// Returns 0 or `-errno`; the outputs are written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_linger(fd: c_int, enabled: *mut bool, seconds: *mut u32) -> c_int {
    ffi_fn!("wl_linger", {
        let enabled = out_ptr(enabled, "enabled")?;
        let seconds = out_ptr(seconds, "seconds")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::linger(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: both checked non-NULL.
        unsafe {
            enabled.write(value.is_some());
            seconds.write(value.map_or(0, secs));
        }
        Ok(0)
    })
}

/// Bounds how long sent data may stay unacknowledged (or the peer's window
/// stay closed) before the kernel gives up on the connection with
/// `ETIMEDOUT` (`TCP_USER_TIMEOUT`, see `tcp(7)`, RFC 5482):
/// `wirelane::set_tcp_user_timeout`. It also overrides keepalive's probe
/// count when keepalive is on. `millis` 0 restores the kernel's default
/// retransmission limits.
///
/// `fd` is any TCP socket descriptor. Returns 0, or `-EINVAL` for `millis`
/// above `INT_MAX`, or `-errno` (`-ENOPROTOOPT` on a non-TCP socket).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_user_timeout(fd: c_int, millis: u32) -> c_int {
    ffi_fn!("wl_set_tcp_user_timeout", {
        let timeout = (millis != 0).then(|| Duration::from_millis(u64::from(millis)));
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_user_timeout(&unsafe { fd_arg(fd) }?, timeout)?;
        Ok(0)
    })
}

/// The user timeout (`TCP_USER_TIMEOUT`, see `tcp(7)`) in milliseconds, 0
/// when unset: `wirelane::tcp_user_timeout`.
///
/// Returns 0 or `-errno`; `*out_ms` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_user_timeout(fd: c_int, out_ms: *mut u32) -> c_int {
    ffi_fn!("wl_tcp_user_timeout", {
        let out = out_ptr(out_ms, "out_ms")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_user_timeout(&unsafe { fd_arg(fd) }?)?;
        let ms = value.map_or(0, |d| d.as_millis().min(u128::from(u32::MAX)) as u32);
        // SAFETY: checked non-NULL.
        unsafe { out.write(ms) };
        Ok(0)
    })
}

/// Binds the socket to a network interface (`SO_BINDTODEVICE`, see
/// `socket(7)`): `wirelane::bind_device`. It then only receives packets
/// that arrived on that interface and sends through it, whatever the
/// routing table says. `interface` NULL removes the binding.
///
/// The name must be 1 to 15 bytes (`IFNAMSIZ - 1`, checked first: the
/// kernel would silently truncate). Returns 0, or `-EINVAL` (bad name),
/// `-ENODEV` (no such interface), `-EPERM` (changing an existing binding
/// without `CAP_NET_RAW`), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bind_device(fd: c_int, interface: *const c_char) -> c_int {
    ffi_fn!("wl_bind_device", {
        let name = if interface.is_null() {
            None
        } else {
            // SAFETY: a non-NULL `interface` is a C string (caller contract).
            Some(unsafe { c_str(interface, "interface") }?)
        };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::bind_device(&unsafe { fd_arg(fd) }?, name)?;
        Ok(0)
    })
}

/// Copies the name of the interface the socket is bound to
/// (`SO_BINDTODEVICE`, see `socket(7)`) into `buf` (`len` bytes, always
/// NUL-terminated when `len > 0`): `wirelane::bound_device`.
///
/// Returns the name's length (0 when not bound; `>= len` means truncated,
/// as `snprintf`), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_device(fd: c_int, buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_bound_device", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let name = crate::options::bound_device(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: a non-NULL `buf` holds `len` writable bytes.
        let n = unsafe { copy_out_truncating(name.as_deref().unwrap_or(""), buf, len) }?;
        Ok(n as c_int)
    })
}

/// Selects the congestion-control algorithm for this socket
/// (`TCP_CONGESTION`, see `tcp(7)`), e.g. `"cubic"`, `"reno"`, `"bbr"`:
/// `wirelane::set_tcp_congestion`.
///
/// The name must be 1 to 15 bytes (checked first). Returns 0, or `-EINVAL`
/// (bad name, NULL), `-ENOENT` (algorithm not available), `-EPERM` (not
/// in `net.ipv4.tcp_allowed_congestion_control` without `CAP_NET_ADMIN`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_congestion(fd: c_int, algorithm: *const c_char) -> c_int {
    ffi_fn!("wl_set_tcp_congestion", {
        // SAFETY: a non-NULL `algorithm` is a C string (caller contract).
        let name = unsafe { c_str(algorithm, "algorithm") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_congestion(&unsafe { fd_arg(fd) }?, name)?;
        Ok(0)
    })
}

/// Copies the congestion-control algorithm in use (`TCP_CONGESTION`, see
/// `tcp(7)`) into `buf` (`len` bytes, NUL-terminated when `len > 0`):
/// `wirelane::tcp_congestion`.
///
/// Returns the name's length (`>= len` means truncated, as `snprintf`),
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_congestion(fd: c_int, buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_tcp_congestion", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let name = crate::options::tcp_congestion(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: a non-NULL `buf` holds `len` writable bytes.
        let n = unsafe { copy_out_truncating(&name, buf, len) }?;
        Ok(n as c_int)
    })
}

/// Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`, see `ip(7)`):
/// `wirelane::join_multicast_v4`. `group` and `interface` are 4 bytes in
/// network order; an all-zero `interface` lets the kernel pick by route.
/// The socket then receives datagrams sent to `group` on its bound port.
///
/// Returns 0, or `-EINVAL` (not a multicast group, NULL), `-EADDRINUSE`
/// (joined twice), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_multicast_v4(fd: c_int, group: *const u8, interface: *const u8) -> c_int {
    ffi_fn!("wl_join_multicast_v4", {
        // SAFETY: pointers NULL or 4 bytes each (caller contract).
        let (g, i) = unsafe { (ipv4_arg(group, "group")?, ipv4_arg(interface, "interface")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::join_multicast_v4(&unsafe { fd_arg(fd) }?, g, i)?;
        Ok(0)
    })
}

/// Leaves an IPv4 multicast group joined with `wl_join_multicast_v4`
/// (`IP_DROP_MEMBERSHIP`, see `ip(7)`): `wirelane::leave_multicast_v4`.
///
/// Returns 0, or `-EADDRNOTAVAIL` (not joined), `-EINVAL`, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_multicast_v4(fd: c_int, group: *const u8, interface: *const u8) -> c_int {
    ffi_fn!("wl_leave_multicast_v4", {
        // SAFETY: pointers NULL or 4 bytes each (caller contract).
        let (g, i) = unsafe { (ipv4_arg(group, "group")?, ipv4_arg(interface, "interface")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::leave_multicast_v4(&unsafe { fd_arg(fd) }?, g, i)?;
        Ok(0)
    })
}

/// Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`, see `ipv6(7)`) on
/// the interface with index `interface` (0: the kernel picks by route):
/// `wirelane::join_multicast_v6`. `group` is 16 bytes in network order.
///
/// Returns 0, or `-EINVAL` (not a multicast group, NULL), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_multicast_v6(fd: c_int, group: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_join_multicast_v6", {
        // SAFETY: `group` NULL or 16 bytes (caller contract).
        let g = unsafe { ipv6_arg(group, "group") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::join_multicast_v6(&unsafe { fd_arg(fd) }?, g, interface)?;
        Ok(0)
    })
}

/// Leaves an IPv6 multicast group joined with `wl_join_multicast_v6`
/// (`IPV6_DROP_MEMBERSHIP`, see `ipv6(7)`): `wirelane::leave_multicast_v6`.
///
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_multicast_v6(fd: c_int, group: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_leave_multicast_v6", {
        // SAFETY: `group` NULL or 16 bytes (caller contract).
        let g = unsafe { ipv6_arg(group, "group") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::leave_multicast_v6(&unsafe { fd_arg(fd) }?, g, interface)?;
        Ok(0)
    })
}

/// Allows binding to a local address still held by a socket in
/// `TIME_WAIT`, or (for a wildcard bind) alongside other sockets on the
/// same port (`SO_REUSEADDR`, see `socket(7)`). Set it before `bind`; a
/// server that restarts needs it to rebind its port at once.
///
/// C: `wl_set_reuse_address`, mirrors `wirelane::set_reuse_address`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_reuse_address(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_reuse_address", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_reuse_address(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `SO_REUSEADDR` is set (see `socket(7)`).
///
/// C: `wl_reuse_address`, mirrors `wirelane::reuse_address`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to
/// `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_reuse_address(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_reuse_address", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::reuse_address(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Lets several sockets of the same user bind the very same address and
/// port (`SO_REUSEPORT`, see `socket(7)`); every one of them must set it
/// before `bind`. The kernel then spreads incoming connections (TCP) or
/// datagrams (UDP) across them, which is how multi-process servers balance
/// load without a shared accept queue. Internet sockets only: the kernel
/// refuses it on Unix sockets (`EOPNOTSUPP`).
///
/// C: `wl_set_reuse_port`, mirrors `wirelane::set_reuse_port`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_reuse_port(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_reuse_port", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_reuse_port(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `SO_REUSEPORT` is set (see `socket(7)`).
///
/// C: `wl_reuse_port`, mirrors `wirelane::reuse_port`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_reuse_port(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_reuse_port", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::reuse_port(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Requests a send buffer of `size` bytes (`SO_SNDBUF`, see `socket(7)`).
///
/// The kernel **doubles** the value (the extra half is for its own
/// bookkeeping) and `send_buffer_size` returns that doubled value. The
/// kernel caps the request at `net.core.wmem_max` before doubling and
/// raises it to a kernel minimum of a few KiB; read the result back to see
/// what you got. For TCP, setting it turns off send-buffer
/// autotuning for this socket. `size` must be in `1..=i32::MAX`.
///
/// C: `wl_set_send_buffer_size`, mirrors `wirelane::set_send_buffer_size`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_send_buffer_size(fd: c_int, value: usize) -> c_int {
    ffi_fn!("wl_set_send_buffer_size", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_send_buffer_size(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The send buffer size the kernel uses (`SO_SNDBUF`, see `socket(7)`):
/// twice what was requested with `set_send_buffer_size`.
///
/// C: `wl_send_buffer_size`, mirrors `wirelane::send_buffer_size`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_send_buffer_size(fd: c_int, out: *mut usize) -> c_int {
    ffi_fn!("wl_send_buffer_size", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::send_buffer_size(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Requests a receive buffer of `size` bytes (`SO_RCVBUF`, see `socket(7)`).
///
/// The kernel **doubles** the value and `recv_buffer_size` returns the
/// doubled value. The request is capped at `net.core.rmem_max` before
/// doubling and raised to a kernel minimum of a few KiB.
/// For TCP, set it before `listen`/`connect`: the window scale is fixed at
/// the handshake, and setting it turns off receive-buffer autotuning.
/// `size` must be in `1..=i32::MAX`.
///
/// C: `wl_set_recv_buffer_size`, mirrors `wirelane::set_recv_buffer_size`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_recv_buffer_size(fd: c_int, value: usize) -> c_int {
    ffi_fn!("wl_set_recv_buffer_size", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_recv_buffer_size(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The receive buffer size the kernel uses (`SO_RCVBUF`, see `socket(7)`):
/// twice what was requested with `set_recv_buffer_size`.
///
/// C: `wl_recv_buffer_size`, mirrors `wirelane::recv_buffer_size`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_buffer_size(fd: c_int, out: *mut usize) -> c_int {
    ffi_fn!("wl_recv_buffer_size", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::recv_buffer_size(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Allows sending datagrams to a broadcast address (`SO_BROADCAST`, see
/// `socket(7)`); without it such a `send_to` fails with `EACCES`.
///
/// C: `wl_set_broadcast`, mirrors `wirelane::set_broadcast`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_broadcast(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_broadcast", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_broadcast(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `SO_BROADCAST` is set (see `socket(7)`).
///
/// C: `wl_broadcast`, mirrors `wirelane::broadcast`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_broadcast(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_broadcast", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::broadcast(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Tags every packet of the socket with a firewall mark (`SO_MARK`, see
/// `socket(7)`), which routing rules (`ip rule fwmark`) and netfilter can
/// match. Needs `CAP_NET_RAW` or `CAP_NET_ADMIN`; without it the kernel
/// answers `EPERM`.
///
/// C: `wl_set_mark`, mirrors `wirelane::set_mark`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_mark(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_mark", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_mark(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The socket's firewall mark (`SO_MARK`, see `socket(7)`); 0 when unset.
///
/// C: `wl_mark`, mirrors `wirelane::mark`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_mark(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_mark", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::mark(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the queueing priority of the socket's packets (`SO_PRIORITY`, see
/// `socket(7)`), used by queueing disciplines to pick a band. Values
/// `0..=6` are open to everyone; higher ones need `CAP_NET_ADMIN` (else
/// `EPERM`). `priority` must be at most `i32::MAX`.
///
/// C: `wl_set_priority`, mirrors `wirelane::set_priority`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_priority(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_priority", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_priority(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The socket's queueing priority (`SO_PRIORITY`, see `socket(7)`).
///
/// C: `wl_priority`, mirrors `wirelane::priority`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_priority(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_priority", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::priority(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Makes blocking receives (and readiness for `poll`/`epoll`) wait until at
/// least `bytes` bytes are queued (`SO_RCVLOWAT`, see `socket(7)`); a
/// receive still returns less at end of stream, on a signal, on an error or
/// when a timeout expires. `bytes` must be in `1..=i32::MAX` (the kernel
/// would turn 0 into 1). The send-side twin, `SO_SNDLOWAT`, cannot be
/// changed on Linux.
///
/// C: `wl_set_recv_low_watermark`, mirrors `wirelane::set_recv_low_watermark`. `fd` is any
/// socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_recv_low_watermark(fd: c_int, value: usize) -> c_int {
    ffi_fn!("wl_set_recv_low_watermark", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_recv_low_watermark(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The receive low-water mark (`SO_RCVLOWAT`, see `socket(7)`); 1 by default.
///
/// C: `wl_recv_low_watermark`, mirrors `wirelane::recv_low_watermark`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_recv_low_watermark(fd: c_int, out: *mut usize) -> c_int {
    ffi_fn!("wl_recv_low_watermark", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::recv_low_watermark(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Turns keepalive probing on or off (`SO_KEEPALIVE`, see `socket(7)`).
/// The probe timing comes from `set_tcp_keepalive_idle`,
/// `set_tcp_keepalive_interval` and `set_tcp_keepalive_count`, or from
/// the `net.ipv4.tcp_keepalive_*` sysctls (2 hours idle by default).
///
/// C: `wl_set_keepalive`, mirrors `wirelane::set_keepalive`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_keepalive(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_keepalive", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_keepalive(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `SO_KEEPALIVE` is on (see `socket(7)`).
///
/// C: `wl_keepalive`, mirrors `wirelane::keepalive`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_keepalive(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_keepalive", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::keepalive(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// How long a connection must be idle before the first keepalive probe
/// (`TCP_KEEPIDLE`, see `tcp(7)`).
///
/// The kernel counts whole seconds up to 32767: `idle` must be a whole
/// number of seconds in `1..=32767`, otherwise this fails with
/// `ErrorKind::InvalidInput` (never rounded or clamped).
///
/// C: `wl_set_tcp_keepalive_idle`, mirrors `wirelane::set_tcp_keepalive_idle`. `fd` is any
/// socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Returns 0 or `-errno`. The value is in whole seconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_keepalive_idle(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_tcp_keepalive_idle", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_keepalive_idle(&unsafe { fd_arg(fd) }?, Duration::from_secs(u64::from(value)))?;
        Ok(0)
    })
}

/// The keepalive idle time (`TCP_KEEPIDLE`, see `tcp(7)`); the sysctl
/// default when never set.
///
/// C: `wl_tcp_keepalive_idle`, mirrors `wirelane::tcp_keepalive_idle`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value in whole seconds to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_keepalive_idle(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_tcp_keepalive_idle", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_keepalive_idle(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(secs(value)) };
        Ok(0)
    })
}

/// The time between keepalive probes (`TCP_KEEPINTVL`, see `tcp(7)`).
///
/// Like `set_tcp_keepalive_idle`: a whole number of seconds in
/// `1..=32767`, otherwise `ErrorKind::InvalidInput`.
///
/// C: `wl_set_tcp_keepalive_interval`, mirrors `wirelane::set_tcp_keepalive_interval`. `fd` is
/// any socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Returns 0 or `-errno`. The value is in whole seconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_keepalive_interval(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_tcp_keepalive_interval", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_keepalive_interval(&unsafe { fd_arg(fd) }?, Duration::from_secs(u64::from(value)))?;
        Ok(0)
    })
}

/// The keepalive probe interval (`TCP_KEEPINTVL`, see `tcp(7)`).
///
/// C: `wl_tcp_keepalive_interval`, mirrors `wirelane::tcp_keepalive_interval`. `fd` is any
/// socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Writes the value in whole seconds to `*out`; returns 0 or `-errno` (`*out` written only on
/// success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_keepalive_interval(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_tcp_keepalive_interval", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_keepalive_interval(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(secs(value)) };
        Ok(0)
    })
}

/// How many unanswered probes drop the connection (`TCP_KEEPCNT`, see
/// `tcp(7)`). `count` must be in `1..=127`, the kernel's range.
///
/// C: `wl_set_tcp_keepalive_count`, mirrors `wirelane::set_tcp_keepalive_count`. `fd` is any
/// socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_keepalive_count(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_tcp_keepalive_count", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_keepalive_count(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The keepalive probe count (`TCP_KEEPCNT`, see `tcp(7)`).
///
/// C: `wl_tcp_keepalive_count`, mirrors `wirelane::tcp_keepalive_count`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_keepalive_count(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_tcp_keepalive_count", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_keepalive_count(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Disables (`true`) or re-enables Nagle's algorithm (`TCP_NODELAY`, see
/// `tcp(7)`). With Nagle on, the kernel holds back a small segment while
/// earlier data is unacknowledged, to coalesce writes; with `TCP_NODELAY`
/// every write is sent at once, which latency-sensitive protocols want.
/// Setting it also flushes anything Nagle was holding back.
///
/// C: `wl_set_tcp_nodelay`, mirrors `wirelane::set_tcp_nodelay`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_nodelay(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_tcp_nodelay", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_nodelay(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `TCP_NODELAY` is set (see `tcp(7)`).
///
/// C: `wl_tcp_nodelay`, mirrors `wirelane::tcp_nodelay`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_nodelay(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_tcp_nodelay", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_nodelay(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Corks (`true`) or uncorks the connection (`TCP_CORK`, see `tcp(7)`).
/// While corked the kernel sends only full-sized segments, so a header and
/// a body written separately leave in one packet; uncorking sends what is
/// left. The kernel sends a partial segment anyway after 200 ms.
///
/// C: `wl_set_tcp_cork`, mirrors `wirelane::set_tcp_cork`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_cork(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_tcp_cork", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_cork(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `TCP_CORK` is set (see `tcp(7)`).
///
/// C: `wl_tcp_cork`, mirrors `wirelane::tcp_cork`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_cork(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_tcp_cork", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_cork(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Enters (`true`) or leaves quick-ACK mode (`TCP_QUICKACK`, see `tcp(7)`):
/// in quick-ACK mode the kernel acknowledges every segment at once instead
/// of delaying ACKs.
///
/// The mode is not permanent: the kernel's own heuristics switch between
/// quick and delayed ACKs as traffic flows, so a program that wants it
/// throughout sets it again after each receive. `tcp_quickack` reports
/// the mode at the moment of the call.
///
/// C: `wl_set_tcp_quickack`, mirrors `wirelane::set_tcp_quickack`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_quickack(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_tcp_quickack", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_quickack(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether the connection is in quick-ACK mode right now (`TCP_QUICKACK`,
/// see `tcp(7)`).
///
/// C: `wl_tcp_quickack`, mirrors `wirelane::tcp_quickack`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_quickack(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_tcp_quickack", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_quickack(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Enables TCP Fast Open on a server socket (`TCP_FASTOPEN`, see
/// `tcp(7)`): clients holding a valid cookie may send data in their `SYN`,
/// delivered to `accept` before the handshake completes. `qlen` bounds the
/// number of such not-yet-completed connections; 0 turns Fast Open off.
///
/// Set it on the socket before or after `listen` (the kernel refuses it in
/// any other state with `EINVAL`). The kernel caps `qlen` at
/// `net.core.somaxconn`, and `tcp_fastopen` returns the capped value.
/// The server side is used only when bit `0x2` of `net.ipv4.tcp_fastopen`
/// is set. `qlen` must be at most `i32::MAX`.
///
/// C: `wl_set_tcp_fastopen`, mirrors `wirelane::set_tcp_fastopen`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_fastopen(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_tcp_fastopen", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_fastopen(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The Fast Open queue length (`TCP_FASTOPEN`, see `tcp(7)`); 0 when off.
///
/// C: `wl_tcp_fastopen`, mirrors `wirelane::tcp_fastopen`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_fastopen(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_tcp_fastopen", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_fastopen(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Enables client-side TCP Fast Open (`TCP_FASTOPEN_CONNECT`, see
/// `tcp(7)`), set before `connect`. `connect` then returns at once without
/// a handshake, and the first write sends the `SYN` carrying the data (and
/// the server's cookie, once one is cached; the first connection to a
/// server only fetches the cookie). Needs bit `0x1` of
/// `net.ipv4.tcp_fastopen` (the default); otherwise `EOPNOTSUPP`. On a
/// socket that is already connecting or connected the kernel answers
/// `EINVAL`.
///
/// C: `wl_set_tcp_fastopen_connect`, mirrors `wirelane::set_tcp_fastopen_connect`. `fd` is any
/// socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_fastopen_connect(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_tcp_fastopen_connect", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_fastopen_connect(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `TCP_FASTOPEN_CONNECT` is set (see `tcp(7)`).
///
/// C: `wl_tcp_fastopen_connect`, mirrors `wirelane::tcp_fastopen_connect`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_fastopen_connect(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_tcp_fastopen_connect", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tcp_fastopen_connect(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the time-to-live of outgoing unicast IPv4 packets (`IP_TTL`, see
/// `ip(7)`): each router decrements it and drops the packet at zero.
/// `ttl` must be in `1..=255`, the kernel's range; the default comes from
/// `net.ipv4.ip_default_ttl` (64).
///
/// C: `wl_set_ttl`, mirrors `wirelane::set_ttl`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_ttl(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_ttl", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_ttl(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv4 unicast time-to-live (`IP_TTL`, see `ip(7)`).
///
/// C: `wl_ttl`, mirrors `wirelane::ttl`. `fd` is any socket descriptor, e.g. from `wl_conn_fd`
/// (the options work on every state, as in Rust). Writes the value to `*out`; returns 0 or
/// `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_ttl(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_ttl", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::ttl(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the Type-of-Service byte of outgoing IPv4 packets (`IP_TOS`, see
/// `ip(7)`): the DSCP in the upper six bits, ECN in the lower two. On TCP
/// sockets the kernel owns the two ECN bits and keeps its own value for
/// them, so only the DSCP part of `tos` takes effect.
///
/// C: `wl_set_tos`, mirrors `wirelane::set_tos`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tos(fd: c_int, value: u8) -> c_int {
    ffi_fn!("wl_set_tos", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tos(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv4 Type-of-Service byte (`IP_TOS`, see `ip(7)`).
///
/// C: `wl_tos`, mirrors `wirelane::tos`. `fd` is any socket descriptor, e.g. from `wl_conn_fd`
/// (the options work on every state, as in Rust). Writes the value to `*out`; returns 0 or
/// `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tos(fd: c_int, out: *mut u8) -> c_int {
    ffi_fn!("wl_tos", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tos(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the hop limit of outgoing unicast IPv6 packets
/// (`IPV6_UNICAST_HOPS`, see `ipv6(7)`), IPv6's TTL. `hops` must be in
/// `0..=255`, the kernel's range; the default comes from the route or
/// `net.ipv6.conf.*.hop_limit` (64).
///
/// C: `wl_set_unicast_hops_v6`, mirrors `wirelane::set_unicast_hops_v6`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_unicast_hops_v6(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_unicast_hops_v6", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_unicast_hops_v6(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv6 unicast hop limit (`IPV6_UNICAST_HOPS`, see `ipv6(7)`).
///
/// C: `wl_unicast_hops_v6`, mirrors `wirelane::unicast_hops_v6`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to
/// `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_unicast_hops_v6(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_unicast_hops_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::unicast_hops_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the Traffic Class byte of outgoing IPv6 packets (`IPV6_TCLASS`,
/// see `ipv6(7)`), IPv6's TOS. As with `set_tos`, on TCP sockets the
/// kernel keeps its own value for the two ECN bits.
///
/// C: `wl_set_tclass_v6`, mirrors `wirelane::set_tclass_v6`. `fd` is any socket descriptor,
/// e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tclass_v6(fd: c_int, value: u8) -> c_int {
    ffi_fn!("wl_set_tclass_v6", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tclass_v6(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv6 Traffic Class byte (`IPV6_TCLASS`, see `ipv6(7)`).
///
/// C: `wl_tclass_v6`, mirrors `wirelane::tclass_v6`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tclass_v6(fd: c_int, out: *mut u8) -> c_int {
    ffi_fn!("wl_tclass_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::tclass_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Restricts an IPv6 socket to IPv6 (`IPV6_V6ONLY`, see `ipv6(7)`). When
/// off, a socket bound to `::` also accepts IPv4 traffic as v4-mapped
/// addresses (`::ffff:a.b.c.d`). Set it before `bind`; afterwards the
/// kernel refuses with `EINVAL`. The default comes from
/// `net.ipv6.bindv6only` (normally off).
///
/// C: `wl_set_only_v6`, mirrors `wirelane::set_only_v6`. `fd` is any socket descriptor, e.g.
/// from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_only_v6(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_only_v6", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_only_v6(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `IPV6_V6ONLY` is set (see `ipv6(7)`).
///
/// C: `wl_only_v6`, mirrors `wirelane::only_v6`. `fd` is any socket descriptor, e.g. from
/// `wl_conn_fd` (the options work on every state, as in Rust). Writes the value to `*out`;
/// returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_only_v6(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_only_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::only_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the time-to-live of outgoing IPv4 multicast packets
/// (`IP_MULTICAST_TTL`, see `ip(7)`). The default 1 keeps them on the local
/// network; 0 keeps them on this host. `ttl` must be in `0..=255`.
///
/// C: `wl_set_multicast_ttl_v4`, mirrors `wirelane::set_multicast_ttl_v4`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_multicast_ttl_v4(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_multicast_ttl_v4", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_multicast_ttl_v4(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv4 multicast time-to-live (`IP_MULTICAST_TTL`, see `ip(7)`).
///
/// C: `wl_multicast_ttl_v4`, mirrors `wirelane::multicast_ttl_v4`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_multicast_ttl_v4(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_multicast_ttl_v4", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::multicast_ttl_v4(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Whether this host's own IPv4 multicast sends are looped back to its
/// local listeners (`IP_MULTICAST_LOOP`, see `ip(7)`); on by default.
///
/// C: `wl_set_multicast_loop_v4`, mirrors `wirelane::set_multicast_loop_v4`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_multicast_loop_v4(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_multicast_loop_v4", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_multicast_loop_v4(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `IP_MULTICAST_LOOP` is on (see `ip(7)`).
///
/// C: `wl_multicast_loop_v4`, mirrors `wirelane::multicast_loop_v4`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_multicast_loop_v4(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_multicast_loop_v4", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::multicast_loop_v4(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Sets the hop limit of outgoing IPv6 multicast packets
/// (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`); default 1. `hops` must be in
/// `0..=255`.
///
/// C: `wl_set_multicast_hops_v6`, mirrors `wirelane::set_multicast_hops_v6`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_multicast_hops_v6(fd: c_int, value: u32) -> c_int {
    ffi_fn!("wl_set_multicast_hops_v6", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_multicast_hops_v6(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// The IPv6 multicast hop limit (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`).
///
/// C: `wl_multicast_hops_v6`, mirrors `wirelane::multicast_hops_v6`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_multicast_hops_v6(fd: c_int, out: *mut u32) -> c_int {
    ffi_fn!("wl_multicast_hops_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::multicast_hops_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}

/// Whether this host's own IPv6 multicast sends are looped back to its
/// local listeners (`IPV6_MULTICAST_LOOP`, see `ipv6(7)`); on by default.
///
/// C: `wl_set_multicast_loop_v6`, mirrors `wirelane::set_multicast_loop_v6`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_multicast_loop_v6(fd: c_int, value: bool) -> c_int {
    ffi_fn!("wl_set_multicast_loop_v6", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_multicast_loop_v6(&unsafe { fd_arg(fd) }?, value)?;
        Ok(0)
    })
}

/// Whether `IPV6_MULTICAST_LOOP` is on (see `ipv6(7)`).
///
/// C: `wl_multicast_loop_v6`, mirrors `wirelane::multicast_loop_v6`. `fd` is any socket
/// descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Writes the
/// value to `*out`; returns 0 or `-errno` (`*out` written only on success).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_multicast_loop_v6(fd: c_int, out: *mut bool) -> c_int {
    ffi_fn!("wl_multicast_loop_v6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::multicast_loop_v6(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(value) };
        Ok(0)
    })
}
