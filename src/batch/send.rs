//! Sending many datagrams in one `sendmmsg(2)`.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd};

use super::check_capacity;
use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::cmsg::CmsgBuffer;
use crate::domain::Inet;
use crate::error::invalid_input;
use crate::meta::{SEND_CONTROL_SPACE, SendMeta};
use crate::sys::{self, IoVec, MmsgHdr};
use crate::{BoundDatagram, ConnectedDatagram, Domain, MsgFlags};

/// A reusable, fixed-capacity batch of outgoing datagrams for
/// `send_batch` (one `sendmmsg(2)`).
///
/// It borrows the payloads (`'a`) and copies the addresses. Its storage is
/// allocated once, in [`with_capacity`](Self::with_capacity); `push`,
/// `clear`, sending and [`recycle`](Self::recycle) never allocate. The
/// kernel message headers are built on the first send after a change and
/// reused as long as the batch is unchanged, so re-sending the same batch
/// costs one `sendmmsg` and nothing per message in user space.
///
/// ```
/// use wirelane::batch::SendBatch;
/// use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4};
/// # fn main() -> std::io::Result<()> {
/// let rx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
/// let tx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
/// let to = rx.local_addr()?;
/// let mut batch = SendBatch::<Ipv4>::with_capacity(64)?;
/// let payloads = [b"a".as_slice(), b"bb", b"ccc"];
/// for p in payloads {
///     batch.push(p, &to)?;
/// }
/// assert_eq!(tx.send_batch(&mut batch)?, 3);
/// assert_eq!(batch.sent_lens().collect::<Vec<_>>(), vec![1, 2, 3]);
/// # Ok(()) }
/// ```
pub struct SendBatch<'a, D: Domain> {
    iovs: Vec<IoVec>,
    /// One per message; an empty address (length 0) means "no address".
    addrs: Vec<RawSockAddr>,
    /// One per message: its own control data (metadata), never shared
    /// between messages. Length 0 means none.
    controls: Vec<SlotControl>,
    /// Built from `iovs`/`addrs` on the first send after a change, then
    /// reused: they point into the heap storage of `iovs` and `addrs`,
    /// which never reallocates (fixed capacity) and does not move when the
    /// batch moves.
    hdrs: Vec<MmsgHdr>,
    /// Set by every change to `iovs`/`addrs`: `hdrs` must be rebuilt.
    stale: bool,
    capacity: usize,
    sent: usize,
    _marker: PhantomData<(&'a [u8], D)>,
}

/// One message's encoded control data.
#[derive(Clone, Copy)]
struct SlotControl {
    buf: CmsgBuffer<SEND_CONTROL_SPACE>,
    len: usize,
}

const NO_CONTROL: SlotControl = SlotControl {
    buf: CmsgBuffer::new(),
    len: 0,
};

impl<'a, D: Domain> SendBatch<'a, D> {
    /// An empty batch with room for `capacity` messages (1 to
    /// [`MAX_BATCH`](super::MAX_BATCH)).
    pub fn with_capacity(capacity: usize) -> io::Result<Self> {
        check_capacity("send batch", capacity)?;
        Ok(Self {
            iovs: Vec::with_capacity(capacity),
            addrs: Vec::with_capacity(capacity),
            controls: Vec::with_capacity(capacity),
            hdrs: Vec::with_capacity(capacity),
            stale: true,
            capacity,
            sent: 0,
            _marker: PhantomData,
        })
    }

    /// How many messages the batch can hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many messages are queued.
    pub fn len(&self) -> usize {
        self.iovs.len()
    }

    /// Whether no message is queued.
    pub fn is_empty(&self) -> bool {
        self.iovs.is_empty()
    }

    fn push_raw(&mut self, buf: &'a [u8], addr: RawSockAddr) -> io::Result<()> {
        self.push_raw_control(buf, addr, NO_CONTROL)
    }

    fn push_raw_control(&mut self, buf: &'a [u8], addr: RawSockAddr, control: SlotControl) -> io::Result<()> {
        if self.iovs.len() == self.capacity() {
            return Err(invalid_input(
                libc::ENOBUFS,
                format!("send batch is full ({} messages)", self.capacity()),
            ));
        }
        self.stale = true;
        self.iovs.push(IoVec::from_slice(buf));
        self.addrs.push(addr);
        self.controls.push(control);
        Ok(())
    }

