//! Syscall wrappers for zero-copy transfers: `sendfile(2)`, `splice(2)`,
//! `tee(2)`, `pipe2(2)` and pipe sizing (`fcntl(F_SETPIPE_SZ)`), plus the
//! `MSG_ZEROCOPY` pieces: `SO_ZEROCOPY` and reading one completion
//! notification from the socket error queue (`recvmsg(MSG_ERRQUEUE)`).
//!
//! The error-queue reader is self-contained on purpose: it walks the control
//! messages and decodes `struct sock_extended_err` here, so this file does
//! not depend on the general control-message module.

use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};

use super::{cvt, cvt_size, owned};

/// `SO_ZEROCOPY` (`asm/socket.h`): enables `MSG_ZEROCOPY` sends. Its value
/// differs on a few architectures, and `libc` does not export it at the
/// crate root for all targets, so it is spelled out here.
#[cfg(not(any(target_arch = "sparc", target_arch = "sparc64")))]
pub(crate) const SO_ZEROCOPY: libc::c_int = 60;
/// `SO_ZEROCOPY` on SPARC.
#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
pub(crate) const SO_ZEROCOPY: libc::c_int = 0x3e;

/// `SO_EE_ORIGIN_ZEROCOPY` (`linux/errqueue.h`): the error-queue entry is a
/// `MSG_ZEROCOPY` completion notification.
pub(crate) const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;

/// `SO_EE_CODE_ZEROCOPY_COPIED` (`linux/errqueue.h`): the kernel fell back
/// to copying the data for (some of) the notified sends.
pub(crate) const SO_EE_CODE_ZEROCOPY_COPIED: u8 = 1;

/// Converts an optional offset into the pointer the kernel takes: null means
/// "use and advance the file position".
fn offset_ptr(offset: Option<&mut i64>) -> *mut i64 {
    match offset {
        Some(o) => o as *mut i64,
        None => std::ptr::null_mut(),
    }
}

