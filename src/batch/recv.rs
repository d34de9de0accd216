//! Receiving many datagrams in one `recvmmsg(2)`.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd};

use super::check_capacity;
use super::gso::Segments;
use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::cmsg::{CmsgBuffer, ControlMessages, ParsedMessage};
use crate::error::invalid_input;
use crate::sys::{self, IoVec, MmsgHdr};
use crate::{BoundDatagram, ConnectedDatagram, Domain, MsgFlags};

/// Control space offered per message: room for every metadata message
/// [`crate::meta`] decodes at once (`UDP_GRO`, ECN, pktinfo, TTL,
/// timestamps), each slot its own.
const CONTROL_SPACE: usize = crate::meta::RECV_CONTROL_SPACE;

/// A reusable batch of receive slots for `recv_batch` (one
/// `recvmmsg(2)`): `count` slots of `slot_size` bytes in one contiguous
/// buffer, plus per-slot source address and control space.
///
/// Everything is allocated in [`new`](Self::new); receiving never
/// allocates. Before every call the headers are rebuilt, which resets each
/// slot's address length (`msg_namelen`) and control length
/// (`msg_controllen`) to the full capacity: the kernel overwrites both
/// with what it used, and a batch that kept them would truncate the next
/// call's addresses and control data.
///
/// Descriptors (`SCM_RIGHTS`) that arrive on a Unix socket through a batch
/// are closed at once (use [`crate::fdpass`] to receive them).
pub struct RecvBatch<D: Domain> {
    data: Box<[u8]>,
    slot_size: usize,
    names: Box<[RawSockAddr]>,
    control: Box<[CmsgBuffer<CONTROL_SPACE>]>,
    iovs: Box<[IoVec]>,
    hdrs: Box<[MmsgHdr]>,
    received: usize,
    _marker: PhantomData<D>,
}

/// `len` (> 0) zeroed bytes on the heap, or `ENOMEM`: `vec![0; len]`
/// would abort the process on a size the allocator refuses, and the size
/// here comes from the caller (through the C ABI, from anyone).
fn zeroed_bytes(len: usize) -> io::Result<Box<[u8]>> {
    let no_memory = || {
        // errno_of maps OutOfMemory to ENOMEM for the C ABI.
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!("cannot allocate a {len}-byte receive batch"),
        )
    };
    let layout = std::alloc::Layout::array::<u8>(len).map_err(|_| no_memory())?;
    if layout.size() == 0 {
        return Ok(Box::default());
    }
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(no_memory());
    }
    // SAFETY: `ptr` is a fresh, zeroed allocation of `len` bytes made with
    // the layout `Box<[u8]>` uses for that length, owned by nothing else.
    Ok(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) })
}

impl<D: Domain> RecvBatch<D> {
    /// `count` slots (1 to [`MAX_BATCH`](super::MAX_BATCH)) of `slot_size`
    /// bytes each (at least 1). A datagram longer than its slot is
    /// truncated ([`RecvMsg::truncated`]); for UDP GRO use slots of 64 KiB.
    /// A size that cannot be allocated is an `OutOfMemory` error (`ENOMEM`),
    /// not an abort.
    pub fn new(count: usize, slot_size: usize) -> io::Result<Self> {
        check_capacity("receive batch", count)?;
        if slot_size == 0 {
            return Err(invalid_input(
                libc::EINVAL,
                "receive batch slot size must be at least 1 byte",
            ));
        }
        let total = count
            .checked_mul(slot_size)
            .ok_or_else(|| invalid_input(libc::EINVAL, "receive batch size overflows"))?;
        Ok(Self {
            data: zeroed_bytes(total)?,
            slot_size,
            names: vec![RawSockAddr::zeroed(); count].into_boxed_slice(),
            control: vec![CmsgBuffer::new(); count].into_boxed_slice(),
            iovs: vec![IoVec::EMPTY; count].into_boxed_slice(),
            hdrs: vec![MmsgHdr::empty(); count].into_boxed_slice(),
            received: 0,
            _marker: PhantomData,
        })
    }

