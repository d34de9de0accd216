//! The bodies of the functions every handle type has (`wl_*_fd`,
//! `wl_*_into_fd`, `wl_*_free`, `wl_*_from_fd`), written once,
//! generically; each handle's file declares its exports and calls these.
//! The operations that need only the descriptor are exported once, in
//! `socket.rs`.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::time::Duration;

use super::any::{Adopt, State};
use super::handle::{Handle, borrow, give, out_ptr, take, transition};
use wirelane_core::ffi_support::invalid_input;

/// `wl_*_fd`: the descriptor, still owned by the handle.
pub(crate) unsafe fn fd<H: Handle>(h: *const H) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded from the export's contract.
    Ok(unsafe { borrow(h) }?.as_fd().as_raw_fd())
}

/// `wl_*_into_fd`: frees the handle and hands its descriptor to the caller.
pub(crate) unsafe fn into_fd<H: Handle>(h: *mut H) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded.
    unsafe { transition(h, |s| Ok(s.into_owned_fd().into_raw_fd())) }
}

/// `wl_*_free`: closes the socket and frees the handle; NULL is a no-op.
pub(crate) unsafe fn free<H: Handle>(h: *mut H) -> io::Result<()> {
    // SAFETY: forwarded.
    drop(unsafe { take(h) }?);
    Ok(())
}

/// Milliseconds (0 = none) to the core's `Option<Duration>`.
pub(crate) fn millis_to_timeout(ms: u64) -> Option<Duration> {
    (ms != 0).then(|| Duration::from_millis(ms))
}

/// The core's `Option<Duration>` to milliseconds, rounding up so a set
/// timeout never reads back as 0 ("none").
pub(crate) fn timeout_to_millis(t: Option<Duration>) -> u64 {
    match t {
        None => 0,
        Some(d) => {
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            ms.clamp(1, u128::from(u64::MAX)) as u64
        }
    }
}

/// `wl_*_from_fd`: adopts `fd` after the core's checks. On failure the
/// descriptor is released unclosed: it still belongs to the caller.
pub(crate) unsafe fn from_fd<H: Handle>(fd: c_int, out: *mut *mut H) -> io::Result<c_int>
where
    H::Inner: Adopt,
{
    let out = out_ptr(out, "out")?;
    if fd < 0 {
        return Err(invalid_input(libc::EBADF, format!("{fd} is not a file descriptor")));
    }
    // SAFETY: the caller hands over an open descriptor it owns; on failure
    // it is released again below without being closed.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    match H::Inner::adopt(owned) {
        Ok(state) => {
            // SAFETY: checked non-NULL.
            unsafe { out.write(give::<H>(state)) };
            Ok(0)
        }
        Err(e) => {
            let (error, owned) = e.into_parts();
            let _ = owned.into_raw_fd();
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_and_zero_means_none() {
        assert_eq!(millis_to_timeout(0), None);
        assert_eq!(timeout_to_millis(None), 0);
        assert_eq!(timeout_to_millis(Some(Duration::from_micros(1))), 1);
        assert_eq!(timeout_to_millis(Some(Duration::from_micros(1500))), 2);
        assert_eq!(timeout_to_millis(millis_to_timeout(250)), 250);
    }
}
