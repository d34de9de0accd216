//! `SO_BINDTODEVICE` (see `socket(7)`): tie a socket to one network
//! interface.

use std::io;
use std::os::fd::AsFd;

use crate::error::invalid_input;
use crate::sys;

/// Interface names are at most `IFNAMSIZ - 1` bytes plus a NUL (`netdevice(7)`).
const IFNAMSIZ: usize = libc::IFNAMSIZ;

/// Binds the socket to a network interface (`SO_BINDTODEVICE`, see
/// `socket(7)`): it then only receives packets that arrived on that
/// interface and sends through it, whatever the routing table says.
/// `None` removes the binding.
///
/// The name is checked first: it must be 1 to 15 bytes (`IFNAMSIZ - 1`)
/// without NUL, because the kernel would silently truncate a longer one.
/// An interface that does not exist gives `ENODEV`. Since Linux 5.7 any
/// process may bind a socket that is not yet bound to a device; changing
/// or removing an existing binding needs `CAP_NET_RAW` (else `EPERM`).
pub fn bind_device<S: AsFd + ?Sized>(socket: &S, interface: Option<&str>) -> io::Result<()> {
    let name = match interface {
        None => &[][..],
        Some(name) => {
            check_name(name)?;
            name.as_bytes()
        }
    };
    sys::setsockopt_bytes(socket.as_fd(), libc::SOL_SOCKET, libc::SO_BINDTODEVICE, name)
}

/// The interface the socket is bound to (`SO_BINDTODEVICE`, see
/// `socket(7)`), or `None`. A name that is not UTF-8 is an
/// `ErrorKind::InvalidData` error.
pub fn bound_device<S: AsFd + ?Sized>(socket: &S) -> io::Result<Option<String>> {
    let mut buf = [0u8; IFNAMSIZ];
    let len = sys::getsockopt_bytes(socket.as_fd(), libc::SOL_SOCKET, libc::SO_BINDTODEVICE, &mut buf)?;
    let bytes = &buf[..len.min(IFNAMSIZ)];
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    if end == 0 {
        return Ok(None);
    }
    String::from_utf8(bytes[..end].to_vec()).map(Some).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "SO_BINDTODEVICE: interface name is not UTF-8",
        )
    })
}

fn check_name(name: &str) -> io::Result<()> {
    if name.is_empty() {
        return Err(invalid_input(
            libc::EINVAL,
            "SO_BINDTODEVICE: empty interface name; pass None to remove the binding",
        ));
    }
    if name.len() >= IFNAMSIZ {
        return Err(invalid_input(
            libc::EINVAL,
            format!(
                "SO_BINDTODEVICE: interface name {name:?} is {} bytes, the limit is {} (IFNAMSIZ - 1)",
                name.len(),
                IFNAMSIZ - 1
            ),
        ));
    }
    if name.contains('\0') {
        return Err(invalid_input(
            libc::EINVAL,
            format!("SO_BINDTODEVICE: interface name {name:?} contains a NUL byte"),
        ));
    }
    Ok(())
}
