//! The builders, as C config structs: `wl_listener_config` for
//! `ListenerBuilder`, `wl_connector_config` for `ConnectorBuilder`,
//! `wl_datagram_config` for `DatagramBuilder`, composed of the same
//! reusable parts as in Rust (`wl_reuse_config`, `wl_buffer_config`,
//! `wl_tcp_config` with `wl_keepalive_config`).
//!
//! A zero-initialized config (`wl_listener_config cfg = {0};`, or passing
//! NULL) means "kernel defaults", exactly like `ListenerBuilder::new()`.
//! Each field's zero value means "not set". Options the Rust builder offers
//! only for some domains (address reuse, TCP settings, TTL: IPv4/IPv6;
//! `broadcast`: IPv4; `only_v6`: IPv6) fail with `-EAFNOSUPPORT` when set
//! for another domain, as the Rust call would not compile.

use std::ffi::{c_char, c_int};
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use super::addr::wl_addr;
use super::any::ByDomain;
use super::boundary::ffi_fn;
use super::conn::wl_conn;
use super::dgram::{wl_dgram, wl_dgram_conn};
use super::handle::{c_str, give_out, in_ref, out_ptr};
use super::listener::wl_listener;
use super::pending::wl_pending;
use wirelane_core::ffi_support::invalid_input;
use wirelane_core::{
    BufferConfig, ConnectorBuilder, DatagramBuilder, Ipv4, Ipv6, KeepaliveConfig, ListenerBuilder, ReuseConfig,
    TcpConfig, Unix,
};

/// Address reuse (`ReuseConfig`): `SO_REUSEADDR` and `SO_REUSEPORT` (see
/// `socket(7)`), set before `bind`. IPv4/IPv6 only.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wl_reuse_config {
    /// `SO_REUSEADDR`: rebind a port still in `TIME_WAIT` (server restarts).
    pub addr: bool,
    /// `SO_REUSEPORT`: several sockets share one address and port; the
    /// kernel balances connections or datagrams across them.
    pub port: bool,
}

/// Kernel buffer sizes (`BufferConfig`): `SO_SNDBUF` and `SO_RCVBUF` (see
/// `socket(7)`). 0 keeps the kernel default (and TCP autotuning).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wl_buffer_config {
    /// Requested send buffer in bytes, 0 for the default.
    pub send: usize,
    /// Requested receive buffer in bytes, 0 for the default.
    pub recv: usize,
}

/// TCP keepalive (`KeepaliveConfig`, see `tcp(7)`). With `enable` set,
/// `SO_KEEPALIVE` is turned on and the non-zero parts are set; zero parts
/// keep the `net.ipv4.tcp_keepalive_*` defaults.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wl_keepalive_config {
    /// Turns keepalive on.
    pub enable: bool,
    /// `TCP_KEEPIDLE`: idle seconds before the first probe (1..=32767).
    pub idle_secs: u32,
    /// `TCP_KEEPINTVL`: seconds between probes (1..=32767).
    pub interval_secs: u32,
    /// `TCP_KEEPCNT`: unanswered probes before the connection drops (1..=127).
    pub count: u32,
}

/// TCP settings (`TcpConfig`, see `tcp(7)`). IPv4/IPv6 only. On a listener
/// they are set before `listen` and Linux copies them to every accepted
/// connection.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_tcp_config {
    /// `TCP_NODELAY`: send small writes at once (no Nagle delay).
    pub nodelay: bool,
    /// Keepalive.
    pub keepalive: wl_keepalive_config,
    /// `TCP_USER_TIMEOUT` in milliseconds, 0 for the default.
    pub user_timeout_ms: u32,
    /// `TCP_CONGESTION` algorithm name (e.g. `"cubic"`), NULL for the
    /// default. Only read during the call.
    pub congestion: *const c_char,
}

