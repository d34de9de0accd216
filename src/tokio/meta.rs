//! `Async<BoundDatagram<D>>` / `Async<ConnectedDatagram<D>>` with typed
//! per-datagram metadata (see [`crate::meta`]): the Layer 0 methods,
//! async. Each waits for readiness and makes one syscall, so every future
//! is cancel-safe: a dropped receive has received nothing, a dropped send
//! has sent nothing. Batches with metadata go through the existing
//! `send_batch`/`recv_batch` (each slot carries its own metadata).

use std::io::{self, IoSliceMut};
use std::os::fd::AsFd;

use tokio::io::Interest;

use super::Async;
use crate::cmsg::ControlMessage;
use crate::domain::Inet;
use crate::meta::{QueuedError, Received, RecvSlots, SendMeta};
use crate::{BoundDatagram, ConnectedDatagram, MsgFlags};

impl<D: Inet> Async<BoundDatagram<D>> {
    /// Sends one datagram to `to` with typed metadata. Cancel-safe.
    pub async fn send_with_meta(&self, data: &[u8], to: &D::Addr, meta: &SendMeta) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_with_meta(data, to, meta))
            .await
    }

    /// Sends one datagram to `to` with control messages. Cancel-safe.
    pub async fn send_msg(&self, data: &[u8], to: &D::Addr, control: &[ControlMessage<'_>]) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_msg(data, to, control, MsgFlags::NONE))
            .await
    }

    /// Receives one datagram with its control messages into `control`.
    /// Cancel-safe: a dropped future has received nothing.
    pub async fn recv_msg<'c>(&self, buf: &mut [u8], control: &'c mut [u8]) -> io::Result<Received<'c, D::Addr>> {
        let parts = self
            .io_op(Interest::READABLE, |s| {
                crate::meta::msg::recv_msg_owned::<D>(s.as_fd(), buf, control, MsgFlags::NONE)
            })
            .await?;
        Ok(Received::from_owned(parts, control))
    }

    /// Receives up to `min(bufs.len(), slots.capacity())` datagrams into
    /// the caller's buffers with one `recvmmsg(2)`. Cancel-safe.
    pub async fn recv_slots(&self, slots: &mut RecvSlots<D>, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.recv_slots(slots, bufs, MsgFlags::NONE))
            .await
    }

    /// Reads one queued error (`MSG_ERRQUEUE`), waiting until the socket
    /// reports one (`EPOLLERR`). Cancel-safe.
    pub async fn recv_error(&self, buf: &mut [u8], control: &mut [u8]) -> io::Result<QueuedError<D::Addr>> {
        self.io_op(Interest::ERROR, |s| s.recv_error(buf, control)).await
    }
}

impl<D: Inet> Async<ConnectedDatagram<D>> {
    /// Sends one datagram to the peer with typed metadata. Cancel-safe.
    pub async fn send_with_meta(&self, data: &[u8], meta: &SendMeta) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_with_meta(data, meta)).await
    }

    /// Sends one datagram to the peer with control messages. Cancel-safe.
    pub async fn send_msg(&self, data: &[u8], control: &[ControlMessage<'_>]) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| s.send_msg(data, control, MsgFlags::NONE))
            .await
    }

    /// Receives one datagram from the peer with its control messages.
    /// Cancel-safe.
    pub async fn recv_msg<'c>(&self, buf: &mut [u8], control: &'c mut [u8]) -> io::Result<Received<'c, D::Addr>> {
        let parts = self
            .io_op(Interest::READABLE, |s| {
                crate::meta::msg::recv_msg_owned::<D>(s.as_fd(), buf, control, MsgFlags::NONE)
            })
            .await?;
        Ok(Received::from_owned(parts, control))
    }

    /// Receives datagrams from the peer into the caller's buffers with one
    /// `recvmmsg(2)`. Cancel-safe.
    pub async fn recv_slots(&self, slots: &mut RecvSlots<D>, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| s.recv_slots(slots, bufs, MsgFlags::NONE))
            .await
    }

    /// Reads one queued error (an ICMP error from the peer), waiting until
    /// the socket reports one (`EPOLLERR`). Cancel-safe.
    pub async fn recv_error(&self, buf: &mut [u8], control: &mut [u8]) -> io::Result<QueuedError<D::Addr>> {
        self.io_op(Interest::ERROR, |s| s.recv_error(buf, control)).await
    }
}
