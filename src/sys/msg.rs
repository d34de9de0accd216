//! Syscall wrappers for `sendmsg`/`recvmsg` with addresses and control
//! data, and for `sendmmsg`/`recvmmsg` (see `sendmmsg(2)`, `recvmmsg(2)`).
//!
//! Descriptors the kernel installs in our process through `SCM_RIGHTS`
//! are adopted as [`OwnedFd`] right here, immediately after the syscall
//! returns and before anything else runs, and handed to a caller-supplied
//! sink: whatever the caller then does (including failing), every one of
//! them is closed exactly once. Every receive adds `MSG_CMSG_CLOEXEC`, so
//! they are close-on-exec from the moment they exist.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::{cvt, cvt_size};
use crate::addr::RawSockAddr;
use crate::cmsg::{CmsgError, ControlMessages, ParsedMessage};

/// An all-zero `msghdr`: no name, no data, no control.
fn empty_msghdr() -> libc::msghdr {
    // SAFETY: msghdr is plain old data; all zeroes (null pointers, zero
    // lengths) is the valid empty message.
    unsafe { mem::zeroed() }
}

/// One `iovec`, stored inside reusable batch structures.
///
/// It holds a raw pointer, so it is `Send`/`Sync` only because the batch
/// types that store it tie its validity to a borrow (or to their own
/// heap storage) and dereference it only inside the syscalls below.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub(crate) struct IoVec(libc::iovec);

// SAFETY: an IoVec is an address and a length; it is only dereferenced by
// the kernel during `sendmmsg`/`recvmmsg`, whose callers guarantee the
// memory is valid (and, for receives, exclusively borrowed) at that time.
unsafe impl Send for IoVec {}
// SAFETY: as above; shared access never dereferences the pointer.
unsafe impl Sync for IoVec {}

impl IoVec {
    /// An empty iovec.
    pub(crate) const EMPTY: Self = Self(libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    });

    /// Points at `buf` (for sending: the kernel only reads it).
    pub(crate) fn from_slice(buf: &[u8]) -> Self {
        Self(libc::iovec {
            iov_base: buf.as_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        })
    }

    /// Points at `buf` (for receiving).
    pub(crate) fn from_mut_slice(buf: &mut [u8]) -> Self {
        Self(libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        })
    }
}

/// One `mmsghdr`, rebuilt right before each `sendmmsg`/`recvmmsg` so its
/// pointers are never carried across a move of what they point to.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub(crate) struct MmsgHdr(libc::mmsghdr);

// SAFETY: as for IoVec: the pointers inside are only dereferenced by the
// kernel inside the unsafe syscall wrappers, under their callers' contract.
unsafe impl Send for MmsgHdr {}
// SAFETY: as above.
unsafe impl Sync for MmsgHdr {}

impl MmsgHdr {
    /// An empty header.
    pub(crate) fn empty() -> Self {
        Self(libc::mmsghdr {
            msg_hdr: empty_msghdr(),
            msg_len: 0,
        })
    }

    /// A header for sending one iovec to `addr` (or to the connected peer)
    /// with optional control bytes.
    pub(crate) fn for_send(iov: &IoVec, addr: Option<&RawSockAddr>, control: &[u8]) -> Self {
        let mut h = Self::empty();
        h.0.msg_hdr.msg_iov = (iov as *const IoVec).cast_mut().cast();
        h.0.msg_hdr.msg_iovlen = 1;
        if let Some(a) = addr {
            h.0.msg_hdr.msg_name = a.as_ptr().cast_mut().cast();
            h.0.msg_hdr.msg_namelen = a.len();
        }
        if !control.is_empty() {
            h.0.msg_hdr.msg_control = control.as_ptr().cast_mut().cast();
            h.0.msg_hdr.msg_controllen = control.len() as _;
        }
        h
    }

    /// A header for receiving into one iovec, with the full capacity of
    /// `addr` and `control` offered to the kernel. `msg_namelen` and
    /// `msg_controllen` are value-result fields: they must be reset to the
    /// capacities before every call, which building a fresh header does.
    pub(crate) fn for_recv(iov: &mut IoVec, addr: &mut RawSockAddr, control: &mut [u8]) -> Self {
        *addr = RawSockAddr::zeroed();
        let mut h = Self::empty();
        h.0.msg_hdr.msg_iov = (iov as *mut IoVec).cast();
        h.0.msg_hdr.msg_iovlen = 1;
        h.0.msg_hdr.msg_namelen = addr.len();
        h.0.msg_hdr.msg_name = addr.as_mut_ptr().cast();
        if !control.is_empty() {
            h.0.msg_hdr.msg_control = control.as_mut_ptr().cast();
            h.0.msg_hdr.msg_controllen = control.len() as _;
        }
        h
    }

