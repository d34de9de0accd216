//! Zero copy: `sendfile`, `splice`/`tee`, pipes and `MSG_ZEROCOPY`
//! (`wirelane::zerocopy` and the `ConnectedStream` methods).

use std::ffi::{c_int, c_uint, c_void};
use std::io;
use std::os::fd::IntoRawFd;
use std::time::Duration;

use super::any::{ByDomain, each_ip};
use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::handle::{borrow, bytes, give_out, impl_handle, out_ptr, take};
use super::options::fd_arg;
use super::peer::count;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::zerocopy::{self, Pipe, SpliceFlags, ZerocopyCompletion};

/// `SPLICE_F_MOVE`: move pages instead of copying where possible (a hint).
pub const WL_SPLICE_F_MOVE: c_uint = 1;
/// `SPLICE_F_NONBLOCK`: do not block on the pipe.
pub const WL_SPLICE_F_NONBLOCK: c_uint = 2;
/// `SPLICE_F_MORE`: more data follows, like `MSG_MORE`.
pub const WL_SPLICE_F_MORE: c_uint = 4;
/// `SPLICE_F_GIFT`: only meaningful for `vmsplice(2)`.
pub const WL_SPLICE_F_GIFT: c_uint = 8;

const _: () = assert!(WL_SPLICE_F_MOVE == zerocopy::SPLICE_F_MOVE.bits());
const _: () = assert!(WL_SPLICE_F_NONBLOCK == zerocopy::SPLICE_F_NONBLOCK.bits());
const _: () = assert!(WL_SPLICE_F_MORE == zerocopy::SPLICE_F_MORE.bits());
const _: () = assert!(WL_SPLICE_F_GIFT == zerocopy::SPLICE_F_GIFT.bits());

/// A pipe for `splice` (`wirelane::zerocopy::Pipe`): both ends
/// close-on-exec, closed together by `wl_pipe_free`.
#[cfg_attr(all(), repr(C))]
pub struct wl_pipe(super::handle::Tag, Option<Pipe>);
impl_handle!(wl_pipe, Pipe);

/// One `MSG_ZEROCOPY` completion (`ZerocopyCompletion`): the sends with ids
/// `first..=last` (wrapping) are done and their buffers may be reused.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_zerocopy_completion {
    /// The first send id covered.
    pub first: u32,
    /// The last send id covered, inclusive.
    pub last: u32,
    /// The kernel fell back to copying (always on loopback).
    pub copied: bool,
}

impl From<ZerocopyCompletion> for wl_zerocopy_completion {
    fn from(c: ZerocopyCompletion) -> Self {
        Self {
            first: c.first,
            last: c.last,
            copied: c.copied,
        }
    }
}

/// Reads an optional in/out offset.
unsafe fn opt_mut<'a, T>(ptr: *mut T) -> Option<&'a mut T> {
    // SAFETY: NULL or a valid, unaliased T (caller contract).
    unsafe { ptr.as_mut() }
}

/// Sends up to `len` bytes of the file `file_fd` to the peer in one
/// `sendfile(2)`, without copying them through user space:
/// `ConnectedStream::sendfile`. TCP and Unix streams.
///
/// With `offset` not NULL it reads from `*offset` and advances it by the
/// bytes sent (the file position is untouched); with NULL it uses and
/// advances the file position. `file_fd` stays the caller's.
///
/// Returns the bytes sent (0 at end of file; fewer than `len` after a
/// partial transfer, the error, if any, coming with the next call: see
/// PROGRESS), or `-EINVAL` (a socket as input, NULL `conn`), `-EAGAIN`,
/// `-EINTR`, `-EPIPE`, ... (nothing sent). No allocation.
///
/// `-EAGAIN`: the socket's send buffer is full (non-blocking connection, or
/// the write timeout passed). Nothing was sent and `*offset` (or the file
/// position) is unchanged; retry when `wl_wait` (or your event loop) reports
/// `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_sendfile(
    conn: *const wl_conn,
    file_fd: c_int,
    offset: *mut u64,
    len: usize,
) -> libc::ssize_t {
    ffi_fn!("wl_conn_sendfile", {
        // SAFETY: `conn` NULL or live; `file_fd` open for the call; `offset`
        // NULL or a valid u64.
        let (c, file, off) = unsafe { (borrow(conn)?, fd_arg(file_fd)?, opt_mut(offset)) };
        let n = super::any::each!(c, s => s.sendfile(&file, off, len))?;
        Ok(count(n))
    })
}

