//! Pipes for `splice(2)` and `tee(2)`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use crate::error::invalid_input;
use crate::sys;

/// Creates a pipe with `pipe2(2)` and `O_CLOEXEC`; returns
/// `(read end, write end)`. Both ends close when dropped.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    sys::pipe2(0)
}

/// A kernel pipe (`pipe(7)`): the in-kernel buffer that [`splice`] moves
/// pages through. Both ends are close-on-exec and close on drop.
///
/// Its capacity (64 KiB by default) bounds how much one `splice` can move;
/// [`with_capacity`](Self::with_capacity) asks for more (`F_SETPIPE_SZ`,
/// up to `/proc/sys/fs/pipe-max-size`, 1 MiB by default, for unprivileged
/// users).
///
/// ```
/// use wirelane::zerocopy::Pipe;
/// # fn main() -> std::io::Result<()> {
/// let pipe = Pipe::with_capacity(256 * 1024)?;
/// assert!(pipe.capacity()? >= 256 * 1024);
/// let (read, write) = pipe.into_parts();
/// # drop((read, write)); Ok(()) }
/// ```
///
/// [`splice`]: super::splice
pub struct Pipe {
    read: OwnedFd,
    write: OwnedFd,
}

impl Pipe {
    /// Creates a pipe with the default capacity (`pipe2(2)`, `O_CLOEXEC`).
    pub fn new() -> io::Result<Self> {
        let (read, write) = pipe()?;
        Ok(Self { read, write })
    }

    /// Creates a pipe and asks for at least `bytes` of capacity; the kernel
    /// rounds up to a power-of-two number of pages. Fails with `EPERM`
    /// above the unprivileged limit; the half-made pipe is closed.
    pub fn with_capacity(bytes: usize) -> io::Result<Self> {
        let pipe = Self::new()?;
        pipe.set_capacity(bytes)?;
        Ok(pipe)
    }

    /// The read end: data leaves the pipe here (`splice` from it).
    pub fn reader(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// The write end: data enters the pipe here (`splice` into it).
    pub fn writer(&self) -> BorrowedFd<'_> {
        self.write.as_fd()
    }

    /// The capacity in bytes (`fcntl(F_GETPIPE_SZ)`).
    pub fn capacity(&self) -> io::Result<usize> {
        sys::pipe_capacity(self.write.as_fd())
    }

    /// Sets the capacity to at least `bytes` (`fcntl(F_SETPIPE_SZ)`);
    /// returns the capacity granted. Shrinking below the bytes currently
    /// held fails with `EBUSY`.
    pub fn set_capacity(&self, bytes: usize) -> io::Result<usize> {
        let bytes = libc::c_int::try_from(bytes)
            .map_err(|_| invalid_input(libc::EINVAL, "pipe capacity does not fit in an int"))?;
        sys::set_pipe_capacity(self.write.as_fd(), bytes)
    }

    /// How many bytes are in the pipe right now (`ioctl(FIONREAD)`).
    pub fn pending(&self) -> io::Result<usize> {
        sys::pipe_pending(self.read.as_fd())
    }

    /// Takes the two ends: `(read end, write end)`.
    pub fn into_parts(self) -> (OwnedFd, OwnedFd) {
        (self.read, self.write)
    }
}

impl fmt::Debug for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipe")
            .field("read", &self.read.as_raw_fd())
            .field("write", &self.write.as_raw_fd())
            .finish()
    }
}
