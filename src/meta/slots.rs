//! `recvmmsg(2)` straight into caller-provided buffers, with per-slot
//! source address and control space: the zero-copy receive a QUIC stack
//! wants (its own packet buffers, the metadata beside them).

use std::io::{self, IoSliceMut};
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd};

use super::{RECV_CONTROL_SPACE, RecvMeta};
use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::cmsg::{CmsgBuffer, ControlMessages};
use crate::domain::{Domain, Inet};
use crate::sys::{self, IoVec, MmsgHdr};
use crate::{BoundDatagram, ConnectedDatagram, MsgFlags};

/// Reusable per-datagram storage (address, [`RECV_CONTROL_SPACE`] bytes
/// of control data, the kernel header) for `recv_slots`, which receives
/// into the caller's own buffers. Allocated once in [`new`](Self::new);
/// receiving never allocates. Each slot has its own control buffer, so
/// slots never share metadata.
pub struct RecvSlots<D: Domain> {
    names: Box<[RawSockAddr]>,
    control: Box<[CmsgBuffer<RECV_CONTROL_SPACE>]>,
    hdrs: Box<[MmsgHdr]>,
    received: usize,
    _marker: PhantomData<D>,
}

impl<D: Domain> RecvSlots<D> {
    /// Storage for up to `count` datagrams per call (1 to
    /// [`MAX_BATCH`](crate::batch::MAX_BATCH)).
    pub fn new(count: usize) -> io::Result<Self> {
        crate::batch::check_capacity("receive slots", count)?;
        Ok(Self {
            names: vec![RawSockAddr::zeroed(); count].into_boxed_slice(),
            control: vec![CmsgBuffer::new(); count].into_boxed_slice(),
            hdrs: vec![MmsgHdr::empty(); count].into_boxed_slice(),
            received: 0,
            _marker: PhantomData,
        })
    }

    /// How many datagrams one call can receive.
    pub fn capacity(&self) -> usize {
        self.hdrs.len()
    }

    /// How many the last call received.
    pub fn len(&self) -> usize {
        self.received
    }

    /// Whether the last call received nothing (or none happened yet).
    pub fn is_empty(&self) -> bool {
        self.received == 0
    }

    fn check(&self, i: usize) -> io::Result<()> {
        if i >= self.received {
            return Err(crate::error::invalid_input(
                libc::EINVAL,
                format!("slot {i} holds nothing: the last receive filled {}", self.received),
            ));
        }
        Ok(())
    }

    /// Bytes received into buffer `i` (`msg_len`).
    pub fn len_of(&self, i: usize) -> io::Result<usize> {
        self.check(i)?;
        Ok(self.hdrs[i].msg_len())
    }

    /// `msg_flags` of datagram `i`.
    pub fn flags_of(&self, i: usize) -> io::Result<libc::c_int> {
        self.check(i)?;
        Ok(self.hdrs[i].flags())
    }

    /// The sender of datagram `i`.
    pub fn source(&self, i: usize) -> io::Result<D::Addr> {
        self.check(i)?;
        D::Addr::from_raw(&self.names[i])
    }

    /// The control messages of datagram `i`.
    pub fn control(&self, i: usize) -> io::Result<ControlMessages<'_>> {
        self.check(i)?;
        let c = self.control[i].as_slice();
        Ok(ControlMessages::new(&c[..self.hdrs[i].controllen().min(c.len())]))
    }

    /// The raw control bytes the kernel wrote for datagram `i` (its own
    /// slot's `msg_controllen` bytes), for
    /// [`RecvMeta::from_control`] or a raw walk.
    pub fn control_bytes(&self, i: usize) -> io::Result<&[u8]> {
        self.check(i)?;
        let c = self.control[i].as_slice();
        Ok(&c[..self.hdrs[i].controllen().min(c.len())])
    }

    /// The decoded metadata of datagram `i` (including
    /// [`RecvMeta::control_truncated`], which cannot happen with the
    /// metadata this module knows, given the slot's space).
    pub fn meta(&self, i: usize) -> io::Result<RecvMeta> {
        self.check(i)?;
        let c = self.control[i].as_slice();
        Ok(RecvMeta::from_control(
            &c[..self.hdrs[i].controllen().min(c.len())],
            self.hdrs[i].flags(),
        )?)
    }

    fn recv(&mut self, fd: BorrowedFd<'_>, bufs: &mut [IoSliceMut<'_>], flags: MsgFlags) -> io::Result<usize> {
        self.received = 0;
        let n = bufs.len().min(self.hdrs.len());
        if n == 0 {
            return Err(crate::error::invalid_input(libc::EINVAL, "no receive buffers given"));
        }
        for (((buf, name), ctrl), hdr) in bufs
            .iter_mut()
            .zip(self.names.iter_mut())
            .zip(self.control.iter_mut())
            .zip(self.hdrs.iter_mut())
        {
            // SAFETY: `IoSliceMut` is guaranteed ABI-compatible with
            // `iovec` on Unix, and `IoVec` is a transparent `iovec`.
            let iov = unsafe { &mut *(buf as *mut IoSliceMut<'_>).cast::<IoVec>() };
            *hdr = MmsgHdr::for_recv(iov, name, ctrl.as_mut_slice());
        }
        // SAFETY: the headers point at the caller's buffers (exclusively
        // borrowed for the call) and this struct's own boxed storage.
        let got = unsafe { sys::recvmmsg(fd, &mut self.hdrs[..n], flags.bits(), &mut |_, fd| drop(fd)) }?;
        // Slots "filled" by a shutdown are not datagrams.
        let got = crate::socket::wake::datagrams_before_shutdown(
            fd,
            got,
            self.hdrs.iter().map(|h| (h.msg_len(), h.namelen())),
        )?;
        for (name, hdr) in self.names.iter_mut().zip(self.hdrs.iter()).take(got) {
            *name.len_mut() = hdr.namelen();
        }
        self.received = got;
        Ok(got)
    }
}

impl<D: Domain> std::fmt::Debug for RecvSlots<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvSlots")
            .field("capacity", &self.capacity())
            .field("received", &self.received)
            .finish()
    }
}

impl<D: Inet> BoundDatagram<D> {
    /// Receives up to `min(bufs.len(), slots.capacity())` datagrams in one
    /// `recvmmsg(2)`, datagram `i` into `bufs[i]` and its address and
    /// metadata into slot `i`; returns how many arrived. Flags and
    /// `WouldBlock` as for [`recv_batch`](Self::recv_batch).
    pub fn recv_slots(
        &self,
        slots: &mut RecvSlots<D>,
        bufs: &mut [IoSliceMut<'_>],
        flags: MsgFlags,
    ) -> io::Result<usize> {
        slots.recv(self.as_fd(), bufs, flags)
    }
}

impl<D: Inet> ConnectedDatagram<D> {
    /// [`BoundDatagram::recv_slots`] from the peer.
    pub fn recv_slots(
        &self,
        slots: &mut RecvSlots<D>,
        bufs: &mut [IoSliceMut<'_>],
        flags: MsgFlags,
    ) -> io::Result<usize> {
        slots.recv(self.as_fd(), bufs, flags)
    }
}
