//! `recv_until`: read up to and including a terminator, never past it.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Instant;

use super::{interrupted, remaining};
use crate::error::invalid_input;
use crate::{ConnectedStream, Domain, sys};

/// The most bytes peeked per round when looking for the terminator.
const PEEK_CHUNK: usize = 4096;

/// The first position where `needle` occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Waits for `POLLIN` until `deadline`; `Ok(false)` if it passed. `EINTR`
/// counts as a wake-up (the caller loops).
fn wait_readable(fd: BorrowedFd<'_>, deadline: Instant) -> io::Result<bool> {
    let Some(left) = remaining(deadline) else {
        return Ok(false);
    };
    match sys::poll(fd, libc::POLLIN, Some(left)) {
        Err(e) if !interrupted(&e) => Err(e),
        _ => Ok(true),
    }
}

fn timed_out(consumed: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("recv_until timed out before the terminator; {consumed} bytes were consumed"),
    )
}

fn eof(consumed: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the peer closed the stream before the terminator; {consumed} bytes were consumed"),
    )
}

impl<D: Domain> ConnectedStream<D> {
    /// Receives up to and including the first `terminator`, waiting no
    /// later than `deadline`, and returns those bytes (terminator
    /// included). Bytes after the terminator stay in the socket for the
    /// next read.
    ///
    /// See [`recv_until_into`](Self::recv_until_into), which this calls, for
    /// the errors; with this form, bytes consumed before an error are lost.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// # fn main() -> std::io::Result<()> {
    /// let (a, b) = wirelane::ConnectedStream::pair()?;
    /// a.send(b"a\nb\n")?;
    /// let deadline = Instant::now() + Duration::from_secs(5);
    /// assert_eq!(b.recv_until(b"\n", 100, deadline)?, b"a\n");
    /// let mut rest = [0; 2];
    /// assert_eq!(b.recv(&mut rest)?, 2);
    /// assert_eq!(&rest, b"b\n");
    /// # Ok(()) }
    /// ```
    pub fn recv_until(&self, terminator: &[u8], max_len: usize, deadline: Instant) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.recv_until_into(terminator, &mut out, max_len, deadline)?;
        Ok(out)
    }

    /// Appends to `out` the bytes up to and including the first
    /// `terminator`, reading at most `max_len` bytes, waiting no later than
    /// `deadline`; returns how many bytes were appended.
    ///
    /// It never consumes a byte past the terminator: it peeks
    /// (`MSG_PEEK | MSG_DONTWAIT`) to find the terminator, then receives
    /// exactly up to it. A terminator split across several sends (or a
    /// multi-byte terminator split across reads) is found. Works in
    /// blocking and non-blocking mode; waiting uses `poll(2)`. `EINTR` is
    /// retried (this helper's job is to loop).
    ///
    /// Errors (on every one, the bytes consumed so far are in `out`, and
    /// the message says how many):
    /// - `InvalidInput` (`EINVAL`): empty `terminator`, or `max_len` shorter
    ///   than it; nothing read.
    /// - `InvalidData`: `max_len` bytes arrived without the terminator;
    ///   exactly `max_len` were consumed, the rest is unread.
    /// - `UnexpectedEof`: the peer closed before the terminator.
    /// - `TimedOut`: `deadline` passed first.
    /// - any error `recv(2)`/`poll(2)` returns.
    pub fn recv_until_into(
        &self,
        terminator: &[u8],
        out: &mut Vec<u8>,
        max_len: usize,
        deadline: Instant,
    ) -> io::Result<usize> {
        if terminator.is_empty() {
            return Err(invalid_input(libc::EINVAL, "recv_until needs a non-empty terminator"));
        }
        if max_len < terminator.len() {
            return Err(invalid_input(
                libc::EINVAL,
                "recv_until max_len is shorter than the terminator",
            ));
        }
        let fd = self.as_fd();
        let start = out.len();
        // The scratch holds the last `terminator.len() - 1` consumed bytes
        // (a terminator may straddle what was consumed and what is peeked)
        // followed by the peeked bytes.
        let mut scratch = vec![0u8; terminator.len() - 1 + PEEK_CHUNK.min(max_len)];
        loop {
            let consumed = out.len() - start;
            if consumed == max_len {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "no terminator within max_len = {max_len} bytes; {consumed} bytes were consumed, \
                         the rest is unread"
                    ),
                ));
            }
            let carry = consumed.min(terminator.len() - 1);
            scratch[..carry].copy_from_slice(&out[out.len() - carry..]);
            let window = (max_len - consumed).min(PEEK_CHUNK);
            let peeked = match sys::recv(
                fd,
                &mut scratch[carry..carry + window],
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            ) {
                Ok(0) => return Err(eof(consumed)),
                Ok(n) => n,
                Err(e) if interrupted(&e) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !wait_readable(fd, deadline)? {
                        return Err(timed_out(consumed));
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            // A match cannot lie wholly in the carry (it would have been
            // found last round), so `end > carry`.
            let (take, done) = match find(&scratch[..carry + peeked], terminator) {
                Some(at) => (at + terminator.len() - carry, true),
                None => (peeked, false),
            };
            self.take_exactly(out, start, take, deadline)?;
            if done {
                return Ok(out.len() - start);
            }
        }
    }

    /// Receives exactly `n` bytes that a peek has shown are queued,
    /// appending them to `out` (which this call filled from `start`); on
    /// error `out` holds what was received.
    fn take_exactly(&self, out: &mut Vec<u8>, start: usize, n: usize, deadline: Instant) -> io::Result<()> {
        let fd = self.as_fd();
        let target = out.len() + n;
        while out.len() < target {
            let have = out.len();
            out.resize(target, 0);
            let res = sys::recv(fd, &mut out[have..], libc::MSG_DONTWAIT);
            out.truncate(have + *res.as_ref().unwrap_or(&0));
            match res {
                Ok(0) => return Err(eof(out.len())),
                Ok(_) => {}
                Err(e) if interrupted(&e) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Peeked data vanished (another reader took it): wait.
                    if !wait_readable(fd, deadline)? {
                        return Err(timed_out(out.len() - start));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
