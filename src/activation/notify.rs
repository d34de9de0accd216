//! `sd_notify(3)`: tells the service manager about state changes by
//! sending one datagram to the Unix socket named in `NOTIFY_SOCKET`.

use std::ffi::OsStr;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use crate::addr::codec::AddrCodec;
use crate::error::invalid_input;
use crate::{UnixAddr, sys};

/// `READY=1`: start-up finished; systemd considers a `Type=notify`
/// service started.
pub const READY: &str = "READY=1";
/// `STOPPING=1`: the service is beginning its shutdown.
pub const STOPPING: &str = "STOPPING=1";
/// `RELOADING=1`: the service is reloading its configuration (send
/// `READY=1` when done).
pub const RELOADING: &str = "RELOADING=1";

/// Sends `state` (newline-separated `KEY=VALUE` assignments such as
/// [`READY`], `STATUS=...`, `MAINPID=...`) to the socket in
/// `NOTIFY_SOCKET`: a path, or an abstract name written with a leading `@`.
///
/// Returns `Ok(false)` when `NOTIFY_SOCKET` is not set (not running under
/// a manager that listens: nothing to do, as `sd_notify` returns 0), and
/// `Ok(true)` once the datagram is sent. `NOTIFY_SOCKET` is left in place;
/// see [`notify_and_unset`].
///
/// Errors: an empty `state` or one containing NUL (`InvalidInput`);
/// `NOTIFY_SOCKET` is neither a path nor `@name`, or too long
/// (`InvalidInput`); the send fails (the OS error, for example
/// `ECONNREFUSED` when nobody listens).
pub fn notify(state: &str) -> io::Result<bool> {
    match std::env::var_os("NOTIFY_SOCKET") {
        None => Ok(false),
        Some(path) => notify_to(&path, state).map(|()| true),
    }
}

/// Like [`notify`], then unsets `NOTIFY_SOCKET` so that children do not
/// talk to the manager (`sd_notify(1, ...)`). Not thread-safe with other
/// environment access, like `setenv(3)`.
pub fn notify_and_unset(state: &str) -> io::Result<bool> {
    let result = notify(state);
    // SAFETY: the documented contract: no concurrent environment access.
    unsafe { std::env::remove_var("NOTIFY_SOCKET") };
    result
}

/// Sends `state` to the notification socket at `socket` (a path, or
/// `@name` for the abstract namespace), whatever the environment says.
pub fn notify_to(socket: &OsStr, state: &str) -> io::Result<()> {
    if state.is_empty() {
        return Err(invalid_input(libc::EINVAL, "sd_notify state is empty"));
    }
    if state.as_bytes().contains(&0) {
        return Err(invalid_input(libc::EINVAL, "sd_notify state contains a NUL byte"));
    }
    let addr = notify_addr(socket)?;
    let fd = sys::socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0)?;
    let sent = sys::send_to(fd.as_fd(), state.as_bytes(), libc::MSG_NOSIGNAL, &addr.to_raw())?;
    if sent != state.len() {
        return Err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("sd_notify sent {sent} of {} bytes", state.len()),
        ));
    }
    Ok(())
}

fn notify_addr(socket: &OsStr) -> io::Result<UnixAddr> {
    let bytes = socket.as_bytes();
    match bytes.first() {
        Some(b'@') => UnixAddr::abstract_name(&bytes[1..]),
        Some(b'/') => UnixAddr::new(socket),
        _ => Err(invalid_input(
            libc::EINVAL,
            format!(
                "NOTIFY_SOCKET={:?} is neither an absolute path nor an abstract name (@name)",
                socket.to_string_lossy()
            ),
        )),
    }
}