/// `ListenerBuilder`: create, configure, bind and listen in one call
/// (`wl_listener_build`).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wl_listener_config {
    /// Address reuse (IPv4/IPv6).
    pub reuse: wl_reuse_config,
    /// Buffer sizes, inherited by accepted connections.
    pub buffers: wl_buffer_config,
    /// TCP settings (IPv4/IPv6), inherited by accepted connections.
    pub tcp: wl_tcp_config,
    /// `listen(2)` backlog; 0 means the builder's default, 128.
    pub backlog: u32,
    /// `TCP_FASTOPEN` queue length (IPv4/IPv6); 0 leaves Fast Open off.
    pub fastopen_qlen: u32,
    /// `IPV6_V6ONLY` on (IPv6 only); false leaves the system default.
    pub only_v6: bool,
    /// Creates the listener non-blocking from birth (`SOCK_NONBLOCK` at
    /// `socket(2)`, no `fcntl`): accept then returns `-EAGAIN` when nothing
    /// is queued. Accepted connections get their own mode
    /// (`wl_listener_accept_flags`).
    pub nonblocking: bool,
}

/// `ConnectorBuilder`: create, configure, optionally bind, and connect in
/// one call (`wl_connector_connect`, `wl_connector_connect_nonblocking`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_connector_config {
    /// Address reuse (IPv4/IPv6), useful with `local_addr`.
    pub reuse: wl_reuse_config,
    /// Buffer sizes.
    pub buffers: wl_buffer_config,
    /// TCP settings (IPv4/IPv6).
    pub tcp: wl_tcp_config,
    /// Local address to bind before connecting (source port/interface), or
    /// NULL to let the kernel pick. Only read during the call.
    pub local_addr: *const wl_addr,
    /// Bound on a blocking connect in milliseconds (fails with
    /// `-ETIMEDOUT`); 0 waits as long as the kernel does.
    pub timeout_ms: u64,
    /// Makes the connected stream non-blocking once connected (one
    /// `fcntl` after the blocking connect; `wl_connector_connect_nonblocking`
    /// needs no flag, its socket is non-blocking throughout).
    pub nonblocking: bool,
}

/// `DatagramBuilder`: create, configure and bind or connect in one call
/// (`wl_datagram_bind`, `wl_datagram_connect`).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct wl_datagram_config {
    /// Address reuse (IPv4/IPv6).
    pub reuse: wl_reuse_config,
    /// Buffer sizes.
    pub buffers: wl_buffer_config,
    /// `IP_TTL` / `IPV6_UNICAST_HOPS` (IPv4/IPv6); 0 keeps the default.
    pub ttl: u32,
    /// `SO_BROADCAST` on (IPv4 only).
    pub broadcast: bool,
    /// `IPV6_V6ONLY` on (IPv6 only); false leaves the system default.
    pub only_v6: bool,
    /// Creates the socket non-blocking from birth (`SOCK_NONBLOCK` at
    /// `socket(2)`, no `fcntl`): receives with nothing queued and sends with
    /// no room return `-EAGAIN`.
    pub nonblocking: bool,
}

impl Default for wl_tcp_config {
    fn default() -> Self {
        Self {
            nodelay: false,
            keepalive: wl_keepalive_config::default(),
            user_timeout_ms: 0,
            congestion: std::ptr::null(),
        }
    }
}

impl Default for wl_connector_config {
    fn default() -> Self {
        Self {
            reuse: Default::default(),
            buffers: Default::default(),
            tcp: Default::default(),
            local_addr: std::ptr::null(),
            timeout_ms: 0,
            nonblocking: false,
        }
    }
}

/// `TcpConfig::congestion` takes a `&'static str`; C strings are not. Each
/// distinct algorithm name is copied once and kept for the life of the
/// process (names are at most 15 bytes, and a program uses a handful).
fn intern(name: &str) -> io::Result<&'static str> {
    if name.is_empty() || name.len() > 15 || name.contains('\0') {
        return Err(invalid_input(
            libc::EINVAL,
            format!("TCP_CONGESTION name {name:?} must be 1 to 15 bytes without NUL"),
        ));
    }
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.iter().find(|n| **n == name) {
        return Ok(known);
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.push(leaked);
    Ok(leaked)
}

