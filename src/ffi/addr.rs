//! `wl_addr`: a socket address as a plain C value, with parse, format and
//! `struct sockaddr` conversions.

use std::ffi::{c_char, c_int};
use std::io;
use std::mem;

use super::boundary::ffi_fn;
use super::handle::{bytes, c_str, in_ref, out_ptr};
use wirelane_core::addr::{RawSockAddr, SocketAddrV4, SocketAddrV6, UnixAddr};
use wirelane_core::ffi_support::AddrCodec;
use wirelane_core::ffi_support::{invalid_input, raw_addr_from_parts, raw_addr_storage};

/// A socket address of any supported family (IPv4, IPv6, Unix), stored the
/// way the kernel takes it: a `struct sockaddr_storage` and the length of
/// its meaningful prefix.
///
/// A plain value: copy it freely, no cleanup. `(const struct sockaddr *)&a.storage`
/// and `a.len` can be passed straight to `bind(2)`, `connect(2)` or
/// `sendto(2)`. Build one with `wl_addr_parse`, `wl_addr_ipv4`,
/// `wl_addr_ipv6`, `wl_addr_unix`, `wl_addr_unix_abstract` or
/// `wl_addr_from_sockaddr`; functions that take a `wl_addr` check the
/// family and length and fail with `-EAFNOSUPPORT` / `-EINVAL` on a
/// mismatch.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wl_addr {
    /// The address, in kernel form (`sockaddr_in`, `sockaddr_in6` or
    /// `sockaddr_un` at the start of the storage).
    pub storage: libc::sockaddr_storage,
    /// The length of the meaningful prefix of `storage`, in bytes.
    pub len: libc::socklen_t,
}

/// A buffer size that holds any formatted `wl_addr`, NUL included (the
/// longest is an abstract Unix name of 107 non-printable bytes, each shown
/// as a 4-byte `\xNN` escape).
pub const WL_ADDR_STRLEN: usize = 512;

impl wl_addr {
    /// The C form of a typed address.
    pub(crate) fn from_typed<A: AddrCodec>(addr: &A) -> Self {
        Self::from_raw(&addr.to_raw())
    }

    pub(crate) fn from_raw(raw: &RawSockAddr) -> Self {
        Self {
            storage: *raw_addr_storage(raw),
            len: raw.len(),
        }
    }

    /// The kernel form, after checking the length.
    pub(crate) fn to_raw(self) -> io::Result<RawSockAddr> {
        let cap = mem::size_of::<libc::sockaddr_storage>();
        let len = self.len as usize;
        if len < mem::size_of::<libc::sa_family_t>() || len > cap {
            return Err(invalid_input(
                libc::EINVAL,
                format!("wl_addr.len is {len}; it must be between 2 and {cap} (sizeof(struct sockaddr_storage))"),
            ));
        }
        Ok(raw_addr_from_parts(self.storage, self.len))
    }

    /// The typed address for one domain; a wrong family is `EAFNOSUPPORT`.
    pub(crate) fn to_typed<A: AddrCodec>(self) -> io::Result<A> {
        A::from_raw(&self.to_raw()?)
    }

    /// Formats the address into `out` (IPv4 `a.b.c.d:port`, IPv6
    /// `[addr]:port`, Unix path, `@abstract`, or `(unnamed)`).
    fn format(self, out: &mut impl std::fmt::Write) -> io::Result<()> {
        let raw = self.to_raw()?;
        let written = match raw.family() as c_int {
            libc::AF_INET => write!(out, "{}", SocketAddrV4::from_raw(&raw)?),
            libc::AF_INET6 => write!(out, "{}", SocketAddrV6::from_raw(&raw)?),
            libc::AF_UNIX => write!(out, "{}", UnixAddr::from_raw(&raw)?),
            other => return Err(unsupported_family(other)),
        };
        written.map_err(|_| io::Error::from_raw_os_error(libc::ENOSPC))
    }
}

