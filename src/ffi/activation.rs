//! Running under a service manager: socket activation (`sd_listen_fds`)
//! into a `wl_inherited` set, each descriptor taken as a typed handle with
//! the kernel's checks, and readiness notification (`sd_notify`):
//! `wirelane::activation`. A handover (`wl_handover_receive`) delivers a
//! `wl_inherited` too.

use std::ffi::{OsStr, c_char, c_int};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;

use super::any::{Adopt, State};
use super::boundary::{ffi_fn, forward_exports};
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{Handle, borrow, borrow_mut, c_str, copy_out_truncating, give, impl_handle, out_ptr, take};
use super::listener::wl_listener;
use wirelane_core::TransitionError;
use wirelane_core::activation::{self, InheritedSockets};
use wirelane_core::ffi_support::{family_name, invalid_input, take_inherited};

/// Descriptors inherited by this process, with names: from socket
/// activation (`wl_activation_listen_fds`) or a predecessor's handover
/// (`wl_handover_receive`). Take each as its typed handle
/// (`wl_inherited_take_listener`, ...); a descriptor that fails its check
/// stays in the set. Every descriptor is close-on-exec; whatever is never
/// taken is closed by `wl_inherited_free`.
#[cfg_attr(all(), repr(C))]
pub struct wl_inherited(super::handle::Tag, Option<InheritedSockets>);
impl_handle!(wl_inherited, InheritedSockets);

/// Reads the socket-activation variables (`LISTEN_PID`, `LISTEN_FDS`,
/// `LISTEN_FDNAMES`), marks every passed descriptor (3, 4, ...)
/// close-on-exec and writes the set to `*out`: `sd_listen_fds(3)`
/// semantics, `wirelane::activation::listen_fds_with`. When
/// `unset_environment` is true the variables are unset (so children do
/// not see them), whether or not this succeeds; that part is not
/// thread-safe (`setenv(3)`): call it early, before other threads start.
///
/// Returns 0 and writes `*out` (free with `wl_inherited_free`), or
/// `-ENOENT` (`LISTEN_PID`/`LISTEN_FDS` not set: not socket-activated),
/// `-EINVAL` (a malformed variable, `LISTEN_PID` naming another process,
/// a name count that does not match, NULL `out`), `-EBADF` (a counted
/// descriptor is not open). The message names the variable or descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_activation_listen_fds(unset_environment: bool, out: *mut *mut wl_inherited) -> c_int {
    ffi_fn!("wl_activation_listen_fds", {
        let out = out_ptr(out, "out")?;
        let set = activation::listen_fds_with(unset_environment).map_err(not_found_is_enoent)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(give::<wl_inherited>(set)) };
        Ok(0)
    })
}

/// `NotFound` errors from the core carry no errno; C gets `ENOENT`.
fn not_found_is_enoent(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::NotFound && e.raw_os_error().is_none() {
        invalid_input(libc::ENOENT, e.to_string())
    } else {
        e
    }
}

/// Sends `state` (newline-separated `KEY=VALUE` assignments such as
/// `"READY=1"`, `"STOPPING=1"`, `"STATUS=..."`) to the socket named in
/// `NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace):
/// `sd_notify(3)`, `wirelane::activation::notify`.
///
/// Returns 1 once sent, 0 when `NOTIFY_SOCKET` is not set (nothing to
/// do, as `sd_notify` returns 0), or `-EINVAL` (NULL, empty or non-UTF-8
/// `state`, a malformed `NOTIFY_SOCKET`), `-ECONNREFUSED` (nobody
/// listens), ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_activation_notify(state: *const c_char) -> c_int {
    ffi_fn!("wl_activation_notify", {
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let state = unsafe { c_str(state, "state") }?;
        activation::notify(state).map(c_int::from)
    })
}

/// Sends `state` to the notification socket `socket` (a path, or `@name`),
/// whatever the environment says: `wirelane::activation::notify_to`.
///
/// Returns 0, or `-EINVAL` (NULL or malformed arguments), or the send's
/// `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_activation_notify_to(socket: *const c_char, state: *const c_char) -> c_int {
    ffi_fn!("wl_activation_notify_to", {
        // SAFETY: NULL or NUL-terminated strings (caller contract).
        let (socket, state) = unsafe { (c_str(socket, "socket")?, c_str(state, "state")?) };
        activation::notify_to(OsStr::from_bytes(socket.as_bytes()), state)?;
        Ok(0)
    })
}