/// Sends `len` bytes of the file `file_fd` with as many `sendfile(2)`
/// calls as needed (`ConnectedStream::sendfile_all`): `EINTR` is retried
/// and, on a non-blocking socket, `EAGAIN` waits for writability. On a
/// blocking socket the write timeout (`wl_socket_set_write_timeout`)
/// bounds each wait: when it expires the call returns `-EAGAIN`.
///
/// Progress (a looping call, see PROGRESS in the header): `offset` as in
/// `wl_conn_sendfile` is updated after every `sendfile(2)`, so after an
/// error `*offset` (or, with NULL, the file position) says exactly how far
/// the transfer got: the peer receives the file's bytes up to there.
///
/// Returns the bytes sent (less than `len` only at end of file), or `-errno`.
///
/// `-EAGAIN`: only on a blocking socket whose write timeout (`SO_SNDTIMEO`)
/// expired while it waited for room; `*offset` (or the file position) says
/// exactly how far it got. On a non-blocking socket it waits for
/// writability itself and never returns it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_sendfile_all(
    conn: *const wl_conn,
    file_fd: c_int,
    offset: *mut u64,
    len: u64,
) -> libc::ssize_t {
    ffi_fn!("wl_conn_sendfile_all", {
        // SAFETY: as for `wl_conn_sendfile`.
        let (c, file, off) = unsafe { (borrow(conn)?, fd_arg(file_fd)?, opt_mut(offset)) };
        let n = super::any::each!(c, s => s.sendfile_all(&file, off, len))?;
        Ok(n.min(libc::ssize_t::MAX as u64) as libc::ssize_t)
    })
}

/// Moves up to `len` bytes from `fd_in` to `fd_out` inside the kernel in
/// one `splice(2)`; one of them must be a pipe: `wirelane::zerocopy::splice`.
/// An offset (not NULL) may be given only for the non-pipe side: it is
/// read and advanced instead of the file position. `flags` are
/// `WL_SPLICE_F_*` bits.
///
/// Returns the bytes moved (0 at end of input; possibly fewer than `len`,
/// see PROGRESS), or `-ESPIPE` (offset on a pipe), `-EINVAL` (neither is
/// a pipe), `-EAGAIN`, `-EINTR`, ... (nothing moved).
///
/// `-EAGAIN`: `WL_SPLICE_F_NONBLOCK` is set, or a non-blocking descriptor has
/// no data or no room. Nothing was moved and the offsets are unchanged; retry
/// when `wl_wait` reports the side that was not ready (`fd_in` `WL_READABLE`,
/// `fd_out` `WL_WRITABLE`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_splice(
    fd_in: c_int,
    off_in: *mut i64,
    fd_out: c_int,
    off_out: *mut i64,
    len: usize,
    flags: c_uint,
) -> libc::ssize_t {
    ffi_fn!("wl_splice", {
        // SAFETY: descriptors open for the call; offsets NULL or valid.
        let (a, b, oa, ob) = unsafe { (fd_arg(fd_in)?, fd_arg(fd_out)?, opt_mut(off_in), opt_mut(off_out)) };
        let n = zerocopy::splice(&a, oa, &b, ob, len, SpliceFlags::from_bits(flags))?;
        Ok(count(n))
    })
}

