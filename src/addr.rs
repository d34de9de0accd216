//! Socket addresses: one type per domain, each convertible to and from the
//! kernel's `sockaddr` and the `std` equivalents.
//!
//! - [`SocketAddrV4`] / [`SocketAddrV6`] wrap the `std::net` types and add
//!   constructors that accept anything convertible to an IP address, so the
//!   seed's `SocketAddrV4::new([0, 0, 0, 0], 8080)` works.
//! - [`UnixAddr`] is a filesystem path, an abstract-namespace name or the
//!   unnamed address. A path that does not fit `sun_path` is an error, never
//!   silently truncated.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::str::FromStr;

use crate::error::invalid_input;

/// A `sockaddr_storage` plus the length the kernel uses: the one form every
/// address takes on its way into and out of a syscall.
#[derive(Clone, Copy)]
pub struct RawSockAddr {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl RawSockAddr {
    /// An all-zero storage with the full capacity as length, ready for the
    /// kernel to fill (`accept`, `recvfrom`, `getsockname`).
    pub(crate) fn zeroed() -> Self {
        Self {
            // SAFETY: sockaddr_storage is plain old data; all zeroes is valid.
            storage: unsafe { mem::zeroed() },
            len: mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }

    /// Builds a raw address from the first `len` bytes of `storage`.
    pub(crate) fn from_parts(storage: libc::sockaddr_storage, len: libc::socklen_t) -> Self {
        Self { storage, len }
    }

    /// Copies a caller-provided `sockaddr` of `len` bytes.
    ///
    /// # Safety
    /// `ptr` must point to `len` readable bytes.
    pub unsafe fn from_raw(ptr: *const libc::sockaddr, len: libc::socklen_t) -> io::Result<Self> {
        let cap = mem::size_of::<libc::sockaddr_storage>();
        if (len as usize) > cap || (len as usize) < mem::size_of::<libc::sa_family_t>() {
            return Err(invalid_input(
                libc::EINVAL,
                "sockaddr length is outside 2..=sizeof(sockaddr_storage)",
            ));
        }
        let mut raw = Self::zeroed();
        // SAFETY: the caller guarantees `len` readable bytes; the
        // destination holds at least `len` bytes (checked above).
        unsafe {
            std::ptr::copy_nonoverlapping(
                ptr.cast::<u8>(),
                (&mut raw.storage as *mut libc::sockaddr_storage).cast::<u8>(),
                len as usize,
            );
        }
        raw.len = len;
        Ok(raw)
    }

    /// The address family stored in the address.
    pub fn family(&self) -> libc::sa_family_t {
        self.storage.ss_family
    }

    /// The length of the meaningful prefix, in bytes.
    pub fn len(&self) -> libc::socklen_t {
        self.len
    }

    /// Whether the address has no bytes at all (what `recvfrom(2)` reports
    /// for a datagram from an unbound Unix socket).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A pointer to the address for passing to the kernel.
    pub fn as_ptr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        (&mut self.storage as *mut libc::sockaddr_storage).cast()
    }

    pub(crate) fn len_mut(&mut self) -> &mut libc::socklen_t {
        &mut self.len
    }

    pub(crate) fn storage(&self) -> &libc::sockaddr_storage {
        &self.storage
    }
}

impl fmt::Debug for RawSockAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSockAddr")
            .field("family", &self.family())
            .field("len", &self.len)
            .finish()
    }
}

/// Encoding to and decoding from [`RawSockAddr`]; sealed, implemented by the
/// three address types.
pub(crate) mod codec {
    use super::RawSockAddr;
    use std::io;

    /// The kernel form of an address type.
    pub trait AddrCodec: Sized {
        /// The `AF_*` family of this address type.
        const FAMILY: libc::c_int;
        /// Writes the address in its kernel form.
        fn to_raw(&self) -> RawSockAddr;
        /// Reads an address of this family from its kernel form; a wrong
        /// family or short length is an error.
        fn from_raw(raw: &RawSockAddr) -> io::Result<Self>;
    }
}

/// An address type usable with a [`crate::Domain`]: [`SocketAddrV4`],
/// [`SocketAddrV6`] or [`UnixAddr`]. Sealed.
pub trait SocketAddress:
    codec::AddrCodec + Clone + fmt::Debug + fmt::Display + PartialEq + Eq + std::hash::Hash + Send + Sync + 'static
{
}

