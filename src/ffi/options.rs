//! Socket options: one C function per Rust option function, taking the
//! descriptor (`wl_<state>_fd(h)`) the way the Rust functions take any
//! `AsFd`. Getters write to an out-parameter and return 0 or `-errno`.
//!
//! The `int` options are generated from the core's option table
//! (`wirelane_core::option_table!`, `src/options/table.rs`): one row gives
//! `wl_set_<name>(fd, value)` and `wl_<name>(fd, &out)`, and their header
//! declarations are written from the same row by tests/c_abi/ffi_header.rs
//! (cbindgen does not expand macros). The options below the table are the
//! ones whose values are structs or strings.

use std::ffi::{c_char, c_int};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use super::boundary::ffi_fn;
use super::handle::{bytes, c_str, copy_out_truncating, out_ptr};
use wirelane_core::ffi_support::invalid_input;
// The core's option functions, reachable as `crate::options::<name>` from
// the exports below (this module is the C face of `wirelane::options`).
#[allow(unused_imports)]
use wirelane_core::options::*;

/// Borrows a caller's descriptor for one call.
///
/// # Safety
/// A non-negative `fd` must stay open for the duration of the call (a
/// closed one makes the syscall fail with `EBADF`).
pub(crate) unsafe fn fd_arg<'a>(fd: c_int) -> io::Result<BorrowedFd<'a>> {
    if fd < 0 {
        return Err(invalid_input(libc::EBADF, format!("{fd} is not a file descriptor")));
    }
    // SAFETY: non-negative, and open for the call (caller contract).
    Ok(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// Whole seconds of a duration, saturating at `u32::MAX`.
fn secs(d: Duration) -> u32 {
    d.as_secs().min(u64::from(u32::MAX)) as u32
}

/// Four bytes in network order as an IPv4 address.
pub(crate) unsafe fn ipv4_arg(ptr: *const u8, what: &'static str) -> io::Result<Ipv4Addr> {
    // SAFETY: a non-NULL `ptr` points to 4 bytes (caller contract).
    let b = unsafe { bytes(ptr, 4, what) }?;
    Ok(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

/// Sixteen bytes in network order as an IPv6 address.
pub(crate) unsafe fn ipv6_arg(ptr: *const u8, what: &'static str) -> io::Result<Ipv6Addr> {
    // SAFETY: a non-NULL `ptr` points to 16 bytes (caller contract).
    let b = unsafe { bytes(ptr, 16, what) }?;
    let mut octets = [0u8; 16];
    octets.copy_from_slice(b);
    Ok(Ipv6Addr::from(octets))
}

/// Sets what `close` does with unsent data (`SO_LINGER`, see `socket(7)`):
/// `wirelane::set_linger`.
///
/// - `enable` false (the default): `close` returns at once and the kernel
///   keeps sending queued data in the background (`seconds` is ignored).
/// - `enable` true: `close` blocks until the data is sent and acknowledged
///   or `seconds` pass; on timeout the rest is discarded.
/// - `enable` true, `seconds` 0: `close` discards queued data and resets
///   the connection (TCP sends `RST`, no `TIME_WAIT`).
///
/// `fd` is any socket descriptor, e.g. from `wl_conn_fd`. Returns 0, or
/// `-EINVAL` for `seconds` above `INT_MAX`, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_linger(fd: c_int, enable: bool, seconds: u32) -> c_int {
    ffi_fn!("wl_set_linger", {
        let linger = enable.then(|| Duration::from_secs(u64::from(seconds)));
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_linger(&unsafe { fd_arg(fd) }?, linger)?;
        Ok(0)
    })
}

/// The linger setting (`SO_LINGER`, see `socket(7)`): `wirelane::linger`.
/// Writes whether it is on to `*enabled` and its time to `*seconds` (0
/// when off). `fd` is any socket descriptor.
///
/// Returns 0 or `-errno`; the outputs are written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_linger(fd: c_int, enabled: *mut bool, seconds: *mut u32) -> c_int {
    ffi_fn!("wl_linger", {
        let enabled = out_ptr(enabled, "enabled")?;
        let seconds = out_ptr(seconds, "seconds")?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let value = crate::options::linger(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: both checked non-NULL.
        unsafe {
            enabled.write(value.is_some());
            seconds.write(value.map_or(0, secs));
        }
        Ok(0)
    })
}

/// Binds the socket to a network interface (`SO_BINDTODEVICE`, see
/// `socket(7)`): `wirelane::bind_device`. It then only receives packets
/// that arrived on that interface and sends through it, whatever the
/// routing table says. `interface` NULL removes the binding.
///
/// The name must be 1 to 15 bytes (`IFNAMSIZ - 1`, checked first: the
/// kernel would silently truncate). Returns 0, or `-EINVAL` (bad name),
/// `-ENODEV` (no such interface), `-EPERM` (changing an existing binding
/// without `CAP_NET_RAW`), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bind_device(fd: c_int, interface: *const c_char) -> c_int {
    ffi_fn!("wl_bind_device", {
        let name = if interface.is_null() {
            None
        } else {
            // SAFETY: a non-NULL `interface` is a C string (caller contract).
            Some(unsafe { c_str(interface, "interface") }?)
        };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::bind_device(&unsafe { fd_arg(fd) }?, name)?;
        Ok(0)
    })
}

/// Copies the name of the interface the socket is bound to
/// (`SO_BINDTODEVICE`, see `socket(7)`) into `buf` (`len` bytes, always
/// NUL-terminated when `len > 0`): `wirelane::bound_device`.
///
/// Returns the name's length (0 when not bound; `>= len` means truncated,
/// as `snprintf`), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_bound_device(fd: c_int, buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_bound_device", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let name = crate::options::bound_device(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: a non-NULL `buf` holds `len` writable bytes.
        let n = unsafe { copy_out_truncating(name.as_deref().unwrap_or(""), buf, len) }?;
        Ok(n as c_int)
    })
}