    /// Queues a datagram for `addr`. Fails (and queues nothing) when the
    /// batch is full.
    pub fn push(&mut self, buf: &'a [u8], addr: &D::Addr) -> io::Result<()> {
        self.push_raw(buf, addr.to_raw())
    }

    /// Queues a datagram without an address, for a connected socket's peer.
    pub fn push_connected(&mut self, buf: &'a [u8]) -> io::Result<()> {
        // Length 0 marks "no address" (see `send`).
        let mut none = RawSockAddr::zeroed();
        *none.len_mut() = 0;
        self.push_raw(buf, none)
    }

    /// Removes every message (keeping the storage).
    pub fn clear(&mut self) {
        self.stale = true;
        self.iovs.clear();
        self.addrs.clear();
        self.controls.clear();
        self.hdrs.clear();
        self.sent = 0;
    }

    /// Empties the batch and lets it borrow new payloads (another
    /// lifetime), keeping its storage: for loops whose payloads do not
    /// outlive one iteration.
    pub fn recycle<'b>(mut self) -> SendBatch<'b, D> {
        self.clear();
        SendBatch {
            iovs: self.iovs,
            addrs: self.addrs,
            controls: self.controls,
            hdrs: self.hdrs,
            stale: true,
            capacity: self.capacity,
            sent: 0,
            _marker: PhantomData,
        }
    }

    /// How many messages the last send sent (the first `sent()` ones).
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// The bytes sent for each of the first [`sent`](Self::sent) messages
    /// (`msg_len`).
    pub fn sent_lens(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.hdrs[..self.sent].iter().map(MmsgHdr::msg_len)
    }

    /// Drops the messages the last send sent, so the next send starts at
    /// the first unsent one (after a partial batch).
    pub fn remove_sent(&mut self) {
        let n = self.sent.min(self.iovs.len());
        self.stale = true;
        self.iovs.drain(..n);
        self.addrs.drain(..n);
        self.controls.drain(..n);
        self.hdrs.clear();
        self.sent = 0;
    }

    /// One `sendmmsg` of every queued message.
    fn send(&mut self, fd: BorrowedFd<'_>, flags: MsgFlags) -> io::Result<usize> {
        self.sent = 0;
        if self.iovs.is_empty() {
            self.hdrs.clear();
            return Ok(0);
        }
        if self.stale || self.hdrs.len() != self.iovs.len() {
            // (Re)build the headers. They point into the heap storage of
            // `iovs`/`addrs`, which stays put until the next change (every
            // change sets `stale`), whether or not the batch moves. The
            // kernel writes only `msg_len` back (`sendmmsg(2)`), so unchanged
            // headers are valid for the next send as they are.
            self.hdrs.clear();
            for ((iov, addr), control) in self.iovs.iter().zip(&self.addrs).zip(&self.controls) {
                let addr = (!addr.is_empty()).then_some(addr);
                let control = &control.buf.as_slice()[..control.len];
                self.hdrs.push(MmsgHdr::for_send(iov, addr, control));
            }
            self.stale = false;
        }
        // SAFETY: the headers point at `self.iovs`, `self.addrs` and
        // `self.controls` (alive,
        // and unchanged since the headers were built: see `stale`) and the
        // iovecs at payloads borrowed for `'a`, which outlives `self`.
        let n = unsafe { sys::sendmmsg(fd, &mut self.hdrs, flags.bits()) }?;
        self.sent = n;
        Ok(n)
    }
}

impl<'a, D: Inet> SendBatch<'a, D> {
    /// Queues a datagram for `addr` with its own metadata (ECN, source
    /// address / interface, TTL, GSO segment size), encoded now into this
    /// message's own control space: messages never share metadata. Fails
    /// (queueing nothing) when the batch is full or the metadata is
    /// invalid (for example a source address of the other family).
    pub fn push_with_meta(&mut self, buf: &'a [u8], addr: &D::Addr, meta: &SendMeta) -> io::Result<()> {
        let raw = addr.to_raw();
        let to_v4 = crate::meta::options_is_v4_dest::<D>(&raw);
        let control = encode_slot::<D>(meta, to_v4, buf.len())?;
        self.push_raw_control(buf, raw, control)
    }

    /// Queues a datagram for a connected socket's peer with its own
    /// metadata. On an `Ipv6` socket the metadata is encoded for an IPv6
    /// peer; for an IPv4-mapped peer use [`push_with_meta`](Self::push_with_meta).
    pub fn push_connected_with_meta(&mut self, buf: &'a [u8], meta: &SendMeta) -> io::Result<()> {
        let control = encode_slot::<D>(meta, D::FAMILY == libc::AF_INET, buf.len())?;
        let mut none = RawSockAddr::zeroed();
        *none.len_mut() = 0;
        self.push_raw_control(buf, none, control)
    }
}

