//! `splice(2)` and `tee(2)`: moving bytes through a pipe inside the kernel.

use std::fmt;
use std::io;
use std::ops::{BitOr, BitOrAssign};
use std::os::fd::AsFd;

use super::Pipe;
use super::sendfile::{wait_readable, wait_writable};
use crate::error::invalid_input;
use crate::sys;

/// Flags for [`splice`] and [`tee`] (see `splice(2)`). Combine with `|`.
///
/// Each flag is also a plain constant ([`SPLICE_F_MOVE`], ...) so code
/// written against the C names compiles unchanged.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SpliceFlags(libc::c_uint);

impl SpliceFlags {
    /// No flags.
    pub const NONE: Self = Self(0);
    /// `SPLICE_F_MOVE`: move pages instead of copying where possible (a
    /// hint; current kernels treat it as a no-op but accept it).
    pub const MOVE: Self = Self(libc::SPLICE_F_MOVE);
    /// `SPLICE_F_NONBLOCK`: do not block on the pipe (the other descriptor
    /// still follows its own `O_NONBLOCK`).
    pub const NONBLOCK: Self = Self(libc::SPLICE_F_NONBLOCK);
    /// `SPLICE_F_MORE`: more data follows, like `MSG_MORE` on a socket.
    pub const MORE: Self = Self(libc::SPLICE_F_MORE);
    /// `SPLICE_F_GIFT`: only meaningful for `vmsplice(2)`; unused here.
    pub const GIFT: Self = Self(libc::SPLICE_F_GIFT);

    /// Flags from raw `SPLICE_F_*` bits (unknown bits go to the kernel,
    /// which rejects them with `EINVAL`).
    pub const fn from_bits(bits: libc::c_uint) -> Self {
        Self(bits)
    }

    /// The raw `SPLICE_F_*` bits.
    pub const fn bits(self) -> libc::c_uint {
        self.0
    }

    /// Whether every flag in `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for SpliceFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl BitOrAssign for SpliceFlags {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for SpliceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpliceFlags({:#x})", self.0)
    }
}

/// [`SpliceFlags::MOVE`] under its C name.
pub const SPLICE_F_MOVE: SpliceFlags = SpliceFlags::MOVE;
/// [`SpliceFlags::NONBLOCK`] under its C name.
pub const SPLICE_F_NONBLOCK: SpliceFlags = SpliceFlags::NONBLOCK;
/// [`SpliceFlags::MORE`] under its C name.
pub const SPLICE_F_MORE: SpliceFlags = SpliceFlags::MORE;
/// [`SpliceFlags::GIFT`] under its C name.
pub const SPLICE_F_GIFT: SpliceFlags = SpliceFlags::GIFT;

/// Moves up to `len` bytes from `fd_in` to `fd_out` inside the kernel, one
/// `splice(2)` call; one of the two must be a pipe. Returns the bytes
/// moved; `Ok(0)` means end of input (or `len == 0`).
///
/// An offset may be given only for the non-pipe side (a pipe with an
/// offset is `ESPIPE`): `Some(off)` reads or writes there and advances
/// `*off`, leaving the file position alone; `None` uses the descriptor's
/// own position. Sockets take `None`.
///
/// Blocking follows each descriptor's `O_NONBLOCK` plus
/// [`SPLICE_F_NONBLOCK`] for the pipe. `EINTR` is returned to the caller.
///
/// ```no_run
/// use wirelane::zerocopy::*;
/// # fn f(socket: wirelane::ConnectedStream<wirelane::Ipv4>) -> std::io::Result<()> {
/// let (pipe_read, _pipe_write) = pipe()?;
/// splice(&pipe_read, None, &socket, None, 65536, SPLICE_F_MOVE)?;
/// # Ok(()) }
/// ```
pub fn splice(
    fd_in: &impl AsFd,
    off_in: Option<&mut i64>,
    fd_out: &impl AsFd,
    off_out: Option<&mut i64>,
    len: usize,
    flags: SpliceFlags,
) -> io::Result<usize> {
    sys::splice(fd_in.as_fd(), off_in, fd_out.as_fd(), off_out, len, flags.bits())
}

/// [`splice`] without offsets: `splice_simple(&pipe, &socket, len, flags)`
/// is `splice(&pipe, None, &socket, None, len, flags)`. This is the
/// README's four-argument `splice(&pipe, &socket, len, SPLICE_F_MOVE)`,
/// renamed because Rust has no overloading (see the [module
/// docs](super#naming-splice-and-splice_simple)).
pub fn splice_simple(fd_in: &impl AsFd, fd_out: &impl AsFd, len: usize, flags: SpliceFlags) -> io::Result<usize> {
    splice(fd_in, None, fd_out, None, len, flags)
}

