//! [`ListenerBuilder`]: a configured, bound, listening stream socket in one
//! expression.

use std::fmt;
use std::io;
use std::marker::PhantomData;

use super::{BufferConfig, ReuseConfig, TcpConfig};
use crate::domain::{Domain, Inet, Ipv6, Stream};
use crate::options::{set_only_v6, set_tcp_fastopen};
use crate::protocol::StreamProtocol;
use crate::socket::{Listener, RawSocket};

/// The backlog used when none is given, as in `std::net::TcpListener`.
const DEFAULT_BACKLOG: u32 = 128;

/// Builds a [`Listener<D>`]: creates the socket, applies the options, binds
/// and listens.
///
/// Options are applied in the order the kernel needs: reuse, `IPV6_V6ONLY`,
/// buffers and TCP options before `bind`/`listen` (Linux copies the TCP
/// options and buffer sizes to each accepted connection), Fast Open before
/// `listen`; non-blocking mode comes with `socket(2)` itself. An
/// out-of-range value fails [`bind`](Self::bind) with an `InvalidInput`
/// error naming the option, an option the kernel refuses with the kernel's
/// error; either way the half-built socket is closed. TCP options ([`tcp`](Self::tcp), [`fastopen`](Self::fastopen))
/// and address reuse exist only for [`Ipv4`](crate::Ipv4) and
/// [`Ipv6`](crate::Ipv6).
///
/// ```
/// use wirelane::{BufferConfig, Ipv4, KeepaliveConfig, ListenerBuilder, ReuseConfig, SocketAddrV4, TcpConfig};
/// # fn main() -> std::io::Result<()> {
/// let tcp = TcpConfig::new()
///     .nodelay(true)
///     .keepalive(KeepaliveConfig::new().idle(30).interval(5).count(3));
/// let listener = ListenerBuilder::<Ipv4>::new()
///     .reuse(ReuseConfig::new().both())
///     .tcp(tcp)
///     .buffers(BufferConfig::new().both(65536))
///     .backlog(4096)
///     .bind(SocketAddrV4::localhost(0))?;
/// assert!(wirelane::tcp_nodelay(&listener)?);
/// # Ok(()) }
/// ```
///
/// A Unix listener has no TCP options:
///
/// ```compile_fail,E0599
/// use wirelane::{ListenerBuilder, TcpConfig, Unix};
/// let b = ListenerBuilder::<Unix>::new().tcp(TcpConfig::new()); // no method `tcp`
/// ```
///
/// and `only_v6` exists only for IPv6:
///
/// ```compile_fail,E0599
/// use wirelane::{Ipv4, ListenerBuilder};
/// let b = ListenerBuilder::<Ipv4>::new().only_v6(true); // no method `only_v6`
/// ```
pub struct ListenerBuilder<D: Domain> {
    reuse: ReuseConfig,
    tcp: Option<TcpConfig>,
    buffers: BufferConfig,
    backlog: u32,
    fastopen: Option<u32>,
    only_v6: Option<bool>,
    protocol: Option<StreamProtocol>,
    nonblocking: bool,
    _domain: PhantomData<D>,
}

impl<D: Domain> ListenerBuilder<D> {
    /// A builder with kernel defaults and a backlog of 128.
    pub fn new() -> Self {
        Self {
            reuse: ReuseConfig::new(),
            tcp: None,
            buffers: BufferConfig::new(),
            backlog: DEFAULT_BACKLOG,
            fastopen: None,
            only_v6: None,
            protocol: None,
            nonblocking: false,
            _domain: PhantomData,
        }
    }

    /// Buffer sizes, set before `listen` so accepted connections inherit them.
    pub fn buffers(mut self, buffers: BufferConfig) -> Self {
        self.buffers = buffers;
        self
    }

    /// The accept-queue length passed to `listen(2)` (default 128; the
    /// kernel caps it at `net.core.somaxconn`).
    pub fn backlog(mut self, backlog: u32) -> Self {
        self.backlog = backlog;
        self
    }

