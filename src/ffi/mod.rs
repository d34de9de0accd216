//! The C ABI: opaque per-state handles over the Rust core.
//!
//! This module only converts handles and arguments and delegates to the
//! typed Rust API; `include/wirelane.h` is generated from it by cbindgen
//! (`cbindgen.toml`; regenerate with `WIRELANE_BLESS=1 cargo test --test
//! ffi_header`). The conventions (ownership, errors, threads) are stated
//! once at the top of that header and in `include/README.md`.
//!
//! Layout: [`boundary`] holds the panic boundary (`ffi_fn!`) and the
//! last-error slot; [`handle`] is the one place that turns pointers into
//! Rust values and back; [`any`] is the enum over domains a handle holds;
//! one file per handle type declares its exports.

// C names: the ABI is `wl_raw`, `wl_addr`, ... as C code spells them.
#![allow(non_camel_case_types)]
// The safety contract of every export is the same and is stated once, at
// the top of the generated header: pointers are NULL or valid, handles are
// live and come from this library, buffers hold the lengths given.
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int};

mod activation;
mod addr;
mod addr_parse_n;
mod any;
mod batch;
mod batch_meta;
mod batch_unpack;
mod bound;
mod boundary;
mod builder;
mod by_inet;
mod cbpf;
mod cmsg;
mod cmsg_errqueue;
mod common;
mod conn;
mod connect_by_name;
mod dgram;
mod dgram_conn_meta;
mod fdpass;
mod gso;
mod handle;
mod handover;
mod icmp;
mod lifecycle;
mod limits;
mod listener;
mod listener_clone;
mod nonblock;
mod options;
mod peer;
mod pending;
mod proxy_opts;
mod raw;
mod rawip;
mod recv_slots;
mod seqpacket;
mod socket;
mod stream;
mod tcp_info;
mod udp_meta;
mod wake;
mod zerocopy;

pub use activation::*;
pub use addr::*;
pub use addr_parse_n::*;
pub use batch::*;
pub use batch_meta::*;
pub use batch_unpack::*;
pub use bound::*;
pub use builder::*;
pub use cbpf::*;
pub use cmsg::*;
pub use cmsg_errqueue::*;
pub use conn::*;
pub use connect_by_name::*;
pub use dgram::*;
pub use dgram_conn_meta::*;
pub use fdpass::*;
pub use gso::*;
pub use handover::*;
pub use icmp::*;
pub use limits::*;
pub use listener::*;
pub use listener_clone::*;
pub use nonblock::*;
pub use options::*;
pub use pending::*;
pub use proxy_opts::*;
pub use raw::*;
pub use rawip::*;
pub use recv_slots::*;
pub use seqpacket::*;
pub use socket::*;
pub use stream::*;
pub use tcp_info::*;
pub use udp_meta::*;
pub use wake::*;
pub use zerocopy::*;

use boundary::ffi_fn;
use handle::copy_out_truncating;

/// The major version of the library this header belongs to.
pub const WIRELANE_VERSION_MAJOR: u32 = 0;
/// The minor version of the library this header belongs to.
pub const WIRELANE_VERSION_MINOR: u32 = 1;
/// The patch version of the library this header belongs to.
pub const WIRELANE_VERSION_PATCH: u32 = 0;
// The string form, `WIRELANE_VERSION`, is written by `cbindgen.toml`
// (`after_includes`): cbindgen does not emit string constants.

/// The version of the loaded library, e.g. `"0.1.0"` (compare with
/// `WIRELANE_VERSION` to detect a header/library mismatch).
///
/// Returns a static string; never NULL, never to be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_version() -> *const c_char {
    ffi_fn!("wl_version", {
        Ok(concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
    })
}

/// A description of an error code, e.g. `wl_strerror(-EPIPE)` is
/// `"Broken pipe"`. Takes the code with either sign, so the return value of
/// any failed call can be passed directly.
///
/// Returns a static string: never NULL, never to be freed, safe to call
/// from any thread. Unknown codes give `"Unknown error"`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_strerror(err: c_int) -> *const c_char {
    ffi_fn!("wl_strerror", { Ok(boundary::strerror_c(err).as_ptr()) })
}

/// Copies this thread's last error message into `buf` (`len` bytes,
/// always NUL-terminated when `len > 0`, truncated if needed), like
/// `snprintf`. The message names the failing function and the problem,
/// e.g. `"wl_addr_unix: Unix socket path is 120 bytes; sun_path holds at
/// most 107 bytes plus the terminating NUL"`. Every failing call sets it;
/// successful calls leave it unchanged, so read it right after a failure.
///
/// Returns the message's full length without the NUL (0 if no call has
/// failed on this thread yet); a value `>= len` means it was truncated.
/// Pass `buf = NULL, len = 0` to ask for the length. Returns `-EINVAL` for
/// a NULL `buf` with `len > 0`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_last_error_message(buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_last_error_message", {
        let mut message = String::new();
        boundary::last_error_message(&mut message);
        // SAFETY: a non-NULL `buf` holds `len` writable bytes (caller contract).
        let n = unsafe { copy_out_truncating(&message, buf, len) }?;
        Ok(n.min(c_int::MAX as usize) as c_int)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constants_match_the_package() {
        assert_eq!(WIRELANE_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(WIRELANE_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(WIRELANE_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
    }
}