impl wl_reuse_config {
    fn is_set(&self) -> bool {
        self.addr || self.port
    }
    fn to_rust(self) -> ReuseConfig {
        ReuseConfig::new().addr(self.addr).port(self.port)
    }
}

impl wl_buffer_config {
    fn to_rust(self) -> BufferConfig {
        let mut b = BufferConfig::new();
        if self.send != 0 {
            b = b.send(self.send);
        }
        if self.recv != 0 {
            b = b.recv(self.recv);
        }
        b
    }
}

impl wl_tcp_config {
    fn is_set(&self) -> bool {
        self.nodelay || self.keepalive.enable || self.user_timeout_ms != 0 || !self.congestion.is_null()
    }

    /// The Rust config; `None` when nothing is set.
    ///
    /// # Safety
    /// `congestion` is NULL or a C string.
    unsafe fn to_rust(self) -> io::Result<Option<TcpConfig>> {
        if !self.is_set() {
            return Ok(None);
        }
        let mut t = TcpConfig::new();
        if self.nodelay {
            t = t.nodelay(true);
        }
        if self.keepalive.enable {
            let k = self.keepalive;
            let mut ka = KeepaliveConfig::new();
            if k.idle_secs != 0 {
                ka = ka.idle(k.idle_secs);
            }
            if k.interval_secs != 0 {
                ka = ka.interval(k.interval_secs);
            }
            if k.count != 0 {
                ka = ka.count(k.count);
            }
            t = t.keepalive(ka);
        }
        if self.user_timeout_ms != 0 {
            t = t.user_timeout(Duration::from_millis(u64::from(self.user_timeout_ms)));
        }
        if !self.congestion.is_null() {
            // SAFETY: a non-NULL congestion is a C string (caller contract).
            t = t.congestion(intern(unsafe { c_str(self.congestion, "tcp.congestion") }?)?);
        }
        Ok(Some(t))
    }
}

/// The error for an option the Rust builder does not offer in a domain.
fn not_in_domain(option: &str, domains: &str) -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        format!("{option} applies to {domains} sockets only; clear it for this address family"),
    )
}

/// Reads an optional config pointer (NULL: defaults).
///
/// # Safety
/// A non-NULL `cfg` points to a valid `T`.
unsafe fn config<T: Copy + Default>(cfg: *const T) -> T {
    // SAFETY: caller contract.
    unsafe { cfg.as_ref() }.copied().unwrap_or_default()
}

/// Creates, configures, binds and listens (`ListenerBuilder::bind`):
/// options from `*cfg` (NULL or zero-initialized: kernel defaults, backlog
/// 128), domain from `*addr`.
///
/// Ownership: on success `*out` receives a new `wl_listener`; on failure
/// the socket is closed and `*out` is untouched. Returns 0, or
/// `-EAFNOSUPPORT` (an option set that this domain lacks, e.g. TCP settings
/// on a Unix address), `-EINVAL` (out-of-range value, NULL `addr`/`out`;
/// the last error names the option), or the failing call's `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_listener_build(
    cfg: *const wl_listener_config,
    addr: *const wl_addr,
    out: *mut *mut wl_listener,
) -> c_int {
    ffi_fn!("wl_listener_build", {
        let out = out_ptr(out, "out")?;
        // SAFETY: pointers NULL or valid (caller contract).
        let (c, addr) = unsafe { (config(cfg), *in_ref(addr, "addr")?) };
        // SAFETY: the config's string pointer is NULL or a C string.
        let tcp = unsafe { c.tcp.to_rust() }?;
        let backlog = if c.backlog == 0 { 128 } else { c.backlog };
        macro_rules! common {
            ($d:ty) => {
                ListenerBuilder::<$d>::new()
                    .buffers(c.buffers.to_rust())
                    .backlog(backlog)
                    .nonblocking(c.nonblocking)
            };
        }
        macro_rules! inet {
            ($b:expr) => {{
                let mut b = $b.reuse(c.reuse.to_rust());
                if let Some(t) = tcp {
                    b = b.tcp(t);
                }
                if c.fastopen_qlen != 0 {
                    b = b.fastopen(c.fastopen_qlen);
                }
                b
            }};
        }
        let raw = addr.to_raw()?;
        let listener = match raw.family() as c_int {
            libc::AF_INET => {
                if c.only_v6 {
                    return Err(not_in_domain("only_v6", "IPv6"));
                }
                ByDomain::V4(inet!(common!(Ipv4)).bind(addr.to_typed()?)?)
            }
            libc::AF_INET6 => {
                let mut b = inet!(common!(Ipv6));
                if c.only_v6 {
                    b = b.only_v6(true);
                }
                ByDomain::V6(b.bind(addr.to_typed()?)?)
            }
            _ => {
                if c.reuse.is_set() || tcp.is_some() || c.fastopen_qlen != 0 {
                    return Err(not_in_domain("reuse, tcp and fastopen_qlen", "IPv4 and IPv6"));
                }
                if c.only_v6 {
                    return Err(not_in_domain("only_v6", "IPv6"));
                }
                ByDomain::Unix(common!(Unix).bind(addr.to_typed()?)?)
            }
        };
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, listener) }
    })
}

