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