fn encode_slot<D: Domain>(meta: &SendMeta, to_v4: bool, len: usize) -> io::Result<SlotControl> {
    let mut c = NO_CONTROL;
    c.len = meta.encode(c.buf.as_mut_slice(), D::FAMILY == libc::AF_INET6, to_v4, len)?;
    Ok(c)
}

impl<D: Domain> std::fmt::Debug for SendBatch<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendBatch")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("sent", &self.sent)
            .finish()
    }
}

/// Sends `msgs` in one `sendmmsg` using a temporary batch; returns the
/// per-message lengths of the ones sent.
fn send_all<'a, D: Domain>(
    fd: BorrowedFd<'_>,
    msgs: impl ExactSizeIterator<Item = (&'a [u8], Option<&'a D::Addr>)>,
) -> io::Result<Vec<usize>> {
    let n = msgs.len().min(super::MAX_BATCH);
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut batch = SendBatch::<D>::with_capacity(n)?;
    for (buf, addr) in msgs.take(n) {
        match addr {
            Some(a) => batch.push(buf, a)?,
            None => batch.push_connected(buf)?,
        }
    }
    batch.send(fd, MsgFlags::NONE)?;
    Ok(batch.sent_lens().collect())
}

impl<D: Domain> BoundDatagram<D> {
    /// Sends each `(payload, destination)` as its own datagram in one
    /// `sendmmsg(2)` syscall (with `MSG_NOSIGNAL`).
    ///
    /// Returns the bytes sent for each datagram sent, in order. The vector
    /// is shorter than `messages` when the kernel sent only a prefix (see
    /// the [module docs](crate::batch) on partial batches; at most
    /// [`MAX_BATCH`](crate::batch::MAX_BATCH) per call). An empty slice
    /// sends nothing and returns an empty vector. An error on the first
    /// datagram is returned as the error.
    ///
    /// This allocates a small temporary batch; for a loop that allocates
    /// nothing, reuse a [`SendBatch`] with [`send_batch`](Self::send_batch).
    pub fn sendmmsg(&self, messages: &[(&[u8], D::Addr)]) -> io::Result<Vec<usize>> {
        send_all::<D>(self.as_fd(), messages.iter().map(|(b, a)| (*b, Some(a))))
    }

    /// Sends every queued message of `batch` in one `sendmmsg(2)`; returns
    /// how many were sent (see [`SendBatch::sent_lens`]). An empty batch
    /// returns `Ok(0)` without a syscall.
    pub fn send_batch(&self, batch: &mut SendBatch<'_, D>) -> io::Result<usize> {
        batch.send(self.as_fd(), MsgFlags::NONE)
    }

    /// [`send_batch`](Self::send_batch) with `MSG_*` flags (for example
    /// `MsgFlags::DONTWAIT`).
    pub fn send_batch_with_flags(&self, batch: &mut SendBatch<'_, D>, flags: MsgFlags) -> io::Result<usize> {
        batch.send(self.as_fd(), flags)
    }
}

impl<D: Domain> ConnectedDatagram<D> {
    /// Sends each payload as its own datagram to the peer in one
    /// `sendmmsg(2)`; returns the bytes sent for each datagram sent (see
    /// [`BoundDatagram::sendmmsg`] for partial and empty batches).
    pub fn sendmmsg(&self, messages: &[&[u8]]) -> io::Result<Vec<usize>> {
        send_all::<D>(self.as_fd(), messages.iter().map(|b| (*b, None)))
    }

    /// Sends every queued message of `batch` in one `sendmmsg(2)`; returns
    /// how many were sent. Messages queued with
    /// [`push_connected`](SendBatch::push_connected) go to the peer.
    pub fn send_batch(&self, batch: &mut SendBatch<'_, D>) -> io::Result<usize> {
        batch.send(self.as_fd(), MsgFlags::NONE)
    }

    /// [`send_batch`](Self::send_batch) with `MSG_*` flags.
    pub fn send_batch_with_flags(&self, batch: &mut SendBatch<'_, D>, flags: MsgFlags) -> io::Result<usize> {
        batch.send(self.as_fd(), flags)
    }
}
