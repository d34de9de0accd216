//! `MSG_ZEROCOPY` sends (Linux ≥ 4.14, see the kernel's
//! `Documentation/networking/msg_zerocopy.rst`) and their completions.
//!
//! With `MSG_ZEROCOPY` the kernel pins the caller's pages and transmits from
//! them later, instead of copying at `send` time. The buffer therefore must
//! not change (or be freed and reused) until the kernel reports the send
//! complete on the socket's error queue; otherwise the peer receives
//! whatever the memory holds by then. Wirelane makes that impossible to get
//! wrong in safe code:
//!
//! - [`ConnectedStream::send_zerocopy`] takes `&'static [u8]`: data that
//!   lives forever and cannot be mutated through a shared reference;
//! - [`ZerocopySender`] takes `Arc<[u8]>` buffers and keeps a clone of each
//!   until its completion arrives. An `Arc<[u8]>` with a second owner
//!   cannot be mutated (`Arc::get_mut` returns `None`), and the memory
//!   cannot be freed while the sender holds it.
//!
//! Costs: page pinning and the notification round trip make `MSG_ZEROCOPY`
//! a loss for small writes; it pays off from roughly 10 KB per send. On
//! loopback (and on devices without scatter-gather) the kernel always
//! falls back to copying, and says so: the completion has
//! [`copied`](ZerocopyCompletion::copied) set.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::invalid_input;
use crate::{ConnectedStream, Inet, TransitionError, sys};

/// One completion notification: the `MSG_ZEROCOPY` sends with ids
/// `first..=last` are done and their buffers are free again.
///
/// The kernel numbers every successful `MSG_ZEROCOPY` send on a socket
/// 0, 1, 2, … (a `u32` that wraps) and merges consecutive completions into
/// one range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZerocopyCompletion {
    /// The first send id covered (`ee_info`).
    pub first: u32,
    /// The last send id covered, inclusive (`ee_data`).
    pub last: u32,
    /// `SO_EE_CODE_ZEROCOPY_COPIED`: the kernel fell back to copying for
    /// (some of) these sends, as it always does on loopback. Many copied
    /// completions mean `MSG_ZEROCOPY` only adds cost on this path.
    pub copied: bool,
}

impl ZerocopyCompletion {
    /// How many send ids the range covers (wrapping-aware).
    pub fn count(&self) -> u64 {
        u64::from(self.last.wrapping_sub(self.first)) + 1
    }

    /// Whether send id `id` is in the range (wrapping-aware).
    pub fn contains(&self, id: u32) -> bool {
        id.wrapping_sub(self.first) <= self.last.wrapping_sub(self.first)
    }
}

/// Reads one zero-copy completion from the error queue, never blocking.
fn read_completion(fd: BorrowedFd<'_>) -> io::Result<Option<ZerocopyCompletion>> {
    let Some(ee) = sys::recv_errqueue_ext(fd)? else {
        return Ok(None);
    };
    if ee.origin != sys::SO_EE_ORIGIN_ZEROCOPY || ee.errno != 0 {
        // Not ours (e.g. an ICMP error with IP_RECVERR or a timestamp):
        // it is consumed now, so report it rather than drop it silently.
        let msg = format!(
            "error-queue entry is not a zero-copy completion (origin {}, type {}, code {}, errno {})",
            ee.origin, ee.kind, ee.code, ee.errno
        );
        return Err(io::Error::other(msg));
    }
    Ok(Some(ZerocopyCompletion {
        first: ee.info,
        last: ee.data,
        copied: ee.code & sys::SO_EE_CODE_ZEROCOPY_COPIED != 0,
    }))
}

/// Waits up to `timeout` for an error-queue entry and reads it.
///
/// `poll(2)` reports a non-empty error queue as `POLLERR` whatever the
/// requested events are. A `POLLERR` with an empty queue is a pending
/// socket error (`SO_ERROR`), returned as the error.
fn wait_completion(fd: BorrowedFd<'_>, timeout: Option<Duration>) -> io::Result<Option<ZerocopyCompletion>> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        if let Some(c) = read_completion(fd)? {
            return Ok(Some(c));
        }
        let remaining = match deadline {
            None => None,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(r) if !r.is_zero() => Some(r),
                _ => return Ok(None),
            },
        };
        let revents = sys::poll(fd, 0, remaining)?;
        if revents == 0 {
            return Ok(None);
        }
        if revents & libc::POLLERR != 0 {
            // Either a completion (read on the next turn) or SO_ERROR.
            if let Some(c) = read_completion(fd)? {
                return Ok(Some(c));
            }
            if let Some(e) = crate::socket::take_error_of(fd)? {
                return Err(e);
            }
        } else {
            // POLLHUP alone: the peer is gone but completions may still
            // come as the queue drains. Poll returns at once on HUP, so
            // pace the loop instead of spinning.
            let nap = Duration::from_millis(1);
            std::thread::sleep(remaining.map_or(nap, |r| r.min(nap)));
        }
    }
}

