//! Shared helpers: range checks whose errors name the
//! option, the accepted range and the rejected value.

use std::fmt::Display;
use std::io;
use std::time::Duration;

use crate::error::invalid_input;

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