    /// The number of slots.
    pub fn capacity(&self) -> usize {
        self.hdrs.len()
    }

    /// The size of each slot in bytes.
    pub fn slot_size(&self) -> usize {
        self.slot_size
    }

    /// How many messages the last receive filled.
    pub fn len(&self) -> usize {
        self.received
    }

    /// Whether the last receive filled nothing (or none happened yet).
    pub fn is_empty(&self) -> bool {
        self.received == 0
    }

    /// The `i`-th received message.
    pub fn get(&self, i: usize) -> Option<RecvMsg<'_, D>> {
        (i < self.received).then(|| self.msg(i))
    }

    /// Message `i`; `i` must be below `capacity()`.
    fn msg(&self, i: usize) -> RecvMsg<'_, D> {
        let h = &self.hdrs[i];
        let slot = &self.data[i * self.slot_size..(i + 1) * self.slot_size];
        let control = self.control[i].as_slice();
        RecvMsg {
            data: &slot[..h.msg_len().min(self.slot_size)],
            len: h.msg_len(),
            flags: h.flags(),
            name: &self.names[i],
            control: &control[..h.controllen().min(control.len())],
            _marker: PhantomData,
        }
    }

    /// The received messages, in arrival order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RecvMsg<'_, D>> + '_ {
        (0..self.received).map(move |i| self.msg(i))
    }

    /// One `recvmmsg` into every slot.
    fn recv(&mut self, fd: BorrowedFd<'_>, flags: MsgFlags) -> io::Result<usize> {
        self.received = 0;
        let Self {
            data,
            slot_size,
            names,
            control,
            iovs,
            hdrs,
            ..
        } = self;
        // Rebuild every header right before the call, resetting the
        // value-result lengths (`msg_namelen`, `msg_controllen`).
        let slots = data.chunks_exact_mut(*slot_size);
        for ((((slot, iov), name), ctrl), hdr) in slots
            .zip(iovs.iter_mut())
            .zip(names.iter_mut())
            .zip(control.iter_mut())
            .zip(hdrs.iter_mut())
        {
            *iov = IoVec::from_mut_slice(slot);
            *hdr = MmsgHdr::for_recv(iov, name, ctrl.as_mut_slice());
        }
        // SAFETY: every header points into this batch's own boxed storage
        // (`data`, `iovs`, `names`, `control`), exclusively borrowed and
        // unmoved for the call, with the capacities just written.
        let n = unsafe { sys::recvmmsg(fd, hdrs, flags.bits(), &mut |_, fd| drop(fd)) }?;
        let n = crate::socket::wake::datagrams_before_shutdown(fd, n, hdrs.iter().map(|h| (h.msg_len(), h.namelen())))?;
        for (name, hdr) in names.iter_mut().zip(hdrs.iter()).take(n) {
            *name.len_mut() = hdr.namelen();
        }
        self.received = n;
        Ok(n)
    }
}

impl<D: Domain> std::fmt::Debug for RecvBatch<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBatch")
            .field("capacity", &self.capacity())
            .field("slot_size", &self.slot_size)
            .field("received", &self.received)
            .finish()
    }
}

/// One message received into a [`RecvBatch`].
#[derive(Clone, Copy)]
pub struct RecvMsg<'a, D: Domain> {
    data: &'a [u8],
    len: usize,
    flags: libc::c_int,
    name: &'a RawSockAddr,
    control: &'a [u8],
    _marker: PhantomData<D>,
}

impl<'a, D: Domain> RecvMsg<'a, D> {
    /// The bytes received (at most the slot size).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// `msg_len`: the bytes received, or with `MsgFlags::TRUNC` the
    /// datagram's real length (which may exceed the slot).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the datagram was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the datagram was longer than its slot and was cut
    /// (`MSG_TRUNC` in `msg_flags`).
    pub fn truncated(&self) -> bool {
        self.flags & libc::MSG_TRUNC != 0
    }

