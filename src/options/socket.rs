//! `SO_LINGER` (see `socket(7)`), whose value is a struct; the `int`
//! `SOL_SOCKET` options are rows of the option table (`table.rs`).

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use super::check::whole_secs;
use crate::sys;

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
