//! Not public API: the few core internals the C ABI package (`wirelane-ffi`,
//! `src/ffi/`) is built from. Hidden from the docs and outside any semver
//! promise; it may change in any release. Rust code uses the typed API.

use std::borrow::Cow;
use std::io;
use std::os::fd::BorrowedFd;

pub use crate::addr::RawSockAddr;
pub use crate::addr::codec::AddrCodec;
pub use crate::error::errno_of;

/// An `InvalidInput` error carrying `errno` and a message naming the problem.
pub fn invalid_input(errno: i32, message: impl Into<Cow<'static, str>>) -> io::Error {
    crate::error::invalid_input(errno, message)
}

/// The name of an address family for messages, e.g. `"AF_INET (IPv4)"`.
pub fn family_name(family: libc::c_int) -> &'static str {
    crate::addr::family_name(family)
}

/// `getsockopt` of an `int` option.
pub fn getsockopt_int(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    crate::sys::getsockopt_int(fd, level, name)
}

/// A kernel address from its storage and length (the caller checked `len`).
pub fn raw_addr_from_parts(storage: libc::sockaddr_storage, len: libc::socklen_t) -> RawSockAddr {
    RawSockAddr::from_parts(storage, len)
}

/// The `sockaddr_storage` behind a kernel address.
pub fn raw_addr_storage(raw: &RawSockAddr) -> &libc::sockaddr_storage {
    raw.storage()
}

pub use crate::options::kinds::OptionKind;

/// The value kinds of the option table (see `OptionKind`).
pub mod kinds {
    pub use crate::options::kinds::{Bits, Byte, Bytes, Count, Flag, Millis, Seconds};
}

/// One row of the table as data, for the generators of the bindings.
#[derive(Debug, Clone, Copy)]
pub struct OptionRow {
    /// The getter's name (`tcp_nodelay`); C: `wl_tcp_nodelay`.
    pub get: &'static str,
    /// The setter's name (`set_tcp_nodelay`); C: `wl_set_tcp_nodelay`.
    pub set: &'static str,
    /// The setter's argument name.
    pub arg: &'static str,
    /// The Rust value type, as written in the row.
    pub rust_type: &'static str,
    /// The kind (`Flag`, `Count`, ...).
    pub kind: &'static str,
    /// The C type of the value.
    pub c_type: &'static str,
    /// The option level (`SOL_SOCKET`, `IPPROTO_TCP`, ...).
    pub level: &'static str,
    /// The option constant (`TCP_NODELAY`).
    pub name: &'static str,
    /// The man page (`tcp(7)`).
    pub man: &'static str,
    /// The sockets it applies to: `any`, `inet`, `v4`, `v6` or `unix`.
    pub scope: &'static str,
    /// The smallest accepted value (for ranged kinds).
    pub min: u64,
    /// The largest accepted value (for ranged kinds).
    pub max: u64,
    /// One line for the bindings' docstrings and the docs table.
    pub brief: &'static str,
    /// The setter's full docs (Markdown, one line per doc line).
    pub set_doc: &'static str,
    /// The getter's full docs.
    pub get_doc: &'static str,
}

/// Every row as data.
macro_rules! emit_rows {
    ($({
        $(#[doc = $sdoc:literal])*
        fn $set:ident($arg:ident: $ty:ty) as $kind:ident;
        $(#[doc = $gdoc:literal])*
        fn $get:ident;
        opt $level:ident $name:ident $man:literal $scope:ident $min:literal..=$max:literal;
        brief $brief:literal;
    })*) => {
        /// The option table as data (see [`OptionRow`]).
        pub const OPTION_ROWS: &[OptionRow] = &[$(OptionRow {
            get: stringify!($get),
            set: stringify!($set),
            arg: stringify!($arg),
            rust_type: stringify!($ty),
            kind: stringify!($kind),
            c_type: <kinds::$kind as OptionKind>::C_TYPE,
            level: stringify!($level),
            name: stringify!($name),
            man: $man,
            scope: stringify!($scope),
            min: $min,
            max: $max,
            brief: $brief,
            set_doc: concat!($($sdoc, "\n"),*),
            get_doc: concat!($($gdoc, "\n"),*),
        }),*];
    };
}

crate::option_table!(emit_rows);

/// `getsockname(2)` as a kernel address (the C ABI's
/// `wl_socket_local_addr`, for every state at once).
pub fn local_addr(fd: BorrowedFd<'_>) -> io::Result<RawSockAddr> {
    crate::sys::local_addr(fd)
}

/// Sets or clears `O_NONBLOCK`, as every state's `set_nonblocking`.
pub fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    crate::sys::set_nonblocking(fd, on)
}

/// Whether `O_NONBLOCK` is set, as every state's `is_nonblocking`.
pub fn is_nonblocking(fd: BorrowedFd<'_>) -> io::Result<bool> {
    crate::sys::is_nonblocking(fd)
}

/// `SO_SNDTIMEO` (`write`) or `SO_RCVTIMEO`, as every state's
/// `set_write_timeout` / `set_read_timeout`.
pub fn set_timeout(fd: BorrowedFd<'_>, write: bool, timeout: Option<std::time::Duration>) -> io::Result<()> {
    crate::socket::set_timeout_of(fd, timeout_option(write), timeout)
}

/// The timeout `set_timeout` sets.
pub fn timeout(fd: BorrowedFd<'_>, write: bool) -> io::Result<Option<std::time::Duration>> {
    crate::socket::timeout_of(fd, timeout_option(write))
}

fn timeout_option(write: bool) -> libc::c_int {
    if write { libc::SO_SNDTIMEO } else { libc::SO_RCVTIMEO }
}

/// Reads and clears `SO_ERROR`, as every state's `take_error`.
pub fn take_error(fd: BorrowedFd<'_>) -> io::Result<Option<io::Error>> {
    crate::socket::take_error_of(fd)
}
