//! `send_all`: send a whole buffer by a deadline, cancellable, reporting
//! progress on failure.

use std::io;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{interrupted, is_transient, remaining};
use crate::{ConnectedStream, Domain, sys};

/// How long one wait may last when a cancellation flag is given, so the
/// flag is noticed within this time even if the socket stays unwritable.
const CANCEL_CHECK_INTERVAL: Duration = Duration::from_millis(50);

/// The pause after `ENOBUFS`, which `poll` does not signal the end of.
const NOBUFS_BACKOFF: Duration = Duration::from_millis(1);

/// Why [`ConnectedStream::send_all`] stopped early. Every variant says how
/// many bytes were sent (handed to the kernel) before it stopped: the rest,
/// `buf[sent..]`, was not.
#[derive(Debug, thiserror::Error)]
pub enum SendAllError {
    /// The deadline passed while waiting for room in the send buffer.
    #[error("send_all timed out after sending {sent} of {total} bytes")]
    TimedOut {
        /// Bytes handed to the kernel.
        sent: usize,
        /// Bytes asked for.
        total: usize,
    },
    /// The cancellation flag was set.
    #[error("send_all was cancelled after sending {sent} of {total} bytes")]
    Cancelled {
        /// Bytes handed to the kernel.
        sent: usize,
        /// Bytes asked for.
        total: usize,
    },
    /// A non-transient error (`EPIPE`, `ECONNRESET`, ...).
    #[error("send_all failed after sending {sent} of {total} bytes")]
    Io {
        /// Bytes handed to the kernel.
        sent: usize,
        /// Bytes asked for.
        total: usize,
        /// The error.
        #[source]
        source: io::Error,
    },
}

impl SendAllError {
    /// Bytes handed to the kernel before stopping.
    pub fn sent(&self) -> usize {
        match self {
            Self::TimedOut { sent, .. } | Self::Cancelled { sent, .. } | Self::Io { sent, .. } => *sent,
        }
    }

    /// The errno a C caller sees: `ETIMEDOUT`, `ECANCELED`, or the I/O
    /// error's own errno.
    pub fn errno(&self) -> i32 {
        match self {
            Self::TimedOut { .. } => libc::ETIMEDOUT,
            Self::Cancelled { .. } => libc::ECANCELED,
            Self::Io { source, .. } => crate::error::errno_of(source),
        }
    }
}

impl From<SendAllError> for io::Error {
    /// For `?` in `io::Result` functions: `TimedOut` becomes
    /// `ErrorKind::TimedOut`, `Cancelled` becomes `ECANCELED`, `Io` its
    /// error (errno kept). The progress is dropped; match on the error to
    /// keep it.
    fn from(e: SendAllError) -> io::Error {
        match e {
            SendAllError::TimedOut { .. } => io::Error::new(io::ErrorKind::TimedOut, e),
            SendAllError::Cancelled { .. } => io::Error::from_raw_os_error(libc::ECANCELED),
            SendAllError::Io { source, .. } => source,
        }
    }
}

impl<D: Domain> ConnectedStream<D> {
    /// Sends all of `buf` before `deadline`, or says how far it got.
    ///
    /// Works in blocking and non-blocking mode alike: every `send(2)` uses
    /// `MSG_DONTWAIT` (plus `MSG_NOSIGNAL`), and when the send buffer is
    /// full it waits for `POLLOUT` with `poll(2)`, never past `deadline`.
    /// Transient errors ([`is_transient`](super::is_transient): `EINTR`,
    /// `EAGAIN`, `ENOBUFS`) are retried — this helper's job is to loop. A
    /// first send is attempted even if `deadline` has already passed.
    ///
    /// `cancel`, if given, is checked before every send and at least every
    /// 50 ms while waiting; once it reads `true` the call stops with
    /// [`SendAllError::Cancelled`].
    ///
    /// Errors report the bytes already sent ([`SendAllError::sent`]); those
    /// bytes are in the kernel and will reach the peer unless the
    /// connection fails.
    pub fn send_all(&self, buf: &[u8], deadline: Instant, cancel: Option<&AtomicBool>) -> Result<(), SendAllError> {
        let total = buf.len();
        let mut sent = 0;
        while sent < total {
            if cancel.is_some_and(|c| c.load(Ordering::Acquire)) {
                return Err(SendAllError::Cancelled { sent, total });
            }
            let err = match sys::send(self.as_fd(), &buf[sent..], libc::MSG_DONTWAIT) {
                Ok(n) => {
                    sent += n;
                    continue;
                }
                Err(e) if interrupted(&e) => continue,
                Err(e) if is_transient(&e) => e,
                Err(source) => return Err(SendAllError::Io { sent, total, source }),
            };
            let Some(left) = remaining(deadline) else {
                return Err(SendAllError::TimedOut { sent, total });
            };
            if err.raw_os_error() == Some(libc::ENOBUFS) {
                std::thread::sleep(left.min(NOBUFS_BACKOFF));
                continue;
            }
            let slice = if cancel.is_some() {
                left.min(CANCEL_CHECK_INTERVAL)
            } else {
                left
            };
            // Readiness (including POLLERR/POLLHUP) or a timeout both lead
            // back to the loop: the next send reports any error, and the
            // deadline is checked again only if it would block.
            match sys::poll(self.as_fd(), libc::POLLOUT, Some(slice)) {
                Ok(_) => {}
                Err(e) if interrupted(&e) => {}
                Err(source) => return Err(SendAllError::Io { sent, total, source }),
            }
        }
        Ok(())
    }
}
