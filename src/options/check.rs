//! Shared helpers: boolean options, and range checks whose errors name the
//! option, the accepted range and the rejected value.

use std::fmt::Display;
use std::io;
use std::os::fd::BorrowedFd;
use std::time::Duration;

use crate::error::invalid_input;
use crate::sys;

/// Sets an `int` option used as a boolean (0 or 1).
pub(super) fn set_bool(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int, on: bool) -> io::Result<()> {
    sys::setsockopt_int(fd, level, name, libc::c_int::from(on))
}

/// Reads an `int` option used as a boolean (any non-zero value is `true`).
pub(super) fn get_bool(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<bool> {
    Ok(sys::getsockopt_int(fd, level, name)? != 0)
}

/// The `InvalidInput` error for an out-of-range option value.
pub(super) fn out_of_range(option: &str, range: &str, got: impl Display) -> io::Error {
    invalid_input(libc::EINVAL, format!("{option} must be {range}, got {got}"))
}

/// Checks `min <= value <= max` and converts to the kernel's `int`.
pub(super) fn int_in(option: &str, unit: &str, value: u64, min: u64, max: u64) -> io::Result<libc::c_int> {
    if value < min || value > max {
        return Err(out_of_range(
            option,
            &format!("in {min}..={max}{unit}"),
            format!("{value}{unit}"),
        ));
    }
    // `max` never exceeds c_int::MAX at any call site.
    libc::c_int::try_from(value).map_err(|_| out_of_range(option, &format!("at most {}", libc::c_int::MAX), value))
}

/// Checks that `d` is a whole number of seconds in `min..=max` (the kernel
/// takes seconds; a fraction would otherwise be silently dropped).
pub(super) fn whole_secs(option: &str, d: Duration, min: u64, max: u64) -> io::Result<libc::c_int> {
    if d.subsec_nanos() != 0 || d.as_secs() < min || d.as_secs() > max {
        return Err(out_of_range(
            option,
            &format!("a whole number of seconds in {min}..={max}"),
            format_args!("{d:?}"),
        ));
    }
    Ok(d.as_secs() as libc::c_int)
}

/// Converts a size the kernel stores as `int`, rejecting zero.
pub(super) fn positive_size(option: &str, size: usize) -> io::Result<libc::c_int> {
    int_in(option, " bytes", size as u64, 1, libc::c_int::MAX as u64)
}
