//! The robust stream helpers (`wirelane::stream_ext` and the
//! `ConnectedStream` methods it adds): deadline-bounded, cancellable
//! `send_all`, `recv_until`, a liveness probe, readiness waits and errno
//! classification.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::io;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::handle::{borrow, bytes, bytes_mut};
use super::options::fd_arg;
use super::peer::count;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::stream_ext::{self, Liveness, Readiness};

/// `POLLIN` for `wl_wait`: data to read (or a connection to accept).
pub const WL_READABLE: c_int = 0x001;
/// `POLLPRI` for `wl_wait`: urgent data.
pub const WL_PRIORITY: c_int = 0x002;
/// `POLLOUT` for `wl_wait`: room to write (or a connect resolved).
pub const WL_WRITABLE: c_int = 0x004;
/// `POLLERR` (always reported): an error is pending.
pub const WL_ERROR: c_int = 0x008;
/// `POLLHUP` (always reported): both directions are shut.
pub const WL_HANGUP: c_int = 0x010;
/// `POLLRDHUP`: the peer shut down writing (end of stream).
pub const WL_READ_HANGUP: c_int = 0x2000;

const _: () = assert!(WL_READABLE == Readiness::READABLE.bits() as c_int);
const _: () = assert!(WL_PRIORITY == Readiness::PRIORITY.bits() as c_int);
const _: () = assert!(WL_WRITABLE == Readiness::WRITABLE.bits() as c_int);
const _: () = assert!(WL_ERROR == Readiness::ERROR.bits() as c_int);
const _: () = assert!(WL_HANGUP == Readiness::HANGUP.bits() as c_int);
const _: () = assert!(WL_READ_HANGUP == Readiness::READ_HANGUP.bits() as c_int);

/// The deadline `timeout_ms` from now; negative means none.
fn deadline(timeout_ms: c_int) -> Instant {
    let now = Instant::now();
    let wait = match u64::try_from(timeout_ms) {
        Ok(ms) => Duration::from_millis(ms),
        // "Forever": far enough that no call outlives it.
        Err(_) => Duration::from_secs(100 * 365 * 24 * 3600),
    };
    now.checked_add(wait).unwrap_or(now + Duration::from_secs(24 * 3600))
}

/// Sends all `len` bytes of `buf` before the deadline, or says how far it
/// got: `ConnectedStream::send_all`. Works on blocking and non-blocking
/// sockets (each send uses `MSG_DONTWAIT`, waiting uses `poll(2)`);
/// transient errors (`EINTR`, `EAGAIN`, `ENOBUFS`) are retried: this
/// helper's job is to loop.
///
/// `timeout_ms` bounds the whole call (negative: no deadline). `cancel`,
/// if not NULL, points to a C11 `atomic_bool` another thread may set; it is
/// checked before every send and at least every 50 ms while waiting.
/// Progress (a looping call, see PROGRESS in the header): `*sent` (if not
/// NULL) receives the bytes handed to the kernel, on success and on
/// failure alike. After an error the peer receives exactly the first
/// `*sent` bytes (unless the connection itself fails); resend from there.
///
/// Returns 0 when everything was sent, or `-ETIMEDOUT`, `-ECANCELED`, or
/// the send error (`-EPIPE`, `-ECONNRESET`, ...). No allocation.
///
/// Never returns `-EAGAIN`: on a full buffer it waits (`poll(2)`) until the
/// deadline, then returns `-ETIMEDOUT` with `*sent` saying how far it got.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_send_all(
    conn: *const wl_conn,
    buf: *const c_void,
    len: usize,
    timeout_ms: c_int,
    cancel: *const c_void,
    sent: *mut usize,
) -> c_int {
    ffi_fn!("wl_conn_send_all", {
        // SAFETY: NULL or live handle; `buf` holds `len` bytes.
        let (c, data) = unsafe { (borrow(conn)?, bytes(buf.cast(), len, "buf")?) };
        // SAFETY: a non-NULL `cancel` points to a C11 atomic_bool, which has
        // the size, alignment and representation of `AtomicBool`, and stays
        // valid for the call (caller contract).
        let flag = unsafe { cancel.cast::<AtomicBool>().as_ref() };
        let when = deadline(timeout_ms);
        let result = super::any::each!(c, s => s.send_all(data, when, flag));
        let (done, outcome) = match result {
            Ok(()) => (data.len(), Ok(0)),
            Err(e) => (
                e.sent(),
                Err(match e {
                    stream_ext::SendAllError::Io { source, .. } => source,
                    other => io::Error::from_raw_os_error(other.errno()),
                }),
            ),
        };
        // SAFETY: NULL or writable (caller contract).
        if let Some(s) = unsafe { sent.as_mut() } {
            *s = done;
        }
        outcome
    })
}

