//! The panic boundary every export goes through, the error convention and
//! the thread-local last error.
//!
//! Every `extern "C" fn` body is `ffi_fn!("name", { ... })`: the block
//! returns `io::Result<R>`; `Ok(v)` is returned as is, `Err(e)` becomes
//! `-errno` (via [`errno_of`]) and is recorded as this thread's last error,
//! and a panic is caught (it must never unwind into C) and reported as
//! `-EIO`. `tests/c_abi/ffi_exports.rs` checks that no export skips the macro.

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_int};
use std::fmt::Write as _;
use std::io;
use std::sync::OnceLock;

use wirelane_core::error::errno_of;

/// What an export returns, and how a failure is encoded in it.
pub(crate) trait FfiRet {
    /// The value returned for a failure with `errno`.
    fn from_errno(errno: c_int) -> Self;
}

impl FfiRet for c_int {
    fn from_errno(errno: c_int) -> Self {
        -errno
    }
}

impl FfiRet for libc::ssize_t {
    fn from_errno(errno: c_int) -> Self {
        -(errno as libc::ssize_t)
    }
}

impl FfiRet for () {
    fn from_errno(_: c_int) -> Self {}
}

impl FfiRet for *const c_char {
    fn from_errno(_: c_int) -> Self {
        std::ptr::null()
    }
}

/// Wraps an export's body: catches panics, turns `Err` into `-errno` and
/// records the last error. Usage: `ffi_fn!("wl_raw_new", { ...; Ok(0) })`.
macro_rules! ffi_fn {
    ($name:expr, $body:block) => {{
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| -> ::std::io::Result<_> { $body }));
        match outcome {
            Ok(Ok(value)) => value,
            Ok(Err(error)) => $crate::boundary::fail($name, &error),
            Err(_) => $crate::boundary::panicked($name),
        }
    }};
}
pub(crate) use ffi_fn;

/// Exports whose whole body is one call of a shared function, written as
/// one entry each: its docs, then
/// `fn <name without wl_>(<args>) -> <ret> = <call>;`. Each becomes
/// `wl_<name>` with the body `ffi_fn!(.., { unsafe { <call> } })`. An
/// entry `... -> <ret> => <body>;` takes a body that is safe as it stands
/// (a shared body macro with its own `unsafe` blocks and their reasons).
///
/// cbindgen does not expand macros: tests/c_abi/render.rs reads these
/// entries from the sources and writes each out as a plain export into a
/// file that cbindgen reads next to `src/ffi/mod.rs`, so the header
/// declares them (after the other exports) with their docs. Keep an
/// entry's signature on its `fn` line(s), ending with ` = <call>;` or
/// ` => <body>;`.
macro_rules! forward_exports {
    () => {};
    ($(#[doc = $doc:literal])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $call:expr; $($rest:tt)*) => {
        const _: () = {
            $(#[doc = $doc])*
            #[unsafe(export_name = concat!("wl_", stringify!($name)))]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
                ffi_fn!(concat!("wl_", stringify!($name)), {
                    // SAFETY: the arguments are passed on under the export's
                    // contract (pointers NULL or valid, buffers of the lengths
                    // given, handles live and of this library).
                    unsafe { $call }
                })
            }
        };
        forward_exports!($($rest)*);
    };
    ($(#[doc = $doc:literal])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty => $body:expr; $($rest:tt)*) => {
        const _: () = {
            $(#[doc = $doc])*
            #[unsafe(export_name = concat!("wl_", stringify!($name)))]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
                ffi_fn!(concat!("wl_", stringify!($name)), { $body })
            }
        };
        forward_exports!($($rest)*);
    };
}
pub(crate) use forward_exports;

/// This thread's last failure. OS errors are stored as their errno only
/// (formatted when asked for), so a failing hot-path call such as a
/// non-blocking `recv` returning `EAGAIN` allocates nothing.
struct LastError {
    function: &'static str,
    errno: c_int,
    /// The detailed message, for errors that are not plain OS errors.
    detail: String,
}

thread_local! {
    static LAST: RefCell<LastError> = const {
        RefCell::new(LastError { function: "", errno: 0, detail: String::new() })
    };
}

/// Records `error` as this thread's last error and encodes it for C.
pub(crate) fn fail<R: FfiRet>(function: &'static str, error: &io::Error) -> R {
    let errno = errno_of(error);
    // `try_with`: during thread teardown the slot may be gone; the code
    // still reaches the caller.
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.function = function;
            last.errno = errno;
            last.detail.clear();
            if error.raw_os_error().is_none() {
                // Reuses the buffer's capacity; only bad-input paths get here.
                let _ = write!(last.detail, "{error}");
            }
        }
    });
    R::from_errno(errno)
}