impl<D: Inet> ConnectedStream<D> {
    /// Sends `buf` with `MSG_ZEROCOPY` (`send(2)`, Linux ≥ 4.14): the
    /// kernel transmits straight from these pages instead of copying them.
    /// Returns the bytes queued, like [`send`](Self::send).
    ///
    /// Enable it first with [`set_zerocopy`](crate::set_zerocopy), else the kernel silently
    /// copies and sends no completion. Each call that queues bytes gets
    /// the socket's next send id (0, 1, 2, … wrapping); read the
    /// completions with [`recv_zerocopy_completion`](Self::recv_zerocopy_completion).
    ///
    /// Why `'static`: the pages must stay unchanged until the completion,
    /// and static data cannot be mutated or freed. For buffers built at run
    /// time, use [`ZerocopySender`], which keeps each buffer alive until its
    /// completion. Worth it from about 10 KB per send; loopback always
    /// copies (the completion says [`copied`](ZerocopyCompletion::copied)).
    /// `ENOBUFS` means too many completions are outstanding: read some and
    /// retry. `EINTR` is returned to the caller.
    pub fn send_zerocopy(&self, buf: &'static [u8]) -> io::Result<usize> {
        sys::send(self.as_fd(), buf, libc::MSG_ZEROCOPY)
    }

    /// Reads one `MSG_ZEROCOPY` completion from the error queue
    /// (`recvmsg(2)` with `MSG_ERRQUEUE`); `Ok(None)` if none is waiting.
    /// Never blocks.
    ///
    /// An error-queue entry of another origin (an ICMP error with
    /// `IP_RECVERR`, a timestamp) is consumed and returned as an error
    /// describing it.
    pub fn recv_zerocopy_completion(&self) -> io::Result<Option<ZerocopyCompletion>> {
        read_completion(self.as_fd())
    }

    /// Waits up to `timeout` (`None`: forever) for a `MSG_ZEROCOPY`
    /// completion; `Ok(None)` on timeout. Uses `poll(2)`, which flags a
    /// non-empty error queue as `POLLERR`; a pending socket error
    /// (`SO_ERROR`) is returned as the error. `EINTR` is returned.
    pub fn wait_zerocopy_completion(&self, timeout: Option<Duration>) -> io::Result<Option<ZerocopyCompletion>> {
        wait_completion(self.as_fd(), timeout)
    }
}

/// A TCP stream that sends run-time buffers with `MSG_ZEROCOPY` soundly: it
/// keeps a clone of every `Arc<[u8]>` it sends until the kernel's
/// completion covers that send, so the bytes cannot change or be freed
/// while the kernel may still read them.
///
/// It owns the stream and numbers its sends the way the kernel does (one id
/// per successful `MSG_ZEROCOPY` send, from 0), so **it must see every
/// zero-copy send on the socket**: start it on a stream that has made no
/// `MSG_ZEROCOPY` sends, and do not call
/// [`send_zerocopy`](ConnectedStream::send_zerocopy) on
/// [`get_ref`](Self::get_ref) or a clone. Ordinary sends and receives
/// through `get_ref` are fine.
///
/// Dropping it with sends whose completion was not yet read leaks those
/// buffers on purpose: the kernel may transmit queued data after `close`,
/// and a freed buffer could be reused and overwritten first. Call
/// [`finish`](Self::finish) before dropping to wait for the completions and
/// release everything.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use wirelane::zerocopy::ZerocopySender;
/// use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
/// # fn main() -> std::io::Result<()> {
/// let listener = RawSocket::<Ipv4, Stream>::new()?.bind(SocketAddrV4::localhost(0))?.listen(1)?;
/// let client = RawSocket::<Ipv4, Stream>::new()?.connect(listener.local_addr()?)?;
/// let server = listener.accept()?;
///
/// let mut sender = ZerocopySender::new(client)?;
/// let data: Arc<[u8]> = vec![7u8; 64 * 1024].into();
/// sender.send_all(&data)?;
/// let mut got = vec![0u8; data.len()];
/// std::io::Read::read_exact(&mut &server, &mut got)?;
/// assert!(sender.finish(Some(Duration::from_secs(5)))?); // all completions in
/// # Ok(()) }
/// ```
pub struct ZerocopySender<D: Inet> {
    stream: ConnectedStream<D>,
    next_id: u32,
    in_flight: InFlight,
}

impl<D: Inet> ZerocopySender<D> {
    /// Enables `SO_ZEROCOPY` on `stream` and wraps it. On failure (kernel
    /// older than 4.14) the stream comes back inside the error.
    pub fn new(stream: ConnectedStream<D>) -> Result<Self, TransitionError<ConnectedStream<D>>> {
        match crate::options::set_zerocopy(&stream, true) {
            Ok(()) => Ok(Self {
                stream,
                next_id: 0,
                in_flight: InFlight::default(),
            }),
            Err(e) => Err(TransitionError::new(e, stream)),
        }
    }

