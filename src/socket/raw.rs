//! `RawSocket<D, T>`: created, not yet bound or connected.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};

use super::create::{create, create_raw_ip, create_stream};
use super::datagram::connect_datagram;
use super::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedSeqPacket, ConnectedStream, PendingConnect, socket_state,
};
use crate::addr::codec::AddrCodec;
use crate::domain::{Connectionless, DefaultProtocol, Domain, Inet, RawIp, SeqPacket, SockType, Stream};
use crate::error::TransitionError;
use crate::protocol::{IpProtocol, StreamProtocol};
use crate::sys;

/// A freshly created socket: not bound, not connected.
///
/// What it can become depends on its kind `T` (see the table in
/// [`SockType`]): a [`Stream`] socket can [`bind`](RawSocket::bind) (then
/// listen), [`connect`](RawSocket::connect), or
/// [`connect_nonblocking`](RawSocket::connect_nonblocking); a
/// [`SeqPacket`] socket can bind (then listen) or connect; a connectionless
/// socket ([`Datagram`](crate::Datagram), [`Icmp`](crate::Icmp),
/// [`RawIp`]) can [`bind`](RawSocket::bind) or
/// [`connect`](RawSocket::connect). Every transition consumes the socket on
/// success and hands it back inside a [`TransitionError`] on failure.
///
/// [`new`](Self::new) creates the kinds with a default protocol;
/// [`with_protocol`](Self::with_protocol) chooses TCP or MPTCP for an
/// internet stream, and is how [`RawIp`] sockets are made.
///
/// ```
/// use wirelane::{Ipv4, RawSocket, Stream};
/// let s = RawSocket::<Ipv4, Stream>::new().unwrap();
/// assert_eq!(std::mem::size_of_val(&s), std::mem::size_of::<std::os::fd::OwnedFd>());
/// ```
pub struct RawSocket<D: Domain, T: SockType> {
    fd: OwnedFd,
    _marker: PhantomData<(D, T)>,
}

socket_state!(RawSocket<D: Domain, T: SockType>);

/// The result of a transition out of `S`.
pub(crate) type Transition<N, S> = Result<N, TransitionError<S>>;

impl<D: Domain, T: DefaultProtocol<D>> RawSocket<D, T> {
    /// Creates a socket (`socket(2)` with `SOCK_CLOEXEC` and the kind's
    /// [`DefaultProtocol`]): TCP, UDP, a Unix socket, or an ICMP echo socket.
    ///
    /// Where the kernel refuses for a reason it does not spell out, the
    /// error names it: an [`Icmp`](crate::Icmp) socket fails with
    /// `PermissionDenied` when the process's groups are outside
    /// `net.ipv4.ping_group_range` (the message quotes the range).
    pub fn new() -> io::Result<Self> {
        create::<D, T>(T::PROTOCOL).map(Self::from_fd)
    }
}

impl<D: Inet> RawSocket<D, Stream> {
    /// Creates an internet stream socket of the chosen protocol: TCP, or
    /// Multipath TCP (`IPPROTO_MPTCP`), which then goes through the same
    /// states as TCP.
    ///
    /// Where the kernel has no MPTCP the error says so: `ENOPROTOOPT` when
    /// it is disabled in this network namespace (`sysctl
    /// net.mptcp.enabled=0`), `EPROTONOSUPPORT` when the kernel was built
    /// without `CONFIG_MPTCP`; each with a message naming the cause.
    pub fn with_protocol(protocol: StreamProtocol) -> io::Result<Self> {
        create_stream::<D>(protocol).map(Self::from_fd)
    }
}