fn unsupported_family(family: c_int) -> io::Error {
    invalid_input(
        libc::EAFNOSUPPORT,
        format!("address family {family} is not supported (AF_INET, AF_INET6 and AF_UNIX are)"),
    )
}

/// Parses an address: `"a.b.c.d:port"`, `"[v6]:port"` (optionally
/// `"[v6%scope]:port"`), a Unix path starting with `/` or `.`, or `"@name"`
/// for a Linux abstract Unix name.
pub(crate) fn parse(text: &str) -> io::Result<wl_addr> {
    if text.starts_with('/') || text.starts_with('.') || text.starts_with('@') {
        return text.parse::<UnixAddr>().map(|a| wl_addr::from_typed(&a));
    }
    if text.starts_with('[') {
        return text.parse::<SocketAddrV6>().map(|a| wl_addr::from_typed(&a));
    }
    match text.parse::<SocketAddrV4>() {
        Ok(a) => Ok(wl_addr::from_typed(&a)),
        Err(_) => Err(invalid_input(
            libc::EINVAL,
            format!(
                "cannot parse {text:?} as an address: expected \"a.b.c.d:port\", \"[v6]:port\", \
                 a Unix path starting with '/' or '.', or \"@abstract\""
            ),
        )),
    }
}

/// A `fmt::Write` into a fixed byte buffer that fails instead of growing.
struct FixedBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl std::fmt::Write for FixedBuf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Parses a textual address into `*out`.
///
/// Accepted forms: `"127.0.0.1:80"`, `"[::1]:80"` (and `"[fe80::1%2]:80"`
/// with a numeric scope id), a Unix socket path starting with `/` or `.`
/// (`"/run/app.sock"`, `"./app.sock"`), and `"@name"` for a Linux
/// abstract Unix name. Other relative paths: use `wl_addr_unix`.
///
/// `text` is read up to its NUL; for text that is not NUL-terminated (a
/// field of a larger buffer) use `wl_addr_parse_n`.
///
/// Returns 0, or `-EINVAL` (malformed text, `text` or `out` NULL, text not
/// UTF-8) / `-ENAMETOOLONG` (Unix path over 107 bytes); the message from
/// `wl_last_error_message` names the problem. `*out` is written only on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_parse(text: *const c_char, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_addr_parse", {
        let out = out_ptr(out, "out")?;
        // SAFETY: a non-NULL `text` is a C string (caller contract).
        let text = unsafe { c_str(text, "text") }?;
        let addr = parse(text)?;
        // SAFETY: checked non-NULL; points to a wl_addr (caller contract).
        unsafe { out.write(addr) };
        Ok(0)
    })
}

/// Builds an IPv4 address from 4 bytes in network order (`ip[0]` is the
/// first octet) and a port in host order.
///
/// Returns 0, or `-EINVAL` if `ip` or `out` is NULL. `*out` is written only
/// on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_ipv4(ip: *const u8, port: u16, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_addr_ipv4", {
        let out = out_ptr(out, "out")?;
        // SAFETY: a non-NULL `ip` points to 4 bytes (caller contract).
        let ip = unsafe { bytes(ip, 4, "ip") }?;
        let octets = [ip[0], ip[1], ip[2], ip[3]];
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_typed(&SocketAddrV4::new(octets, port))) };
        Ok(0)
    })
}