fn wrong_family(expected: libc::c_int, got: libc::sa_family_t) -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        format!(
            "address family mismatch: expected {}, got {}",
            family_name(expected),
            family_name(got as libc::c_int)
        ),
    )
}

/// A readable name for an `AF_*` constant, for error messages.
pub(crate) fn family_name(family: libc::c_int) -> &'static str {
    match family {
        libc::AF_INET => "AF_INET (IPv4)",
        libc::AF_INET6 => "AF_INET6 (IPv6)",
        libc::AF_UNIX => "AF_UNIX",
        libc::AF_UNSPEC => "AF_UNSPEC",
        _ => "an unsupported family",
    }
}

// ---------------------------------------------------------------- IPv4

/// An IPv4 socket address: an [`Ipv4Addr`] and a port.
///
/// A thin wrapper over [`std::net::SocketAddrV4`] whose constructor takes
/// anything that converts into an `Ipv4Addr`, including `[u8; 4]`:
///
/// ```
/// use wirelane::SocketAddrV4;
/// let addr = SocketAddrV4::new([127, 0, 0, 1], 8080);
/// assert_eq!(addr.to_string(), "127.0.0.1:8080");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketAddrV4(std::net::SocketAddrV4);

impl SocketAddrV4 {
    /// Creates an address from an IP (anything `Into<Ipv4Addr>`) and a port.
    pub fn new(ip: impl Into<Ipv4Addr>, port: u16) -> Self {
        Self(std::net::SocketAddrV4::new(ip.into(), port))
    }

    /// `127.0.0.1:port`.
    pub fn localhost(port: u16) -> Self {
        Self::new(Ipv4Addr::LOCALHOST, port)
    }

    /// The IP address.
    pub fn ip(&self) -> Ipv4Addr {
        *self.0.ip()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.0.port()
    }

    /// Changes the port.
    pub fn set_port(&mut self, port: u16) {
        self.0.set_port(port);
    }

    /// The equivalent `std::net` address.
    pub fn to_std(self) -> std::net::SocketAddrV4 {
        self.0
    }
}

impl codec::AddrCodec for SocketAddrV4 {
    const FAMILY: libc::c_int = libc::AF_INET;

    fn to_raw(&self) -> RawSockAddr {
        // SAFETY: sockaddr_storage is plain old data.
        let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
        let sin = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: self.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from_ne_bytes(self.ip().octets()),
            },
            sin_zero: [0; 8],
        };
        // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
        unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin) };
        RawSockAddr::from_parts(storage, mem::size_of::<libc::sockaddr_in>() as libc::socklen_t)
    }

    fn from_raw(raw: &RawSockAddr) -> io::Result<Self> {
        if raw.family() as libc::c_int != libc::AF_INET {
            return Err(wrong_family(libc::AF_INET, raw.family()));
        }
        if (raw.len() as usize) < mem::size_of::<libc::sockaddr_in>() {
            return Err(invalid_input(libc::EINVAL, "truncated sockaddr_in"));
        }
        // SAFETY: family checked; storage is aligned and large enough.
        let sin: libc::sockaddr_in = unsafe { std::ptr::read((raw.storage() as *const libc::sockaddr_storage).cast()) };
        Ok(Self::new(sin.sin_addr.s_addr.to_ne_bytes(), u16::from_be(sin.sin_port)))
    }
}

impl SocketAddress for SocketAddrV4 {}

impl From<std::net::SocketAddrV4> for SocketAddrV4 {
    fn from(a: std::net::SocketAddrV4) -> Self {
        Self(a)
    }
}

impl From<SocketAddrV4> for std::net::SocketAddrV4 {
    fn from(a: SocketAddrV4) -> Self {
        a.0
    }
}

impl From<SocketAddrV4> for std::net::SocketAddr {
    fn from(a: SocketAddrV4) -> Self {
        std::net::SocketAddr::V4(a.0)
    }
}

impl<I: Into<Ipv4Addr>> From<(I, u16)> for SocketAddrV4 {
    fn from((ip, port): (I, u16)) -> Self {
        Self::new(ip, port)
    }
}

impl TryFrom<std::net::SocketAddr> for SocketAddrV4 {
    type Error = io::Error;

