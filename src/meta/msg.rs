//! `send_msg`/`recv_msg` with typed control messages, `send_with_meta`,
//! and `recv_error` (the error queue), on the UDP datagram states.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};

use super::options::is_v6;
use super::{ExtendedError, RecvMeta, SEND_CONTROL_SPACE, SendMeta};
use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::cmsg::{self, CmsgBuffer, ControlMessage, ControlMessages};
use crate::domain::{Domain, Inet};
use crate::sys;
use crate::{BoundDatagram, ConnectedDatagram, MsgFlags};

/// Bytes of stack space `send_msg` offers for its control messages; more
/// is an `InvalidInput` error (encode into your own buffer and use
/// `send_msg_encoded` instead).
pub(crate) const SEND_MSG_SPACE: usize = 256;

/// One datagram received by `recv_msg`, borrowing the caller's control
/// buffer.
#[derive(Debug, Clone, Copy)]
pub struct Received<'c, A> {
    /// Bytes received (the datagram's real length with `MsgFlags::TRUNC`).
    pub len: usize,
    /// The sender.
    pub source: A,
    /// The kernel's `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
    pub flags: libc::c_int,
    /// The control bytes the kernel wrote (`msg_controllen`).
    pub control: &'c [u8],
    /// The control buffer's capacity, for the truncation report.
    pub control_capacity: usize,
}

impl<'c, A> Received<'c, A> {
    /// Whether the datagram was longer than the buffer (`MSG_TRUNC`).
    pub fn truncated(&self) -> bool {
        self.flags & libc::MSG_TRUNC != 0
    }

    /// Whether control data was cut for lack of space (`MSG_CTRUNC`).
    pub fn control_truncated(&self) -> bool {
        self.flags & libc::MSG_CTRUNC != 0
    }

    /// Every control message, typed (unknown ones as raw bytes).
    pub fn control(&self) -> ControlMessages<'c> {
        ControlMessages::new(self.control)
    }

    /// The decoded metadata; `Err(InvalidData)` naming the buffer size
    /// when the kernel truncated the control data (`MSG_CTRUNC`), or when
    /// a control message is malformed. For the partial metadata despite a
    /// truncation, use [`RecvMeta::from_control`].
    pub fn meta(&self) -> io::Result<RecvMeta> {
        RecvMeta::from_control(self.control, self.flags)?.check(self.control_capacity)
    }
}

/// A queued error read from the error queue (`MSG_ERRQUEUE`).
#[derive(Debug, Clone, Copy)]
pub struct QueuedError<A> {
    /// The error, its origin and the offender's address.
    pub error: ExtendedError,
    /// Where the datagram that caused it was going (`msg_name`), when
    /// the kernel reports it.
    pub destination: Option<A>,
    /// Bytes of the offending datagram's payload copied into the buffer.
    pub len: usize,
}

fn recv_msg_on(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    control: &mut [u8],
    flags: libc::c_int,
) -> io::Result<(sys::RecvMsgOut, RawSockAddr)> {
    let mut name = RawSockAddr::zeroed();
    // Descriptors cannot arrive on a UDP socket; the sink closes any.
    let out = sys::recvmsg(
        fd,
        &mut [IoSliceMut::new(buf)],
        Some(&mut name),
        control,
        flags,
        &mut drop,
    )?;
    Ok((out, name))
}

/// `recv_msg` without the borrow of `control` in the result: the length,
/// source, flags and control length (for retry loops, which cannot return
/// a borrow taken inside the loop).
pub(crate) fn recv_msg_owned<D: Domain>(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    control: &mut [u8],
    flags: MsgFlags,
) -> io::Result<(usize, D::Addr, libc::c_int, usize)> {
    let (out, name) = recv_msg_on(fd, buf, control, flags.bits())?;
    if crate::socket::wake::ended_by_shutdown(fd, out.len, name.len()) {
        return Err(crate::socket::wake::shut_down_for_receiving());
    }
    Ok((out.len, D::Addr::from_raw(&name)?, out.flags, out.control_len))
}

impl<'c, A> Received<'c, A> {
    /// Reassembles a result of [`recv_msg_owned`].
    pub(crate) fn from_owned(parts: (usize, A, libc::c_int, usize), control: &'c [u8]) -> Self {
        let (len, source, flags, control_len) = parts;
        Received {
            len,
            source,
            flags,
            control: &control[..control_len.min(control.len())],
            control_capacity: control.len(),
        }
    }
}

fn recv_msg_typed<'c, D: Domain>(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    control: &'c mut [u8],
    flags: MsgFlags,
) -> io::Result<Received<'c, D::Addr>> {
    let parts = recv_msg_owned::<D>(fd, buf, control, flags)?;
    Ok(Received::from_owned(parts, control))
}

fn recv_error_on<D: Domain>(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    control: &mut [u8],
) -> io::Result<QueuedError<D::Addr>> {
    let capacity = control.len();
    let (out, name) = recv_msg_on(fd, buf, control, libc::MSG_ERRQUEUE)?;
    let meta = RecvMeta::from_control(&control[..out.control_len], out.flags)?.check(capacity)?;
    let error = meta.error.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the error queue returned a message without IP_RECVERR/IPV6_RECVERR data",
        )
    })?;
    Ok(QueuedError {
        error,
        destination: (!name.is_empty()).then(|| D::Addr::from_raw(&name).ok()).flatten(),
        len: out.len,
    })
}

/// Whether `addr` (a `D::Addr`, or the peer when `None`) is IPv4 or
/// IPv4-mapped.
pub(crate) fn dest_is_v4<D: Domain>(addr: Option<&RawSockAddr>, fd: BorrowedFd<'_>) -> bool {
    if !is_v6::<D>() {
        return true;
    }
    let raw = match addr {
        Some(a) => *a,
        None => match sys::peer_addr(fd) {
            Ok(a) => a,
            Err(_) => return false,
        },
    };
    super::options_is_v4_dest::<D>(&raw)
}