/// How many descriptors the set holds (taken ones included).
///
/// Returns the count, or `-EINVAL` for a NULL `set`. Borrows `set`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_inherited_count(set: *const wl_inherited) -> c_int {
    ffi_fn!("wl_inherited_count", {
        // SAFETY: NULL or a live handle (caller contract).
        let set = unsafe { borrow(set) }?;
        Ok(set.len().min(c_int::MAX as usize) as c_int)
    })
}

/// Copies the name of descriptor `index` (`LISTEN_FDNAMES`, or the name
/// the predecessor gave; `"unknown"` when the manager gave none) into
/// `buf` (`len` bytes, always NUL-terminated when `len > 0`), like
/// `snprintf`.
///
/// Returns the name's full length without the NUL (a value `>= len`
/// means truncated; `buf = NULL, len = 0` asks for it), or `-EINVAL`
/// (NULL `set`, `index` out of range). Borrows `set`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_inherited_name(
    set: *const wl_inherited,
    index: usize,
    buf: *mut c_char,
    len: usize,
) -> c_int {
    ffi_fn!("wl_inherited_name", {
        // SAFETY: NULL or a live handle (caller contract).
        let set = unsafe { borrow(set) }?;
        let name = set.name(index).ok_or_else(|| out_of_range(set, index))?;
        // SAFETY: a non-NULL `buf` holds `len` writable bytes (caller contract).
        let n = unsafe { copy_out_truncating(name, buf, len) }?;
        Ok(n.min(c_int::MAX as usize) as c_int)
    })
}

fn out_of_range(set: &InheritedSockets, index: usize) -> io::Error {
    invalid_input(
        libc::EINVAL,
        format!("no descriptor at index {index} (there are {})", set.len()),
    )
}

/// The index of the first descriptor called `name`.
///
/// Returns the index, or `-ENOENT` (no such name; the message lists the
/// names there are), `-EINVAL` (NULL arguments, non-UTF-8 `name`).
/// Borrows `set`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_inherited_index_of(set: *const wl_inherited, name: *const c_char) -> c_int {
    ffi_fn!("wl_inherited_index_of", {
        // SAFETY: NULL or live/NUL-terminated (caller contract).
        let (set, name) = unsafe { (borrow(set)?, c_str(name, "name")?) };
        index_of(set, name).map(|i| i.min(c_int::MAX as usize) as c_int)
    })
}

fn index_of(set: &InheritedSockets, name: &str) -> io::Result<usize> {
    set.index_of(name).ok_or_else(|| {
        invalid_input(
            libc::ENOENT,
            format!(
                "no descriptor named {name:?} (names: {:?})",
                set.names().collect::<Vec<_>>()
            ),
        )
    })
}

/// The number descriptor `index` had when it was inherited (3, 4, ...
/// under socket activation), taken or not; for messages and logs.
///
/// Returns it, or `-EINVAL` (NULL `set`, `index` out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_inherited_fd(set: *const wl_inherited, index: usize) -> c_int {
    ffi_fn!("wl_inherited_fd", {
        // SAFETY: NULL or a live handle (caller contract).
        let set = unsafe { borrow(set) }?;
        set.raw_fd(index).ok_or_else(|| out_of_range(set, index))
    })
}

/// Adopts descriptor `index` as a handle of type `H` in `domain`
/// (`AF_INET`, `AF_INET6`, `AF_UNIX`, or 0 for any); on a mismatch the
/// descriptor stays in the set and the error names it and what it is.
unsafe fn take_as<H: Handle>(set: *mut wl_inherited, index: usize, domain: c_int, out: *mut *mut H) -> io::Result<c_int>
where
    H::Inner: Adopt + State,
{
    let out = out_ptr(out, "out")?;
    let what_for = match domain {
        0 => H::NAME.to_owned(),
        libc::AF_INET | libc::AF_INET6 | libc::AF_UNIX => format!("{} of {}", H::NAME, family_name(domain)),
        other => {
            return Err(invalid_input(
                libc::EAFNOSUPPORT,
                format!("domain {other} is not AF_INET, AF_INET6, AF_UNIX or 0 (any)"),
            ));
        }
    };
    // SAFETY: NULL or a live handle used by no other thread (caller contract).
    let set = unsafe { borrow_mut(set) }?;
    let adopt = |fd: OwnedFd| -> Result<H::Inner, TransitionError<OwnedFd>> {
        let state = H::Inner::adopt(fd)?;
        if domain != 0 && state.family() != domain {
            let error = invalid_input(
                libc::EAFNOSUPPORT,
                format!("its domain is {}", family_name(state.family())),
            );
            return Err(TransitionError::new(error, state.into_owned_fd()));
        }
        Ok(state)
    };
    let state = take_inherited(set, index, &what_for, adopt)?;
    // SAFETY: checked non-NULL.
    unsafe { out.write(give::<H>(state)) };
    Ok(0)
}

