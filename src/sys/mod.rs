//! The syscall layer: every `unsafe` libc call of the crate lives here.
//!
//! Each function is a thin, checked wrapper over one system call. It takes
//! borrowed descriptors and safe slices, converts `-1`/`errno` into
//! [`io::Error`], and never retries `EINTR` (callers decide; see the crate
//! docs). The state types in [`crate::socket`] and the option functions in
//! [`crate::options`] call these and nothing lower.
//!
//! Conventions enforced here, so no caller can forget them:
//! - every socket is created with `SOCK_CLOEXEC`;
//! - every accepted descriptor is created with `SOCK_CLOEXEC` (`accept4`);
//! - every send adds `MSG_NOSIGNAL`, so a closed peer yields `EPIPE` instead
//!   of killing the process with `SIGPIPE`.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::{self, MaybeUninit};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::addr::RawSockAddr;

mod msg;
mod scope;
mod zerocopy;
#[allow(unused_imports)]
pub(crate) use msg::*;
#[allow(unused_imports)]
pub(crate) use zerocopy::*;

/// Converts a `-1`-means-error return into `io::Result`.
pub(crate) fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Converts a `-1`-means-error `ssize_t` return into a byte count.
pub(crate) fn cvt_size(ret: libc::ssize_t) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

/// Wraps a descriptor the kernel just returned.
///
/// # Safety
/// `fd` must be a freshly created descriptor that nothing else owns.
unsafe fn owned(fd: RawFd) -> OwnedFd {
    // SAFETY: the caller guarantees `fd` is open and unowned.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// `socket(2)` with `SOCK_CLOEXEC` always added.
pub(crate) fn socket(family: libc::c_int, ty: libc::c_int, protocol: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall with integer arguments.
    let fd = cvt(unsafe { libc::socket(family, ty | libc::SOCK_CLOEXEC, protocol) })?;
    // SAFETY: `fd` was just created by the kernel and is owned by no one.
    Ok(unsafe { owned(fd) })
}

/// `getegid(2)`: the process's effective group id.
pub(crate) fn effective_gid() -> libc::gid_t {
    // SAFETY: no arguments; always succeeds.
    unsafe { libc::getegid() }
}

/// `socketpair(2)` with `SOCK_CLOEXEC` always added.
pub(crate) fn socketpair(family: libc::c_int, ty: libc::c_int) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1 as RawFd; 2];
    // SAFETY: `fds` is a valid two-element array for the kernel to fill.
    cvt(unsafe { libc::socketpair(family, ty | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) })?;
    // SAFETY: both descriptors were just created and are owned by no one.
    Ok(unsafe { (owned(fds[0]), owned(fds[1])) })
}

/// `bind(2)`. A failure leaves the socket's interface binding as it was,
/// even for a scoped IPv6 address (see [`scope`]).
pub(crate) fn bind(fd: BorrowedFd<'_>, addr: &RawSockAddr) -> io::Result<()> {
    scope::keep_interface_on_failure(fd, addr, || {
        // SAFETY: `addr` points to `addr.len()` initialised bytes of a sockaddr.
        cvt(unsafe { libc::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
    })
}

/// `connect(2)`. A failure leaves the socket's interface binding as it
/// was, even for a scoped IPv6 address (see [`scope`]).
pub(crate) fn connect(fd: BorrowedFd<'_>, addr: &RawSockAddr) -> io::Result<()> {
    scope::keep_interface_on_failure(fd, addr, || {
        // SAFETY: as for `bind`.
        cvt(unsafe { libc::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len()) }).map(drop)
    })
}

/// `listen(2)`.
pub(crate) fn listen(fd: BorrowedFd<'_>, backlog: libc::c_int) -> io::Result<()> {
    // SAFETY: plain syscall with integer arguments.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// `accept4(2)` with `SOCK_CLOEXEC` always added; returns the peer address.
pub(crate) fn accept(fd: BorrowedFd<'_>, flags: libc::c_int) -> io::Result<(OwnedFd, RawSockAddr)> {
    let mut addr = RawSockAddr::zeroed();
    // SAFETY: `addr` provides a sockaddr_storage-sized buffer and its length.
    let new = cvt(unsafe {
        libc::accept4(
            fd.as_raw_fd(),
            addr.as_mut_ptr(),
            addr.len_mut(),
            flags | libc::SOCK_CLOEXEC,
        )
    })?;
    // SAFETY: the kernel just created `new` for us.
    Ok((unsafe { owned(new) }, addr))
}

/// `send(2)` with `MSG_NOSIGNAL` always added.
pub(crate) fn send(fd: BorrowedFd<'_>, buf: &[u8], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: `buf` is a valid readable slice.
    cvt_size(unsafe {
        libc::send(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            flags | libc::MSG_NOSIGNAL,
        )
    })
}

/// `sendto(2)` with `MSG_NOSIGNAL` always added.
pub(crate) fn send_to(fd: BorrowedFd<'_>, buf: &[u8], flags: libc::c_int, addr: &RawSockAddr) -> io::Result<usize> {
    // SAFETY: `buf` is readable, `addr` holds `addr.len()` initialised bytes.
    cvt_size(unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            flags | libc::MSG_NOSIGNAL,
            addr.as_ptr(),
            addr.len(),
        )
    })
}