/// Builds an IPv6 address from 16 bytes in network order, a port in host
/// order, a flow label and a scope id (interface index, 0 for none).
///
/// Returns 0, or `-EINVAL` if `ip` or `out` is NULL. `*out` is written only
/// on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_ipv6(
    ip: *const u8,
    port: u16,
    flowinfo: u32,
    scope_id: u32,
    out: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_addr_ipv6", {
        let out = out_ptr(out, "out")?;
        // SAFETY: a non-NULL `ip` points to 16 bytes (caller contract).
        let ip = unsafe { bytes(ip, 16, "ip") }?;
        let mut octets = [0u8; 16];
        octets.copy_from_slice(ip);
        let addr = SocketAddrV6::new(octets, port, flowinfo, scope_id);
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// Builds a Unix address from a filesystem path (absolute or relative).
///
/// Returns 0, or `-ENAMETOOLONG` when the path does not fit `sun_path`
/// (at most 107 bytes plus the NUL; nothing is ever truncated), `-EINVAL`
/// for an empty path, a path that is not UTF-8, or a NULL argument.
/// `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_unix(path: *const c_char, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_addr_unix", {
        let out = out_ptr(out, "out")?;
        if path.is_null() {
            return Err(invalid_input(libc::EINVAL, "the string `path` is NULL"));
        }
        // SAFETY: a non-NULL path is a C string (caller contract).
        let path = unsafe { std::ffi::CStr::from_ptr(path) };
        let path = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path.to_bytes());
        let addr = UnixAddr::new(path)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// Builds a Linux abstract-namespace Unix address from `len` bytes of
/// `name` (without the leading NUL; any bytes allowed). Abstract sockets
/// have no file and no permissions: anyone in the network namespace can
/// connect.
///
/// Returns 0, or `-ENAMETOOLONG` when `len` exceeds 107, `-EINVAL` for a
/// NULL `out` (or NULL `name` with `len > 0`). `*out` is written only on
/// success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_unix_abstract(name: *const u8, len: usize, out: *mut wl_addr) -> c_int {
    ffi_fn!("wl_addr_unix_abstract", {
        let out = out_ptr(out, "out")?;
        // SAFETY: a non-NULL name points to `len` bytes (caller contract).
        let name = unsafe { bytes(name, len, "name") }?;
        let addr = UnixAddr::abstract_name(name)?;
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_typed(&addr)) };
        Ok(0)
    })
}

/// Copies a `struct sockaddr` of `len` bytes (from `accept(2)`,
/// `getaddrinfo(3)`, ...) into `*out`, checking it: the family must be
/// `AF_INET`, `AF_INET6` or `AF_UNIX` and the length must suit it.
///
/// Only the first `len` bytes of `*sa` are read: a `sockaddr_un` whose
/// `sun_path` holds 108 bytes and no NUL (`len = sizeof(struct
/// sockaddr_un)`) is a valid path address, as for the kernel.
///
/// Returns 0, or `-EAFNOSUPPORT` (other family), `-EINVAL` (length out of
/// range, NULL argument). `*out` is written only on success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_from_sockaddr(
    sa: *const libc::sockaddr,
    len: libc::socklen_t,
    out: *mut wl_addr,
) -> c_int {
    ffi_fn!("wl_addr_from_sockaddr", {
        let out = out_ptr(out, "out")?;
        if sa.is_null() {
            return Err(invalid_input(libc::EINVAL, "the argument `sa` is NULL"));
        }
        // Named here so the message says which bound was missed; checked
        // before `sa` is read at all (only `len` bytes of it are, below).
        let cap = mem::size_of::<libc::sockaddr_storage>();
        if (len as usize) < mem::size_of::<libc::sa_family_t>() || len as usize > cap {
            return Err(invalid_input(
                libc::EINVAL,
                format!(
                    "len is {len}; a sockaddr is at least its 2-byte family field (sa_family_t) \
                     and at most {cap} bytes (sizeof(struct sockaddr_storage))"
                ),
            ));
        }
        // SAFETY: `sa` points to `len` readable bytes (caller contract);
        // `from_raw` checks `len` against the storage size first.
        let raw = unsafe { RawSockAddr::from_raw(sa, len) }?;
        // Decode once to check family and length.
        match raw.family() as c_int {
            libc::AF_INET => SocketAddrV4::from_raw(&raw).map(drop)?,
            libc::AF_INET6 => SocketAddrV6::from_raw(&raw).map(drop)?,
            libc::AF_UNIX => UnixAddr::from_raw(&raw).map(drop)?,
            other => return Err(unsupported_family(other)),
        }
        // SAFETY: checked non-NULL.
        unsafe { out.write(wl_addr::from_raw(&raw)) };
        Ok(0)
    })
}

