//! `ConnectedSeqPacket<D>`: a connected `SOCK_SEQPACKET` socket, where
//! every send is one message and every receive returns one.

use std::io::{self, IoSlice, IoSliceMut};
use std::marker::PhantomData;
use std::net::Shutdown;
use std::os::fd::{AsFd, OwnedFd};

use super::socket_state;
use super::stream::UCred;
use crate::MsgFlags;
use crate::domain::{Domain, SeqPacket, SockType, Unix};
use crate::error::truncated;
use crate::sys;

/// A connected sequenced-packet socket ([`SeqPacket`], see `unix(7)`):
/// reliable and ordered like a stream, but message by message.
///
/// Each [`send`](Self::send) is delivered as one message, whole or not at
/// all; each [`recv`](Self::recv) returns exactly one message. A message
/// longer than the receive buffer is reported, never silently cut: `recv`
/// fails with a [`MessageTruncated`](crate::error::MessageTruncated) error
/// (`InvalidData`; `EMSGSIZE` at the C ABI) that gives both lengths, with
/// the first bytes in the buffer. [`next_len`](Self::next_len) tells the
/// size of the next message before receiving it.
///
/// Made by [`RawSocket<Unix, SeqPacket>::connect`](crate::RawSocket),
/// [`Listener<Unix, SeqPacket>::accept`](crate::Listener), or
/// [`pair`](Self::pair). Sends use `MSG_NOSIGNAL`: a closed peer gives
/// `BrokenPipe`, never `SIGPIPE`. Descriptors travel with
/// [`send_fds`](crate::fdpass::send_fds) / [`recv_fds`](crate::fdpass::recv_fds).
///
/// ```
/// use wirelane::{ConnectedSeqPacket, RawSocket, SeqPacket, Unix, UnixAddr};
/// # fn main() -> std::io::Result<()> {
/// let addr = UnixAddr::abstract_name(b"wirelane-doc-seqpacket")?;
/// let listener = RawSocket::<Unix, SeqPacket>::new()?.bind(addr.clone())?.listen(8)?;
/// let client = RawSocket::<Unix, SeqPacket>::new()?.connect(addr)?;
/// let server = listener.accept()?;
/// client.send(b"one")?;
/// client.send(b"two")?;
/// let mut buf = [0; 64];
/// assert_eq!(server.recv(&mut buf)?, 3); // "one", not "onetwo"
/// assert_eq!(server.recv(&mut buf)?, 3);
/// # Ok(()) }
/// ```
pub struct ConnectedSeqPacket<D: Domain = Unix> {
    fd: OwnedFd,
    _marker: PhantomData<D>,
}

socket_state!(ConnectedSeqPacket<D: Domain>);

impl<D: Domain> ConnectedSeqPacket<D> {
    /// Sends one message (`send(2)` with `MSG_NOSIGNAL`); returns its
    /// length. The message is queued whole or not at all: one larger than
    /// the send buffer allows fails with `EMSGSIZE`.
    pub fn send(&self, msg: &[u8]) -> io::Result<usize> {
        sys::send(self.as_fd(), msg, 0)
    }

    /// [`send`](Self::send) with extra `MSG_*` flags.
    pub fn send_with_flags(&self, msg: &[u8], flags: MsgFlags) -> io::Result<usize> {
        sys::send(self.as_fd(), msg, flags.bits())
    }

    /// Sends the concatenation of `bufs` as one message (`sendmsg(2)`).
    pub fn send_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        sys::send_vectored(self.as_fd(), bufs, 0)
    }

    /// Receives one message into `buf` (`recv(2)`); returns its length.
    ///
    /// A message longer than `buf` fails with
    /// [`MessageTruncated`](crate::error::MessageTruncated): `buf` holds
    /// its first `buf.len()` bytes and the rest of that message is gone.
    /// `Ok(0)` is an empty message or, as with `recv(2)`, a peer that has
    /// shut down its side.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_with_flags(buf, MsgFlags::NONE)
    }

    /// [`recv`](Self::recv) with `MSG_*` flags (`PEEK`, `DONTWAIT`, ...).
    pub fn recv_with_flags(&self, buf: &mut [u8], flags: MsgFlags) -> io::Result<usize> {
        // With MSG_TRUNC a Unix seqpacket receive returns the message's real
        // length, so one syscall both receives and detects truncation.
        let len = sys::recv(self.as_fd(), buf, flags.bits() | libc::MSG_TRUNC)?;
        whole(len, buf.len())
    }

    /// Receives one message into a scatter list (`recvmsg(2)`), with the
    /// same truncation report as [`recv`](Self::recv).
    pub fn recv_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        let capacity = bufs.iter().map(|b| b.len()).sum();
        let (len, _) = sys::recv_vectored(self.as_fd(), bufs, libc::MSG_TRUNC)?;
        whole(len, capacity)
    }

    /// Reads the next message without consuming it (`MSG_PEEK`); a message
    /// longer than `buf` fails as in [`recv`](Self::recv), but stays queued.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_with_flags(buf, MsgFlags::PEEK)
    }

    /// The length of the next message, without consuming it
    /// (`MSG_PEEK | MSG_TRUNC`), so a buffer can be sized for it. Blocks
    /// like [`recv`](Self::recv) until a message (or end of stream, 0)
    /// arrives.
    pub fn next_len(&self) -> io::Result<usize> {
        sys::recv(self.as_fd(), &mut [], libc::MSG_PEEK | libc::MSG_TRUNC)
    }

    /// Shuts down one or both directions (`shutdown(2)`). After
    /// `Shutdown::Write` the peer's receives return 0.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        sys::shutdown(self.as_fd(), how)
    }

    /// The peer's address (`getpeername(2)`).
    pub fn peer_addr(&self) -> io::Result<D::Addr> {
        super::peer_addr_of(self.as_fd())
    }

    /// A second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`).
    pub fn try_clone(&self) -> io::Result<Self> {
        self.as_fd().try_clone_to_owned().map(Self::from_fd)
    }
}

impl ConnectedSeqPacket<Unix> {
    /// A pair of connected seqpacket sockets (`socketpair(2)`), both
    /// close-on-exec.
    pub fn pair() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, SeqPacket::TYPE)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }

    /// The peer process's credentials at connect time (`SO_PEERCRED`).
    pub fn peer_credentials(&self) -> io::Result<UCred> {
        super::stream::peer_credentials_of(self.as_fd())
    }
}

/// `Ok(len)` when a message of `len` bytes fitted `capacity`, else the
/// truncation error.
fn whole(len: usize, capacity: usize) -> io::Result<usize> {
    if len > capacity {
        Err(truncated(capacity, Some(len)))
    } else {
        Ok(len)
    }
}