/// Runs `call` (a `sendfile`, `splice` or `tee`) so that it cannot kill the
/// process with `SIGPIPE`.
///
/// These syscalls have no `MSG_NOSIGNAL`: writing to a socket whose peer is
/// gone, or to a pipe without readers, makes the kernel send `SIGPIPE` to
/// the calling thread, whose default action terminates a C or C++ host.
/// So `SIGPIPE` is blocked in this thread for the call; if the call failed
/// with `EPIPE` and no `SIGPIPE` was pending before, the one it raised is
/// consumed (`sigtimedwait` with a zero timeout); then the old mask comes
/// back. The caller sees `EPIPE` (`ErrorKind::BrokenPipe`), as on every
/// other send path. Three extra syscalls per call (two `pthread_sigmask`,
/// one `sigpending`), plus one on `EPIPE`.
fn without_sigpipe(call: impl FnOnce() -> io::Result<usize>) -> io::Result<usize> {
    // SAFETY: sigset_t is plain data, initialised by sigemptyset before use;
    // the mask calls only affect this thread and are undone below.
    unsafe {
        let mut pipe_only: libc::sigset_t = mem::zeroed();
        libc::sigemptyset(&mut pipe_only);
        libc::sigaddset(&mut pipe_only, libc::SIGPIPE);
        let mut old: libc::sigset_t = mem::zeroed();
        if libc::pthread_sigmask(libc::SIG_BLOCK, &pipe_only, &mut old) != 0 {
            return call(); // cannot happen with valid arguments
        }
        let mut pending: libc::sigset_t = mem::zeroed();
        libc::sigemptyset(&mut pending);
        let was_pending = libc::sigpending(&mut pending) == 0 && libc::sigismember(&pending, libc::SIGPIPE) == 1;
        let result = call();
        if !was_pending && matches!(&result, Err(e) if e.raw_os_error() == Some(libc::EPIPE)) {
            let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            while libc::sigtimedwait(&pipe_only, std::ptr::null_mut(), &zero) == -1
                && io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
            {}
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        result
    }
}

/// `sendfile(2)`: copies up to `count` bytes from `in_fd` (a file that
/// supports mmap-like reads) to `out_fd` inside the kernel. Never raises
/// `SIGPIPE` (see [`without_sigpipe`]). With an offset
/// the kernel reads from there and updates it, leaving the file position
/// alone; without one it reads from, and advances, the file position.
pub(crate) fn sendfile(
    out_fd: BorrowedFd<'_>,
    in_fd: BorrowedFd<'_>,
    offset: Option<&mut i64>,
    count: usize,
) -> io::Result<usize> {
    // `sendfile64` takes a 64-bit `off64_t` on every target (musl aliases it
    // to `sendfile`), so a 32-bit target cannot truncate large offsets.
    let off = offset_ptr(offset);
    // SAFETY: `off` is null or points to an `i64` borrowed mutably for the call.
    without_sigpipe(|| cvt_size(unsafe { libc::sendfile64(out_fd.as_raw_fd(), in_fd.as_raw_fd(), off, count) }))
}

/// `splice(2)`: moves up to `len` bytes between two descriptors, one of
/// which must be a pipe. An offset is only valid on the non-pipe side.
pub(crate) fn splice(
    fd_in: BorrowedFd<'_>,
    off_in: Option<&mut i64>,
    fd_out: BorrowedFd<'_>,
    off_out: Option<&mut i64>,
    len: usize,
    flags: libc::c_uint,
) -> io::Result<usize> {
    let off_in = offset_ptr(off_in);
    let off_out = offset_ptr(off_out);
    // SAFETY: both offset pointers are null or point to live, mutably
    // borrowed `i64`s (`loff_t`) for the duration of the call.
    without_sigpipe(|| {
        cvt_size(unsafe { libc::splice(fd_in.as_raw_fd(), off_in, fd_out.as_raw_fd(), off_out, len, flags) })
    })
}

/// `tee(2)`: duplicates up to `len` bytes from one pipe into another without
/// consuming them from the first.
pub(crate) fn tee(fd_in: BorrowedFd<'_>, fd_out: BorrowedFd<'_>, len: usize, flags: libc::c_uint) -> io::Result<usize> {
    // SAFETY: plain syscall with descriptors and integers.
    without_sigpipe(|| cvt_size(unsafe { libc::tee(fd_in.as_raw_fd(), fd_out.as_raw_fd(), len, flags) }))
}

/// `pipe2(2)` with `O_CLOEXEC` always added; returns `(read end, write end)`.
pub(crate) fn pipe2(flags: libc::c_int) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1 as RawFd; 2];
    // SAFETY: `fds` is a valid two-element array for the kernel to fill.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), flags | libc::O_CLOEXEC) })?;
    // SAFETY: both descriptors were just created and are owned by no one.
    Ok(unsafe { (owned(fds[0]), owned(fds[1])) })
}

/// `fcntl(F_GETPIPE_SZ)`: the pipe's capacity in bytes.
pub(crate) fn pipe_capacity(fd: BorrowedFd<'_>) -> io::Result<usize> {
    // SAFETY: F_GETPIPE_SZ takes no pointer argument.
    cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETPIPE_SZ) }).map(|n| n as usize)
}

/// `fcntl(F_SETPIPE_SZ)`: asks for at least `size` bytes of capacity;
/// returns what the kernel granted (rounded up to a power-of-two number of
/// pages; `EPERM` above `/proc/sys/fs/pipe-max-size` for unprivileged users).
pub(crate) fn set_pipe_capacity(fd: BorrowedFd<'_>, size: libc::c_int) -> io::Result<usize> {
    // SAFETY: F_SETPIPE_SZ takes an integer argument.
    cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, size) }).map(|n| n as usize)
}

/// `ioctl(FIONREAD)` on a pipe: how many bytes are waiting in it.
pub(crate) fn pipe_pending(fd: BorrowedFd<'_>) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one `int` through the pointer.
    cvt(unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n) })?;
    Ok(n.max(0) as usize)
}