    /// Fails with `EAFNOSUPPORT` for an IPv6 address.
    fn try_from(a: std::net::SocketAddr) -> io::Result<Self> {
        match a {
            std::net::SocketAddr::V4(v4) => Ok(Self(v4)),
            std::net::SocketAddr::V6(_) => Err(wrong_family(libc::AF_INET, libc::AF_INET6 as libc::sa_family_t)),
        }
    }
}

impl FromStr for SocketAddrV4 {
    type Err = io::Error;

    /// Parses `"a.b.c.d:port"`; the error names the bad input.
    fn from_str(s: &str) -> io::Result<Self> {
        s.parse::<std::net::SocketAddrV4>().map(Self).map_err(|_| {
            invalid_input(
                libc::EINVAL,
                format!("invalid IPv4 socket address {s:?}: expected \"a.b.c.d:port\""),
            )
        })
    }
}

impl fmt::Display for SocketAddrV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for SocketAddrV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

// ---------------------------------------------------------------- IPv6

/// An IPv6 socket address: an [`Ipv6Addr`], a port, a flow label and a scope
/// id. A thin wrapper over [`std::net::SocketAddrV6`].
///
/// ```
/// use wirelane::SocketAddrV6;
/// use std::net::Ipv6Addr;
/// let addr = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 8080, 0, 0);
/// assert_eq!(addr.to_string(), "[::1]:8080");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketAddrV6(std::net::SocketAddrV6);

impl SocketAddrV6 {
    /// Creates an address from an IP (anything `Into<Ipv6Addr>`, such as
    /// `[u16; 8]` or `[u8; 16]`), a port, a flow label and a scope id.
    pub fn new(ip: impl Into<Ipv6Addr>, port: u16, flowinfo: u32, scope_id: u32) -> Self {
        Self(std::net::SocketAddrV6::new(ip.into(), port, flowinfo, scope_id))
    }

    /// `[::1]:port`.
    pub fn localhost(port: u16) -> Self {
        Self::new(Ipv6Addr::LOCALHOST, port, 0, 0)
    }

    /// The IP address.
    pub fn ip(&self) -> Ipv6Addr {
        *self.0.ip()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.0.port()
    }

    /// Changes the port.
    pub fn set_port(&mut self, port: u16) {
        self.0.set_port(port);
    }

    /// The flow label (`sin6_flowinfo`).
    pub fn flowinfo(&self) -> u32 {
        self.0.flowinfo()
    }

    /// The scope id (`sin6_scope_id`), e.g. an interface index for link-local addresses.
    pub fn scope_id(&self) -> u32 {
        self.0.scope_id()
    }

    /// The equivalent `std::net` address.
    pub fn to_std(self) -> std::net::SocketAddrV6 {
        self.0
    }
}

impl codec::AddrCodec for SocketAddrV6 {
    const FAMILY: libc::c_int = libc::AF_INET6;

    fn to_raw(&self) -> RawSockAddr {
        // SAFETY: sockaddr_storage is plain old data.
        let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
        let sin6 = libc::sockaddr_in6 {
            sin6_family: libc::AF_INET6 as libc::sa_family_t,
            sin6_port: self.port().to_be(),
            sin6_flowinfo: self.flowinfo().to_be(),
            sin6_addr: libc::in6_addr {
                s6_addr: self.ip().octets(),
            },
            sin6_scope_id: self.scope_id(),
        };
        // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
        unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6) };
        RawSockAddr::from_parts(storage, mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t)
    }

    fn from_raw(raw: &RawSockAddr) -> io::Result<Self> {
        if raw.family() as libc::c_int != libc::AF_INET6 {
            return Err(wrong_family(libc::AF_INET6, raw.family()));
        }
        if (raw.len() as usize) < mem::size_of::<libc::sockaddr_in6>() {
            return Err(invalid_input(libc::EINVAL, "truncated sockaddr_in6"));
        }
        // SAFETY: family checked; storage is aligned and large enough.
        let sin6: libc::sockaddr_in6 =
            unsafe { std::ptr::read((raw.storage() as *const libc::sockaddr_storage).cast()) };
        Ok(Self::new(
            sin6.sin6_addr.s6_addr,
            u16::from_be(sin6.sin6_port),
            u32::from_be(sin6.sin6_flowinfo),
            sin6.sin6_scope_id,
        ))
    }
}