fn send_meta_on<D: Domain>(
    fd: BorrowedFd<'_>,
    data: &[u8],
    addr: Option<&RawSockAddr>,
    meta: &SendMeta,
) -> io::Result<usize> {
    let mut control = CmsgBuffer::<SEND_CONTROL_SPACE>::new();
    let to_v4 = if meta.is_empty() {
        true
    } else {
        dest_is_v4::<D>(addr, fd)
    };
    let n = meta.encode(control.as_mut_slice(), is_v6::<D>(), to_v4, data.len())?;
    sys::sendmsg(fd, &[IoSlice::new(data)], addr, &control.as_slice()[..n], 0)
}

fn send_msg_on(
    fd: BorrowedFd<'_>,
    data: &[u8],
    addr: Option<&RawSockAddr>,
    control: &[ControlMessage<'_>],
    flags: MsgFlags,
) -> io::Result<usize> {
    let mut buf = CmsgBuffer::<SEND_MSG_SPACE>::new();
    let n = cmsg::encode(buf.as_mut_slice(), control)?;
    sys::sendmsg(fd, &[IoSlice::new(data)], addr, &buf.as_slice()[..n], flags.bits())
}

impl<D: Inet> BoundDatagram<D> {
    /// Sends one datagram to `to` with control messages (`sendmsg(2)`,
    /// `MSG_NOSIGNAL`). They are encoded into a 256-byte stack buffer;
    /// more is an `InvalidInput` error before any syscall (use
    /// [`send_msg_encoded`](Self::send_msg_encoded) with your own buffer).
    pub fn send_msg(
        &self,
        data: &[u8],
        to: &D::Addr,
        control: &[ControlMessage<'_>],
        flags: MsgFlags,
    ) -> io::Result<usize> {
        send_msg_on(self.as_fd(), data, Some(&to.to_raw()), control, flags)
    }

    /// Sends one datagram with control bytes the caller encoded (with
    /// [`CmsgEncoder`](crate::cmsg::CmsgEncoder)) into its own buffer.
    pub fn send_msg_encoded(
        &self,
        bufs: &[IoSlice<'_>],
        to: &D::Addr,
        control: &[u8],
        flags: MsgFlags,
    ) -> io::Result<usize> {
        sys::sendmsg(self.as_fd(), bufs, Some(&to.to_raw()), control, flags.bits())
    }

    /// Sends one datagram to `to` with typed metadata (ECN, source
    /// address / interface, TTL, GSO segment size).
    pub fn send_with_meta(&self, data: &[u8], to: &D::Addr, meta: &SendMeta) -> io::Result<usize> {
        send_meta_on::<D>(self.as_fd(), data, Some(&to.to_raw()), meta)
    }

    /// Receives one datagram with its control messages into `control`
    /// (`recvmsg(2)`; size it with
    /// [`RECV_CONTROL_SPACE`](super::RECV_CONTROL_SPACE)). Nothing
    /// allocates; [`Received::meta`] decodes and reports truncation.
    pub fn recv_msg<'c>(
        &self,
        buf: &mut [u8],
        control: &'c mut [u8],
        flags: MsgFlags,
    ) -> io::Result<Received<'c, D::Addr>> {
        recv_msg_typed::<D>(self.as_fd(), buf, control, flags)
    }

    /// Reads one queued error from the error queue (`MSG_ERRQUEUE`, after
    /// [`set_recv_errors`](Self::set_recv_errors)): the typed error with
    /// the offender's address; `buf` receives the offending datagram's
    /// payload. Never blocks: an empty queue is `WouldBlock`.
    pub fn recv_error(&self, buf: &mut [u8], control: &mut [u8]) -> io::Result<QueuedError<D::Addr>> {
        recv_error_on::<D>(self.as_fd(), buf, control)
    }
}

impl<D: Inet> ConnectedDatagram<D> {
    /// Sends one datagram to the peer with control messages; see
    /// [`BoundDatagram::send_msg`].
    pub fn send_msg(&self, data: &[u8], control: &[ControlMessage<'_>], flags: MsgFlags) -> io::Result<usize> {
        send_msg_on(self.as_fd(), data, None, control, flags)
    }

    /// Sends one datagram to the peer with caller-encoded control bytes.
    pub fn send_msg_encoded(&self, bufs: &[IoSlice<'_>], control: &[u8], flags: MsgFlags) -> io::Result<usize> {
        sys::sendmsg(self.as_fd(), bufs, None, control, flags.bits())
    }

    /// Sends one datagram to the peer with typed metadata.
    pub fn send_with_meta(&self, data: &[u8], meta: &SendMeta) -> io::Result<usize> {
        send_meta_on::<D>(self.as_fd(), data, None, meta)
    }

    /// Receives one datagram from the peer with its control messages; see
    /// [`BoundDatagram::recv_msg`].
    pub fn recv_msg<'c>(
        &self,
        buf: &mut [u8],
        control: &'c mut [u8],
        flags: MsgFlags,
    ) -> io::Result<Received<'c, D::Addr>> {
        recv_msg_typed::<D>(self.as_fd(), buf, control, flags)
    }

    /// Reads one queued error (ICMP port unreachable from the peer, ...);
    /// see [`BoundDatagram::recv_error`].
    pub fn recv_error(&self, buf: &mut [u8], control: &mut [u8]) -> io::Result<QueuedError<D::Addr>> {
        recv_error_on::<D>(self.as_fd(), buf, control)
    }
}
