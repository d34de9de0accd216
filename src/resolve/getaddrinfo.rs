//! `getaddrinfo(3)` / `freeaddrinfo(3)`: the system resolver, with errors
//! that name the host and the `EAI_*` code, and a timeout implemented by
//! resolving on a helper thread (the call itself cannot be cancelled).

use std::ffi::{CStr, CString};
use std::io;
use std::sync::mpsc;
use std::time::Duration;

use super::InetAddr;
use crate::addr::codec::AddrCodec;
use crate::addr::{RawSockAddr, SocketAddrV4, SocketAddrV6};
use crate::error::invalid_input;

/// glibc's `EAI_NODATA` (the name exists but has no address); not in `libc`.
const EAI_NODATA: i32 = -5;
/// glibc's `EAI_ADDRFAMILY` (no address in the requested family); not in `libc`.
const EAI_ADDRFAMILY: i32 = -9;

/// A failed lookup: the host and the resolver's `EAI_*` code.
///
/// It is the source of the `io::Error` that [`resolve`] returns; the C ABI
/// maps it to an errno with [`errno`](Self::errno).
#[derive(Debug, thiserror::Error)]
#[error("failed to resolve {host:?}: {name} ({message})")]
pub struct ResolveError {
    host: String,
    code: i32,
    name: &'static str,
    message: String,
}

impl ResolveError {
    /// The host that was looked up.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The `EAI_*` code `getaddrinfo` returned (negative on glibc).
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The errno the C ABI reports for it: `ENOENT` for a name that does
    /// not exist or has no address, `EAGAIN` for a temporary failure,
    /// `ENOMEM`, `EAFNOSUPPORT`, or `EIO`.
    pub fn errno(&self) -> i32 {
        match self.code {
            libc::EAI_NONAME | EAI_NODATA | EAI_ADDRFAMILY => libc::ENOENT,
            libc::EAI_AGAIN => libc::EAGAIN,
            libc::EAI_MEMORY => libc::ENOMEM,
            libc::EAI_FAMILY => libc::EAFNOSUPPORT,
            _ => libc::EIO,
        }
    }
}

/// The `EAI_*` constant's name.
fn eai_name(code: i32) -> &'static str {
    match code {
        libc::EAI_AGAIN => "EAI_AGAIN",
        libc::EAI_BADFLAGS => "EAI_BADFLAGS",
        libc::EAI_FAIL => "EAI_FAIL",
        libc::EAI_FAMILY => "EAI_FAMILY",
        libc::EAI_MEMORY => "EAI_MEMORY",
        libc::EAI_NONAME => "EAI_NONAME",
        EAI_NODATA => "EAI_NODATA",
        EAI_ADDRFAMILY => "EAI_ADDRFAMILY",
        libc::EAI_SERVICE => "EAI_SERVICE",
        libc::EAI_SOCKTYPE => "EAI_SOCKTYPE",
        libc::EAI_OVERFLOW => "EAI_OVERFLOW",
        _ => "EAI_?",
    }
}

/// Resolves `host` (a name, or an IPv4/IPv6 literal, brackets allowed) to
/// every address the system resolver returns, in its order, with `port`.
///
/// Duplicates are removed. Errors: `InvalidInput` for an empty host or one
/// containing a NUL byte; `NotFound` for a name that does not exist or has
/// no address (`EAI_NONAME`, `EAI_NODATA`); other `EAI_*` failures as an
/// error of kind `Other` whose source is a [`ResolveError`]; `EAI_SYSTEM`
/// as the OS error. Every message names the host.
pub fn resolve(host: &str, port: u16) -> io::Result<Vec<InetAddr>> {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if bare.is_empty() {
        return Err(invalid_input(libc::EINVAL, "cannot resolve an empty host name"));
    }
    let c_host = CString::new(bare)
        .map_err(|_| invalid_input(libc::EINVAL, format!("host name {host:?} contains a NUL byte")))?;
    // SAFETY: an all-zero addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    // One entry per address: without a type hint each comes back three
    // times (stream, datagram, raw).
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C strings and hints; `list` receives an allocation we free.
    let code = unsafe { libc::getaddrinfo(c_host.as_ptr(), std::ptr::null(), &hints, &mut list) };
    if code != 0 {
        return Err(lookup_error(host, code));
    }
    let list = AddrInfoList(list);
    let mut out = Vec::new();
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list getaddrinfo returned, alive until `list` drops.
        let ai = unsafe { &*cur };
        if let Some(mut addr) = typed(ai) {
            match &mut addr {
                InetAddr::V4(a) => a.set_port(port),
                InetAddr::V6(a) => a.set_port(port),
            }
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
        cur = ai.ai_next;
    }
    if out.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("failed to resolve {host:?}: no IPv4 or IPv6 address"),
        ));
    }
    Ok(out)
}