impl SocketAddress for SocketAddrV6 {}

impl From<std::net::SocketAddrV6> for SocketAddrV6 {
    fn from(a: std::net::SocketAddrV6) -> Self {
        Self(a)
    }
}

impl From<SocketAddrV6> for std::net::SocketAddrV6 {
    fn from(a: SocketAddrV6) -> Self {
        a.0
    }
}

impl From<SocketAddrV6> for std::net::SocketAddr {
    fn from(a: SocketAddrV6) -> Self {
        std::net::SocketAddr::V6(a.0)
    }
}

impl<I: Into<Ipv6Addr>> From<(I, u16)> for SocketAddrV6 {
    fn from((ip, port): (I, u16)) -> Self {
        Self::new(ip, port, 0, 0)
    }
}

impl TryFrom<std::net::SocketAddr> for SocketAddrV6 {
    type Error = io::Error;

    /// Fails with `EAFNOSUPPORT` for an IPv4 address.
    fn try_from(a: std::net::SocketAddr) -> io::Result<Self> {
        match a {
            std::net::SocketAddr::V6(v6) => Ok(Self(v6)),
            std::net::SocketAddr::V4(_) => Err(wrong_family(libc::AF_INET6, libc::AF_INET as libc::sa_family_t)),
        }
    }
}

impl FromStr for SocketAddrV6 {
    type Err = io::Error;

    /// Parses `"[addr]:port"` (optionally `"[addr%scope]:port"`).
    fn from_str(s: &str) -> io::Result<Self> {
        s.parse::<std::net::SocketAddrV6>().map(Self).map_err(|_| {
            invalid_input(
                libc::EINVAL,
                format!("invalid IPv6 socket address {s:?}: expected \"[addr]:port\""),
            )
        })
    }
}

impl fmt::Display for SocketAddrV6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for SocketAddrV6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

// ---------------------------------------------------------------- Unix

/// The capacity of `sun_path` (108 on Linux).
pub const SUN_PATH_CAPACITY: usize = mem::size_of::<libc::sockaddr_un>() - mem::size_of::<libc::sa_family_t>();

/// A Unix-domain socket address: a filesystem path, an abstract-namespace
/// name (Linux), or unnamed (an unbound socket, or a `socketpair` end).
///
/// Paths are checked when the address is built: a path longer than
/// `sun_path` allows (107 bytes plus the terminating NUL), or one containing
/// a NUL byte, is an error naming the problem. Nothing is ever truncated.
///
/// ```
/// use wirelane::UnixAddr;
/// let a = UnixAddr::new("/tmp/app.sock").unwrap();
/// assert_eq!(a.as_pathname().unwrap().to_str(), Some("/tmp/app.sock"));
/// let b = UnixAddr::abstract_name(b"app").unwrap();
/// assert_eq!(b.to_string(), "@app");
/// assert!(UnixAddr::new("/".repeat(200)).is_err());
/// ```
#[derive(Clone, Copy)]
pub struct UnixAddr {
    sun: libc::sockaddr_un,
    len: libc::socklen_t,
}

/// The offset of `sun_path` inside `sockaddr_un`.
const SUN_PATH_OFFSET: usize = mem::size_of::<libc::sa_family_t>();

impl UnixAddr {
    fn empty() -> libc::sockaddr_un {
        // SAFETY: sockaddr_un is plain old data; all zeroes is valid.
        let mut sun: libc::sockaddr_un = unsafe { mem::zeroed() };
        sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
        sun
    }

