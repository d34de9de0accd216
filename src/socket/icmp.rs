//! Typed echo messages on ICMP echo sockets ([`Icmp`]):
//! `BoundDatagram<D, Icmp>::send_echo_to` / `recv_echo_from` and
//! `ConnectedDatagram<D, Icmp>::send_echo` / `recv_echo`.
//!
//! An echo message is the 8-byte ICMP header (type, code, checksum,
//! identifier, sequence number; RFC 792 and RFC 4443) followed by the
//! payload. On these sockets the kernel computes the checksum and writes
//! the identifier (the socket's "port": `local_addr().port()`), and it
//! delivers to the socket only the echo replies carrying that identifier.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};

use super::datagram::inet_port;
use super::{BoundDatagram, ConnectedDatagram};
use crate::addr::RawSockAddr;
use crate::addr::codec::AddrCodec;
use crate::domain::{Domain, Icmp, Inet};
use crate::error::truncated;
use crate::sys;

/// Length of the ICMP echo header in front of the payload.
pub const ECHO_HEADER_LEN: usize = 8;

/// One received echo reply: its header fields and how many payload bytes
/// were written to the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EchoReply {
    /// The identifier: this socket's (the kernel filters on it).
    pub ident: u16,
    /// The sequence number, copied by the peer from the request.
    pub seq: u16,
    /// The payload length (the bytes now at the front of the buffer).
    pub len: usize,
}

/// The ICMP type numbers of an echo request and reply in domain `D`.
fn echo_types<D: Domain>() -> (u8, u8) {
    if D::FAMILY == libc::AF_INET6 {
        (128, 129) // ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY
    } else {
        (8, 0) // ICMP_ECHO, ICMP_ECHOREPLY
    }
}

/// The header of an echo request with sequence number `seq`; checksum and
/// identifier are left 0 for the kernel to fill in.
fn request_header<D: Domain>(seq: u16) -> [u8; ECHO_HEADER_LEN] {
    let [hi, lo] = seq.to_be_bytes();
    [echo_types::<D>().0, 0, 0, 0, 0, 0, hi, lo]
}

fn send_echo<D: Domain>(fd: BorrowedFd<'_>, to: Option<&RawSockAddr>, seq: u16, payload: &[u8]) -> io::Result<()> {
    let header = request_header::<D>(seq);
    let bufs = [IoSlice::new(&header), IoSlice::new(payload)];
    let sent = sys::sendmsg(fd, &bufs, to, &[], 0)?;
    debug_assert_eq!(sent, ECHO_HEADER_LEN + payload.len(), "datagrams are sent whole");
    Ok(())
}

fn recv_echo<D: Domain>(
    fd: BorrowedFd<'_>,
    from: Option<&mut RawSockAddr>,
    payload: &mut [u8],
) -> io::Result<EchoReply> {
    let mut header = [0u8; ECHO_HEADER_LEN];
    let capacity = payload.len();
    let mut bufs = [IoSliceMut::new(&mut header), IoSliceMut::new(payload)];
    let out = sys::recvmsg(fd, &mut bufs, from, &mut [], 0, &mut drop)?;
    if out.len < ECHO_HEADER_LEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "received a {}-byte ICMP message, shorter than the {ECHO_HEADER_LEN}-byte echo header",
                out.len
            ),
        ));
    }
    let reply_type = echo_types::<D>().1;
    if header[0] != reply_type || header[1] != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "received ICMP type {} code {}, not an {} echo reply (type {reply_type})",
                header[0],
                header[1],
                D::NAME
            ),
        ));
    }
    if out.flags & libc::MSG_TRUNC != 0 {
        return Err(truncated(capacity, None));
    }
    Ok(EchoReply {
        ident: u16::from_be_bytes([header[4], header[5]]),
        seq: u16::from_be_bytes([header[6], header[7]]),
        len: out.len - ECHO_HEADER_LEN,
    })
}

/// The port of the socket's local address: the echo identifier.
fn ident_of(fd: BorrowedFd<'_>) -> io::Result<u16> {
    Ok(inet_port(&sys::local_addr(fd)?).unwrap_or(0))
}

impl<D: Inet> BoundDatagram<D, Icmp> {
    /// Sends an echo request ("ping") with sequence number `seq` and
    /// `payload` to `to` (its port is ignored). The kernel adds the
    /// checksum and this socket's identifier.
    pub fn send_echo_to(&self, to: &D::Addr, seq: u16, payload: &[u8]) -> io::Result<()> {
        send_echo::<D>(self.as_fd(), Some(&to.to_raw()), seq, payload)
    }

    /// Receives one echo reply: its payload goes to `payload`, and the
    /// header fields and the replying host come back. A reply longer than
    /// `payload` fails with
    /// [`MessageTruncated`](crate::error::MessageTruncated).
    pub fn recv_echo_from(&self, payload: &mut [u8]) -> io::Result<(EchoReply, D::Addr)> {
        let mut from = RawSockAddr::zeroed();
        let reply = recv_echo::<D>(self.as_fd(), Some(&mut from), payload)?;
        Ok((reply, D::Addr::from_raw(&from)?))
    }

    /// The echo identifier the kernel uses for this socket (the port of
    /// its local address).
    pub fn ident(&self) -> io::Result<u16> {
        ident_of(self.as_fd())
    }
}

impl<D: Inet> ConnectedDatagram<D, Icmp> {
    /// Sends an echo request with sequence number `seq` and `payload` to
    /// the connected host.
    pub fn send_echo(&self, seq: u16, payload: &[u8]) -> io::Result<()> {
        send_echo::<D>(self.as_fd(), None, seq, payload)
    }

    /// Receives one echo reply from the connected host, its payload into
    /// `payload`. A reply longer than `payload` fails with
    /// [`MessageTruncated`](crate::error::MessageTruncated).
    pub fn recv_echo(&self, payload: &mut [u8]) -> io::Result<EchoReply> {
        recv_echo::<D>(self.as_fd(), None, payload)
    }

    /// The echo identifier the kernel uses for this socket.
    pub fn ident(&self) -> io::Result<u16> {
        ident_of(self.as_fd())
    }
}