/// The shared body of the two connector calls: builds the `ConnectorBuilder`
/// for the peer's domain and runs `$finish` on it.
macro_rules! connector {
    ($cfg:expr, $peer:expr, |$b:ident, $p:ident| $finish:expr) => {{
        // SAFETY: pointers NULL or valid (caller contract).
        let (c, peer) = unsafe { (config($cfg), *in_ref($peer, "peer")?) };
        // SAFETY: the config's string pointer is NULL or a C string.
        let tcp = unsafe { c.tcp.to_rust() }?;
        // SAFETY: `local_addr` is NULL or a valid wl_addr (caller contract).
        let local = unsafe { c.local_addr.as_ref() }.copied();
        macro_rules! common {
            ($d:ty) => {{
                let mut b = ConnectorBuilder::<$d>::new()
                    .buffers(c.buffers.to_rust())
                    .nonblocking(c.nonblocking);
                if c.timeout_ms != 0 {
                    b = b.timeout(Duration::from_millis(c.timeout_ms));
                }
                if let Some(l) = local {
                    b = b.local_addr(l.to_typed()?);
                }
                b
            }};
        }
        macro_rules! inet {
            ($b2:expr) => {{
                let mut b = $b2.reuse(c.reuse.to_rust());
                if let Some(t) = tcp {
                    b = b.tcp(t);
                }
                b
            }};
        }
        match peer.to_raw()?.family() as c_int {
            libc::AF_INET => {
                let $b = inet!(common!(Ipv4));
                let $p = peer.to_typed()?;
                ByDomain::V4($finish)
            }
            libc::AF_INET6 => {
                let $b = inet!(common!(Ipv6));
                let $p = peer.to_typed()?;
                ByDomain::V6($finish)
            }
            _ => {
                if c.reuse.is_set() || tcp.is_some() {
                    return Err(not_in_domain("reuse and tcp", "IPv4 and IPv6"));
                }
                let $b = common!(Unix);
                let $p = peer.to_typed()?;
                ByDomain::Unix($finish)
            }
        }
    }};
}

/// Creates, configures, optionally binds (`local_addr`) and connects to
/// `*peer`, blocking until the handshake completes or `timeout_ms` passes
/// (`ConnectorBuilder::connect`). Options from `*cfg` (NULL or
/// zero-initialized: kernel defaults).
///
/// Ownership: on success `*out` receives a new `wl_conn`; on failure the
/// socket is closed and `*out` is untouched. Returns 0, or `-ETIMEDOUT`
/// (the timeout passed), `-ECONNREFUSED`, `-EINTR`, `-EAFNOSUPPORT` (an
/// option this domain lacks, or `local_addr` of another family), `-EINVAL`
/// (out-of-range value, NULL `peer`/`out`), or another `-errno`.
///
/// Never returns `-EAGAIN` (the socket is blocking while it connects): with
/// `timeout_ms` a slow handshake or a full Unix listener queue gives
/// `-ETIMEDOUT`, without it the call waits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_connect(
    cfg: *const wl_connector_config,
    peer: *const wl_addr,
    out: *mut *mut wl_conn,
) -> c_int {
    ffi_fn!("wl_connector_connect", {
        let out = out_ptr(out, "out")?;
        let conn = connector!(cfg, peer, |b, p| b.connect(p)?);
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, conn) }
    })
}