/// `recv(2)`.
pub(crate) fn recv(fd: BorrowedFd<'_>, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: `buf` is a valid writable slice.
    cvt_size(unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) })
}

/// `recvfrom(2)`; returns the byte count and the sender's address.
pub(crate) fn recv_from(fd: BorrowedFd<'_>, buf: &mut [u8], flags: libc::c_int) -> io::Result<(usize, RawSockAddr)> {
    let mut addr = RawSockAddr::zeroed();
    // SAFETY: `buf` is writable; `addr` is a sockaddr_storage with its length.
    let n = cvt_size(unsafe {
        libc::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            flags,
            addr.as_mut_ptr(),
            addr.len_mut(),
        )
    })?;
    Ok((n, addr))
}

/// `sendmsg(2)` of a gather list with no address and no control data,
/// `MSG_NOSIGNAL` always added.
pub(crate) fn send_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: an all-zero msghdr is a valid "empty" message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    // `IoSlice` is guaranteed ABI-compatible with `iovec` on Unix.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: `msg` points at `bufs`, which outlives the call.
    cvt_size(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags | libc::MSG_NOSIGNAL) })
}

/// `recvmsg(2)` into a scatter list with no address and no control data;
/// returns the byte count and the kernel's `msg_flags` (e.g. `MSG_TRUNC`).
pub(crate) fn recv_vectored(
    fd: BorrowedFd<'_>,
    bufs: &mut [IoSliceMut<'_>],
    flags: libc::c_int,
) -> io::Result<(usize, libc::c_int)> {
    // SAFETY: an all-zero msghdr is a valid "empty" message.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    // `IoSliceMut` is guaranteed ABI-compatible with `iovec` on Unix.
    msg.msg_iov = bufs.as_mut_ptr().cast();
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: `msg` points at `bufs`, which outlives the call.
    let n = cvt_size(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) })?;
    Ok((n, msg.msg_flags))
}

/// `shutdown(2)`.
pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: std::net::Shutdown) -> io::Result<()> {
    let how = match how {
        std::net::Shutdown::Read => libc::SHUT_RD,
        std::net::Shutdown::Write => libc::SHUT_WR,
        std::net::Shutdown::Both => libc::SHUT_RDWR,
    };
    // SAFETY: plain syscall with integer arguments.
    cvt(unsafe { libc::shutdown(fd.as_raw_fd(), how) }).map(drop)
}

/// `getsockname(2)`.
pub(crate) fn local_addr(fd: BorrowedFd<'_>) -> io::Result<RawSockAddr> {
    let mut addr = RawSockAddr::zeroed();
    // SAFETY: `addr` is a sockaddr_storage with its length.
    cvt(unsafe { libc::getsockname(fd.as_raw_fd(), addr.as_mut_ptr(), addr.len_mut()) })?;
    Ok(addr)
}

/// `getpeername(2)`.
pub(crate) fn peer_addr(fd: BorrowedFd<'_>) -> io::Result<RawSockAddr> {
    let mut addr = RawSockAddr::zeroed();
    // SAFETY: `addr` is a sockaddr_storage with its length.
    cvt(unsafe { libc::getpeername(fd.as_raw_fd(), addr.as_mut_ptr(), addr.len_mut()) })?;
    Ok(addr)
}

/// `getsockopt(2)` for a plain-old-data option value.
///
/// `T` must be a type for which every bit pattern is valid (integers,
/// `libc::linger`, `libc::timeval`, `libc::ucred`, `libc::tcp_info`).
/// Returns the value and the length the kernel wrote, so callers can detect
/// short answers from older kernels.
pub(crate) fn getsockopt_raw<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
) -> io::Result<(T, usize)> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: `value` is a zeroed buffer of `len` bytes.
    cvt(unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, value.as_mut_ptr().cast(), &mut len) })?;
    // SAFETY: zero-initialised and partly overwritten by the kernel; `T` is
    // plain old data by this function's contract.
    Ok((unsafe { value.assume_init() }, len as usize))
}

