//! Starting a successor process with a handover channel, and finding that
//! channel in the successor.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use crate::error::invalid_input;
use crate::{ConnectedStream, Unix};

/// The environment variable that tells a successor which descriptor is its
/// handover channel.
pub const HANDOVER_FD_VAR: &str = "WIRELANE_HANDOVER_FD";

/// Spawns `command` as the successor, with one end of a new Unix stream
/// pair inherited (its number in [`HANDOVER_FD_VAR`]); returns the child
/// and this process's end, ready for [`Handover::send`](super::Handover::send).
///
/// Only the channel is inherited: every other Wirelane descriptor is
/// close-on-exec. Re-executing the running binary
/// (`Command::new("/proc/self/exe")`) is the usual zero-downtime upgrade.
pub fn spawn_successor(command: &mut Command) -> io::Result<(Child, ConnectedStream<Unix>)> {
    let (ours, theirs) = ConnectedStream::<Unix>::pair()?;
    let raw = theirs.as_raw_fd();
    command.env(HANDOVER_FD_VAR, raw.to_string());
    // SAFETY: the closure only calls fcntl, which is async-signal-safe, on
    // a descriptor that stays open in the parent until spawn returns.
    unsafe {
        command.pre_exec(move || {
            let flags = libc::fcntl(raw, libc::F_GETFD);
            if flags < 0 || libc::fcntl(raw, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn();
    drop(theirs); // the child has its copy; ours must not keep the peer open
    Ok((child?, ours))
}

/// In a successor: takes the handover channel named by
/// [`HANDOVER_FD_VAR`], checked to be a connected Unix stream and made
/// close-on-exec, and unsets the variable. `Ok(None)` when the variable is
/// not set (this process is not a successor: a first start).
///
/// Call it early, before other threads touch the environment.
pub fn channel_from_env() -> io::Result<Option<ConnectedStream<Unix>>> {
    let Some(value) = std::env::var_os(HANDOVER_FD_VAR) else {
        return Ok(None);
    };
    // SAFETY: the documented contract: no concurrent environment access.
    unsafe { std::env::remove_var(HANDOVER_FD_VAR) };
    let text = value.to_string_lossy();
    let raw: RawFd = text.parse().ok().filter(|fd| *fd >= 0).ok_or_else(|| {
        invalid_input(
            libc::EINVAL,
            format!("{HANDOVER_FD_VAR}={text:?} is not a descriptor number"),
        )
    })?;
    // SAFETY: F_GETFD only inspects the descriptor table.
    let flags = unsafe { libc::fcntl(raw, libc::F_GETFD) };
    if flags < 0 {
        return Err(invalid_input(
            libc::EBADF,
            format!("{HANDOVER_FD_VAR}={raw} but fd {raw} is not open"),
        ));
    }
    // SAFETY: as above; the channel was set up for this process.
    unsafe { libc::fcntl(raw, libc::F_SETFD, flags | libc::FD_CLOEXEC) };
    // SAFETY: the predecessor handed this descriptor to us alone.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    ConnectedStream::<Unix>::try_from(fd).map(Some).map_err(|e| {
        let error = e.into_error();
        invalid_input(
            crate::error::errno_of(&error),
            format!("{HANDOVER_FD_VAR}={raw} is not a connected Unix stream: {error}"),
        )
    })
}