    /// Whether control data was cut for lack of space (`MSG_CTRUNC`).
    pub fn control_truncated(&self) -> bool {
        self.flags & libc::MSG_CTRUNC != 0
    }

    /// The kernel's `msg_flags` for this message.
    pub fn flags(&self) -> libc::c_int {
        self.flags
    }

    /// The sender's address. A Unix datagram from an unbound sender has
    /// the unnamed address.
    pub fn source(&self) -> io::Result<D::Addr> {
        if self.name.is_empty() {
            // The kernel reports no name for an unbound Unix sender.
            return family_only::<D>();
        }
        D::Addr::from_raw(self.name)
    }

    /// The `UDP_GRO` segment size, if the kernel coalesced several
    /// datagrams into this one (see [`set_udp_gro`](super::set_udp_gro)).
    pub fn gro_segment(&self) -> Option<u16> {
        self.control().find_map(|m| match m {
            Ok(ParsedMessage::UdpGroSegment(s)) => Some(s),
            _ => None,
        })
    }

    /// The typed metadata of this slot (ECN, destination address, TTL,
    /// timestamp, GRO segment size), decoded from this slot's own control
    /// data: slots never share metadata. `Err(InvalidData)` if the kernel
    /// truncated it (`MSG_CTRUNC`) or a message is malformed.
    pub fn meta(&self) -> io::Result<crate::meta::RecvMeta> {
        crate::meta::RecvMeta::from_control(self.control, self.flags)?.check(CONTROL_SPACE)
    }

    /// The original datagrams: the data split at the GRO segment size, or
    /// the data as one piece when it was not coalesced.
    pub fn segments(&self) -> Segments<'a> {
        Segments::new(self.data, self.gro_segment())
    }

    /// The control bytes the kernel wrote for this message
    /// (`msg_controllen` bytes of its own slot), for
    /// [`RecvMeta::from_control`](crate::meta::RecvMeta::from_control) or
    /// a raw walk.
    pub fn control_bytes(&self) -> &'a [u8] {
        self.control
    }

    /// The control messages the kernel attached (checked parser).
    /// `SCM_RIGHTS` numbers shown here are already closed.
    pub fn control(&self) -> ControlMessages<'a> {
        ControlMessages::new(self.control)
    }
}

/// The unnamed address of `D` (family only), or an error for inet
/// domains, where the kernel always reports a source.
fn family_only<D: Domain>() -> io::Result<D::Addr> {
    let mut storage = *RawSockAddr::zeroed().storage();
    storage.ss_family = D::FAMILY as libc::sa_family_t;
    let len = std::mem::size_of::<libc::sa_family_t>() as libc::socklen_t;
    D::Addr::from_raw(&RawSockAddr::from_parts(storage, len))
}

impl<D: Domain> std::fmt::Debug for RecvMsg<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvMsg")
            .field("len", &self.len)
            .field("truncated", &self.truncated())
            .field("source", &self.source().ok())
            .field("gro_segment", &self.gro_segment())
            .finish()
    }
}

impl<D: Domain> BoundDatagram<D> {
    /// Receives up to `batch.capacity()` datagrams in one `recvmmsg(2)`;
    /// returns how many arrived (also `batch.len()`), each with its source
    /// address. Pass [`WAITFORONE`](super::WAITFORONE) to wait for one and
    /// take what else is queued; see the [module docs](crate::batch) for
    /// flags, timeouts and `WouldBlock`.
    pub fn recv_batch(&self, batch: &mut RecvBatch<D>, flags: MsgFlags) -> io::Result<usize> {
        batch.recv(self.as_fd(), flags)
    }
}

impl<D: Domain> ConnectedDatagram<D> {
    /// Receives up to `batch.capacity()` datagrams from the peer in one
    /// `recvmmsg(2)`; returns how many arrived. See
    /// [`BoundDatagram::recv_batch`].
    pub fn recv_batch(&self, batch: &mut RecvBatch<D>, flags: MsgFlags) -> io::Result<usize> {
        batch.recv(self.as_fd(), flags)
    }
}