/// Creates, configures, optionally binds and starts connecting to `*peer`
/// without waiting (`ConnectorBuilder::connect_nonblocking`); wait for
/// writability, then `wl_pending_finish`. `timeout_ms` is not used.
///
/// Ownership: on success `*out` receives a new `wl_pending`; on failure the
/// socket is closed and `*out` is untouched. Returns 0 or `-errno` as
/// `wl_connector_connect`.
///
/// `-EAGAIN`: only for a Unix peer whose listener's queue is full (a Unix
/// connect completes or fails at once); the socket is closed and nothing was
/// started: retry later, on a timer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_connector_connect_nonblocking(
    cfg: *const wl_connector_config,
    peer: *const wl_addr,
    out: *mut *mut wl_pending,
) -> c_int {
    ffi_fn!("wl_connector_connect_nonblocking", {
        let out = out_ptr(out, "out")?;
        let pending = connector!(cfg, peer, |b, p| b.connect_nonblocking(p)?);
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, pending) }
    })
}

/// The shared body of the two datagram builder calls.
macro_rules! datagram {
    ($cfg:expr, $addr:expr, |$b:ident, $a:ident| $finish:expr) => {{
        // SAFETY: pointers NULL or valid (caller contract).
        let (c, addr) = unsafe { (config($cfg), *in_ref($addr, "addr")?) };
        macro_rules! common {
            ($d:ty) => {
                DatagramBuilder::<$d>::new()
                    .buffers(c.buffers.to_rust())
                    .nonblocking(c.nonblocking)
            };
        }
        macro_rules! inet {
            ($b2:expr) => {{
                let mut b = $b2.reuse(c.reuse.to_rust());
                if c.ttl != 0 {
                    b = b.ttl(c.ttl);
                }
                b
            }};
        }
        match addr.to_raw()?.family() as c_int {
            libc::AF_INET => {
                if c.only_v6 {
                    return Err(not_in_domain("only_v6", "IPv6"));
                }
                let mut $b = inet!(common!(Ipv4));
                if c.broadcast {
                    $b = $b.broadcast(true);
                }
                let $a = addr.to_typed()?;
                ByDomain::V4($finish)
            }
            libc::AF_INET6 => {
                if c.broadcast {
                    return Err(not_in_domain("broadcast", "IPv4"));
                }
                let mut $b = inet!(common!(Ipv6));
                if c.only_v6 {
                    $b = $b.only_v6(true);
                }
                let $a = addr.to_typed()?;
                ByDomain::V6($finish)
            }
            _ => {
                if c.reuse.is_set() || c.ttl != 0 {
                    return Err(not_in_domain("reuse and ttl", "IPv4 and IPv6"));
                }
                if c.broadcast {
                    return Err(not_in_domain("broadcast", "IPv4"));
                }
                if c.only_v6 {
                    return Err(not_in_domain("only_v6", "IPv6"));
                }
                let $b = common!(Unix);
                let $a = addr.to_typed()?;
                ByDomain::Unix($finish)
            }
        }
    }};
}

/// Creates, configures and binds a datagram socket to `*addr`
/// (`DatagramBuilder::bind`); it can then send to and receive from anyone.
///
/// Ownership: on success `*out` receives a new `wl_dgram`; on failure the
/// socket is closed and `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`
/// (an option this domain lacks), `-EINVAL` (out-of-range value, NULL
/// `addr`/`out`), or the failing call's `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_datagram_bind(
    cfg: *const wl_datagram_config,
    addr: *const wl_addr,
    out: *mut *mut wl_dgram,
) -> c_int {
    ffi_fn!("wl_datagram_bind", {
        let out = out_ptr(out, "out")?;
        let sock = datagram!(cfg, addr, |b, a| b.bind(a)?);
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, sock) }
    })
}

