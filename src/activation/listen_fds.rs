//! `sd_listen_fds(3)`: descriptors passed by systemd socket activation.
//!
//! The protocol: the service manager opens the sockets, places them at
//! descriptors 3, 4, ... (`SD_LISTEN_FDS_START`), and sets `LISTEN_FDS`
//! (how many), `LISTEN_PID` (the pid they are meant for, so a child that
//! inherits the environment does not take them) and optionally
//! `LISTEN_FDNAMES` (colon-separated names, from `FileDescriptorName=`).

use std::io;
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};

use super::InheritedSockets;
use crate::error::invalid_input;

/// The first passed descriptor (`SD_LISTEN_FDS_START`).
pub const LISTEN_FDS_START: RawFd = 3;

/// The environment variables the protocol uses.
const VARS: [&str; 3] = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"];

/// Reads the socket-activation variables, unsets them (so children do not
/// see them), marks every passed descriptor close-on-exec and returns them
/// with their names; see [`listen_fds_with`].
///
/// ```no_run
/// use wirelane::{Ipv4, Listener};
/// # fn main() -> std::io::Result<()> {
/// let mut fds = wirelane::activation::listen_fds()?;
/// let web: Listener<Ipv4> = fds.take_named("web")?;
/// # drop(web); Ok(()) }
/// ```
pub fn listen_fds() -> io::Result<InheritedSockets> {
    listen_fds_with(true)
}

/// Like [`listen_fds`]; `unset_environment` false leaves the variables
/// in place (`sd_listen_fds(0)`).
///
/// Errors, each naming the problem:
/// - `NotFound`: `LISTEN_FDS` or `LISTEN_PID` is not set (the process was
///   not socket-activated);
/// - `InvalidInput`: a variable is malformed; `LISTEN_PID` is another
///   process's pid; `LISTEN_FDNAMES` has a different number of names than
///   `LISTEN_FDS`; a descriptor in the range is not open (`EBADF`).
///
/// The variables are unset (when asked) whether or not this succeeds, as
/// `sd_listen_fds` does. Names default to `"unknown"` when
/// `LISTEN_FDNAMES` is absent, as systemd names them.
///
/// Unsetting the environment is not thread-safe on Linux (`setenv(3)`):
/// call this early, before other threads start, as with `sd_listen_fds`.
pub fn listen_fds_with(unset_environment: bool) -> io::Result<InheritedSockets> {
    let result = read();
    if unset_environment {
        for var in VARS {
            // SAFETY: the documented contract of this function is that it
            // runs before other threads read or write the environment.
            unsafe { std::env::remove_var(var) };
        }
    }
    result
}

fn var(name: &str) -> io::Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(invalid_input(libc::EINVAL, format!("{name} is not valid UTF-8")))
        }
    }
}

fn not_activated(missing: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{missing} is not set: this process was not started by socket activation"),
    )
}

fn read() -> io::Result<InheritedSockets> {
    let pid = var("LISTEN_PID")?.ok_or_else(|| not_activated("LISTEN_PID"))?;
    let count = var("LISTEN_FDS")?.ok_or_else(|| not_activated("LISTEN_FDS"))?;
    let pid: libc::pid_t = pid
        .trim()
        .parse()
        .map_err(|_| invalid_input(libc::EINVAL, format!("LISTEN_PID={pid:?} is not a process id")))?;
    let own = std::process::id() as libc::pid_t;
    if pid != own {
        return Err(invalid_input(
            libc::EINVAL,
            format!("LISTEN_PID={pid} names another process (this is pid {own}): the descriptors are not for us"),
        ));
    }
    let n: usize = count
        .trim()
        .parse()
        .map_err(|_| invalid_input(libc::EINVAL, format!("LISTEN_FDS={count:?} is not a count")))?;
    if n > (i32::MAX - LISTEN_FDS_START) as usize {
        return Err(invalid_input(libc::EINVAL, format!("LISTEN_FDS={n} is out of range")));
    }
    let names: Vec<String> = match var("LISTEN_FDNAMES")? {
        Some(v) if n > 0 => v.split(':').map(str::to_owned).collect(),
        Some(v) if !v.is_empty() => {
            return Err(invalid_input(
                libc::EINVAL,
                format!("LISTEN_FDNAMES={v:?} names descriptors but LISTEN_FDS=0"),
            ));
        }
        _ => vec!["unknown".to_owned(); n],
    };
    if names.len() != n {
        return Err(invalid_input(
            libc::EINVAL,
            format!("LISTEN_FDNAMES has {} names but LISTEN_FDS={n}", names.len()),
        ));
    }
    // Check every descriptor before owning any: an error then closes
    // nothing that might belong to someone else.
    for (i, name) in names.iter().enumerate() {
        let raw = LISTEN_FDS_START + i as RawFd;
        // SAFETY: F_GETFD only inspects the descriptor table.
        if unsafe { libc::fcntl(raw, libc::F_GETFD) } < 0 {
            return Err(invalid_input(
                libc::EBADF,
                format!("LISTEN_FDS={n} but fd {raw} ({name:?}) is not open"),
            ));
        }
    }
    let mut fds = Vec::with_capacity(n);
    for (i, name) in names.into_iter().enumerate() {
        let raw = LISTEN_FDS_START + i as RawFd;
        // SAFETY: the protocol hands these descriptors to this process (the
        // pid matched) and each is open; nothing else in the process owns
        // them (the caller's side of the contract, as with sd_listen_fds).
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        set_cloexec(fd_borrow(&fd))?;
        fds.push((name, fd));
    }
    Ok(InheritedSockets::new("LISTEN_FDS", fds))
}

fn fd_borrow(fd: &OwnedFd) -> BorrowedFd<'_> {
    use std::os::fd::AsFd;
    fd.as_fd()
}

/// Sets `FD_CLOEXEC`, keeping the other descriptor flags.
fn set_cloexec(fd: BorrowedFd<'_>) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a borrowed, open descriptor.
    let flags = crate::sys::cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) })?;
    // SAFETY: as above.
    crate::sys::cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, flags | libc::FD_CLOEXEC) })?;
    Ok(())
}