    /// Creates the listener non-blocking (`SOCK_NONBLOCK` at `socket(2)`
    /// time, no `fcntl`), for event loops: `accept` then fails with
    /// `WouldBlock` when nothing is pending.
    pub fn nonblocking(mut self, nonblocking: bool) -> Self {
        self.nonblocking = nonblocking;
        self
    }

    /// Creates the socket, applies the options, binds to `addr` and
    /// listens. Any failure closes the socket and returns the error.
    pub fn bind(self, addr: D::Addr) -> io::Result<Listener<D>> {
        // Non-blocking from birth (`SOCK_NONBLOCK`): bind and listen never
        // wait, so the mode can come with the socket, with no `fcntl` and no
        // moment in which the listener exists blocking.
        let protocol = self.protocol.map_or(0, StreamProtocol::as_raw);
        let socket = RawSocket::<D, Stream>::with_raw_protocol_flags(protocol, self.nonblocking)?;
        self.reuse.apply(&socket)?;
        if let Some(only_v6) = self.only_v6 {
            set_only_v6(&socket, only_v6)?;
        }
        self.buffers.apply(&socket)?;
        if let Some(tcp) = self.tcp {
            tcp.apply(&socket)?;
        }
        let bound = socket.bind(addr)?;
        if let Some(qlen) = self.fastopen {
            set_tcp_fastopen(&bound, qlen)?;
        }
        Ok(bound.listen(self.backlog)?)
    }
}

impl<D: Inet> ListenerBuilder<D> {
    /// The transport protocol: TCP (the default) or Multipath TCP
    /// ([`StreamProtocol::Mptcp`]); see
    /// [`RawSocket::with_protocol`] for the errors where the kernel lacks
    /// MPTCP.
    pub fn protocol(mut self, protocol: StreamProtocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Address-reuse options (`SO_REUSEADDR`, `SO_REUSEPORT`).
    pub fn reuse(mut self, reuse: ReuseConfig) -> Self {
        self.reuse = reuse;
        self
    }

    /// `SO_REUSEADDR`: rebind at once after a restart (port in `TIME_WAIT`).
    pub fn reuse_addr(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.addr(enable);
        self
    }

    /// `SO_REUSEPORT`: share the port with other listeners that set it too;
    /// the kernel balances incoming connections across them.
    pub fn reuse_port(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.port(enable);
        self
    }

    /// TCP options, set before `listen` and inherited by every accepted
    /// connection.
    pub fn tcp(mut self, tcp: TcpConfig) -> Self {
        self.tcp = Some(tcp);
        self
    }

    /// Server-side TCP Fast Open with up to `qlen` pending Fast Open
    /// requests (`TCP_FASTOPEN`, see [`set_tcp_fastopen`]).
    pub fn fastopen(mut self, qlen: u32) -> Self {
        self.fastopen = Some(qlen);
        self
    }
}

impl ListenerBuilder<Ipv6> {
    /// `IPV6_V6ONLY`: `true` accepts IPv6 only; `false` also accepts IPv4
    /// as v4-mapped addresses on a `::` bind. Unset, the
    /// `net.ipv6.bindv6only` default applies.
    pub fn only_v6(mut self, only_v6: bool) -> Self {
        self.only_v6 = Some(only_v6);
        self
    }
}

impl<D: Domain> Default for ListenerBuilder<D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<D: Domain> Clone for ListenerBuilder<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Domain> Copy for ListenerBuilder<D> {}

impl<D: Domain> fmt::Debug for ListenerBuilder<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListenerBuilder")
            .field("domain", &D::NAME)
            .field("reuse", &self.reuse)
            .field("tcp", &self.tcp)
            .field("buffers", &self.buffers)
            .field("backlog", &self.backlog)
            .field("fastopen", &self.fastopen)
            .field("only_v6", &self.only_v6)
            .field("protocol", &self.protocol)
            .field("nonblocking", &self.nonblocking)
            .finish()
    }
}