    /// `msg_len`: bytes sent or received for this message.
    pub(crate) fn msg_len(&self) -> usize {
        self.0.msg_len as usize
    }

    /// `msg_flags` as the kernel returned them (`MSG_TRUNC`, `MSG_CTRUNC`).
    pub(crate) fn flags(&self) -> libc::c_int {
        self.0.msg_hdr.msg_flags
    }

    /// `msg_namelen` as the kernel returned it.
    pub(crate) fn namelen(&self) -> libc::socklen_t {
        self.0.msg_hdr.msg_namelen
    }

    /// `msg_controllen` as the kernel returned it.
    // `msg_controllen` is `size_t` on glibc but `socklen_t` on musl.
    #[allow(clippy::unnecessary_cast)]
    pub(crate) fn controllen(&self) -> usize {
        self.0.msg_hdr.msg_controllen as usize
    }
}

/// Adopts every `SCM_RIGHTS` descriptor in a kernel-filled control buffer
/// and hands each to `sink` (even if a later message is malformed).
///
/// # Safety
/// `control` must be exactly the `msg_controllen` bytes the kernel just
/// wrote in a `recvmsg`/`recvmmsg` of this process, not yet looked at by
/// anything else: its `SCM_RIGHTS` numbers are then fresh descriptors that
/// nobody owns.
unsafe fn adopt_fds(control: &[u8], sink: &mut dyn FnMut(OwnedFd)) -> Result<(), CmsgError> {
    for msg in ControlMessages::new(control) {
        if let ParsedMessage::ScmRights(list) = msg? {
            for raw in list.iter() {
                // The kernel never installs a negative descriptor; the
                // check keeps a corrupt buffer from becoming UB.
                if raw >= 0 {
                    // SAFETY: by this function's contract the kernel just
                    // installed `raw` for us and nothing else owns it.
                    sink(unsafe { OwnedFd::from_raw_fd(raw) });
                }
            }
        }
    }
    Ok(())
}

/// `sendmsg(2)` of a gather list with an optional destination and control
/// bytes; `MSG_NOSIGNAL` always added.
pub(crate) fn sendmsg(
    fd: BorrowedFd<'_>,
    bufs: &[IoSlice<'_>],
    addr: Option<&RawSockAddr>,
    control: &[u8],
    flags: libc::c_int,
) -> io::Result<usize> {
    let mut msg = empty_msghdr();
    // `IoSlice` is guaranteed ABI-compatible with `iovec` on Unix.
    msg.msg_iov = bufs.as_ptr().cast_mut().cast();
    msg.msg_iovlen = bufs.len() as _;
    if let Some(a) = addr {
        msg.msg_name = a.as_ptr().cast_mut().cast();
        msg.msg_namelen = a.len();
    }
    if !control.is_empty() {
        msg.msg_control = control.as_ptr().cast_mut().cast();
        msg.msg_controllen = control.len() as _;
    }
    // SAFETY: every pointer in `msg` comes from a live borrow that outlives
    // the call; the kernel only reads through them.
    cvt_size(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags | libc::MSG_NOSIGNAL) })
}

/// What `recvmsg` reported besides the data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecvMsgOut {
    /// Bytes received (the real datagram length with `MSG_TRUNC`).
    pub len: usize,
    /// `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
    pub flags: libc::c_int,
    /// `msg_controllen`: control bytes written.
    pub control_len: usize,
}

/// `recvmsg(2)` into a scatter list, an optional source address and a
/// control buffer. `MSG_CMSG_CLOEXEC` is always added. Every descriptor
/// received is adopted and passed to `fds` before this returns (also when
/// it returns an error because the control data was malformed).
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    bufs: &mut [IoSliceMut<'_>],
    addr: Option<&mut RawSockAddr>,
    control: &mut [u8],
    flags: libc::c_int,
    fds: &mut dyn FnMut(OwnedFd),
) -> io::Result<RecvMsgOut> {
    let mut msg = empty_msghdr();
    // `IoSliceMut` is guaranteed ABI-compatible with `iovec` on Unix.
    msg.msg_iov = bufs.as_mut_ptr().cast();
    msg.msg_iovlen = bufs.len() as _;
    let mut name = None;
    if let Some(a) = addr {
        *a = RawSockAddr::zeroed();
        msg.msg_namelen = a.len();
        msg.msg_name = a.as_mut_ptr().cast();
        name = Some(a);
    }
    let ret = do_recvmsg(fd, &mut msg, control, flags, fds);
    if let Some(a) = name {
        // `msg_namelen` is value-result: the kernel wrote the real length.
        *a.len_mut() = msg.msg_namelen;
    }
    ret
}