/// As [`take_as`], by name.
unsafe fn take_named_as<H: Handle>(
    set: *mut wl_inherited,
    name: *const c_char,
    domain: c_int,
    out: *mut *mut H,
) -> io::Result<c_int>
where
    H::Inner: Adopt + State,
{
    out_ptr(out, "out")?; // before the name lookup: a NULL `out` is EINVAL, whatever the name
    // SAFETY: NULL or live/NUL-terminated (caller contract).
    let index = unsafe { index_of(borrow(set)?, c_str(name, "name")?) }?;
    // SAFETY: forwarded.
    unsafe { take_as(set, index, domain, out) }
}

forward_exports! {
    /// Takes descriptor `index` as a `wl_listener` after the kernel checks of
    /// `wl_listener_from_fd` (a listening stream socket), and, unless `domain`
    /// is 0, that it is of `domain` (`AF_INET`, `AF_INET6`, `AF_UNIX`).
    ///
    /// Returns 0 and writes `*out` (the caller owns it), or `-EINVAL` (NULL,
    /// index out of range or already taken, not listening), `-ENOTSOCK`,
    /// `-EAFNOSUPPORT` (another domain), `-EPROTOTYPE` (not a stream). On
    /// failure the descriptor stays in the set and the message names it and
    /// what it really is, e.g. `"LISTEN_FDS: fd 3 (\"web\") is an AF_INET
    /// (IPv4) datagram socket; cannot adopt it as wl_listener of AF_INET
    /// (IPv4): ..."`.
    fn inherited_take_listener(
        set: *mut wl_inherited, index: usize, domain: c_int, out: *mut *mut wl_listener,
    ) -> c_int = take_as(set, index, domain, out);

    /// `wl_inherited_take_listener` for the first descriptor called `name`
    /// (`-ENOENT` when there is none).
    fn inherited_take_listener_named(
        set: *mut wl_inherited, name: *const c_char, domain: c_int, out: *mut *mut wl_listener,
    ) -> c_int = take_named_as(set, name, domain, out);

    /// Takes descriptor `index` as a `wl_dgram` (a bound, unconnected
    /// datagram socket), checked like `wl_dgram_from_fd`, of `domain` unless
    /// it is 0. Errors as for `wl_inherited_take_listener`.
    fn inherited_take_dgram(
        set: *mut wl_inherited, index: usize, domain: c_int, out: *mut *mut wl_dgram,
    ) -> c_int = take_as(set, index, domain, out);

    /// `wl_inherited_take_dgram` for the first descriptor called `name`.
    fn inherited_take_dgram_named(
        set: *mut wl_inherited, name: *const c_char, domain: c_int, out: *mut *mut wl_dgram,
    ) -> c_int = take_named_as(set, name, domain, out);

    /// Takes descriptor `index` as a `wl_dgram_conn` (a connected datagram
    /// socket), checked like `wl_dgram_conn_from_fd`, of `domain` unless it is
    /// 0. Errors as for `wl_inherited_take_listener`.
    fn inherited_take_dgram_conn(
        set: *mut wl_inherited, index: usize, domain: c_int, out: *mut *mut wl_dgram_conn,
    ) -> c_int = take_as(set, index, domain, out);

    /// `wl_inherited_take_dgram_conn` for the first descriptor called `name`.
    fn inherited_take_dgram_conn_named(
        set: *mut wl_inherited, name: *const c_char, domain: c_int, out: *mut *mut wl_dgram_conn,
    ) -> c_int = take_named_as(set, name, domain, out);
}

/// Frees the set, closing every descriptor not taken; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_inherited_free(set: *mut wl_inherited) {
    ffi_fn!("wl_inherited_free", {
        // SAFETY: NULL or a live handle nobody uses afterwards (caller contract).
        drop(unsafe { take(set) }?);
        Ok(())
    })
}