/// Selects the congestion-control algorithm for this socket
/// (`TCP_CONGESTION`, see `tcp(7)`), e.g. `"cubic"`, `"reno"`, `"bbr"`:
/// `wirelane::set_tcp_congestion`.
///
/// The name must be 1 to 15 bytes (checked first). Returns 0, or `-EINVAL`
/// (bad name, NULL), `-ENOENT` (algorithm not available), `-EPERM` (not
/// in `net.ipv4.tcp_allowed_congestion_control` without `CAP_NET_ADMIN`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_set_tcp_congestion(fd: c_int, algorithm: *const c_char) -> c_int {
    ffi_fn!("wl_set_tcp_congestion", {
        // SAFETY: a non-NULL `algorithm` is a C string (caller contract).
        let name = unsafe { c_str(algorithm, "algorithm") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::set_tcp_congestion(&unsafe { fd_arg(fd) }?, name)?;
        Ok(0)
    })
}

/// Copies the congestion-control algorithm in use (`TCP_CONGESTION`, see
/// `tcp(7)`) into `buf` (`len` bytes, NUL-terminated when `len > 0`):
/// `wirelane::tcp_congestion`.
///
/// Returns the name's length (`>= len` means truncated, as `snprintf`),
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_congestion(fd: c_int, buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_tcp_congestion", {
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        let name = crate::options::tcp_congestion(&unsafe { fd_arg(fd) }?)?;
        // SAFETY: a non-NULL `buf` holds `len` writable bytes.
        let n = unsafe { copy_out_truncating(&name, buf, len) }?;
        Ok(n as c_int)
    })
}

/// Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`, see `ip(7)`):
/// `wirelane::join_multicast_v4`. `group` and `interface` are 4 bytes in
/// network order; an all-zero `interface` lets the kernel pick by route.
/// The socket then receives datagrams sent to `group` on its bound port.
///
/// Returns 0, or `-EINVAL` (not a multicast group, NULL), `-EADDRINUSE`
/// (joined twice), or another `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_multicast_v4(fd: c_int, group: *const u8, interface: *const u8) -> c_int {
    ffi_fn!("wl_join_multicast_v4", {
        // SAFETY: pointers NULL or 4 bytes each (caller contract).
        let (g, i) = unsafe { (ipv4_arg(group, "group")?, ipv4_arg(interface, "interface")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::join_multicast_v4(&unsafe { fd_arg(fd) }?, g, i)?;
        Ok(0)
    })
}

/// Leaves an IPv4 multicast group joined with `wl_join_multicast_v4`
/// (`IP_DROP_MEMBERSHIP`, see `ip(7)`): `wirelane::leave_multicast_v4`.
///
/// Returns 0, or `-EADDRNOTAVAIL` (not joined), `-EINVAL`, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_multicast_v4(fd: c_int, group: *const u8, interface: *const u8) -> c_int {
    ffi_fn!("wl_leave_multicast_v4", {
        // SAFETY: pointers NULL or 4 bytes each (caller contract).
        let (g, i) = unsafe { (ipv4_arg(group, "group")?, ipv4_arg(interface, "interface")?) };
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::leave_multicast_v4(&unsafe { fd_arg(fd) }?, g, i)?;
        Ok(0)
    })
}

/// Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`, see `ipv6(7)`) on
/// the interface with index `interface` (0: the kernel picks by route):
/// `wirelane::join_multicast_v6`. `group` is 16 bytes in network order.
///
/// Returns 0, or `-EINVAL` (not a multicast group, NULL), or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_join_multicast_v6(fd: c_int, group: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_join_multicast_v6", {
        // SAFETY: `group` NULL or 16 bytes (caller contract).
        let g = unsafe { ipv6_arg(group, "group") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::join_multicast_v6(&unsafe { fd_arg(fd) }?, g, interface)?;
        Ok(0)
    })
}

/// Leaves an IPv6 multicast group joined with `wl_join_multicast_v6`
/// (`IPV6_DROP_MEMBERSHIP`, see `ipv6(7)`): `wirelane::leave_multicast_v6`.
///
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_leave_multicast_v6(fd: c_int, group: *const u8, interface: u32) -> c_int {
    ffi_fn!("wl_leave_multicast_v6", {
        // SAFETY: `group` NULL or 16 bytes (caller contract).
        let g = unsafe { ipv6_arg(group, "group") }?;
        // SAFETY: `fd` is a descriptor the caller keeps open for the call.
        crate::options::leave_multicast_v6(&unsafe { fd_arg(fd) }?, g, interface)?;
        Ok(0)
    })
}

/// The C face of each table row: `wl_set_<name>` and `wl_<name>`. The
/// documentation in the header comes from the same row.
macro_rules! emit_c {
    ($({
        $(set: $(#[doc = $sdoc:literal])* fn $set:ident($arg:ident);)?
        get: $(#[doc = $gdoc:literal])* fn $get:ident -> $ty:ty as $kind:ident;
        opt $level:ident $name:ident $man:literal $scope:ident $min:literal..=$max:literal;
        brief $brief:literal;
    })*) => {$(
        $(
            $(#[doc = $sdoc])*
            #[unsafe(export_name = concat!("wl_", stringify!($set)))]
            pub unsafe extern "C" fn $set(fd: c_int, value: <kinds::$kind as OptionKind>::C) -> c_int {
                ffi_fn!(concat!("wl_", stringify!($set)), {
                    // SAFETY: `fd` is a descriptor the caller keeps open for the call.
                    let fd = unsafe { fd_arg(fd) }?;
                    wirelane_core::options::$set(&fd, <kinds::$kind as OptionKind>::from_c(value))?;
                    Ok(0)
                })
            }
        )?

        $(#[doc = $gdoc])*
        #[unsafe(export_name = concat!("wl_", stringify!($get)))]
        pub unsafe extern "C" fn $get(fd: c_int, out: *mut <kinds::$kind as OptionKind>::C) -> c_int {
            ffi_fn!(concat!("wl_", stringify!($get)), {
                let out = out_ptr(out, "out")?;
                // SAFETY: `fd` is a descriptor the caller keeps open for the call.
                let value = wirelane_core::options::$get(&unsafe { fd_arg(fd) }?)?;
                // SAFETY: checked non-NULL.
                unsafe { out.write(<kinds::$kind as OptionKind>::to_c(value)) };
                Ok(0)
            })
        }
    )*};
}

/// The table's exports, in a module of their own so that their Rust names
/// (`set_tcp_nodelay`, ...) do not clash with the core's.
pub mod table {
    use std::ffi::c_int;
    // The rows name their Rust types; `Duration` is one of them.
    #[allow(unused_imports)]
    use std::time::Duration;

    use super::fd_arg;
    use crate::boundary::ffi_fn;
    use crate::handle::out_ptr;
    use wirelane_core::ffi_support::{OptionKind, kinds};

    wirelane_core::option_table!(emit_c);
}