fn do_recvmsg(
    fd: BorrowedFd<'_>,
    msg: &mut libc::msghdr,
    control: &mut [u8],
    flags: libc::c_int,
    fds: &mut dyn FnMut(OwnedFd),
) -> io::Result<RecvMsgOut> {
    if !control.is_empty() {
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = control.len() as _;
    }
    // SAFETY: every pointer in `msg` comes from a live exclusive borrow
    // that outlives the call, with the capacities given.
    let len = cvt_size(unsafe { libc::recvmsg(fd.as_raw_fd(), msg, flags | libc::MSG_CMSG_CLOEXEC) })?;
    // `msg_controllen` is `size_t` on glibc but `socklen_t` on musl.
    #[allow(clippy::unnecessary_cast)]
    let control_len = (msg.msg_controllen as usize).min(control.len());
    // SAFETY: these are the bytes the kernel just wrote into `control`.
    let adopted = unsafe { adopt_fds(&control[..control_len], fds) };
    // With MSG_CTRUNC the kernel may cut the last message short (its
    // `cmsg_len` then runs past the data): that is the truncation the
    // caller is told about through `msg_flags`, not corrupt data.
    if msg.msg_flags & libc::MSG_CTRUNC == 0 {
        adopted?;
    }
    Ok(RecvMsgOut {
        len,
        flags: msg.msg_flags,
        control_len,
    })
}

/// `sendmmsg(2)` with `MSG_NOSIGNAL` always added; returns how many
/// messages were sent (each header's `msg_len` says how many bytes). The
/// kernel handles at most `UIO_MAXIOV` (1024) headers per call.
///
/// # Safety
/// Every pointer in `hdrs` (iovecs, the memory they describe, names,
/// control buffers) must be valid for reads for the duration of the call.
pub(crate) unsafe fn sendmmsg(fd: BorrowedFd<'_>, hdrs: &mut [MmsgHdr], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: `MmsgHdr` is a transparent `mmsghdr`; the caller guarantees
    // the pointers inside it.
    let n = cvt(unsafe {
        libc::sendmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr().cast(),
            hdrs.len() as libc::c_uint,
            flags | libc::MSG_NOSIGNAL,
        )
    })?;
    Ok(n as usize)
}

/// `recvmmsg(2)` with `MSG_CMSG_CLOEXEC` always added and a null timeout
/// (the timeout argument is broken: it is only checked after a datagram
/// arrives, so it cannot bound a wait; see BUGS in `recvmmsg(2)`. Use
/// `SO_RCVTIMEO` or non-blocking mode instead). Returns how many messages
/// arrived. Descriptors that arrived in message `i` are adopted and passed
/// to `fds(i, fd)` before this returns.
///
/// # Safety
/// Every pointer in `hdrs` must be valid for writes (and not aliased) for
/// the duration of the call, with the capacities given in the headers.
pub(crate) unsafe fn recvmmsg(
    fd: BorrowedFd<'_>,
    hdrs: &mut [MmsgHdr],
    flags: libc::c_int,
    fds: &mut dyn FnMut(usize, OwnedFd),
) -> io::Result<usize> {
    // SAFETY: as documented; a null timeout means "no timeout argument".
    let n = cvt(unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr().cast(),
            hdrs.len() as libc::c_uint,
            flags | libc::MSG_CMSG_CLOEXEC,
            std::ptr::null_mut(),
        )
    })? as usize;
    let mut first_error = None;
    for (i, h) in hdrs.iter().enumerate().take(n) {
        let control = h.0.msg_hdr.msg_control as *const u8;
        if control.is_null() || h.controllen() == 0 {
            continue;
        }
        // SAFETY: the control buffer is valid for the call's duration (the
        // caller's contract) and the kernel wrote `msg_controllen` bytes
        // into it, never more than the capacity it was given.
        let bytes = unsafe { std::slice::from_raw_parts(control, h.controllen()) };
        // SAFETY: these bytes were just written by the kernel.
        if let Err(e) = unsafe { adopt_fds(bytes, &mut |fd| fds(i, fd)) } {
            // A message cut short by MSG_CTRUNC is reported by the flag.
            if h.flags() & libc::MSG_CTRUNC == 0 {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(n),
    }
}

/// This process's pid, real uid and real gid: what the kernel itself puts
/// in `SCM_CREDENTIALS` when the sender attaches none (`scm_send`).
pub(crate) fn own_credentials() -> (libc::pid_t, libc::uid_t, libc::gid_t) {
    // SAFETY: these calls take no arguments and cannot fail.
    unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) }
}