/// Duplicates up to `len` bytes from one pipe into another without
/// consuming them (`tee(2)`): `wirelane::zerocopy::tee`. Returns the bytes
/// duplicated or `-errno`.
///
/// `-EAGAIN`: `WL_SPLICE_F_NONBLOCK` is set (or a pipe is non-blocking) and
/// `pipe_in` is empty or `pipe_out` full; nothing was duplicated. Retry when
/// `wl_wait` reports `pipe_in` `WL_READABLE` and `pipe_out` `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tee(pipe_in: c_int, pipe_out: c_int, len: usize, flags: c_uint) -> libc::ssize_t {
    ffi_fn!("wl_tee", {
        // SAFETY: descriptors open for the call.
        let (a, b) = unsafe { (fd_arg(pipe_in)?, fd_arg(pipe_out)?) };
        Ok(count(zerocopy::tee(&a, &b, len, SpliceFlags::from_bits(flags))?))
    })
}

/// Moves `len` bytes from `from` to `to` through the pipe `via` (the
/// zero-copy proxy loop): `wirelane::zerocopy::splice_all`. `EINTR` is
/// retried and `EAGAIN` from a non-blocking descriptor waits; from a
/// blocking socket it means its timeout expired and ends the call
/// (`-EAGAIN`). `via` must start empty.
///
/// Progress (a looping call, see PROGRESS in the header) is reported on
/// success and on failure alike: if not NULL,
/// `*transferred` receives the bytes delivered and `*in_pipe` the bytes
/// read but still in `via` (drain them from `wl_pipe_reader` if the
/// destination recovers). Returns the bytes delivered (less than `len`
/// only at end of input), or `-errno` (`-EINVAL` if `via` was not empty).
///
/// `-EAGAIN`: only when a blocking socket's timeout (`SO_SNDTIMEO` /
/// `SO_RCVTIMEO`) expired; `*transferred` and `*in_pipe` say exactly how
/// far it got. With non-blocking descriptors it waits for readiness itself
/// and never returns it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_splice_all(
    from: c_int,
    to: c_int,
    len: u64,
    via: *const wl_pipe,
    transferred: *mut u64,
    in_pipe: *mut usize,
) -> libc::ssize_t {
    ffi_fn!("wl_splice_all", {
        // SAFETY: descriptors open for the call; `via` NULL or live.
        let (a, b, pipe) = unsafe { (fd_arg(from)?, fd_arg(to)?, borrow(via)?) };
        let (done, left, result) = match zerocopy::splice_all(&a, &b, len, pipe) {
            Ok(n) => (n, 0, Ok(n.min(libc::ssize_t::MAX as u64) as libc::ssize_t)),
            Err(e) => (e.transferred, e.in_pipe, Err(e.error)),
        };
        // SAFETY: each is NULL or writable (caller contract).
        unsafe {
            if let Some(t) = transferred.as_mut() {
                *t = done;
            }
            if let Some(p) = in_pipe.as_mut() {
                *p = left;
            }
        }
        result
    })
}

/// Creates a pipe (`pipe2(2)` with `O_CLOEXEC`): `wirelane::zerocopy::pipe`.
/// Writes the read end to `fds[0]` and the write end to `fds[1]`; both are
/// the caller's to close. Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_fds(fds: *mut c_int) -> c_int {
    ffi_fn!("wl_pipe_fds", {
        let fds = out_ptr(fds, "fds")?;
        let (r, w) = zerocopy::pipe()?;
        // SAFETY: `fds` has room for two ints (caller contract).
        unsafe {
            fds.write(r.into_raw_fd());
            fds.add(1).write(w.into_raw_fd());
        }
        Ok(0)
    })
}

/// Creates a pipe handle for `splice` (`Pipe::new`, or
/// `Pipe::with_capacity` when `capacity` is not 0: `F_SETPIPE_SZ`, rounded
/// up by the kernel). Free it with `wl_pipe_free`.
///
/// Returns 0 or `-errno` (`-EPERM` above `/proc/sys/fs/pipe-max-size`
/// without `CAP_SYS_RESOURCE`); `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_new(capacity: usize, out: *mut *mut wl_pipe) -> c_int {
    ffi_fn!("wl_pipe_new", {
        let out = out_ptr(out, "out")?;
        let pipe = if capacity == 0 {
            Pipe::new()?
        } else {
            Pipe::with_capacity(capacity)?
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, pipe) }
    })
}