/// `getsockopt(2)` for a plain-old-data value the kernel fills completely.
pub(crate) fn getsockopt<T: Copy>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<T> {
    getsockopt_raw(fd, level, name).map(|(v, _)| v)
}

/// `getsockopt(2)` into a byte buffer (string options such as
/// `TCP_CONGESTION` or `SO_BINDTODEVICE`); returns the length written.
pub(crate) fn getsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    buf: &mut [u8],
) -> io::Result<usize> {
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: `buf` is a writable buffer of `len` bytes.
    cvt(unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, buf.as_mut_ptr().cast(), &mut len) })?;
    Ok(len as usize)
}

/// `setsockopt(2)` for a plain-old-data option value.
pub(crate) fn setsockopt<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: &T,
) -> io::Result<()> {
    // SAFETY: `value` points to `size_of::<T>()` readable bytes.
    cvt(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            mem::size_of::<T>() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// `setsockopt(2)` with a byte-string value.
pub(crate) fn setsockopt_bytes(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: &[u8],
) -> io::Result<()> {
    // SAFETY: `value` is a readable slice of the given length.
    cvt(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_ptr().cast(),
            value.len() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// Reads an `int`-valued option.
pub(crate) fn getsockopt_int(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    getsockopt::<libc::c_int>(fd, level, name)
}

/// Sets an `int`-valued option.
pub(crate) fn setsockopt_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    setsockopt(fd, level, name, &value)
}

/// Sets or clears `O_NONBLOCK` with `fcntl(2)`, skipping the write when the
/// flag already has the requested value.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    // SAFETY: F_GETFL takes no pointer argument.
    let flags = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: F_SETFL takes an integer argument.
        cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, new) })?;
    }
    Ok(())
}

/// Reports whether `O_NONBLOCK` is set.
pub(crate) fn is_nonblocking(fd: BorrowedFd<'_>) -> io::Result<bool> {
    // SAFETY: F_GETFL takes no pointer argument.
    let flags = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    Ok(flags & libc::O_NONBLOCK != 0)
}

/// Converts an optional timeout to `poll(2)` milliseconds (`-1` = forever),
/// rounding sub-millisecond remainders up so a short timeout never
/// becomes a busy zero-length poll.
pub(crate) fn poll_timeout_ms(timeout: Option<Duration>) -> libc::c_int {
    match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            ms.min(libc::c_int::MAX as u128) as libc::c_int
        }
    }
}

/// `poll(2)` on one descriptor; returns the `revents` (0 on timeout).
pub(crate) fn poll(fd: BorrowedFd<'_>, events: libc::c_short, timeout: Option<Duration>) -> io::Result<libc::c_short> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid pollfd.
    let n = cvt(unsafe { libc::poll(&mut pfd, 1, poll_timeout_ms(timeout)) })?;
    Ok(if n == 0 { 0 } else { pfd.revents })
}

/// Converts an optional `Duration` to a `timeval` for `SO_RCVTIMEO` /
/// `SO_SNDTIMEO`, where all-zero means "no timeout". A zero `Duration` is
/// rejected exactly as `std::net` rejects it.
pub(crate) fn duration_to_timeval(timeout: Option<Duration>) -> io::Result<libc::timeval> {
    match timeout {
        None => Ok(libc::timeval { tv_sec: 0, tv_usec: 0 }),
        Some(d) if d.is_zero() => Err(crate::error::invalid_input(
            libc::EINVAL,
            "a zero timeout is not allowed; pass None to disable the timeout",
        )),
        Some(d) => {
            let secs = d.as_secs().min(libc::time_t::MAX as u64) as libc::time_t;
            let mut usecs = d.subsec_micros() as libc::suseconds_t;
            if secs == 0 && usecs == 0 {
                // A sub-microsecond timeout must not turn into "forever".
                usecs = 1;
            }
            Ok(libc::timeval {
                tv_sec: secs,
                tv_usec: usecs,
            })
        }
    }
}

/// The inverse of [`duration_to_timeval`].
pub(crate) fn timeval_to_duration(tv: libc::timeval) -> Option<Duration> {
    if tv.tv_sec == 0 && tv.tv_usec == 0 {
        None
    } else {
        Some(Duration::new(tv.tv_sec as u64, (tv.tv_usec as u32) * 1000))
    }
}
