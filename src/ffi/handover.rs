//! Listener handover for zero-downtime restarts: `wirelane::handover`.
//!
//! The old process spawns its successor with a channel
//! (`wl_handover_spawn`), collects its sockets with names in a
//! `wl_handover` and sends them in one message (`wl_handover_send`, which
//! returns once the successor has adopted them); the successor finds the
//! channel (`wl_handover_channel_from_env`), receives a `wl_inherited`
//! (`wl_handover_receive`), takes each socket typed and acknowledges
//! (`wl_handover_acknowledge`). The old process then frees its listeners
//! (the successor's descriptors keep the sockets and their queues alive,
//! so no connection attempt is refused), drains and exits.

use std::ffi::{CStr, c_char, c_int};
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

use super::activation::wl_inherited;
use super::any::{ByDomain, each};
use super::boundary::{ffi_fn, forward_exports};
use super::conn::wl_conn;
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::fdpass::unix;
use super::handle::{borrow, borrow_mut, c_str, give, impl_handle, out_ptr, take};
use super::listener::wl_listener;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::handover::{self, Handover};

/// A socket added to a `wl_handover`: the handle, borrowed until the send.
enum Item {
    Listener(*const wl_listener),
    Dgram(*const wl_dgram),
    DgramConn(*const wl_dgram_conn),
}

/// The sockets to hand over, with names, collected then sent in one
/// message by `wl_handover_send`.
pub(crate) struct Sockets {
    items: Vec<(String, Item)>,
}

/// The sockets to hand to a successor, with their names (a listener, a
/// bound or a connected datagram socket each; connected streams are not
/// handed over). The handle BORROWS the socket handles added to it: they
/// must stay live until `wl_handover_send` has returned (or the
/// `wl_handover` is freed). Free with `wl_handover_free`.
#[cfg_attr(all(), repr(C))]
pub struct wl_handover(super::handle::Tag, Option<Sockets>);
impl_handle!(wl_handover, Sockets);

/// Creates an empty handover.
///
/// Returns 0 and writes `*out`, or `-EINVAL` for a NULL `out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_new(out: *mut *mut wl_handover) -> c_int {
    ffi_fn!("wl_handover_new", {
        let out = out_ptr(out, "out")?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(give::<wl_handover>(Sockets { items: Vec::new() })) };
        Ok(0)
    })
}

/// Adds `item` under `name` after checking both pointers; `check` is the
/// item's handle check (NULL, tag), done now so a wrong handle is refused
/// here rather than at the send.
unsafe fn add(h: *mut wl_handover, name: *const c_char, item: Item, check: io::Result<()>) -> io::Result<c_int> {
    // SAFETY: NULL or NUL-terminated (caller contract).
    let name = unsafe { c_str(name, "name") }?;
    check?;
    // SAFETY: NULL or a live handle used by no other thread (caller contract).
    let sockets = unsafe { borrow_mut(h) }?;
    if sockets.items.len() >= wirelane_core::cmsg::SCM_MAX_FD {
        return Err(invalid_input(
            libc::EINVAL,
            format!("a handover carries at most {} sockets", wirelane_core::cmsg::SCM_MAX_FD),
        ));
    }
    sockets.items.push((name.to_owned(), item));
    Ok(c_int::try_from(sockets.items.len()).unwrap_or(c_int::MAX))
}

forward_exports! {
    /// Adds a listener under `name` (names need not be unique). Borrows
    /// `listener` until the send.
    ///
    /// Returns the number of sockets in the handover, or `-EINVAL` (NULL
    /// arguments, non-UTF-8 `name`, more than 253 sockets).
    fn handover_add_listener(
        handover: *mut wl_handover, name: *const c_char, listener: *const wl_listener,
    ) -> c_int = add(handover, name, Item::Listener(listener), borrow(listener).map(drop));

    /// Adds a bound datagram socket under `name`; see `wl_handover_add_listener`.
    fn handover_add_dgram(
        handover: *mut wl_handover, name: *const c_char, dgram: *const wl_dgram,
    ) -> c_int = add(handover, name, Item::Dgram(dgram), borrow(dgram).map(drop));

    /// Adds a connected datagram socket under `name`; see
    /// `wl_handover_add_listener`.
    fn handover_add_dgram_conn(
        handover: *mut wl_handover, name: *const c_char, dgram: *const wl_dgram_conn,
    ) -> c_int = add(handover, name, Item::DgramConn(dgram), borrow(dgram).map(drop));
}