    /// A filesystem path address.
    ///
    /// Errors (`ENAMETOOLONG` or `EINVAL`, with a message naming the problem)
    /// when the path is empty, contains a NUL byte, or does not fit
    /// `sun_path` with its terminating NUL.
    pub fn new(path: impl AsRef<Path>) -> io::Result<Self> {
        let bytes = path.as_ref().as_os_str().as_bytes();
        if bytes.is_empty() {
            return Err(invalid_input(
                libc::EINVAL,
                "empty Unix socket path (use UnixAddr::unnamed() for an unnamed address)",
            ));
        }
        if bytes.contains(&0) {
            return Err(invalid_input(libc::EINVAL, "Unix socket path contains a NUL byte"));
        }
        if bytes.len() >= SUN_PATH_CAPACITY {
            return Err(invalid_input(
                libc::ENAMETOOLONG,
                format!(
                    "Unix socket path is {} bytes; sun_path holds at most {} bytes plus the terminating NUL",
                    bytes.len(),
                    SUN_PATH_CAPACITY - 1
                ),
            ));
        }
        let mut sun = Self::empty();
        for (dst, src) in sun.sun_path.iter_mut().zip(bytes) {
            *dst = *src as libc::c_char;
        }
        // Include the terminating NUL in the length, as the kernel does.
        Ok(Self {
            sun,
            len: (SUN_PATH_OFFSET + bytes.len() + 1) as libc::socklen_t,
        })
    }

    /// An abstract-namespace address (Linux): `name` without the leading NUL.
    ///
    /// Abstract sockets have no filesystem presence and no permission bits;
    /// anyone in the same network namespace can connect. Errors when `name`
    /// is longer than 107 bytes.
    pub fn abstract_name(name: &[u8]) -> io::Result<Self> {
        if name.len() > SUN_PATH_CAPACITY - 1 {
            return Err(invalid_input(
                libc::ENAMETOOLONG,
                format!(
                    "abstract Unix socket name is {} bytes; at most {} fit after the leading NUL",
                    name.len(),
                    SUN_PATH_CAPACITY - 1
                ),
            ));
        }
        let mut sun = Self::empty();
        for (dst, src) in sun.sun_path[1..].iter_mut().zip(name) {
            *dst = *src as libc::c_char;
        }
        Ok(Self {
            sun,
            len: (SUN_PATH_OFFSET + 1 + name.len()) as libc::socklen_t,
        })
    }

    /// The unnamed address: binding to it on Linux autobinds to a fresh
    /// abstract name.
    pub fn unnamed() -> Self {
        Self {
            sun: Self::empty(),
            len: SUN_PATH_OFFSET as libc::socklen_t,
        }
    }

    fn path_bytes(&self) -> &[u8] {
        let n = (self.len as usize).saturating_sub(SUN_PATH_OFFSET);
        // SAFETY: c_char and u8 have the same layout; `n` <= sun_path length
        // (guaranteed by every constructor and by `from_raw`).
        unsafe { std::slice::from_raw_parts(self.sun.sun_path.as_ptr().cast::<u8>(), n) }
    }

    /// The filesystem path, if this is a path address.
    pub fn as_pathname(&self) -> Option<&Path> {
        let bytes = self.path_bytes();
        if bytes.is_empty() || bytes[0] == 0 {
            return None;
        }
        // Drop the terminating NUL (and anything after an embedded one).
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Some(Path::new(OsStr::from_bytes(&bytes[..end])))
    }

    /// The abstract-namespace name (without the leading NUL), if this is one.
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        let bytes = self.path_bytes();
        if !bytes.is_empty() && bytes[0] == 0 {
            Some(&bytes[1..])
        } else {
            None
        }
    }

    /// Whether this is the unnamed address.
    pub fn is_unnamed(&self) -> bool {
        self.path_bytes().is_empty()
    }
}

impl codec::AddrCodec for UnixAddr {
    const FAMILY: libc::c_int = libc::AF_UNIX;

    fn to_raw(&self) -> RawSockAddr {
        // SAFETY: sockaddr_storage is plain old data.
        let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
        // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_un.
        unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), self.sun) };
        RawSockAddr::from_parts(storage, self.len)
    }

    fn from_raw(raw: &RawSockAddr) -> io::Result<Self> {
        // recvfrom(2)/recvmsg(2) write no address at all (length 0) for a
        // datagram from an unbound Unix socket: that sender is unnamed.
        // Rejecting it would lose a datagram the kernel already dequeued.
        if raw.is_empty() {
            return Ok(Self::unnamed());
        }
        if raw.family() as libc::c_int != libc::AF_UNIX {
            return Err(wrong_family(libc::AF_UNIX, raw.family()));
        }
        let mut len = raw.len() as usize;
        // A path filling all of sun_path has no room for its NUL, yet the
        // kernel counts one: it reports sizeof(sockaddr_un) + 1 (unix(7),
        // BUGS). The path is the whole of sun_path.
        if len == mem::size_of::<libc::sockaddr_un>() + 1 {
            len -= 1;
        }
        if len < SUN_PATH_OFFSET || len > mem::size_of::<libc::sockaddr_un>() {
            return Err(invalid_input(libc::EINVAL, "sockaddr_un length out of range"));
        }
        // SAFETY: family checked; storage is aligned and large enough.
        let sun: libc::sockaddr_un = unsafe { std::ptr::read((raw.storage() as *const libc::sockaddr_storage).cast()) };
        Ok(Self {
            sun,
            len: len as libc::socklen_t,
        })
    }
}