impl<D: Inet> RawSocket<D, RawIp> {
    /// Creates a raw IP socket for `protocol` (`socket(2)` with `SOCK_RAW`,
    /// see `raw(7)`). It receives every packet of that protocol reaching
    /// the host (for IPv4 with the IP header in front) and sends payloads
    /// to which the kernel adds the IP header.
    ///
    /// Needs `CAP_NET_RAW` in the user namespace owning the current network
    /// namespace: without it, `PermissionDenied` with a message saying so
    /// (an unprivileged process can get it in a namespace of its own, e.g.
    /// `unshare -Urn`). Protocol 0 is refused (`EPROTONOSUPPORT`): a raw
    /// socket must name its protocol.
    pub fn with_protocol(protocol: IpProtocol) -> io::Result<Self> {
        create_raw_ip::<D>(protocol).map(Self::from_fd)
    }
}

impl<D: Domain, T: SockType> RawSocket<D, T> {
    /// Creates a socket with an explicit `socket(2)` protocol number, for
    /// the builders (which are generic over the domain).
    pub(crate) fn with_raw_protocol(protocol: libc::c_int) -> io::Result<Self> {
        create::<D, T>(protocol).map(Self::from_fd)
    }

    /// Runs `op` on the descriptor; on failure the socket comes back inside
    /// the error, untouched.
    fn attempt<N>(
        self,
        op: impl FnOnce(&Self) -> io::Result<()>,
        next: impl FnOnce(OwnedFd) -> N,
    ) -> Transition<N, Self> {
        match op(&self) {
            Ok(()) => Ok(next(self.into_fd())),
            Err(e) => Err(TransitionError::new(e, self)),
        }
    }

    fn bind_fd(&self, addr: &D::Addr) -> io::Result<()> {
        sys::bind(self.as_fd(), &addr.to_raw())
    }

    /// `connect(2)`, where `EISCONN` for the same peer counts as success.
    ///
    /// A blocking connect that a signal interrupts (`EINTR`) goes on in the
    /// kernel; when it completes before the caller retries, the retry gets
    /// `EISCONN`, which means the connect the caller asked for succeeded.
    /// Connected to another address, it stays an error.
    fn connect_fd(&self, addr: &D::Addr) -> io::Result<()> {
        match sys::connect(self.as_fd(), &addr.to_raw()) {
            Err(e) if e.raw_os_error() == Some(libc::EISCONN) => match super::peer_addr_of::<D::Addr>(self.as_fd()) {
                Ok(peer) if peer == *addr => Ok(()),
                Ok(peer) => Err(crate::error::explained(
                    libc::EISCONN,
                    format!("the socket is already connected to {peer}, not to {addr}"),
                )),
                Err(_) => Err(e),
            },
            other => other,
        }
    }
}

impl<D: Domain> RawSocket<D, Stream> {
    /// Binds to a local address (`bind(2)`), ready to [`listen`](BoundSocket::listen).
    ///
    /// Port 0 picks a free ephemeral port; read it back with `local_addr`.
    /// On failure (`EADDRINUSE`, `EACCES`, ...) the socket is returned in
    /// the error, so another address can be tried with the same socket.
    pub fn bind(self, addr: D::Addr) -> Transition<BoundSocket<D, Stream>, Self> {
        self.attempt(|s| s.bind_fd(&addr), BoundSocket::from_fd)
    }

    /// Connects to a peer, blocking until the handshake completes
    /// (`connect(2)`); the send timeout (`set_write_timeout`) bounds the wait.
    ///
    /// On failure (`ECONNREFUSED`, `ETIMEDOUT`, ...) the socket is returned
    /// in the error and may be connected again. If a signal interrupts the
    /// wait (`EINTR`), the kernel continues the handshake in the background:
    /// calling `connect` again on the returned socket (same address) waits
    /// for that handshake and returns its outcome (`EALREADY` at once if
    /// the socket was made non-blocking). If the handshake completed in
    /// between, the kernel answers the retry with `EISCONN`: connected to
    /// that same address, this counts as success; use
    /// [`connect_nonblocking`](Self::connect_nonblocking) to manage that
    /// case yourself.
    pub fn connect(self, addr: D::Addr) -> Transition<ConnectedStream<D>, Self> {
        self.attempt(|s| s.connect_fd(&addr), ConnectedStream::from_fd)
    }