/// Sends every socket and its name in one message over `channel` (a Unix
/// `wl_conn`), then waits for the successor's `wl_handover_acknowledge`:
/// `wirelane::handover::Handover::send`. Borrows both.
///
/// When this returns 0 the successor has adopted the sockets: free the
/// listeners (stop accepting), drain, exit. Returns `-EINVAL` (NULL, an
/// empty handover), `-EAFNOSUPPORT` (`channel` is not a Unix socket),
/// `-EBADF` (an added handle is unusable), `-ENODATA`/`-EPIPE` (the
/// successor closed the channel without acknowledging), `-EINTR` (only
/// before anything was sent: once the descriptors went out, a signal is
/// retried until the whole message is sent, see PROGRESS), ...; on any
/// error the sockets are still this process's to serve.
///
/// `-EAGAIN`: only on a non-blocking `channel` or one with a timeout, when
/// the message or the acknowledgement could not move in time; hand over on
/// a blocking channel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_send(handover: *const wl_handover, channel: *const wl_conn) -> c_int {
    ffi_fn!("wl_handover_send", {
        // SAFETY: NULL or live handles (caller contract); the added
        // handles are live until this returns (documented on wl_handover).
        let (sockets, channel) = unsafe { (borrow(handover)?, unix(channel)?) };
        let mut message = Handover::new();
        for (name, item) in &sockets.items {
            // SAFETY: as above.
            unsafe {
                match item {
                    Item::Listener(h) => each!(borrow(*h)?, s => message.push(name, s)),
                    Item::Dgram(h) => each!(borrow(*h)?, s => message.push(name, s)),
                    Item::DgramConn(h) => each!(borrow(*h)?, s => message.push(name, s)),
                }
            }
        }
        message.send(channel).map_err(eof_is_enodata)?;
        Ok(0)
    })
}

/// `UnexpectedEof` from the core carries no errno; C gets `ENODATA`, as
/// `wl_conn_recv_fd` reports a peer that closed first.
fn eof_is_enodata(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::UnexpectedEof && e.raw_os_error().is_none() {
        invalid_input(libc::ENODATA, e.to_string())
    } else {
        e
    }
}

/// Frees the handover (not the sockets added to it); NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_free(handover: *mut wl_handover) {
    ffi_fn!("wl_handover_free", {
        // SAFETY: NULL or a live handle nobody uses afterwards (caller contract).
        drop(unsafe { take(handover) }?);
        Ok(())
    })
}

/// In the successor: receives the predecessor's sockets with their names
/// over `channel`: `wirelane::handover::receive`. Take each with
/// `wl_inherited_take_listener` (...), then call `wl_handover_acknowledge`.
///
/// Returns 0 and writes `*out` (free with `wl_inherited_free`), or
/// `-ENODATA` (the channel closed first), `-EINVAL` (NULL; a malformed
/// message or a descriptor count that does not match the names: all
/// closed), `-EAFNOSUPPORT` (not a Unix socket), `-EINTR` (only before
/// anything arrived: once the descriptors are in, a signal is retried
/// until the whole message is, see PROGRESS), ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_receive(channel: *const wl_conn, out: *mut *mut wl_inherited) -> c_int {
    ffi_fn!("wl_handover_receive", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle (caller contract).
        let channel = unsafe { unix(channel) }?;
        let set = handover::receive(channel)
            .map_err(eof_is_enodata)
            .map_err(invalid_data_is_einval)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(give::<wl_inherited>(set)) };
        Ok(0)
    })
}

/// `InvalidData` from the core carries no errno; C gets `EINVAL`.
fn invalid_data_is_einval(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::InvalidData && e.raw_os_error().is_none() {
        invalid_input(libc::EINVAL, e.to_string())
    } else {
        e
    }
}