/// Formats `*addr` as text into `buf` (`len` bytes), NUL-terminated:
/// `"127.0.0.1:80"`, `"[::1]:80"`, a Unix path, `"@name"` (non-printable
/// bytes escaped as `\xNN`) or `"(unnamed)"`. A buffer of
/// `WL_ADDR_STRLEN` bytes always suffices.
///
/// Returns the text's length (without the NUL), or `-ENOSPC` when it does
/// not fit (`buf` is then left untouched), `-EINVAL` / `-EAFNOSUPPORT` for
/// a malformed address or a NULL argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_format(addr: *const wl_addr, buf: *mut c_char, len: usize) -> c_int {
    ffi_fn!("wl_addr_format", {
        // SAFETY: a non-NULL addr points to a wl_addr (caller contract).
        let addr = *unsafe { in_ref(addr, "addr") }?;
        let buf = out_ptr(buf, "buf")?;
        let mut tmp = [0u8; WL_ADDR_STRLEN];
        let mut w = FixedBuf { buf: &mut tmp, len: 0 };
        addr.format(&mut w)?;
        let n = w.len;
        if n >= len {
            return Err(invalid_input(
                libc::ENOSPC,
                format!(
                    "the formatted address needs {} bytes with its NUL; buf has {len}",
                    n + 1
                ),
            ));
        }
        // SAFETY: `buf` holds `len` > n writable bytes (caller contract).
        unsafe {
            std::ptr::copy_nonoverlapping(tmp.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
        Ok(n as c_int)
    })
}

/// The address family of `*addr`: `AF_INET`, `AF_INET6` or `AF_UNIX`.
///
/// Returns the family, or `-EINVAL` (NULL or bad length) /
/// `-EAFNOSUPPORT` (another family).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_family(addr: *const wl_addr) -> c_int {
    ffi_fn!("wl_addr_family", {
        // SAFETY: a non-NULL addr points to a wl_addr (caller contract).
        let addr = *unsafe { in_ref(addr, "addr") }?;
        let family = addr.to_raw()?.family() as c_int;
        match family {
            libc::AF_INET | libc::AF_INET6 | libc::AF_UNIX => Ok(family),
            other => Err(unsupported_family(other)),
        }
    })
}

/// The port of an IPv4 or IPv6 address, in host order (0..=65535).
///
/// Returns the port, or `-EAFNOSUPPORT` for a Unix address, `-EINVAL` for
/// a NULL or malformed address.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wl_addr_port(addr: *const wl_addr) -> c_int {
    ffi_fn!("wl_addr_port", {
        // SAFETY: a non-NULL addr points to a wl_addr (caller contract).
        let addr = *unsafe { in_ref(addr, "addr") }?;
        let raw = addr.to_raw()?;
        match raw.family() as c_int {
            libc::AF_INET => Ok(c_int::from(SocketAddrV4::from_raw(&raw)?.port())),
            libc::AF_INET6 => Ok(c_int::from(SocketAddrV6::from_raw(&raw)?.port())),
            libc::AF_UNIX => Err(invalid_input(libc::EAFNOSUPPORT, "a Unix address has no port")),
            other => Err(unsupported_family(other)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn fmt(a: wl_addr) -> String {
        let mut s = String::new();
        a.format(&mut s).unwrap();
        s
    }

    #[test]
    fn parse_and_format_round_trip() {
        for text in ["127.0.0.1:80", "[::1]:8080", "/tmp/x.sock", "./rel.sock", "@abs"] {
            assert_eq!(fmt(parse(text).unwrap()), text);
        }
        assert!(parse("localhost:80").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn fixed_buf_refuses_overflow() {
        let mut b = [0u8; 4];
        let mut w = FixedBuf { buf: &mut b, len: 0 };
        assert!(w.write_str("abcde").is_err());
        assert!(w.write_str("abcd").is_ok());
    }
}