/// Creates, configures and connects a datagram socket to `*peer`
/// (`DatagramBuilder::connect`; the kernel picks the local address and
/// nothing is sent).
///
/// Ownership: on success `*out` receives a new `wl_dgram_conn`; on failure
/// the socket is closed and `*out` is untouched. Returns 0 or `-errno` as
/// `wl_datagram_bind`.
///
/// `-EAGAIN`: no free local port for the implicit bind (the ephemeral range,
/// `net.ipv4.ip_local_port_range`, is exhausted); this is not a readiness
/// condition and nothing changed (the socket is closed): retry once ports are
/// free, or bind first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_datagram_connect(
    cfg: *const wl_datagram_config,
    peer: *const wl_addr,
    out: *mut *mut wl_dgram_conn,
) -> c_int {
    ffi_fn!("wl_datagram_connect", {
        let out = out_ptr(out, "out")?;
        let sock = datagram!(cfg, peer, |b, a| b.connect(a)?);
        // SAFETY: checked non-NULL.
        unsafe { give_out(out, sock) }
    })
}

/// Applies address-reuse options to any socket descriptor before `bind`
/// (`ReuseConfig::apply`): options left false are not touched. `cfg` NULL
/// does nothing. Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_reuse_config_apply(cfg: *const wl_reuse_config, fd: c_int) -> c_int {
    ffi_fn!("wl_reuse_config_apply", {
        // SAFETY: `cfg` NULL or valid; `fd` open for the call.
        let (c, fd) = unsafe { (config(cfg), super::options::fd_arg(fd)?) };
        c.to_rust().apply(&fd)?;
        Ok(0)
    })
}

/// Applies buffer sizes to any socket descriptor (`BufferConfig::apply`):
/// zero sizes are not touched. For TCP apply before `listen`/`connect`.
/// Returns 0 or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_buffer_config_apply(cfg: *const wl_buffer_config, fd: c_int) -> c_int {
    ffi_fn!("wl_buffer_config_apply", {
        // SAFETY: `cfg` NULL or valid; `fd` open for the call.
        let (c, fd) = unsafe { (config(cfg), super::options::fd_arg(fd)?) };
        c.to_rust().apply(&fd)?;
        Ok(0)
    })
}

/// Turns keepalive on for a TCP socket and sets the non-zero parts of
/// `*cfg` (`KeepaliveConfig::apply`; `enable` is implied). Returns 0, or
/// `-EINVAL` naming an out-of-range value, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_keepalive_config_apply(cfg: *const wl_keepalive_config, fd: c_int) -> c_int {
    ffi_fn!("wl_keepalive_config_apply", {
        // SAFETY: `cfg` NULL or valid; `fd` open for the call.
        let (mut c, fd) = unsafe { (config(cfg), super::options::fd_arg(fd)?) };
        c.enable = true;
        let tcp = wl_tcp_config {
            keepalive: c,
            ..Default::default()
        };
        // SAFETY: no string pointer in this config.
        if let Some(t) = unsafe { tcp.to_rust() }? {
            t.apply(&fd)?;
        }
        Ok(0)
    })
}

/// Applies TCP settings to a TCP socket descriptor (`TcpConfig::apply`):
/// the first failure is returned; options before it stay set. Returns 0,
/// or `-EINVAL` naming an out-of-range value, or `-errno`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_tcp_config_apply(cfg: *const wl_tcp_config, fd: c_int) -> c_int {
    ffi_fn!("wl_tcp_config_apply", {
        // SAFETY: `cfg` NULL or valid (its string NULL or a C string); `fd`
        // open for the call.
        let (c, fd) = unsafe { (config(cfg), super::options::fd_arg(fd)?) };
        // SAFETY: as above.
        if let Some(t) = unsafe { c.to_rust() }? {
            t.apply(&fd)?;
        }
        Ok(0)
    })
}