    /// Starts a connection without waiting (`O_NONBLOCK` + `connect(2)`).
    ///
    /// Returns a [`PendingConnect`] once the kernel accepted the request
    /// (`EINPROGRESS`, or an immediate success as with Unix sockets). Wait
    /// for writability (epoll, io_uring, or [`PendingConnect::wait`]), then
    /// call [`PendingConnect::finish`]. The socket stays non-blocking.
    ///
    /// On an immediate failure the socket's blocking mode is restored and
    /// the socket is returned in the error.
    pub fn connect_nonblocking(self, addr: D::Addr) -> Transition<PendingConnect<D>, Self> {
        let was_nonblocking = match self.is_nonblocking() {
            Ok(v) => v,
            Err(e) => return Err(TransitionError::new(e, self)),
        };
        // A socket non-blocking from birth (`new_nonblocking`) needs no
        // `fcntl` to set the mode, nor one to restore it.
        if !was_nonblocking && let Err(e) = self.set_nonblocking(true) {
            return Err(TransitionError::new(e, self));
        }
        match self.connect_fd(&addr) {
            Ok(()) => Ok(PendingConnect::from_fd(self.into_fd())),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(PendingConnect::from_fd(self.into_fd())),
            Err(e) => {
                if !was_nonblocking {
                    // Best effort: the original error is the one worth reporting.
                    let _ = self.set_nonblocking(false);
                }
                Err(TransitionError::new(e, self))
            }
        }
    }
}

impl<D: Domain> RawSocket<D, SeqPacket> {
    /// Binds to a local address (`bind(2)`), ready to
    /// [`listen`](BoundSocket::listen) for [`SeqPacket`] connections.
    ///
    /// On failure the socket is returned in the error.
    pub fn bind(self, addr: D::Addr) -> Transition<BoundSocket<D, SeqPacket>, Self> {
        self.attempt(|s| s.bind_fd(&addr), BoundSocket::from_fd)
    }

    /// Connects to a listening [`SeqPacket`] socket (`connect(2)`). For
    /// Unix sockets this completes at once: it fails with
    /// `ConnectionRefused` when nobody listens at `addr`, and with
    /// `WouldBlock` (`EAGAIN`) when the listener's backlog is full and the
    /// socket is non-blocking.
    ///
    /// On failure the socket is returned in the error.
    pub fn connect(self, addr: D::Addr) -> Transition<ConnectedSeqPacket<D>, Self> {
        self.attempt(|s| s.connect_fd(&addr), ConnectedSeqPacket::from_fd)
    }
}

impl<D: Domain, T: Connectionless> RawSocket<D, T> {
    /// Binds to a local address (`bind(2)`): a socket that can `send_to`
    /// and `recv_from` anyone.
    ///
    /// For an [`Icmp`](crate::Icmp) socket the port is the echo
    /// identifier (0: the kernel picks one); for a [`RawIp`] socket it is
    /// ignored and binding only fixes the local address.
    ///
    /// On failure the socket is returned in the error.
    pub fn bind(self, addr: D::Addr) -> Transition<BoundDatagram<D, T>, Self> {
        self.attempt(|s| s.bind_fd(&addr), BoundDatagram::from_fd)
    }

    /// Fixes the peer (`connect(2)` on a connectionless socket): the kernel
    /// picks a local address, sends go to `addr` and only its messages are
    /// received. Nothing is sent on the wire.
    ///
    /// A UDP peer with port 0 is refused (`InvalidInput`, `EINVAL`): Linux
    /// would accept it but leave the socket half-connected, without a peer
    /// address and receiving from every port of the peer host. ICMP and
    /// raw IP peers have no port, so any port is accepted (and ignored).
    ///
    /// On failure the socket is returned in the error.
    pub fn connect(self, addr: D::Addr) -> Transition<ConnectedDatagram<D, T>, Self> {
        self.attempt(
            |s| connect_datagram::<T, _>(s.as_fd(), &addr),
            ConnectedDatagram::from_fd,
        )
    }
}