/// One `struct sock_extended_err` read from a socket's error queue
/// (`ip(7)`, `IP_RECVERR`), with the fields decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExtendedErr {
    /// `ee_errno`: 0 for `MSG_ZEROCOPY` notifications.
    pub(crate) errno: u32,
    /// `ee_origin`: `SO_EE_ORIGIN_*`.
    pub(crate) origin: u8,
    /// `ee_type`.
    pub(crate) kind: u8,
    /// `ee_code`: for zero-copy, `SO_EE_CODE_ZEROCOPY_COPIED` or 0.
    pub(crate) code: u8,
    /// `ee_info`: for zero-copy, the first send id of the range.
    pub(crate) info: u32,
    /// `ee_data`: for zero-copy, the last send id of the range (inclusive).
    pub(crate) data: u32,
}

/// Room for one `cmsghdr` carrying a `sock_extended_err` and the offender
/// address the kernel appends (a `sockaddr_in6` at most), with slack. `u64`
/// elements keep the buffer aligned for `cmsghdr`.
const ERRQUEUE_CONTROL_WORDS: usize = 32;

/// Reads one entry from the socket error queue (`recvmsg(2)` with
/// `MSG_ERRQUEUE`, which never blocks). Returns `Ok(None)` when the queue is
/// empty (`EAGAIN`). An entry without a recognisable `IP_RECVERR` /
/// `IPV6_RECVERR` control message, or with truncated control data, is an
/// `InvalidData` error (the entry has been consumed by then).
pub(crate) fn recv_errqueue_ext(fd: BorrowedFd<'_>) -> io::Result<Option<ExtendedErr>> {
    let mut control = [0u64; ERRQUEUE_CONTROL_WORDS];
    // SAFETY: an all-zero msghdr is a valid "empty" message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at `control`, which outlives the call; no data
    // buffers are given (zero-copy notifications carry no payload).
    let ret = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) };
    match cvt_size(ret) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
        Err(e) => return Err(e),
    }
    if msg.msg_flags & libc::MSG_CTRUNC != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "error-queue entry's control data was truncated (MSG_CTRUNC)",
        ));
    }
    // SAFETY: `msg` describes `control`, which the kernel filled with
    // `msg_controllen` bytes of well-formed cmsghdrs; the CMSG_* helpers
    // stay within that length.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !cmsg.is_null() {
        // SAFETY: CMSG_FIRSTHDR/CMSG_NXTHDR return headers inside `control`.
        let hdr = unsafe { &*cmsg };
        let is_recverr = (hdr.cmsg_level == libc::SOL_IP && hdr.cmsg_type == libc::IP_RECVERR)
            || (hdr.cmsg_level == libc::SOL_IPV6 && hdr.cmsg_type == libc::IPV6_RECVERR);
        // SAFETY: CMSG_LEN is a pure computation.
        let needed = unsafe { libc::CMSG_LEN(mem::size_of::<libc::sock_extended_err>() as u32) } as usize;
        if is_recverr {
            if (hdr.cmsg_len as usize) < needed {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "error-queue control message too short for sock_extended_err",
                ));
            }
            // SAFETY: the length check above guarantees a whole
            // `sock_extended_err` follows the header; it may be unaligned
            // for the struct, so read it unaligned.
            let ee: libc::sock_extended_err =
                unsafe { std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::sock_extended_err>()) };
            return Ok(Some(ExtendedErr {
                errno: ee.ee_errno,
                origin: ee.ee_origin,
                kind: ee.ee_type,
                code: ee.ee_code,
                info: ee.ee_info,
                data: ee.ee_data,
            }));
        }
        // SAFETY: `cmsg` is a valid header inside `msg`'s control buffer.
        cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "error-queue entry carried no IP_RECVERR/IPV6_RECVERR control message",
    ))
}