    /// The stream, for ordinary sends, receives and options.
    pub fn get_ref(&self) -> &ConnectedStream<D> {
        &self.stream
    }

    /// How many sends still wait for their completion (and keep their
    /// buffers alive).
    pub fn in_flight(&self) -> usize {
        self.in_flight.0.len()
    }

    /// Sends `buf[offset..]` with `MSG_ZEROCOPY` in one `send(2)`; returns
    /// the bytes queued (possibly fewer than asked, like `send`). The
    /// buffer is kept until the completion for this send arrives.
    ///
    /// An empty range is `EINVAL` (it would not get a send id). `ENOBUFS`
    /// means too many completions are outstanding: [`reap`](Self::reap) or
    /// [`wait`](Self::wait) and retry. `EINTR` is returned.
    pub fn send(&mut self, buf: &Arc<[u8]>, offset: usize) -> io::Result<usize> {
        let Some(bytes) = buf.get(offset..).filter(|b| !b.is_empty()) else {
            return Err(invalid_input(libc::EINVAL, "zero-copy send of an empty range"));
        };
        let n = sys::send(self.stream.as_fd(), bytes, libc::MSG_ZEROCOPY)?;
        // The kernel consumed one id for this send iff it queued bytes.
        if n > 0 {
            self.in_flight.0.push_back((self.next_id, Arc::clone(buf)));
            self.next_id = self.next_id.wrapping_add(1);
        }
        Ok(n)
    }

    /// Sends all of `buf` with as many zero-copy sends as needed. Its job
    /// is to loop: `EINTR` is retried, and `ENOBUFS` (too many outstanding
    /// completions) waits for a completion and retries. Other errors are
    /// returned; the bytes already queued stay queued and tracked.
    pub fn send_all(&mut self, buf: &Arc<[u8]>) -> io::Result<()> {
        let mut offset = 0;
        while offset < buf.len() {
            match self.send(buf, offset) {
                Ok(n) => offset += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) && !self.in_flight.0.is_empty() => {
                    match self.wait(Some(Duration::from_millis(100))) {
                        Err(e) if e.kind() != io::ErrorKind::Interrupted => return Err(e),
                        _ => {}
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Drops the buffers of every send `completion` covers.
    fn release(&mut self, completion: &ZerocopyCompletion) {
        self.in_flight.0.retain(|(id, _)| !completion.contains(*id));
    }

    /// Reads every completion waiting now (never blocks), releases the
    /// buffers they cover and returns them.
    pub fn reap(&mut self) -> io::Result<Vec<ZerocopyCompletion>> {
        let mut done = Vec::new();
        while let Some(c) = read_completion(self.stream.as_fd())? {
            self.release(&c);
            done.push(c);
        }
        Ok(done)
    }

    /// Waits up to `timeout` (`None`: forever) for at least one completion,
    /// then reaps all that are waiting. Returns them (empty on timeout).
    pub fn wait(&mut self, timeout: Option<Duration>) -> io::Result<Vec<ZerocopyCompletion>> {
        let Some(first) = wait_completion(self.stream.as_fd(), timeout)? else {
            return Ok(Vec::new());
        };
        self.release(&first);
        let mut done = vec![first];
        done.extend(self.reap()?);
        Ok(done)
    }

    /// Waits until every send is complete or `timeout` passes; returns
    /// whether nothing is left in flight. `EINTR` is retried (this call's
    /// job is to wait).
    pub fn finish(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        while !self.in_flight.0.is_empty() {
            let remaining = match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(r) if !r.is_zero() => Some(r),
                    _ => break,
                },
            };
            match self.wait(remaining) {
                Ok(done) if done.is_empty() => break, // timed out
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.in_flight.0.is_empty())
    }

    /// Returns the stream if no send is in flight; otherwise gives `self`
    /// back (call [`finish`](Self::finish) first).
    pub fn into_inner(self) -> Result<ConnectedStream<D>, Self> {
        if !self.in_flight.0.is_empty() {
            return Err(self);
        }
        Ok(self.stream)
    }
}

/// The buffers of sends whose completion has not been reaped yet, oldest
/// first. Dropping it leaks what is left on purpose (see
/// [`ZerocopySender`]): the kernel may still read those pages.
#[derive(Default)]
struct InFlight(VecDeque<(u32, Arc<[u8]>)>);

impl Drop for InFlight {
    fn drop(&mut self) {
        for (_, buf) in self.0.drain(..) {
            std::mem::forget(buf);
        }
    }
}

impl<D: Inet> std::fmt::Debug for ZerocopySender<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZerocopySender")
            .field("stream", &self.stream)
            .field("next_id", &self.next_id)
            .field("in_flight", &self.in_flight.0.len())
            .finish()
    }
}
