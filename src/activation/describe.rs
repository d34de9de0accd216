//! Says what a descriptor really is, for errors that name the mismatch
//! ("fd 4 is a pipe, not a socket"; "fd 3 is a listening AF_INET6 stream
//! socket").

use std::os::fd::{AsRawFd, BorrowedFd};

use crate::addr::family_name;
use crate::sys;

/// A short description of what `fd` is: the file type for a non-socket
/// (`fstat(2)`), or domain, type and listening state for a socket.
pub(crate) fn describe(fd: BorrowedFd<'_>) -> String {
    match sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN) {
        Ok(family) => {
            let ty = match sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE) {
                Ok(libc::SOCK_STREAM) => "stream",
                Ok(libc::SOCK_DGRAM) => "datagram",
                Ok(libc::SOCK_SEQPACKET) => "seqpacket",
                Ok(libc::SOCK_RAW) => "raw",
                _ => "unknown-type",
            };
            let listening = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN).unwrap_or(0) != 0;
            let state = if listening {
                "listening "
            } else if sys::peer_addr(fd).is_ok() {
                "connected "
            } else {
                ""
            };
            format!("a {state}{} {ty} socket", family_name(family))
        }
        Err(_) => file_kind(fd),
    }
}

/// The file type of a descriptor that is not a socket.
fn file_kind(fd: BorrowedFd<'_>) -> String {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat writes a full `stat` on success; the fd is borrowed, so open.
    if unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) } != 0 {
        return format!("not an open descriptor ({})", std::io::Error::last_os_error());
    }
    // SAFETY: fstat succeeded, so the struct is initialised.
    let mode = unsafe { st.assume_init() }.st_mode & libc::S_IFMT;
    let kind = match mode {
        libc::S_IFREG => "a regular file",
        libc::S_IFDIR => "a directory",
        libc::S_IFIFO => "a pipe (FIFO)",
        libc::S_IFCHR => "a character device",
        libc::S_IFBLK => "a block device",
        libc::S_IFLNK => "a symbolic link",
        _ => "an unknown kind of file",
    };
    format!("{kind}, not a socket")
}

/// `wirelane::socket::listener::Listener<wirelane::domain::Ipv4>` becomes
/// `Listener<Ipv4>`: the type as a user spells it.
pub(crate) fn short_type_name<S>() -> String {
    let full = std::any::type_name::<S>();
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}
