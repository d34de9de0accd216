//! `Async<BoundDatagram<D>>` and `Async<ConnectedDatagram<D>>`: the Layer 0
//! datagram methods, async, with the same signatures (batches and GSO/GRO
//! included). Every method waits for readiness and makes exactly one
//! syscall, so every future here is cancel-safe: a dropped `recv*` has
//! received nothing and a dropped `send*` has sent nothing.

use std::io;

use tokio::io::Interest;

use super::Async;
use crate::batch::{GroRecv, RecvBatch, SegmentedSend, SendBatch};
use crate::domain::{Domain, Inet};
use crate::{BoundDatagram, ConnectedDatagram, MsgFlags};

impl<D: Domain> Async<BoundDatagram<D>> {
    /// Sends one datagram to `addr` (`sendto(2)`, `MSG_NOSIGNAL`).
    /// Cancel-safe.
    pub async fn send_to(&self, buf: &[u8], addr: &D::Addr) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_to(buf, addr)).await
    }

    /// Receives one datagram and its source (`recvfrom(2)`). Cancel-safe:
    /// a dropped future has not received anything.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, D::Addr)> {
        self.io_op(Interest::READABLE, |s| s.recv_from(buf)).await
    }

    /// Reads the next datagram and its source without consuming it
    /// (`MSG_PEEK`). Cancel-safe.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, D::Addr)> {
        self.io_op(Interest::READABLE, |s| s.peek_from(buf)).await
    }

    /// Sends the batch with `sendmmsg(2)`, each message to its own address;
    /// returns how many went. A batch cut short by a full send buffer
    /// returns the count sent so far (`batch.sent()` agrees); send the
    /// rest after [`SendBatch::remove_sent`]. Nothing is sent twice.
    /// Cancel-safe: a dropped future has sent nothing.
    pub async fn send_batch(&self, batch: &mut SendBatch<'_, D>) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_batch(batch)).await
    }

    /// Receives up to `batch.capacity()` datagrams with one `recvmmsg(2)`;
    /// returns how many arrived (at least one). Cancel-safe.
    pub async fn recv_batch(&self, batch: &mut RecvBatch<D>) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.recv_batch(batch, MsgFlags::NONE))
            .await
    }
}

impl<D: Inet> Async<BoundDatagram<D>> {
    /// Sends `buf` to `addr` as datagrams of `segment_size` bytes in one
    /// call (UDP GSO, `UDP_SEGMENT`). Cancel-safe.
    pub async fn send_to_segmented(&self, buf: &[u8], segment_size: u16, addr: &D::Addr) -> io::Result<SegmentedSend> {
        self.io_op(Interest::WRITABLE, |s| s.send_to_segmented(buf, segment_size, addr))
            .await
    }

    /// Receives one (possibly GRO-coalesced) datagram; see Layer 0's
    /// `recv_gro`. Cancel-safe.
    pub async fn recv_gro(&self, buf: &mut [u8]) -> io::Result<GroRecv<D::Addr>> {
        self.io_op(Interest::READABLE, |s| s.recv_gro(buf)).await
    }
}

impl<D: Domain> Async<ConnectedDatagram<D>> {
    /// Sends one datagram to the peer (`send(2)`, `MSG_NOSIGNAL`).
    /// Cancel-safe.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send(buf)).await
    }

    /// Receives one datagram from the peer (`recv(2)`). Cancel-safe.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.recv(buf)).await
    }

    /// Reads the next datagram without consuming it (`MSG_PEEK`).
    /// Cancel-safe.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.peek(buf)).await
    }

    /// Sends the batch to the peer with `sendmmsg(2)`; returns how many
    /// went (a batch cut short by a full buffer returns the count sent).
    /// Cancel-safe.
    pub async fn send_batch(&self, batch: &mut SendBatch<'_, D>) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_batch(batch)).await
    }

    /// Receives up to `batch.capacity()` datagrams with one `recvmmsg(2)`.
    /// Cancel-safe.
    pub async fn recv_batch(&self, batch: &mut RecvBatch<D>) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.recv_batch(batch, MsgFlags::NONE))
            .await
    }
}

impl<D: Inet> Async<ConnectedDatagram<D>> {
    /// Sends `buf` to the peer as datagrams of `segment_size` bytes in one
    /// call (UDP GSO). Cancel-safe.
    pub async fn send_segmented(&self, buf: &[u8], segment_size: u16) -> io::Result<SegmentedSend> {
        self.io_op(Interest::WRITABLE, |s| s.send_segmented(buf, segment_size))
            .await
    }

    /// Receives one (possibly GRO-coalesced) datagram from the peer.
    /// Cancel-safe.
    pub async fn recv_gro(&self, buf: &mut [u8]) -> io::Result<GroRecv<D::Addr>> {
        self.io_op(Interest::READABLE, |s| s.recv_gro(buf)).await
    }
}
