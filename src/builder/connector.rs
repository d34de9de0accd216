//! [`ConnectorBuilder`]: a configured, connected stream socket in one
//! expression.

use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::os::fd::AsFd;
use std::time::Duration;

use super::{BufferConfig, ReuseConfig, TcpConfig};
use crate::addr::codec::AddrCodec;
use crate::domain::{Domain, Inet, Stream};
use crate::error::invalid_input;
use crate::protocol::StreamProtocol;
use crate::socket::{ConnectedStream, PendingConnect, RawSocket};
use crate::sys;

/// Builds a [`ConnectedStream<D>`] (or a [`PendingConnect<D>`]): creates
/// the socket, applies the options, optionally binds a local address, and
/// connects.
///
/// Buffers and TCP options are set before the handshake (the receive
/// window scale is fixed then). An out-of-range value fails with an
/// `InvalidInput` error naming the option, an option the kernel refuses
/// with the kernel's error; either way the socket is closed.
///
/// ```
/// use std::time::Duration;
/// use wirelane::{BufferConfig, ConnectorBuilder, Ipv4, ListenerBuilder, SocketAddrV4, TcpConfig};
/// # fn main() -> std::io::Result<()> {
/// let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0))?;
/// let conn = ConnectorBuilder::<Ipv4>::new()
///     .tcp(TcpConfig::new().nodelay(true))
///     .buffers(BufferConfig::new().both(65536))
///     .timeout(Duration::from_secs(5))
///     .connect(listener.local_addr()?)?;
/// assert!(wirelane::tcp_nodelay(&conn)?);
/// # Ok(()) }
/// ```
pub struct ConnectorBuilder<D: Domain> {
    reuse: ReuseConfig,
    tcp: Option<TcpConfig>,
    buffers: BufferConfig,
    local_addr: Option<D::Addr>,
    timeout: Option<Duration>,
    protocol: Option<StreamProtocol>,
    nonblocking: bool,
    _domain: PhantomData<D>,
}

impl<D: Domain> ConnectorBuilder<D> {
    /// A builder with kernel defaults: no local bind, no timeout, blocking.
    pub fn new() -> Self {
        Self {
            reuse: ReuseConfig::new(),
            tcp: None,
            buffers: BufferConfig::new(),
            local_addr: None,
            timeout: None,
            protocol: None,
            nonblocking: false,
            _domain: PhantomData,
        }
    }

    /// Buffer sizes, set before the handshake.
    pub fn buffers(mut self, buffers: BufferConfig) -> Self {
        self.buffers = buffers;
        self
    }

    /// Binds to `addr` before connecting, to choose the source address
    /// and/or port (port 0: the kernel picks the port). Combine with
    /// [`reuse`](Self::reuse) to reuse a source port.
    pub fn local_addr(mut self, addr: D::Addr) -> Self {
        self.local_addr = Some(addr);
        self
    }

    /// Bounds the blocking [`connect`](Self::connect): after `timeout`
    /// without a completed handshake it fails with `ErrorKind::TimedOut`.
    ///
    /// Implemented with the send timeout (`SO_SNDTIMEO`, which Linux
    /// applies to `connect`), cleared again once connected, so later
    /// writes are not affected. Must be non-zero. Not used by
    /// [`connect_nonblocking`](Self::connect_nonblocking), whose caller
    /// waits with [`PendingConnect::wait`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Switches the connected stream to non-blocking mode (`O_NONBLOCK`)
    /// once [`connect`](Self::connect) has completed; the connect itself
    /// still blocks.
    pub fn nonblocking(mut self, nonblocking: bool) -> Self {
        self.nonblocking = nonblocking;
        self
    }

    /// A new socket with every option applied.
    fn configured(&self) -> io::Result<RawSocket<D, Stream>> {
        let socket = match self.protocol {
            Some(protocol) => RawSocket::<D, Stream>::with_raw_protocol(protocol.as_raw())?,
            None => RawSocket::<D, Stream>::new()?,
        };
        self.reuse.apply(&socket)?;
        self.buffers.apply(&socket)?;
        if let Some(tcp) = self.tcp {
            tcp.apply(&socket)?;
        }
        Ok(socket)
    }

