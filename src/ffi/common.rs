//! The bodies of the functions every handle type has (`wl_*_fd`,
//! `wl_*_free`, `wl_*_local_addr`, timeouts, ...), written once,
//! generically; each handle's file declares its exports and calls these.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::time::Duration;

use super::addr::wl_addr;
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
    drop(unsafe { take(h) });
    Ok(())
}

/// `wl_*_domain`: `AF_INET`, `AF_INET6` or `AF_UNIX` (no syscall).
pub(crate) unsafe fn domain<H: Handle>(h: *const H) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded.
    Ok(unsafe { borrow(h) }?.family())
}

/// `wl_*_local_addr`.
pub(crate) unsafe fn local_addr<H: Handle>(h: *const H, out: *mut wl_addr) -> io::Result<c_int>
where
    H::Inner: State,
{
    let out = out_ptr(out, "out")?;
    // SAFETY: forwarded.
    let addr = unsafe { borrow(h) }?.local()?;
    // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
    unsafe { out.write(addr) };
    Ok(0)
}

/// `wl_*_set_nonblocking`.
pub(crate) unsafe fn set_nonblocking<H: Handle>(h: *const H, on: bool) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded.
    unsafe { borrow(h) }?.put_nonblocking(on)?;
    Ok(0)
}

/// `wl_*_is_nonblocking`: 1 or 0.
pub(crate) unsafe fn is_nonblocking<H: Handle>(h: *const H) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded.
    Ok(c_int::from(unsafe { borrow(h) }?.get_nonblocking()?))
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

/// `wl_*_set_read_timeout` / `wl_*_set_write_timeout`.
pub(crate) unsafe fn set_timeout<H: Handle>(h: *const H, write: bool, ms: u64) -> io::Result<c_int>
where
    H::Inner: State,
{
    // SAFETY: forwarded.
    unsafe { borrow(h) }?.put_timeout(write, millis_to_timeout(ms))?;
    Ok(0)
}

/// `wl_*_read_timeout` / `wl_*_write_timeout`.
pub(crate) unsafe fn timeout<H: Handle>(h: *const H, write: bool, out: *mut u64) -> io::Result<c_int>
where
    H::Inner: State,
{
    let out = out_ptr(out, "out_ms")?;
    // SAFETY: forwarded.
    let t = unsafe { borrow(h) }?.get_timeout(write)?;
    // SAFETY: checked non-NULL.
    unsafe { out.write(timeout_to_millis(t)) };
    Ok(0)
}

/// `wl_*_take_error`: writes the pending errno (0 for none).
pub(crate) unsafe fn take_error<H: Handle>(h: *const H, out: *mut c_int) -> io::Result<c_int>
where
    H::Inner: State,
{
    let out = out_ptr(out, "out_errno")?;
    // SAFETY: forwarded.
    let pending = unsafe { borrow(h) }?.pending_error()?;
    let code = pending.map_or(0, |e| wirelane_core::error::errno_of(&e));
    // SAFETY: checked non-NULL.
    unsafe { out.write(code) };
    Ok(0)
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