/// Duplicates up to `len` bytes from one pipe into another without
/// consuming them (`tee(2)`); returns the bytes duplicated, `Ok(0)` if
/// `pipe_in` is empty and has no writers. Both descriptors must be pipes.
pub fn tee(pipe_in: &impl AsFd, pipe_out: &impl AsFd, len: usize, flags: SpliceFlags) -> io::Result<usize> {
    sys::tee(pipe_in.as_fd(), pipe_out.as_fd(), len, flags.bits())
}

/// A multi-call transfer that stopped on an error: what was delivered, what
/// is stranded in the pipe, and why.
///
/// Converts into the underlying `io::Error` (errno kept) for `?`.
#[derive(Debug, thiserror::Error)]
#[error("splice transfer failed after {transferred} bytes ({in_pipe} bytes left in the pipe)")]
pub struct TransferError {
    /// Bytes fully delivered to the destination.
    pub transferred: u64,
    /// Bytes read from the source but still in the pipe: drain them from
    /// [`Pipe::reader`] if the destination recovers.
    pub in_pipe: usize,
    /// The error that stopped the transfer.
    #[source]
    pub error: io::Error,
}

impl From<TransferError> for io::Error {
    fn from(e: TransferError) -> io::Error {
        e.error
    }
}

/// Whether `EAGAIN` from `fd` means a blocking socket's timeout expired
/// (rather than a non-blocking descriptor with nothing to do).
fn blocking_timeout_expired(fd: &impl AsFd) -> io::Result<bool> {
    Ok(!crate::sys::is_nonblocking(fd.as_fd())?)
}

/// Moves `len` bytes from `from` to `to` through the pipe `via`, the
/// classic zero-copy proxy loop: `splice` source → pipe, then `splice`
/// pipe → destination until the pipe is empty, repeat. Returns the bytes
/// delivered, less than `len` only when the source reached end of input.
///
/// `from` and `to` can be sockets, files (their file positions are used and
/// advanced) or pipes. `via` must start empty, else `EINVAL` (bytes already
/// in it would be forwarded and miscounted).
///
/// Its job is to loop, so it handles interruptions itself: `EINTR` is
/// retried, and `EAGAIN` from a non-blocking `from`/`to` waits with
/// `poll(2)` (no timeout). `EAGAIN` from a blocking socket means its
/// timeout (`SO_RCVTIMEO` on `from`, `SO_SNDTIMEO` on `to`) expired: that
/// ends the call with the error. On any other error, nothing is lost: the
/// [`TransferError`] says how many bytes were delivered and how many are
/// still in `via`.
pub fn splice_all(from: &impl AsFd, to: &impl AsFd, len: u64, via: &Pipe) -> Result<u64, TransferError> {
    let fail = |transferred, in_pipe, error| TransferError {
        transferred,
        in_pipe,
        error,
    };
    let pending = via.pending().map_err(|e| fail(0, 0, e))?;
    if pending != 0 {
        let e = invalid_input(libc::EINVAL, "splice_all needs an empty pipe; drain it first");
        return Err(fail(0, pending, e));
    }
    let chunk = via.capacity().map_err(|e| fail(0, 0, e))? as u64;
    let mut transferred = 0u64;
    let mut in_pipe = 0usize;
    while transferred < len {
        if in_pipe == 0 {
            let want = (len - transferred).min(chunk) as usize;
            match splice(from, None, &via.writer(), None, want, SPLICE_F_MOVE) {
                Ok(0) => break, // end of input
                Ok(n) => in_pipe = n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !blocking_timeout_expired(from).map_err(|e| fail(transferred, 0, e))? {
                        wait_readable(from.as_fd()).map_err(|e| fail(transferred, 0, e))?;
                        continue;
                    }
                    return Err(fail(transferred, 0, e));
                }
                Err(e) => return Err(fail(transferred, 0, e)),
            }
        }
        let more = if transferred + (in_pipe as u64) < len {
            SPLICE_F_MORE
        } else {
            SpliceFlags::NONE
        };
        match splice(&via.reader(), None, to, None, in_pipe, SPLICE_F_MOVE | more) {
            Ok(0) => {
                let e = io::Error::new(io::ErrorKind::WriteZero, "splice into the destination moved 0 bytes");
                return Err(fail(transferred, in_pipe, e));
            }
            Ok(n) => {
                in_pipe -= n;
                transferred += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if blocking_timeout_expired(to).map_err(|e| fail(transferred, in_pipe, e))? {
                    return Err(fail(transferred, in_pipe, e));
                }
                wait_writable(to.as_fd()).map_err(|e| fail(transferred, in_pipe, e))?;
            }
            Err(e) => return Err(fail(transferred, in_pipe, e)),
        }
    }
    Ok(transferred)
}
