//! Sockets that are non-blocking from birth, for event loops: the
//! descriptor is created with `SOCK_NONBLOCK` by the very call that makes
//! it (`socket(2)`, `accept4(2)`, `socketpair(2)`), so no `fcntl(2)`
//! follows and no other thread can ever see it blocking. Close-on-exec
//! stays on, as everywhere in the crate.
//!
//! In non-blocking mode an operation that would wait fails with
//! `ErrorKind::WouldBlock` (`EAGAIN`) instead, having done nothing: wait
//! for readiness (epoll, tokio, libuv, ...) and call it again.

use std::io;
use std::os::fd::AsFd;

use super::create::{create_raw_ip_with, create_with};
use super::wake::explain_accept;
use super::{ConnectedDatagram, ConnectedSeqPacket, ConnectedStream, Listener, RawSocket};
use crate::addr::codec::AddrCodec;
use crate::domain::{Datagram, DefaultProtocol, Domain, Inet, RawIp, SeqPacket, SockType, Stream, Unix};
use crate::protocol::{IpProtocol, StreamProtocol};
use crate::sys;

impl<D: Domain, T: DefaultProtocol<D>> RawSocket<D, T> {
    /// Creates a socket as [`new`](Self::new) does, but non-blocking from
    /// birth (`socket(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`).
    ///
    /// A stream socket made this way connects only without waiting: use
    /// [`connect_nonblocking`](RawSocket::connect_nonblocking) (a plain
    /// `connect` fails with `EINPROGRESS`, handing the socket back).
    ///
    /// ```
    /// use wirelane::{Datagram, Ipv4, RawSocket};
    /// let s = RawSocket::<Ipv4, Datagram>::new_nonblocking().unwrap();
    /// assert!(s.is_nonblocking().unwrap());
    /// ```
    pub fn new_nonblocking() -> io::Result<Self> {
        create_with::<D, T>(T::PROTOCOL, true).map(Self::from_fd)
    }
}

impl<D: Inet> RawSocket<D, Stream> {
    /// [`with_protocol`](Self::with_protocol), non-blocking from birth
    /// (`SOCK_NONBLOCK | SOCK_CLOEXEC`); the errors are the same.
    pub fn with_protocol_nonblocking(protocol: StreamProtocol) -> io::Result<Self> {
        create_with::<D, Stream>(protocol.as_raw(), true).map(Self::from_fd)
    }
}

impl<D: Inet> RawSocket<D, RawIp> {
    /// [`with_protocol`](Self::with_protocol) for a raw IP socket,
    /// non-blocking from birth (`SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC`);
    /// the errors are the same.
    pub fn with_protocol_nonblocking(protocol: IpProtocol) -> io::Result<Self> {
        create_raw_ip_with::<D>(protocol, true).map(Self::from_fd)
    }
}

impl<D: Domain, T: SockType> RawSocket<D, T> {
    /// A socket with an explicit protocol number, blocking or not from
    /// birth, for the builders.
    pub(crate) fn with_raw_protocol_flags(protocol: libc::c_int, nonblocking: bool) -> io::Result<Self> {
        create_with::<D, T>(protocol, nonblocking).map(Self::from_fd)
    }
}

impl<D: Domain> Listener<D, Stream> {
    /// Accepts one connection whose socket is non-blocking from birth
    /// (`accept4(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`: no `fcntl`), and
    /// returns the peer's address too.
    ///
    /// The flag concerns the new connection only: whether this call waits
    /// depends on the listener's own mode. On a non-blocking listener with
    /// nothing pending it fails with `ErrorKind::WouldBlock`, accepting
    /// nothing; wait for the listener to be readable and call it again.
    pub fn accept_nonblocking(&self) -> io::Result<(ConnectedStream<D>, D::Addr)> {
        let (fd, raw) = sys::accept(self.as_fd(), libc::SOCK_NONBLOCK).map_err(explain_accept)?;
        let stream = ConnectedStream::from_fd(fd);
        Ok((stream, D::Addr::from_raw(&raw)?))
    }
}

impl<D: Domain> Listener<D, SeqPacket> {
    /// Accepts one seqpacket connection whose socket is non-blocking from
    /// birth (`accept4(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`: no
    /// `fcntl`), and returns the peer's address too, as
    /// [`Listener::<D, Stream>::accept_nonblocking`](Listener::accept_nonblocking)
    /// does for streams.
    ///
    /// Whether this call waits depends on the listener's own mode: on a
    /// non-blocking listener with nothing pending it fails with
    /// `ErrorKind::WouldBlock`, accepting nothing.
    pub fn accept_nonblocking(&self) -> io::Result<(ConnectedSeqPacket<D>, D::Addr)> {
        let (fd, raw) = sys::accept(self.as_fd(), libc::SOCK_NONBLOCK).map_err(explain_accept)?;
        let conn = ConnectedSeqPacket::from_fd(fd);
        Ok((conn, D::Addr::from_raw(&raw)?))
    }
}