    /// Creates, configures, optionally binds, and connects to `peer`,
    /// blocking until the handshake completes (or the
    /// [`timeout`](Self::timeout) passes). Any failure closes the socket.
    /// A signal during the wait gives `ErrorKind::Interrupted`.
    pub fn connect(self, peer: D::Addr) -> io::Result<ConnectedStream<D>> {
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(invalid_input(
                libc::EINVAL,
                "ConnectorBuilder::timeout must be non-zero",
            ));
        }
        let socket = self.configured()?;
        if let Some(timeout) = self.timeout {
            socket.set_write_timeout(Some(timeout))?;
        }
        let result = match self.local_addr.clone() {
            None => socket.connect(peer.clone()).map_err(io::Error::from),
            Some(local) => {
                // Bind-then-connect is deliberately not a public transition
                // (a `BoundSocket` only listens), so it is done on the fd.
                let fd = socket.bind(local)?.into_fd();
                sys::connect(fd.as_fd(), &peer.to_raw()).map(|()| ConnectedStream::from_fd(fd))
            }
        };
        let conn = result.map_err(|e| self.connect_error(e, &peer))?;
        if self.timeout.is_some() {
            conn.set_write_timeout(None)?;
        }
        if self.nonblocking {
            conn.set_nonblocking(true)?;
        }
        Ok(conn)
    }

    /// Turns the kernel's answer to a timed-out connect (`EINPROGRESS` for
    /// TCP, `EAGAIN` for a Unix socket with a full backlog) into `TimedOut`.
    fn connect_error(&self, e: io::Error, peer: &D::Addr) -> io::Error {
        match (self.timeout, e.raw_os_error()) {
            (Some(t), Some(libc::EINPROGRESS | libc::EAGAIN)) => io::Error::new(
                io::ErrorKind::TimedOut,
                format!("connect to {peer} timed out after {t:?}"),
            ),
            _ => e,
        }
    }

    /// Creates, configures, optionally binds, and starts connecting to
    /// `peer` without waiting (see [`RawSocket::connect_nonblocking`]).
    /// Wait for writability, then [`PendingConnect::finish`]. The socket is
    /// non-blocking.
    pub fn connect_nonblocking(self, peer: D::Addr) -> io::Result<PendingConnect<D>> {
        let socket = self.configured()?;
        match self.local_addr.clone() {
            None => Ok(socket.connect_nonblocking(peer)?),
            Some(local) => {
                let fd = socket.bind(local)?.into_fd();
                sys::set_nonblocking(fd.as_fd(), true)?;
                match sys::connect(fd.as_fd(), &peer.to_raw()) {
                    Ok(()) => Ok(PendingConnect::from_fd(fd)),
                    Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(PendingConnect::from_fd(fd)),
                    Err(e) => Err(e),
                }
            }
        }
    }
}

impl<D: Inet> ConnectorBuilder<D> {
    /// The transport protocol: TCP (the default) or Multipath TCP
    /// ([`StreamProtocol::Mptcp`]); see [`RawSocket::with_protocol`] for
    /// the errors where the kernel lacks MPTCP.
    pub fn protocol(mut self, protocol: StreamProtocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Address-reuse options, useful with [`local_addr`](Self::local_addr)
    /// to bind a source port that is in `TIME_WAIT` or shared.
    pub fn reuse(mut self, reuse: ReuseConfig) -> Self {
        self.reuse = reuse;
        self
    }

    /// `SO_REUSEADDR` for the local bind.
    pub fn reuse_addr(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.addr(enable);
        self
    }

    /// `SO_REUSEPORT` for the local bind.
    pub fn reuse_port(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.port(enable);
        self
    }

    /// TCP options, set before the handshake.
    pub fn tcp(mut self, tcp: TcpConfig) -> Self {
        self.tcp = Some(tcp);
        self
    }
}

impl<D: Domain> Default for ConnectorBuilder<D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<D: Domain> Clone for ConnectorBuilder<D> {
    fn clone(&self) -> Self {
        Self {
            reuse: self.reuse,
            tcp: self.tcp,
            buffers: self.buffers,
            local_addr: self.local_addr.clone(),
            timeout: self.timeout,
            protocol: self.protocol,
            nonblocking: self.nonblocking,
            _domain: PhantomData,
        }
    }
}

/// Every address type is `Copy`, so every concrete builder is too.
impl<D: Domain> Copy for ConnectorBuilder<D> where D::Addr: Copy {}

impl<D: Domain> fmt::Debug for ConnectorBuilder<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectorBuilder")
            .field("domain", &D::NAME)
            .field("reuse", &self.reuse)
            .field("tcp", &self.tcp)
            .field("buffers", &self.buffers)
            .field("local_addr", &self.local_addr)
            .field("timeout", &self.timeout)
            .field("protocol", &self.protocol)
            .field("nonblocking", &self.nonblocking)
            .finish()
    }
}
