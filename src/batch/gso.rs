//! UDP segmentation offload (GSO: one send, many datagrams) and receive
//! coalescing (GRO: many datagrams, one receive); see `udp(7)`.
//!
//! GSO needs Linux 4.18, GRO 5.0. On loopback a GSO send to a socket with
//! GRO on arrives as one coalesced buffer, never split: the cheapest way
//! to move many datagrams between two local sockets.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};

use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::cmsg::{self, CmsgBuffer, ControlMessage, ControlMessages, ParsedMessage};
use crate::error::invalid_input;
use crate::sys::{self, IoVec, MmsgHdr};
use crate::{BoundDatagram, ConnectedDatagram, Domain, Inet};

/// The most segments one GSO send may produce, as enforced here. The
/// kernel's `UDP_MAX_SEGMENTS` was 64 for years and is 128 on recent
/// kernels (a 6.18 kernel accepts 128 and refuses 129 with `EINVAL`);
/// enforcing 64 gives the same behaviour on every kernel. More is
/// rejected before any syscall. (With 1200-byte segments the 64 KiB
/// payload limit allows only 55 anyway.)
pub const MAX_UDP_SEGMENTS: usize = 64;

/// The largest UDP payload one send may carry: 65507 bytes over IPv4
/// (65535 minus the 20-byte IP and 8-byte UDP headers), 65527 over IPv6
/// (the 65535-byte payload length minus the UDP header). With GSO this
/// bounds the whole buffer, all segments together.
pub const fn max_udp_payload<D: Domain>() -> usize {
    if D::FAMILY == libc::AF_INET6 { 65527 } else { 65507 }
}

/// What a segmented send did.
#[derive(Debug)]
pub struct SegmentedSend {
    /// Payload bytes sent, over all datagrams.
    pub bytes: usize,
    /// Datagrams sent: `ceil(bytes / segment_size)` when complete.
    pub datagrams: usize,
    /// `true` when the kernel segmented one send (GSO); `false` when it
    /// refused and the segments went out as separate datagrams through
    /// `sendmmsg`, in which case `fallback_reason` holds its refusal.
    pub offloaded: bool,
    /// The kernel's error for the GSO send, when it fell back (`EIO`: no
    /// checksum offload on the route's device; `EINVAL`: for example a
    /// segment larger than the path MTU, or `SO_NO_CHECK` set;
    /// `ENOPROTOOPT`/`EOPNOTSUPP`: no GSO).
    pub fallback_reason: Option<io::Error>,
}

/// Whether a GSO refusal should fall back to one datagram per segment.
fn should_fall_back(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EIO | libc::EINVAL | libc::ENOPROTOOPT | libc::EOPNOTSUPP)
    )
}

/// Checks a GSO request before any syscall; returns the segment count.
fn check_segmented<D: Domain>(buf: &[u8], segment_size: u16) -> io::Result<usize> {
    if segment_size == 0 {
        return Err(invalid_input(libc::EINVAL, "segment size must be at least 1 byte"));
    }
    if buf.is_empty() {
        return Err(invalid_input(libc::EINVAL, "nothing to segment: the buffer is empty"));
    }
    let max = max_udp_payload::<D>();
    if buf.len() > max {
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!(
                "{} bytes exceed the {max}-byte UDP payload limit of one GSO send over {}",
                buf.len(),
                D::NAME
            ),
        ));
    }
    let segments = buf.len().div_ceil(usize::from(segment_size));
    if segments > MAX_UDP_SEGMENTS {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "{} bytes in {segment_size}-byte segments make {segments} datagrams; \
                 one GSO send allows at most {MAX_UDP_SEGMENTS} (UDP_MAX_SEGMENTS)",
                buf.len()
            ),
        ));
    }
    Ok(segments)
}

/// One GSO send, falling back to `sendmmsg` of the segments.
fn send_segmented_on<D: Domain>(
    fd: BorrowedFd<'_>,
    buf: &[u8],
    segment_size: u16,
    addr: Option<&RawSockAddr>,
) -> io::Result<SegmentedSend> {
    let segments = check_segmented::<D>(buf, segment_size)?;
    let mut control = CmsgBuffer::<{ cmsg::space(2) }>::new();
    let clen = cmsg::encode(control.as_mut_slice(), &[ControlMessage::UdpGsoSegment(segment_size)])?;
    let e = match sys::sendmsg(fd, &[IoSlice::new(buf)], addr, &control.as_slice()[..clen], 0) {
        Ok(bytes) => {
            return Ok(SegmentedSend {
                bytes,
                datagrams: bytes.div_ceil(usize::from(segment_size)),
                offloaded: true,
                fallback_reason: None,
            });
        }
        Err(e) if should_fall_back(&e) => e,
        Err(e) => return Err(e),
    };
    // Fallback: the same segments as separate datagrams, one syscall.
    let mut iovs = [IoVec::EMPTY; MAX_UDP_SEGMENTS];
    for (iov, chunk) in iovs.iter_mut().zip(buf.chunks(usize::from(segment_size))) {
        *iov = IoVec::from_slice(chunk);
    }
    let mut hdrs = [MmsgHdr::empty(); MAX_UDP_SEGMENTS];
    for (hdr, iov) in hdrs.iter_mut().zip(&iovs).take(segments) {
        *hdr = MmsgHdr::for_send(iov, addr, &[]);
    }
    // SAFETY: the headers point at `iovs` and `addr` (alive for this
    // call), and the iovecs at `buf`, borrowed for the call.
    let n = unsafe { sys::sendmmsg(fd, &mut hdrs[..segments], 0) }?;
    Ok(SegmentedSend {
        bytes: hdrs[..n].iter().map(MmsgHdr::msg_len).sum(),
        datagrams: n,
        offloaded: false,
        fallback_reason: Some(e),
    })
}