/// Receives up to and including the first occurrence of the `term_len`
/// bytes of `term`, reading at most `max_len` bytes into `buf`, before the
/// deadline: `ConnectedStream::recv_until_into`. It never consumes a byte
/// past the terminator (it peeks first), so the rest stays in the socket.
/// `EINTR` is retried.
///
/// Progress (a looping call, see PROGRESS in the header): `*consumed` (if
/// not NULL) receives the bytes consumed into `buf`, on success and on
/// failure alike; they are in `buf` and gone from the socket. Returns that
/// count (terminator included),
/// or `-EINVAL` (empty terminator, `max_len` shorter than it, or
/// `max_len` bytes without the terminator: all consumed), `-ENODATA` (the
/// peer closed first), `-ETIMEDOUT`, or the receive error.
///
/// Never returns `-EAGAIN`: with nothing to read it waits (`poll(2)`) until
/// the deadline, then returns `-ETIMEDOUT`, the bytes consumed so far in
/// `buf` (`*consumed`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_recv_until(
    conn: *const wl_conn,
    term: *const c_void,
    term_len: usize,
    buf: *mut c_void,
    max_len: usize,
    timeout_ms: c_int,
    consumed: *mut usize,
) -> libc::ssize_t {
    ffi_fn!("wl_conn_recv_until", {
        // SAFETY: NULL or live handle; buffers hold the lengths given.
        let (c, term, dst) = unsafe {
            (
                borrow(conn)?,
                bytes(term.cast(), term_len, "term")?,
                bytes_mut(buf.cast(), max_len, "buf")?,
            )
        };
        let when = deadline(timeout_ms);
        let mut got = Vec::new();
        let result = super::any::each!(c, s => s.recv_until_into(term, &mut got, max_len, when));
        let n = got.len().min(dst.len());
        dst[..n].copy_from_slice(&got[..n]);
        // SAFETY: NULL or writable (caller contract).
        if let Some(out) = unsafe { consumed.as_mut() } {
            *out = n;
        }
        result.map(count)
    })
}

/// Probes the connection without consuming data (one `recv(2)` of a byte
/// with `MSG_PEEK | MSG_DONTWAIT`; never blocks):
/// `ConnectedStream::is_connected`.
///
/// Returns 1 (open: data waiting, or nothing waiting and no FIN yet), 0
/// (the peer closed its side in order; everything it sent has been read),
/// or `-errno` (the connection failed, e.g. `-ECONNRESET`; reading the
/// error consumed it).
///
/// Never returns `-EAGAIN`: an empty queue is an open connection (1).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_is_connected(conn: *const wl_conn) -> c_int {
    ffi_fn!("wl_conn_is_connected", {
        // SAFETY: NULL or a live handle.
        match super::any::each!(unsafe { borrow(conn) }?, s => s.is_connected()) {
            Liveness::Open => Ok(1),
            Liveness::ClosedByPeer => Ok(0),
            Liveness::Failed(e) => Err(e),
        }
    })
}

/// Waits until `fd` is ready for any of `interest` (`WL_READABLE`,
/// `WL_WRITABLE`, ... bits) or `timeout_ms` passes (negative: forever),
/// with `poll(2)`: `wirelane::stream_ext::wait`. Works on any descriptor
/// (`wl_<state>_fd`, pipes, files).
///
/// Returns the ready bits (0 on timeout; `WL_ERROR` and `WL_HANGUP` are
/// reported even when not asked for), or `-EINTR` (a signal; returned to
/// the caller), `-EBADF`, `-EINVAL` (bits outside `short`).
///
/// Never returns `-EAGAIN`: a timeout is 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_wait(fd: c_int, interest: c_int, timeout_ms: c_int) -> c_int {
    ffi_fn!("wl_wait", {
        let bits = libc::c_short::try_from(interest).map_err(|_| {
            invalid_input(
                libc::EINVAL,
                format!("interest {interest:#x} does not fit poll's events"),
            )
        })?;
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        // SAFETY: `fd` open for the call.
        let ready = stream_ext::wait(&unsafe { fd_arg(fd) }?, Readiness::from_bits(bits), timeout)?;
        Ok(c_int::from(ready.bits()) & 0xffff)
    })
}

/// Whether the error `err` (either sign) is transient: the same call may
/// succeed if retried later (`EAGAIN`, `EINTR`, `EINPROGRESS`, `ENOBUFS`):
/// `wirelane::stream_ext::is_transient`. Returns 1 or 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_is_transient(err: c_int) -> c_int {
    ffi_fn!("wl_is_transient", {
        let code = err.checked_abs().unwrap_or(0);
        Ok(c_int::from(stream_ext::is_transient(&io::Error::from_raw_os_error(
            code,
        ))))
    })
}

/// The symbolic name of an error code, either sign (`-ECONNREFUSED` →
/// `"ECONNREFUSED"`; aliases get one name: `EWOULDBLOCK` is `"EAGAIN"`),
/// `"UNKNOWN"` for values it does not know: `wirelane::stream_ext::errno_name`.
/// Returns a static string: never NULL, never to be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_errno_name(err: c_int) -> *const c_char {
    ffi_fn!("wl_errno_name", {
        const MAX: c_int = 255;
        static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            (0..=MAX)
                .map(|code| CString::new(stream_ext::errno_name(code)).unwrap_or_default())
                .collect()
        });
        let code = err.checked_abs().unwrap_or(c_int::MAX);
        let name: &CStr = match names.get(code as usize) {
            Some(n) if code <= MAX => n,
            _ => c"UNKNOWN",
        };
        Ok(name.as_ptr())
    })
}
