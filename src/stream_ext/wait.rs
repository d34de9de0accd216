//! Readiness waits on any descriptor with `poll(2)`.

use std::fmt;
use std::io;
use std::ops::{BitAnd, BitOr, BitOrAssign};
use std::os::fd::AsFd;
use std::time::Duration;

use crate::sys;

/// Readiness flags for [`wait`]: what to wait for, and what happened
/// (`poll(2)`'s `events` and `revents`). Combine with `|`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Readiness(libc::c_short);

impl Readiness {
    /// Nothing: as a result, the wait timed out.
    pub const NONE: Self = Self(0);
    /// `POLLIN`: data to read, a connection to accept, or end of stream.
    pub const READABLE: Self = Self(libc::POLLIN);
    /// `POLLOUT`: room to write (or a non-blocking connect finished).
    pub const WRITABLE: Self = Self(libc::POLLOUT);
    /// `POLLPRI`: urgent (out-of-band) data, or other exceptional state.
    pub const PRIORITY: Self = Self(libc::POLLPRI);
    /// `POLLRDHUP`: the peer shut down its writing side (streams).
    pub const READ_HANGUP: Self = Self(libc::POLLRDHUP);
    /// `POLLERR`: an error is pending (`SO_ERROR`, or an error-queue
    /// entry). Always reported, whether asked for or not.
    pub const ERROR: Self = Self(libc::POLLERR);
    /// `POLLHUP`: hung up (both directions closed, or never connected).
    /// Always reported, whether asked for or not.
    pub const HANGUP: Self = Self(libc::POLLHUP);

    /// Flags from raw `POLL*` bits.
    pub const fn from_bits(bits: libc::c_short) -> Self {
        Self(bits)
    }

    /// The raw `POLL*` bits.
    pub const fn bits(self) -> libc::c_short {
        self.0
    }

    /// Whether every flag in `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any flag in `other` is set.
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether no flag is set (as a [`wait`] result: timed out).
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// [`READABLE`](Self::READABLE) is set.
    pub const fn is_readable(self) -> bool {
        self.intersects(Self::READABLE)
    }

    /// [`WRITABLE`](Self::WRITABLE) is set.
    pub const fn is_writable(self) -> bool {
        self.intersects(Self::WRITABLE)
    }

    /// [`ERROR`](Self::ERROR) is set.
    pub const fn is_error(self) -> bool {
        self.intersects(Self::ERROR)
    }

    /// [`HANGUP`](Self::HANGUP) is set.
    pub const fn is_hangup(self) -> bool {
        self.intersects(Self::HANGUP)
    }
}

impl BitOr for Readiness {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl BitOrAssign for Readiness {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for Readiness {
    type Output = Self;
    fn bitand(self, rhs: Self) -> Self {
        Self(self.0 & rhs.0)
    }
}

impl fmt::Debug for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [(Readiness, &str); 7] = [
            (Readiness::READABLE, "READABLE"),
            (Readiness::WRITABLE, "WRITABLE"),
            (Readiness::PRIORITY, "PRIORITY"),
            (Readiness::READ_HANGUP, "READ_HANGUP"),
            (Readiness::ERROR, "ERROR"),
            (Readiness::HANGUP, "HANGUP"),
            (Readiness(libc::POLLNVAL), "INVALID"),
        ];
        let mut first = true;
        f.write_str("Readiness(")?;
        for (flag, name) in NAMES {
            if self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("NONE")?;
        }
        f.write_str(")")
    }
}

/// Waits until `fd` is ready for any of `interest`, or `timeout` passes
/// (`None`: forever), with `poll(2)`. Returns what is ready; empty
/// ([`Readiness::NONE`]) means the timeout passed. [`Readiness::ERROR`] and
/// [`Readiness::HANGUP`] are reported even when not asked for.
///
/// Works on any descriptor (sockets in any state, pipes, files). A signal
/// gives `EINTR` (`ErrorKind::Interrupted`), returned to the caller.
///
/// ```
/// use std::time::Duration;
/// use wirelane::stream_ext::{wait, Readiness};
/// use wirelane::ConnectedStream;
/// # fn main() -> std::io::Result<()> {
/// let (a, b) = ConnectedStream::pair()?;
/// assert!(wait(&a, Readiness::READABLE, Some(Duration::from_millis(10)))?.is_empty());
/// b.send(b"x")?;
/// assert!(wait(&a, Readiness::READABLE, None)?.is_readable());
/// # Ok(()) }
/// ```
pub fn wait<S: AsFd>(socket: &S, interest: Readiness, timeout: Option<Duration>) -> io::Result<Readiness> {
    let revents = sys::poll(socket.as_fd(), interest.bits(), timeout)?;
    if revents & libc::POLLNVAL != 0 {
        // Unreachable through a live BorrowedFd, but say so if it happens.
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    Ok(Readiness(revents))
}