impl ConnectedSeqPacket<Unix> {
    /// [`pair`](Self::pair), both ends non-blocking from birth
    /// (`socketpair(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`).
    pub fn pair_nonblocking() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <SeqPacket as SockType>::TYPE | libc::SOCK_NONBLOCK)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }
}

impl ConnectedStream<Unix> {
    /// [`pair`](Self::pair), both ends non-blocking from birth
    /// (`socketpair(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`).
    pub fn pair_nonblocking() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <Stream as SockType>::TYPE | libc::SOCK_NONBLOCK)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }
}

impl ConnectedDatagram<Unix> {
    /// [`pair`](Self::pair), both ends non-blocking from birth
    /// (`socketpair(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`).
    pub fn pair_nonblocking() -> io::Result<(Self, Self)> {
        let (a, b) = sys::socketpair(libc::AF_UNIX, <Datagram as SockType>::TYPE | libc::SOCK_NONBLOCK)?;
        Ok((Self::from_fd(a), Self::from_fd(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BoundDatagram, Ipv4, Ipv6, SocketAddrV4};

    fn nonblocking_flag(fd: std::os::fd::BorrowedFd<'_>) -> bool {
        sys::is_nonblocking(fd).unwrap()
    }

    #[test]
    fn created_nonblocking_and_close_on_exec() {
        let s = RawSocket::<Ipv6, Stream>::new_nonblocking().unwrap();
        assert!(nonblocking_flag(s.as_fd()));
        let d = RawSocket::<Unix, Datagram>::new_nonblocking().unwrap();
        assert!(nonblocking_flag(d.as_fd()));
        let t = RawSocket::<Ipv4, Stream>::with_protocol_nonblocking(StreamProtocol::Tcp).unwrap();
        assert!(nonblocking_flag(t.as_fd()));
        // SAFETY: plain fcntl on a live descriptor.
        let fdflags = unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&t), libc::F_GETFD) };
        assert_eq!(fdflags & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
    }

    #[test]
    fn nonblocking_udp_recv_would_block() {
        let s: BoundDatagram<Ipv4> = RawSocket::<Ipv4, Datagram>::new_nonblocking()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let err = s.recv_from(&mut [0; 8]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn accepted_nonblocking_from_a_blocking_listener() {
        let listener = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap()
            .listen(4)
            .unwrap();
        let _client = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .connect(listener.local_addr().unwrap())
            .unwrap();
        let (conn, _) = listener.accept_nonblocking().unwrap();
        assert!(nonblocking_flag(conn.as_fd()));
        assert!(!nonblocking_flag(listener.as_fd()));
        assert_eq!(conn.recv(&mut [0; 4]).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn seqpacket_created_accepted_and_paired_nonblocking() {
        let s = RawSocket::<Unix, SeqPacket>::new_nonblocking().unwrap();
        assert!(nonblocking_flag(s.as_fd()));
        let addr = crate::UnixAddr::abstract_name(format!("wl-nb-seq-{}", std::process::id()).as_bytes()).unwrap();
        let listener = s.bind(addr).unwrap().listen(4).unwrap();
        let err = listener.accept_nonblocking().map(drop).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let _client = RawSocket::<Unix, SeqPacket>::new().unwrap().connect(addr).unwrap();
        let (conn, _) = listener.accept_nonblocking().unwrap();
        assert!(nonblocking_flag(conn.as_fd()));
        assert_eq!(conn.recv(&mut [0; 4]).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        let (a, b) = ConnectedSeqPacket::pair_nonblocking().unwrap();
        assert!(nonblocking_flag(a.as_fd()) && nonblocking_flag(b.as_fd()));
    }

    #[test]
    fn raw_ip_nonblocking_needs_a_protocol_too() {
        let err = RawSocket::<Ipv4, RawIp>::with_protocol_nonblocking(IpProtocol::new(0))
            .map(drop)
            .unwrap_err();
        assert_eq!(crate::error::errno_of(&err), libc::EPROTONOSUPPORT);
    }

    #[test]
    fn pairs_are_nonblocking() {
        let (a, b) = ConnectedStream::pair_nonblocking().unwrap();
        assert!(nonblocking_flag(a.as_fd()) && nonblocking_flag(b.as_fd()));
        let (c, d) = ConnectedDatagram::pair_nonblocking().unwrap();
        assert!(nonblocking_flag(c.as_fd()) && nonblocking_flag(d.as_fd()));
        assert_eq!(d.recv(&mut [0; 4]).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    }
}
