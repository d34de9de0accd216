//! TCP keepalive: `SO_KEEPALIVE` (see `socket(7)`) switches it on, and
//! `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` (see `tcp(7)`) tune it.
//!
//! With keepalive on, once a connection has been idle for *idle* seconds
//! the kernel sends a probe every *interval* seconds; after *count*
//! unanswered probes it drops the connection and the next read or write
//! fails with `ETIMEDOUT`. The tuning values may be set whether or not
//! keepalive is on; they take effect when it is.

use std::fmt::Display;
use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::check::{get_bool, int_in, out_of_range, set_bool, whole_secs};
use crate::sys;

/// The kernel's limit for `TCP_KEEPIDLE` and `TCP_KEEPINTVL`
/// (`MAX_TCP_KEEPIDLE`, `MAX_TCP_KEEPINTVL`), in seconds.
const KEEPALIVE_MAX_SECS: u64 = 32767;
/// The kernel's limit for `TCP_KEEPCNT` (`MAX_TCP_KEEPCNT`).
const KEEPALIVE_MAX_COUNT: u64 = 127;

/// The error for a keepalive time outside `1..=32767` whole seconds; also
/// used by the builders for values that are not even a `Duration`
/// (negative integers).
pub(crate) fn keepalive_time_error(option: &str, got: impl Display) -> io::Error {
    out_of_range(
        option,
        &format!("a whole number of seconds in 1..={KEEPALIVE_MAX_SECS}"),
        got,
    )
}

/// Turns keepalive probing on or off (`SO_KEEPALIVE`, see `socket(7)`).
/// The probe timing comes from [`set_tcp_keepalive_idle`],
/// [`set_tcp_keepalive_interval`] and [`set_tcp_keepalive_count`], or from
/// the `net.ipv4.tcp_keepalive_*` sysctls (2 hours idle by default).
pub fn set_keepalive<S: AsFd + ?Sized>(socket: &S, enable: bool) -> io::Result<()> {
    set_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_KEEPALIVE, enable)
}

/// Whether `SO_KEEPALIVE` is on (see `socket(7)`).
pub fn keepalive<S: AsFd + ?Sized>(socket: &S) -> io::Result<bool> {
    get_bool(socket.as_fd(), libc::SOL_SOCKET, libc::SO_KEEPALIVE)
}

/// How long a connection must be idle before the first keepalive probe
/// (`TCP_KEEPIDLE`, see `tcp(7)`).
///
/// The kernel counts whole seconds up to 32767: `idle` must be a whole
/// number of seconds in `1..=32767`, otherwise this fails with
/// `ErrorKind::InvalidInput` (never rounded or clamped).
pub fn set_tcp_keepalive_idle<S: AsFd + ?Sized>(socket: &S, idle: Duration) -> io::Result<()> {
    let secs = whole_secs("TCP_KEEPIDLE", idle, 1, KEEPALIVE_MAX_SECS)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, secs)
}

/// The keepalive idle time (`TCP_KEEPIDLE`, see `tcp(7)`); the sysctl
/// default when never set.
pub fn tcp_keepalive_idle<S: AsFd + ?Sized>(socket: &S) -> io::Result<Duration> {
    let secs = sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPIDLE)?;
    Ok(Duration::from_secs(secs.max(0) as u64))
}

/// The time between keepalive probes (`TCP_KEEPINTVL`, see `tcp(7)`).
///
/// Like [`set_tcp_keepalive_idle`]: a whole number of seconds in
/// `1..=32767`, otherwise `ErrorKind::InvalidInput`.
pub fn set_tcp_keepalive_interval<S: AsFd + ?Sized>(socket: &S, interval: Duration) -> io::Result<()> {
    let secs = whole_secs("TCP_KEEPINTVL", interval, 1, KEEPALIVE_MAX_SECS)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, secs)
}

/// The keepalive probe interval (`TCP_KEEPINTVL`, see `tcp(7)`).
pub fn tcp_keepalive_interval<S: AsFd + ?Sized>(socket: &S) -> io::Result<Duration> {
    let secs = sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPINTVL)?;
    Ok(Duration::from_secs(secs.max(0) as u64))
}

/// How many unanswered probes drop the connection (`TCP_KEEPCNT`, see
/// `tcp(7)`). `count` must be in `1..=127`, the kernel's range.
pub fn set_tcp_keepalive_count<S: AsFd + ?Sized>(socket: &S, count: u32) -> io::Result<()> {
    let count = int_in("TCP_KEEPCNT", "", u64::from(count), 1, KEEPALIVE_MAX_COUNT)?;
    sys::setsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPCNT, count)
}

/// The keepalive probe count (`TCP_KEEPCNT`, see `tcp(7)`).
pub fn tcp_keepalive_count<S: AsFd + ?Sized>(socket: &S) -> io::Result<u32> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::IPPROTO_TCP, libc::TCP_KEEPCNT)?.max(0) as u32)
}
