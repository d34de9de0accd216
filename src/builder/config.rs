//! Socket-level configs shared by every builder: address reuse and buffer
//! sizes. Each is a small `Copy` value, built once and reused.

use std::io;
use std::os::fd::AsFd;

use crate::options::{set_recv_buffer_size, set_reuse_address, set_reuse_port, set_send_buffer_size};

/// Address-reuse options: `SO_REUSEADDR` and `SO_REUSEPORT` (see
/// `socket(7)`). Both start off.
///
/// ```
/// use wirelane::ReuseConfig;
/// let reuse = ReuseConfig::new().both(); // addr + port, for load balancing
/// assert_eq!(reuse, ReuseConfig::new().addr(true).port(true));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReuseConfig {
    addr: bool,
    port: bool,
}

impl ReuseConfig {
    /// Neither option.
    pub const fn new() -> Self {
        Self {
            addr: false,
            port: false,
        }
    }

    /// `SO_REUSEADDR`: rebind a port still in `TIME_WAIT` (server restarts).
    pub const fn addr(mut self, enable: bool) -> Self {
        self.addr = enable;
        self
    }

    /// `SO_REUSEPORT`: several sockets share one address and port, and the
    /// kernel balances connections or datagrams across them.
    pub const fn port(mut self, enable: bool) -> Self {
        self.port = enable;
        self
    }

    /// Both `SO_REUSEADDR` and `SO_REUSEPORT`.
    pub const fn both(self) -> Self {
        self.addr(true).port(true)
    }

    /// Whether `SO_REUSEADDR` is requested.
    pub const fn is_addr(&self) -> bool {
        self.addr
    }

    /// Whether `SO_REUSEPORT` is requested.
    pub const fn is_port(&self) -> bool {
        self.port
    }

    /// Sets the requested options on `socket` (before `bind`). Options left
    /// off are not touched: a fresh socket has them off already.
    pub fn apply<S: AsFd + ?Sized>(&self, socket: &S) -> io::Result<()> {
        if self.addr {
            set_reuse_address(socket, true)?;
        }
        if self.port {
            set_reuse_port(socket, true)?;
        }
        Ok(())
    }
}

/// Kernel buffer sizes: `SO_SNDBUF` and `SO_RCVBUF` (see `socket(7)`).
/// Unset sizes keep the kernel's defaults (and, for TCP, autotuning).
///
/// The kernel doubles each requested size for its bookkeeping, so reading
/// the option back gives twice the request (see
/// [`set_send_buffer_size`](crate::set_send_buffer_size)). A zero size is
/// an error when the config is applied.
///
/// ```
/// use wirelane::BufferConfig;
/// let buffers = BufferConfig::new().both(65536);
/// assert_eq!(buffers.send_size(), Some(65536));
/// assert_eq!(buffers.recv_size(), Some(65536));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct BufferConfig {
    send: Option<usize>,
    recv: Option<usize>,
}

impl BufferConfig {
    /// No sizes: the kernel defaults.
    pub const fn new() -> Self {
        Self { send: None, recv: None }
    }

    /// Requests a send buffer of `bytes` (`SO_SNDBUF`).
    pub const fn send(mut self, bytes: usize) -> Self {
        self.send = Some(bytes);
        self
    }

    /// Requests a receive buffer of `bytes` (`SO_RCVBUF`).
    pub const fn recv(mut self, bytes: usize) -> Self {
        self.recv = Some(bytes);
        self
    }

    /// Requests `bytes` for both buffers.
    pub const fn both(self, bytes: usize) -> Self {
        self.send(bytes).recv(bytes)
    }

    /// The requested send buffer size, if any.
    pub const fn send_size(&self) -> Option<usize> {
        self.send
    }

    /// The requested receive buffer size, if any.
    pub const fn recv_size(&self) -> Option<usize> {
        self.recv
    }

    /// Sets the requested sizes on `socket`. For TCP, apply before
    /// `listen`/`connect`: the receive window scale is fixed at the
    /// handshake.
    pub fn apply<S: AsFd + ?Sized>(&self, socket: &S) -> io::Result<()> {
        if let Some(bytes) = self.send {
            set_send_buffer_size(socket, bytes)?;
        }
        if let Some(bytes) = self.recv {
            set_recv_buffer_size(socket, bytes)?;
        }
        Ok(())
    }
}