/// Closes both ends and frees the pipe handle. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_free(pipe: *mut wl_pipe) {
    ffi_fn!("wl_pipe_free", {
        // SAFETY: NULL or a live handle the caller gives up.
        drop(unsafe { take(pipe) }?);
        Ok(())
    })
}

/// The read end's descriptor (still owned by the pipe handle). Returns it
/// or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_reader(pipe: *const wl_pipe) -> c_int {
    ffi_fn!("wl_pipe_reader", {
        // SAFETY: NULL or a live handle.
        Ok(std::os::fd::AsRawFd::as_raw_fd(&unsafe { borrow(pipe) }?.reader()))
    })
}

/// The write end's descriptor (still owned by the pipe handle). Returns it
/// or `-EINVAL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_writer(pipe: *const wl_pipe) -> c_int {
    ffi_fn!("wl_pipe_writer", {
        // SAFETY: NULL or a live handle.
        Ok(std::os::fd::AsRawFd::as_raw_fd(&unsafe { borrow(pipe) }?.writer()))
    })
}

/// Writes the pipe's capacity in bytes (`F_GETPIPE_SZ`) to `*out`.
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_capacity(pipe: *const wl_pipe, out: *mut usize) -> c_int {
    ffi_fn!("wl_pipe_capacity", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let n = unsafe { borrow(pipe) }?.capacity()?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(n) };
        Ok(0)
    })
}

/// Resizes the pipe (`F_SETPIPE_SZ`); writes the capacity the kernel chose
/// (rounded up) to `*out` if not NULL. Returns 0 or `-errno` (`-EBUSY` if
/// the data in it would not fit).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_set_capacity(pipe: *const wl_pipe, bytes: usize, out: *mut usize) -> c_int {
    ffi_fn!("wl_pipe_set_capacity", {
        // SAFETY: NULL or a live handle.
        let n = unsafe { borrow(pipe) }?.set_capacity(bytes)?;
        // SAFETY: NULL or writable.
        if let Some(o) = unsafe { out.as_mut() } {
            *o = n;
        }
        Ok(0)
    })
}

/// Writes the bytes waiting in the pipe (`FIONREAD`) to `*out`. Returns 0
/// or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_pending(pipe: *const wl_pipe, out: *mut usize) -> c_int {
    ffi_fn!("wl_pipe_pending", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let n = unsafe { borrow(pipe) }?.pending()?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(n) };
        Ok(0)
    })
}

/// Frees the pipe handle and hands both descriptors to the caller
/// (`Pipe::into_parts`): `fds[0]` read end, `fds[1]` write end.
///
/// Ownership: consumes `pipe` on success. Returns 0, or `-EINVAL` (NULL;
/// nothing consumed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_pipe_into_fds(pipe: *mut wl_pipe, fds: *mut c_int) -> c_int {
    ffi_fn!("wl_pipe_into_fds", {
        let fds = out_ptr(fds, "fds")?;
        // SAFETY: NULL or a live handle nobody else uses now.
        let (r, w) = unsafe { super::handle::transition(pipe, |p| Ok(p.into_parts())) }?;
        // SAFETY: `fds` has room for two ints (caller contract).
        unsafe {
            fds.write(r.into_raw_fd());
            fds.add(1).write(w.into_raw_fd());
        }
        Ok(0)
    })
}

fn tcp_only() -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        "MSG_ZEROCOPY applies to TCP (IPv4/IPv6) streams only",
    )
}