impl SocketAddress for UnixAddr {}

impl PartialEq for UnixAddr {
    fn eq(&self, other: &Self) -> bool {
        self.path_bytes() == other.path_bytes()
    }
}

impl Eq for UnixAddr {}

impl std::hash::Hash for UnixAddr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.path_bytes().hash(state);
    }
}

impl fmt::Display for UnixAddr {
    /// Paths print as themselves, abstract names as `@name` (non-printable
    /// bytes escaped), the unnamed address as `(unnamed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.as_pathname() {
            write!(f, "{}", p.display())
        } else if let Some(name) = self.as_abstract_name() {
            write!(f, "@{}", name.escape_ascii())
        } else {
            f.write_str("(unnamed)")
        }
    }
}

impl fmt::Debug for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnixAddr({self})")
    }
}

impl FromStr for UnixAddr {
    type Err = io::Error;

    /// `"@name"` is an abstract name, `""` is unnamed, anything else a path.
    fn from_str(s: &str) -> io::Result<Self> {
        if let Some(name) = s.strip_prefix('@') {
            Self::abstract_name(name.as_bytes())
        } else if s.is_empty() {
            Ok(Self::unnamed())
        } else {
            Self::new(s)
        }
    }
}

impl TryFrom<&std::os::unix::net::SocketAddr> for UnixAddr {
    type Error = io::Error;

    fn try_from(a: &std::os::unix::net::SocketAddr) -> io::Result<Self> {
        use std::os::linux::net::SocketAddrExt;
        if let Some(p) = a.as_pathname() {
            Self::new(p)
        } else if let Some(name) = a.as_abstract_name() {
            Self::abstract_name(name)
        } else {
            Ok(Self::unnamed())
        }
    }
}

impl TryFrom<&UnixAddr> for std::os::unix::net::SocketAddr {
    type Error = io::Error;

    /// Fails for the unnamed address, which `std` cannot construct.
    fn try_from(a: &UnixAddr) -> io::Result<Self> {
        use std::os::linux::net::SocketAddrExt;
        if let Some(p) = a.as_pathname() {
            Self::from_pathname(p)
        } else if let Some(name) = a.as_abstract_name() {
            Self::from_abstract_name(name)
        } else {
            Err(invalid_input(
                libc::EINVAL,
                "std::os::unix::net::SocketAddr cannot represent the unnamed address",
            ))
        }
    }
}

/// Entry points for the fuzz targets in `fuzz/` (not part of the API, may
/// change at any time): they reach the sealed kernel-form codec.
#[doc(hidden)]
pub mod fuzzing {
    use super::codec::AddrCodec;
    use super::{RawSockAddr, SocketAddrV4, SocketAddrV6, SocketAddress, UnixAddr};
    use std::io;

    /// Decodes `bytes` (zero-padded or cut to a `sockaddr_storage`) with a
    /// reported length of `len`, which may be anything a hostile or buggy
    /// kernel answer could hold, as each address type.
    #[allow(clippy::type_complexity)]
    pub fn decode(
        bytes: &[u8],
        len: u32,
    ) -> (io::Result<SocketAddrV4>, io::Result<SocketAddrV6>, io::Result<UnixAddr>) {
        let mut raw = RawSockAddr::zeroed();
        let n = bytes.len().min(std::mem::size_of::<libc::sockaddr_storage>());
        // SAFETY: `n` bytes fit in the storage; sockaddr_storage is plain
        // old data, so any bytes are a valid value.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), raw.as_mut_ptr().cast::<u8>(), n) };
        *raw.len_mut() = len;
        (
            SocketAddrV4::from_raw(&raw),
            SocketAddrV6::from_raw(&raw),
            UnixAddr::from_raw(&raw),
        )
    }