/// In the successor: tells the predecessor the sockets are adopted (its
/// `wl_handover_send` returns): `wirelane::handover::acknowledge`.
///
/// Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT`, `-EPIPE`, ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_acknowledge(channel: *const wl_conn) -> c_int {
    ffi_fn!("wl_handover_acknowledge", {
        // SAFETY: NULL or a live handle (caller contract).
        handover::acknowledge(unsafe { unix(channel) }?)?;
        Ok(0)
    })
}

/// In a successor: takes the handover channel named by
/// `WIRELANE_HANDOVER_FD` (checked to be a connected Unix stream, made
/// close-on-exec) and unsets the variable (not thread-safe: call early):
/// `wirelane::handover::channel_from_env`.
///
/// Returns 1 and writes `*out` (a Unix `wl_conn` the caller owns), 0 when
/// the variable is not set (a first start, not a successor), or `-EINVAL`
/// (NULL `out`, a malformed value, not a connected Unix stream), `-EBADF`
/// (the descriptor is not open).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_channel_from_env(out: *mut *mut wl_conn) -> c_int {
    ffi_fn!("wl_handover_channel_from_env", {
        let out = out_ptr(out, "out")?;
        match handover::channel_from_env()? {
            None => Ok(0),
            Some(channel) => {
                // SAFETY: checked non-NULL.
                unsafe { out.write(give::<wl_conn>(ByDomain::Unix(channel))) };
                Ok(1)
            }
        }
    })
}

/// Spawns the successor: executes `path` with the NULL-terminated `argv`
/// (`argv[0]` is the program name it sees, as for `execv(3)`; the
/// environment is inherited), with one end of a new Unix stream pair
/// inherited and its number in `WIRELANE_HANDOVER_FD`:
/// `wirelane::handover::spawn_successor`. Only that descriptor is
/// inherited; every Wirelane socket is close-on-exec.
///
/// Returns 0, writes the child's pid to `*out_pid` (reap it with
/// `waitpid(2)`) and this process's end of the channel to `*out_channel`
/// (for `wl_handover_send`), or `-EINVAL` (NULL or non-UTF-8 arguments,
/// an empty `argv`), `-ENOENT`/`-EACCES` (cannot execute `path`), ...
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_handover_spawn(
    path: *const c_char,
    argv: *const *const c_char,
    out_pid: *mut libc::pid_t,
    out_channel: *mut *mut wl_conn,
) -> c_int {
    ffi_fn!("wl_handover_spawn", {
        let out_pid = out_ptr(out_pid, "out_pid")?;
        let out_channel = out_ptr(out_channel, "out_channel")?;
        // SAFETY: NULL or a NUL-terminated string (caller contract).
        let path = unsafe { c_str(path, "path") }?;
        // SAFETY: NULL or a NULL-terminated array of strings (caller contract).
        let args = unsafe { argv_strings(argv) }?;
        let mut command = Command::new(path);
        command.arg0(&args[0]).args(&args[1..]);
        let (child, channel) = handover::spawn_successor(&mut command)?;
        // SAFETY: both checked non-NULL.
        unsafe {
            out_pid.write(child.id() as libc::pid_t);
            out_channel.write(give::<wl_conn>(ByDomain::Unix(channel)));
        }
        Ok(0)
    })
}

/// The strings of a NULL-terminated `argv`; at least one.
unsafe fn argv_strings(argv: *const *const c_char) -> io::Result<Vec<String>> {
    if argv.is_null() {
        return Err(invalid_input(libc::EINVAL, "the array `argv` is NULL"));
    }
    let mut args = Vec::new();
    for i in 0.. {
        // SAFETY: the array is NULL-terminated (caller contract): every
        // index up to the terminator is readable.
        let arg = unsafe { *argv.add(i) };
        if arg.is_null() {
            break;
        }
        // SAFETY: a non-NULL entry is a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(arg) }
            .to_str()
            .map_err(|_| invalid_input(libc::EINVAL, format!("argv[{i}] is not valid UTF-8")))?;
        args.push(text.to_owned());
    }
    if args.is_empty() {
        return Err(invalid_input(
            libc::EINVAL,
            "argv is empty: argv[0], the program name, is required",
        ));
    }
    Ok(args)
}