/// Sends `len` bytes of `buf` with `MSG_ZEROCOPY` (Linux 4.14+): the kernel
/// transmits straight from these pages: `ConnectedStream::send_zerocopy`.
/// Enable `SO_ZEROCOPY` first (`wl_set_zerocopy`). Each call that queues
/// bytes gets the socket's next send id (0, 1, 2, ...).
///
/// Ownership: the kernel reads `buf` after this call returns. The buffer
/// must stay valid and unmodified until a completion covering this send's
/// id arrives (`wl_conn_recv_zerocopy_completion`). Returns the bytes
/// queued (possibly fewer than `len`: send the rest with another call, see
/// PROGRESS), or `-ENOBUFS` (too many completions outstanding: read some),
/// `-EAFNOSUPPORT` (a Unix stream), `-EAGAIN`, `-EINTR`, `-EPIPE`, ...
///
/// `-EAGAIN`: the send buffer is full (non-blocking connection,
/// `MSG_DONTWAIT`, or the write timeout). Nothing was queued and no send id
/// was used: `buf` may be reused at once; retry when `wl_wait` (or your event
/// loop) reports `WL_WRITABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_send_zerocopy(conn: *const wl_conn, buf: *const c_void, len: usize) -> libc::ssize_t {
    ffi_fn!("wl_conn_send_zerocopy", {
        // SAFETY: `buf` holds `len` bytes that stay valid and unchanged until
        // their completion (this call's documented contract), which is what
        // the `'static` in the Rust signature stands for.
        let data: &'static [u8] = unsafe { bytes(buf.cast(), len, "buf") }?;
        // SAFETY: NULL or a live handle.
        match unsafe { borrow(conn) }? {
            ByDomain::V4(s) => s.send_zerocopy(data).map(count),
            ByDomain::V6(s) => s.send_zerocopy(data).map(count),
            ByDomain::Unix(_) => Err(tcp_only()),
        }
    })
}

/// Reads one `MSG_ZEROCOPY` completion from the error queue without
/// blocking: `ConnectedStream::recv_zerocopy_completion`.
///
/// Returns 1 and writes `*out`, 0 if none is waiting, or `-errno` (an
/// error-queue entry of another origin is consumed and returned as an
/// error; `-EAFNOSUPPORT` for a Unix stream).
///
/// Never returns `-EAGAIN`: "none waiting" is 0. Completions arrive on the
/// error queue, which `wl_wait` reports as `WL_ERROR`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_recv_zerocopy_completion(
    conn: *const wl_conn,
    out: *mut wl_zerocopy_completion,
) -> c_int {
    ffi_fn!("wl_conn_recv_zerocopy_completion", {
        let out = out_ptr(out, "out")?;
        // SAFETY: NULL or a live handle.
        let c = each_ip!(unsafe { borrow(conn) }?, tcp_only(), s => s.recv_zerocopy_completion()?);
        Ok(match c {
            Some(c) => {
                // SAFETY: checked non-NULL.
                unsafe { out.write(c.into()) };
                1
            }
            None => 0,
        })
    })
}

/// Waits up to `timeout_ms` (negative: forever) for a `MSG_ZEROCOPY`
/// completion: `ConnectedStream::wait_zerocopy_completion`.
///
/// Returns 1 and writes `*out`, 0 on timeout, or `-errno` (`-EINTR`, a
/// pending socket error, `-EAFNOSUPPORT` for a Unix stream).
///
/// Never returns `-EAGAIN`: a timeout is 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_conn_wait_zerocopy_completion(
    conn: *const wl_conn,
    timeout_ms: c_int,
    out: *mut wl_zerocopy_completion,
) -> c_int {
    ffi_fn!("wl_conn_wait_zerocopy_completion", {
        let out = out_ptr(out, "out")?;
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        // SAFETY: NULL or a live handle.
        let c = each_ip!(unsafe { borrow(conn) }?, tcp_only(), s => s.wait_zerocopy_completion(timeout)?);
        Ok(match c {
            Some(c) => {
                // SAFETY: checked non-NULL.
                unsafe { out.write(c.into()) };
                1
            }
            None => 0,
        })
    })
}
