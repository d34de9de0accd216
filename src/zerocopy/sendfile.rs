//! `sendfile(2)` on connected streams: file → socket inside the kernel.

use std::io;
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::{ConnectedStream, Domain, sys};

/// The most one `sendfile(2)` call transfers on Linux (`MAX_RW_COUNT`,
/// `INT_MAX` rounded down to a page); larger requests are split.
const MAX_SENDFILE_CHUNK: u64 = 0x7fff_f000;

/// Converts a caller's `u64` file offset to the kernel's signed `off_t`.
fn to_off_t(offset: u64) -> io::Result<i64> {
    i64::try_from(offset).map_err(|_| invalid_input(libc::EINVAL, "sendfile offset exceeds i64::MAX (off_t)"))
}

impl<D: Domain> ConnectedStream<D> {
    /// Sends up to `len` bytes of `file` to the peer in one `sendfile(2)`
    /// call, without copying them through user space; returns how many
    /// bytes the kernel sent. Works for TCP and Unix streams.
    ///
    /// `file` must be something the kernel can read pages from (a regular
    /// file or a block device); a socket as input gives `EINVAL`.
    ///
    /// - `Some(offset)`: reads from `*offset` and advances it by the bytes
    ///   sent, exactly as the kernel does; the file position is untouched.
    /// - `None`: reads from the file position and advances it.
    ///
    /// Like `write`, it may send fewer bytes than asked (a signal, a full
    /// send buffer on a non-blocking socket, at most ~2 GiB per call), and
    /// returns `Ok(0)` at end of file (or when `len` is 0). `EINTR` is
    /// returned to the caller; [`sendfile_all`](Self::sendfile_all) loops.
    ///
    /// ```no_run
    /// # fn f(conn: wirelane::ConnectedStream<wirelane::Ipv4>, file: std::fs::File) -> std::io::Result<()> {
    /// let mut offset = 0u64;
    /// conn.sendfile(&file, Some(&mut offset), 1_000_000)?;
    /// # Ok(()) }
    /// ```
    pub fn sendfile(&self, file: &impl AsFd, offset: Option<&mut u64>, len: usize) -> io::Result<usize> {
        match offset {
            None => sys::sendfile(self.as_fd(), file.as_fd(), None, len),
            Some(offset) => {
                let mut off = to_off_t(*offset)?;
                let n = sys::sendfile(self.as_fd(), file.as_fd(), Some(&mut off), len)?;
                // The kernel advanced `off` by exactly `n`, so it is >= 0.
                *offset = off as u64;
                Ok(n)
            }
        }
    }

    /// Sends `len` bytes of `file` to the peer with as many `sendfile(2)`
    /// calls as needed; returns how many bytes were sent, which is less
    /// than `len` only when the file ended first.
    ///
    /// Its job is to loop, so unlike [`sendfile`](Self::sendfile) it
    /// handles interruptions itself: `EINTR` is retried, and on a
    /// non-blocking socket `EAGAIN` waits for writability with `poll(2)`
    /// (no timeout). On a blocking socket the send timeout
    /// (`set_write_timeout`, `SO_SNDTIMEO`) bounds each wait: when it
    /// expires the call fails with `WouldBlock` (`EAGAIN`).
    ///
    /// The offset works as for [`sendfile`](Self::sendfile) and is updated
    /// after every call, so if an error is returned, `*offset` (or the file
    /// position, with `None`) tells exactly how far the transfer got: the
    /// bytes before it are in the socket, the rest were not sent.
    pub fn sendfile_all(&self, file: &impl AsFd, mut offset: Option<&mut u64>, len: u64) -> io::Result<u64> {
        if let Some(off) = offset.as_deref() {
            to_off_t(*off)?;
        }
        let mut sent = 0u64;
        while sent < len {
            let chunk = (len - sent).min(MAX_SENDFILE_CHUNK) as usize;
            match self.sendfile(file, offset.as_deref_mut(), chunk) {
                Ok(0) => break, // end of file
                Ok(n) => sent += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // On a blocking socket `EAGAIN` means its send timeout
                    // (`SO_SNDTIMEO`) expired: the caller's bound, so it ends
                    // the call (the offset says how far it got).
                    if !sys::is_nonblocking(self.as_fd())? {
                        return Err(e);
                    }
                    wait_writable(self.as_fd())?
                }
                Err(e) => return Err(e),
            }
        }
        Ok(sent)
    }
}

/// Blocks until `fd` is writable (or has an error the next call reports);
/// `EINTR` counts as a wake-up, since the caller retries anyway.
pub(super) fn wait_writable(fd: std::os::fd::BorrowedFd<'_>) -> io::Result<()> {
    match sys::poll(fd, libc::POLLOUT, None) {
        Err(e) if e.kind() != io::ErrorKind::Interrupted => Err(e),
        _ => Ok(()),
    }
}

/// Blocks until `fd` is readable (or at end of stream / in error).
pub(super) fn wait_readable(fd: std::os::fd::BorrowedFd<'_>) -> io::Result<()> {
    match sys::poll(fd, libc::POLLIN, None) {
        Err(e) if e.kind() != io::ErrorKind::Interrupted => Err(e),
        _ => Ok(()),
    }
}