/// [`resolve`] bounded by `timeout` (`None`: no bound, resolve on the
/// caller's thread). The lookup runs on a helper thread because
/// `getaddrinfo` cannot be interrupted; after a timeout (`TimedOut`, naming
/// the host) that thread finishes the lookup on its own and exits.
pub fn resolve_timeout(host: &str, port: u16, timeout: Option<Duration>) -> io::Result<Vec<InetAddr>> {
    let Some(timeout) = timeout else {
        return resolve(host, port);
    };
    let (tx, rx) = mpsc::sync_channel(1);
    let owned = host.to_owned();
    std::thread::Builder::new()
        .name("wirelane-resolve".into())
        .spawn(move || {
            // The receiver may be gone after a timeout: nothing to report to.
            let _ = tx.send(resolve(&owned, port));
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("resolving {host:?} timed out after {timeout:?}"),
        )),
    }
}

/// The `io::Error` for a non-zero `getaddrinfo` return.
fn lookup_error(host: &str, code: i32) -> io::Error {
    if code == libc::EAI_SYSTEM {
        let os = io::Error::last_os_error();
        return io::Error::new(os.kind(), format!("failed to resolve {host:?}: EAI_SYSTEM ({os})"));
    }
    // SAFETY: gai_strerror returns a static NUL-terminated string.
    let message = unsafe { CStr::from_ptr(libc::gai_strerror(code)) }
        .to_string_lossy()
        .into_owned();
    let kind = match code {
        libc::EAI_NONAME | EAI_NODATA | EAI_ADDRFAMILY => io::ErrorKind::NotFound,
        _ => io::ErrorKind::Other,
    };
    let error = ResolveError {
        host: host.to_owned(),
        code,
        name: eai_name(code),
        message,
    };
    io::Error::new(kind, error)
}

/// One `addrinfo` entry as a typed address; `None` for other families.
fn typed(ai: &libc::addrinfo) -> Option<InetAddr> {
    if ai.ai_addr.is_null() {
        return None;
    }
    let mut raw = RawSockAddr::zeroed();
    let len = (ai.ai_addrlen as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
    // SAFETY: `ai_addr` holds `ai_addrlen` bytes; the storage is large enough for `len`.
    unsafe { std::ptr::copy_nonoverlapping(ai.ai_addr.cast::<u8>(), raw.as_mut_ptr().cast::<u8>(), len) };
    *raw.len_mut() = len as libc::socklen_t;
    match ai.ai_family {
        libc::AF_INET => SocketAddrV4::from_raw(&raw).ok().map(InetAddr::V4),
        libc::AF_INET6 => SocketAddrV6::from_raw(&raw).ok().map(InetAddr::V6),
        _ => None,
    }
}

/// Owns a `getaddrinfo` result and frees it exactly once.
struct AddrInfoList(*mut libc::addrinfo);

impl Drop for AddrInfoList {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful getaddrinfo and is freed once.
        unsafe { libc::freeaddrinfo(self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_the_network() {
        assert_eq!(
            resolve("127.0.0.1", 7).unwrap(),
            vec![InetAddr::V4(SocketAddrV4::localhost(7))]
        );
        assert_eq!(
            resolve("[::1]", 7).unwrap(),
            vec![InetAddr::V6(SocketAddrV6::localhost(7))]
        );
    }

    #[test]
    fn bad_names_are_clear_errors() {
        let e = resolve("", 1).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let e = resolve("a\0b", 1).unwrap_err();
        assert!(e.to_string().contains("NUL"), "{e}");
        let e = resolve("no-such-host.invalid", 1).unwrap_err();
        assert!(e.to_string().contains("no-such-host.invalid"), "{e}");
        assert!(e.to_string().contains("EAI_"), "{e}");
    }
}
