//! [`DatagramBuilder`]: a configured datagram socket, bound or connected,
//! in one expression.

use std::fmt;
use std::io;
use std::marker::PhantomData;

use super::{BufferConfig, ReuseConfig};
use crate::domain::{Datagram, Domain, Inet, Ipv4, Ipv6};
use crate::options::{set_broadcast, set_only_v6, set_ttl, set_unicast_hops_v6};
use crate::socket::{BoundDatagram, ConnectedDatagram, RawSocket};

/// Builds a [`BoundDatagram<D>`] or a [`ConnectedDatagram<D>`]: creates the
/// socket, applies the options, then binds or connects.
///
/// An out-of-range value fails with an `InvalidInput` error naming the
/// option, an option the kernel refuses with the kernel's error; either
/// way the socket is closed. To connect from a chosen local address, bind
/// first and use the typestate transition:
/// `builder.bind(local)?.connect(peer)?`.
///
/// ```
/// use wirelane::{BufferConfig, DatagramBuilder, Ipv4, SocketAddrV4};
/// # fn main() -> std::io::Result<()> {
/// let server = DatagramBuilder::<Ipv4>::new()
///     .buffers(BufferConfig::new().recv(1 << 20))
///     .bind(SocketAddrV4::localhost(0))?;
/// let client = DatagramBuilder::<Ipv4>::new()
///     .ttl(16)
///     .connect(server.local_addr()?)?;
/// client.send(b"ping")?;
/// let mut buf = [0; 4];
/// let (n, from) = server.recv_from(&mut buf)?;
/// assert_eq!((&buf[..n], from), (&b"ping"[..], client.local_addr()?));
/// # Ok(()) }
/// ```
pub struct DatagramBuilder<D: Domain> {
    reuse: ReuseConfig,
    buffers: BufferConfig,
    broadcast: Option<bool>,
    ttl: Option<u32>,
    only_v6: Option<bool>,
    nonblocking: bool,
    _domain: PhantomData<D>,
}

impl<D: Domain> DatagramBuilder<D> {
    /// A builder with kernel defaults, blocking.
    pub fn new() -> Self {
        Self {
            reuse: ReuseConfig::new(),
            buffers: BufferConfig::new(),
            broadcast: None,
            ttl: None,
            only_v6: None,
            nonblocking: false,
            _domain: PhantomData,
        }
    }

    /// Buffer sizes (`SO_SNDBUF`, `SO_RCVBUF`).
    pub fn buffers(mut self, buffers: BufferConfig) -> Self {
        self.buffers = buffers;
        self
    }

    /// Creates the socket non-blocking (`SOCK_NONBLOCK` at `socket(2)`
    /// time, no `fcntl`); binding and connecting a datagram socket never
    /// wait, so this changes only the later sends and receives.
    pub fn nonblocking(mut self, nonblocking: bool) -> Self {
        self.nonblocking = nonblocking;
        self
    }

    /// A new socket with every option applied.
    fn configured(&self) -> io::Result<RawSocket<D, Datagram>> {
        let socket = RawSocket::<D, Datagram>::with_raw_protocol_flags(0, self.nonblocking)?;
        self.reuse.apply(&socket)?;
        if let Some(only_v6) = self.only_v6 {
            set_only_v6(&socket, only_v6)?;
        }
        self.buffers.apply(&socket)?;
        if let Some(enable) = self.broadcast {
            set_broadcast(&socket, enable)?;
        }
        if let Some(ttl) = self.ttl {
            if D::FAMILY == libc::AF_INET6 {
                set_unicast_hops_v6(&socket, ttl)?;
            } else {
                set_ttl(&socket, ttl)?;
            }
        }
        Ok(socket)
    }

    /// Creates and configures the socket and binds it to `addr`; it can
    /// then `send_to` and `recv_from` anyone. Any failure closes the socket.
    pub fn bind(self, addr: D::Addr) -> io::Result<BoundDatagram<D>> {
        Ok(self.configured()?.bind(addr)?)
    }

    /// Creates and configures the socket and connects it to `peer` (the
    /// kernel picks the local address); only `peer`'s datagrams are then
    /// received. Nothing is sent. Any failure closes the socket.
    pub fn connect(self, peer: D::Addr) -> io::Result<ConnectedDatagram<D>> {
        Ok(self.configured()?.connect(peer)?)
    }
}

impl<D: Inet> DatagramBuilder<D> {
    /// Address-reuse options; `SO_REUSEPORT` lets several sockets share a
    /// UDP port with the kernel spreading datagrams across them.
    pub fn reuse(mut self, reuse: ReuseConfig) -> Self {
        self.reuse = reuse;
        self
    }

    /// `SO_REUSEADDR`.
    pub fn reuse_addr(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.addr(enable);
        self
    }

    /// `SO_REUSEPORT`.
    pub fn reuse_port(mut self, enable: bool) -> Self {
        self.reuse = self.reuse.port(enable);
        self
    }

    /// The unicast time-to-live: `IP_TTL` (`1..=255`) for IPv4,
    /// `IPV6_UNICAST_HOPS` (`0..=255`) for IPv6.
    pub fn ttl(mut self, ttl: u32) -> Self {
        self.ttl = Some(ttl);
        self
    }
}

impl DatagramBuilder<Ipv4> {
    /// `SO_BROADCAST`: allow sending to broadcast addresses.
    pub fn broadcast(mut self, enable: bool) -> Self {
        self.broadcast = Some(enable);
        self
    }
}

impl DatagramBuilder<Ipv6> {
    /// `IPV6_V6ONLY`: `true` for IPv6 only; `false` also serves IPv4 as
    /// v4-mapped addresses on a `::` bind.
    pub fn only_v6(mut self, only_v6: bool) -> Self {
        self.only_v6 = Some(only_v6);
        self
    }
}

impl<D: Domain> Default for DatagramBuilder<D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<D: Domain> Clone for DatagramBuilder<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Domain> Copy for DatagramBuilder<D> {}

impl<D: Domain> fmt::Debug for DatagramBuilder<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatagramBuilder")
            .field("domain", &D::NAME)
            .field("reuse", &self.reuse)
            .field("buffers", &self.buffers)
            .field("broadcast", &self.broadcast)
            .field("ttl", &self.ttl)
            .field("only_v6", &self.only_v6)
            .field("nonblocking", &self.nonblocking)
            .finish()
    }
}
