//! TCP keepalive: `SO_KEEPALIVE` (see `socket(7)`) switches it on, and
//! `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` (see `tcp(7)`) tune it.
//!
//! With keepalive on, once a connection has been idle for *idle* seconds
//! the kernel sends a probe every *interval* seconds; after *count*
//! unanswered probes it drops the connection and the next read or write
//! fails with `ETIMEDOUT`. The tuning values may be set whether or not
//! keepalive is on; they take effect when it is.

//!
//! The options themselves are rows of the option table (`table.rs`); this
//! file keeps the limits the builders share.

use std::fmt::Display;
use std::io;

use super::check::out_of_range;

/// The kernel's limit for `TCP_KEEPIDLE` and `TCP_KEEPINTVL`
/// (`MAX_TCP_KEEPIDLE`, `MAX_TCP_KEEPINTVL`), in seconds.
const KEEPALIVE_MAX_SECS: u64 = 32767;

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