    /// Encodes `addr` in kernel form and decodes it again.
    pub fn round_trip<A: SocketAddress>(addr: &A) -> io::Result<A> {
        A::from_raw(&addr.to_raw())
    }
}

#[cfg(test)]
mod tests {
    use super::codec::AddrCodec;
    use super::*;

    #[test]
    fn v4_round_trips_through_kernel_form() {
        let a = SocketAddrV4::new([10, 1, 2, 3], 4567);
        assert_eq!(SocketAddrV4::from_raw(&a.to_raw()).unwrap(), a);
    }

    #[test]
    fn v6_round_trips_with_flowinfo_and_scope() {
        let a = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 9, 0x12345, 7);
        assert_eq!(SocketAddrV6::from_raw(&a.to_raw()).unwrap(), a);
    }

    #[test]
    fn wrong_family_is_rejected_with_names() {
        let raw = SocketAddrV4::localhost(1).to_raw();
        let err = SocketAddrV6::from_raw(&raw).unwrap_err();
        assert!(err.to_string().contains("AF_INET6"), "{err}");
        assert!(UnixAddr::from_raw(&raw).is_err());
    }

    #[test]
    fn unix_path_length_limits_are_exact() {
        let max = "a".repeat(SUN_PATH_CAPACITY - 1);
        let a = UnixAddr::new(&max).unwrap();
        assert_eq!(a.as_pathname().unwrap().as_os_str().len(), SUN_PATH_CAPACITY - 1);
        let err = UnixAddr::new("a".repeat(SUN_PATH_CAPACITY)).unwrap_err();
        assert!(err.to_string().contains("sun_path"), "{err}");
        assert_eq!(crate::error::errno_of(&err), libc::ENAMETOOLONG);
        assert!(UnixAddr::new("a\0b").is_err());
        assert!(UnixAddr::new("").is_err());
    }

    #[test]
    fn unix_kinds_round_trip() {
        for a in [
            UnixAddr::new("/tmp/x.sock").unwrap(),
            UnixAddr::abstract_name(b"\x01weird name").unwrap(),
            UnixAddr::abstract_name(b"").unwrap(),
            UnixAddr::unnamed(),
        ] {
            assert_eq!(UnixAddr::from_raw(&a.to_raw()).unwrap(), a);
        }
        assert!(UnixAddr::unnamed().is_unnamed());
        // What recvfrom(2) reports for an unbound Unix sender: no bytes at all.
        let mut empty = RawSockAddr::zeroed();
        *empty.len_mut() = 0;
        assert!(UnixAddr::from_raw(&empty).unwrap().is_unnamed());
        assert!(SocketAddrV4::from_raw(&empty).is_err());
        assert_eq!("@x".parse::<UnixAddr>().unwrap().as_abstract_name(), Some(&b"x"[..]));
    }

    #[test]
    fn fuzzing_decode_takes_any_bytes_and_length() {
        let v4 = SocketAddrV4::new([10, 0, 0, 1], 7).to_raw();
        // SAFETY: reading the initialised prefix of a plain-data storage.
        let bytes =
            unsafe { std::slice::from_raw_parts(v4.as_ptr().cast::<u8>(), mem::size_of::<libc::sockaddr_storage>()) };
        for len in [0, 1, 2, 15, 16, 28, 110, 111, 112, 128, 129, u32::MAX] {
            let (a, b, c) = fuzzing::decode(bytes, len);
            assert_eq!(a.is_ok(), len >= 16, "{len}");
            assert!(b.is_err());
            assert_eq!(c.is_ok(), len == 0, "{len}");
        }
        let (a, _, _) = fuzzing::decode(&[], 16);
        assert!(a.is_err(), "zeroed storage has family 0");
        assert_eq!(fuzzing::round_trip(&UnixAddr::unnamed()).unwrap(), UnixAddr::unnamed());
    }

    #[test]
    fn parse_errors_name_the_input() {
        let err = "300.1.1.1:80".parse::<SocketAddrV4>().unwrap_err();
        assert!(err.to_string().contains("300.1.1.1:80"));
        assert_eq!("[::1]:80".parse::<SocketAddrV6>().unwrap().port(), 80);
    }
}