impl<D: Inet> ConnectedDatagram<D> {
    /// Sends `buf` to the peer as `ceil(buf.len() / segment_size)`
    /// datagrams of `segment_size` bytes (the last may be shorter) in one
    /// `sendmsg(2)` with a `UDP_SEGMENT` control message (UDP GSO).
    ///
    /// Rejected before any syscall: `segment_size` 0, an empty `buf`, more
    /// than [`MAX_UDP_SEGMENTS`] segments, or more than
    /// [`max_udp_payload`] bytes. If the kernel refuses GSO (`EIO`,
    /// `EINVAL`, `ENOPROTOOPT`, `EOPNOTSUPP`), the segments are sent as
    /// separate datagrams with one `sendmmsg` instead, and the result says
    /// so ([`SegmentedSend::offloaded`] is `false`). (Kernels before 4.18
    /// ignore the control message and send one large datagram; GSO is not
    /// detectable there except through [`udp_segment`](crate::udp_segment) failing.)
    pub fn send_segmented(&self, buf: &[u8], segment_size: u16) -> io::Result<SegmentedSend> {
        send_segmented_on::<D>(self.as_fd(), buf, segment_size, None)
    }

    /// Receives one datagram, or several the kernel coalesced (GRO), with
    /// the segment size; see [`BoundDatagram::recv_gro`].
    pub fn recv_gro(&self, buf: &mut [u8]) -> io::Result<GroRecv<D::Addr>> {
        recv_gro_on::<D>(self.as_fd(), buf)
    }
}

impl<D: Inet> BoundDatagram<D> {
    /// [`ConnectedDatagram::send_segmented`] to `addr`: one GSO send of
    /// `buf` as datagrams of `segment_size` bytes.
    pub fn send_to_segmented(&self, buf: &[u8], segment_size: u16, addr: &D::Addr) -> io::Result<SegmentedSend> {
        send_segmented_on::<D>(self.as_fd(), buf, segment_size, Some(&addr.to_raw()))
    }

    /// Receives one datagram (`recvmsg(2)`), or with [`set_udp_gro`](crate::set_udp_gro) on,
    /// possibly several coalesced ones: [`GroRecv::segment_size`] then
    /// says where to split ([`GroRecv::segments`]). Use a 64 KiB buffer.
    pub fn recv_gro(&self, buf: &mut [u8]) -> io::Result<GroRecv<D::Addr>> {
        recv_gro_on::<D>(self.as_fd(), buf)
    }
}

fn recv_gro_on<D: Domain>(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<GroRecv<D::Addr>> {
    let mut name = RawSockAddr::zeroed();
    let mut control = CmsgBuffer::<64>::new();
    let out = sys::recvmsg(
        fd,
        &mut [IoSliceMut::new(buf)],
        Some(&mut name),
        control.as_mut_slice(),
        0,
        &mut |fd| drop(fd),
    )?;
    if crate::socket::wake::ended_by_shutdown(fd, out.len, name.len()) {
        return Err(crate::socket::wake::shut_down_for_receiving());
    }
    let mut segment_size = None;
    for m in ControlMessages::new(&control.as_slice()[..out.control_len]) {
        if let ParsedMessage::UdpGroSegment(s) = m? {
            segment_size = Some(s);
        }
    }
    Ok(GroRecv {
        len: out.len,
        segment_size,
        truncated: out.flags & libc::MSG_TRUNC != 0,
        source: D::Addr::from_raw(&name)?,
    })
}

/// One receive with GRO information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroRecv<A> {
    /// Bytes received into the buffer.
    pub len: usize,
    /// The coalesced datagrams' size (`UDP_GRO`), `None` for a single
    /// datagram. Every segment has this size except possibly the last.
    pub segment_size: Option<u16>,
    /// Whether the data was longer than the buffer (`MSG_TRUNC`).
    pub truncated: bool,
    /// The sender.
    pub source: A,
}

impl<A> GroRecv<A> {
    /// The original datagrams in `buf` (the buffer passed to `recv_gro`).
    pub fn segments<'b>(&self, buf: &'b [u8]) -> Segments<'b> {
        Segments::new(&buf[..self.len.min(buf.len())], self.segment_size)
    }
}

/// Splits a coalesced buffer into its datagrams: pieces of the segment
/// size, the last possibly shorter. Without a segment size the whole
/// buffer is one datagram (an empty buffer is one empty datagram).
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    rest: &'a [u8],
    size: usize,
    started: bool,
}

impl<'a> Segments<'a> {
    /// Splits `data` at `segment_size` (a size of 0 is treated as none).
    pub fn new(data: &'a [u8], segment_size: Option<u16>) -> Self {
        let size = match segment_size {
            Some(s) if s > 0 => usize::from(s),
            _ => usize::MAX,
        };
        Self {
            rest: data,
            size,
            started: false,
        }
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() && self.started {
            return None;
        }
        self.started = true;
        let (head, tail) = self.rest.split_at(self.size.min(self.rest.len()));
        self.rest = tail;
        Some(head)
    }
}

impl std::iter::FusedIterator for Segments<'_> {}