/// Records a caught panic and encodes it as `-EIO`.
pub(crate) fn panicked<R: FfiRet>(function: &'static str) -> R {
    let error = io::Error::other(
        "internal panic (a Wirelane bug, please report it); a handle being \
         transitioned by this call is left unusable (calls on it fail with EBADF) \
         and must still be freed",
    );
    fail::<R>(function, &error);
    R::from_errno(libc::EIO)
}

/// Writes this thread's last error message into `out` (cleared first).
pub(crate) fn last_error_message(out: &mut String) {
    out.clear();
    let _ = LAST.try_with(|last| {
        let last = last.borrow();
        if last.errno == 0 && last.function.is_empty() {
            return;
        }
        let _ = write!(out, "{}: ", last.function);
        if last.detail.is_empty() {
            let _ = write!(out, "{}", strerror_text(last.errno));
        } else {
            let _ = write!(out, "{}", last.detail);
        }
    });
}

/// The largest errno with a message in the table (Linux tops out at 133).
const MAX_ERRNO: c_int = 255;

/// `strerror` texts for 0..=MAX_ERRNO, built once; the pointers stay valid
/// for the life of the process, so `wl_strerror` is thread-safe.
fn strerror_table() -> &'static [Box<CStr>] {
    static TABLE: OnceLock<Vec<Box<CStr>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=MAX_ERRNO)
            .map(|code| {
                let text = if code == 0 {
                    "Success".to_owned()
                } else {
                    let full = io::Error::from_raw_os_error(code).to_string();
                    // std appends " (os error N)"; C callers want the bare text.
                    match full.rfind(" (os error ") {
                        Some(i) => full[..i].to_owned(),
                        None => full,
                    }
                };
                let mut bytes = text.into_bytes();
                bytes.retain(|&b| b != 0);
                bytes.push(0);
                CStr::from_bytes_with_nul(&bytes)
                    .map(Box::from)
                    .unwrap_or_else(|_| Box::from(c"Unknown error"))
            })
            .collect()
    })
}

/// The text for `code` (either sign), as a static C string.
pub(crate) fn strerror_c(code: c_int) -> &'static CStr {
    let code = code.checked_abs().unwrap_or(c_int::MAX);
    if code > MAX_ERRNO {
        return c"Unknown error";
    }
    strerror_table()
        .get(code as usize)
        .map(|b| &**b)
        .unwrap_or(c"Unknown error")
}

fn strerror_text(code: c_int) -> &'static str {
    strerror_c(code).to_str().unwrap_or("Unknown error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_strips_the_os_error_suffix() {
        let text = strerror_text(libc::EPIPE);
        assert!(!text.contains("os error"), "{text}");
        assert_eq!(strerror_text(-libc::EPIPE), text);
        assert_eq!(strerror_text(100_000), "Unknown error");
        assert_eq!(strerror_text(c_int::MIN), "Unknown error");
    }

    #[test]
    fn a_panic_becomes_eio_with_a_message() {
        fn exported() -> c_int {
            ffi_fn!("exported", {
                if c_int::MAX > 0 {
                    panic!("boom");
                }
                Ok(0)
            })
        }
        assert_eq!(exported(), -libc::EIO);
        let mut s = String::new();
        last_error_message(&mut s);
        assert!(s.starts_with("exported: internal panic"), "{s}");
    }

    #[test]
    fn os_errors_are_stored_without_detail() {
        let rc: c_int = fail("f", &io::Error::from_raw_os_error(libc::EAGAIN));
        assert_eq!(rc, -libc::EAGAIN);
        let mut s = String::new();
        last_error_message(&mut s);
        assert!(s.starts_with("f: "), "{s}");
        LAST.with(|l| assert!(l.borrow().detail.is_empty()));
    }
}
