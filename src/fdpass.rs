//! File-descriptor passing (`SCM_RIGHTS`) and credentials
//! (`SCM_CREDENTIALS`) over connected Unix sockets; see `unix(7)`.
//!
//! ```
//! use std::os::fd::OwnedFd;
//! use wirelane::ConnectedStream;
//! use wirelane::fdpass::{recv_fd, send_fd};
//! # fn main() -> std::io::Result<()> {
//! let (unix_socket, peer) = ConnectedStream::pair()?;
//! let some_file = std::fs::File::open("/dev/null")?;
//! send_fd(&unix_socket, &some_file)?;
//! let received: OwnedFd = recv_fd(&peer)?;
//! # drop(received); Ok(()) }
//! ```
//!
//! Guarantees on the receiving side:
//! - every received descriptor is close-on-exec (`MSG_CMSG_CLOEXEC` is
//!   always used);
//! - every descriptor the kernel installed is owned by an
//!   [`OwnedFd`] from the instant the syscall returns, so nothing leaks:
//!   descriptors the caller did not ask for, or that arrive with an error
//!   (truncated control data), are closed before the error is returned.
//!
//! [`send_fd`], [`recv_fd`], [`send_fds`] and [`recv_fds`] accept any
//! connected Unix socket through `AsFd`: [`ConnectedStream<Unix>`],
//! [`ConnectedDatagram<Unix>`], `std::os::unix::net::UnixStream`,
//! `tokio::net::UnixStream` or a borrowed fd, with the same guarantees.
//! The credential functions take the sealed [`UnixConnected`] trait.
//! On a stream, descriptors must travel with at least one byte of data:
//! [`send_fd`] sends one byte and [`recv_fd`] consumes it.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::cmsg::{self, CREDENTIALS_SPACE, CmsgBuffer, ControlMessage, ControlMessages, ParsedMessage, SCM_MAX_FD};
use crate::error::invalid_input;
use crate::{ConnectedDatagram, ConnectedSeqPacket, ConnectedStream, UCred, Unix, sys};

mod sealed {
    pub trait Sealed {}
}

/// A connected Unix socket that can carry descriptors and credentials:
/// [`ConnectedStream<Unix>`], [`ConnectedDatagram<Unix>`] or
/// [`ConnectedSeqPacket<Unix>`]. Sealed.
pub trait UnixConnected: AsFd + sealed::Sealed {
    /// Whether this is a stream socket (descriptors then need at least one
    /// byte of data to travel with).
    const IS_STREAM: bool;
}

impl sealed::Sealed for ConnectedStream<Unix> {}
impl UnixConnected for ConnectedStream<Unix> {
    const IS_STREAM: bool = true;
}
impl sealed::Sealed for ConnectedDatagram<Unix> {}
impl UnixConnected for ConnectedDatagram<Unix> {
    const IS_STREAM: bool = false;
}
impl sealed::Sealed for ConnectedSeqPacket<Unix> {}
impl UnixConnected for ConnectedSeqPacket<Unix> {
    const IS_STREAM: bool = false;
}

/// Room for the most descriptors one message can carry, plus credentials
/// (which the kernel adds first when `SO_PASSCRED` is on).
/// Whether `fd` is a stream socket (`SO_TYPE`). Asked only on the rare
/// paths that need it (empty data or buffer), so the fd-passing functions
/// accept any Unix socket (`std`'s or tokio's `UnixStream`, a borrowed fd)
/// at no cost on the normal path. An fd that is not a socket counts as a
/// stream, the stricter answer; `sendmsg` then reports the real problem.
fn is_stream(fd: BorrowedFd<'_>) -> bool {
    sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE).map_or(true, |t| t == libc::SOCK_STREAM)
}

const MAX_CONTROL: usize = cmsg::rights_space(SCM_MAX_FD) + CREDENTIALS_SPACE;

/// Sends one descriptor, with one byte of data (`sendmsg(2)` with
/// `SCM_RIGHTS`). The receiver gets a new descriptor for the same open
/// file description (same file offset, same flags except close-on-exec).
///
/// Pair with [`recv_fd`], which consumes the byte.
pub fn send_fd<S: AsFd + ?Sized>(socket: &S, fd: &impl AsFd) -> io::Result<()> {
    send_fds(socket, &[0], &[fd.as_fd()]).map(drop)
}

/// Receives one descriptor sent with [`send_fd`] (reads its one byte).
///
/// Errors: end of stream before anything arrived (`UnexpectedEof`); a
/// message without a descriptor (`InvalidData`); more than one descriptor
/// in the message (all are closed; see [`recv_fds`]).
pub fn recv_fd<S: AsFd + ?Sized>(socket: &S) -> io::Result<OwnedFd> {
    let mut byte = [0u8; 1];
    let (n, mut fds) = recv_fds(socket, &mut byte, 1)?;
    match fds.pop() {
        Some(fd) => Ok(fd),
        None if n == 0 && is_stream(socket.as_fd()) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "peer closed the stream before sending a descriptor",
        )),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "message carried no descriptor (SCM_RIGHTS missing)",
        )),
    }
}

/// Sends `data` with up to [`SCM_MAX_FD`] (253) descriptors in one
/// `sendmsg(2)`; returns the data bytes sent.
///
/// On a stream a short send is possible; the descriptors travel with the
/// first byte. Errors before any syscall: no descriptors or more than 253;
/// empty `data` on a stream (the kernel would drop the descriptors).
pub fn send_fds<S: AsFd + ?Sized>(socket: &S, data: &[u8], fds: &[BorrowedFd<'_>]) -> io::Result<usize> {
    if data.is_empty() && is_stream(socket.as_fd()) {
        return Err(invalid_input(
            libc::EINVAL,
            "descriptors on a stream socket need at least one byte of data",
        ));
    }
    let mut control = CmsgBuffer::<{ cmsg::rights_space(SCM_MAX_FD) }>::new();
    let len = cmsg::encode(control.as_mut_slice(), &[ControlMessage::ScmRights(fds)])?;
    sys::sendmsg(
        socket.as_fd(),
        &[IoSlice::new(data)],
        None,
        &control.as_slice()[..len],
        0,
    )
}

/// Receives data into `buf` and up to `max_fds` descriptors (1 to 253) in
/// one `recvmsg(2)`; returns the data length and the descriptors, all
/// close-on-exec.
///
/// If the peer sent more than `max_fds` descriptors, this fails with
/// `InvalidInput` naming the limit, and every descriptor that did arrive
/// is closed: none leaks and none is silently dropped. (The kernel reports
/// such overflow as `MSG_CTRUNC` without saying how many were lost; with
/// a little slack in the buffer it can also deliver a few more than asked.
/// Both cases are this error.) A message with no descriptors returns an
/// empty vector. Credentials that arrive alongside (`SO_PASSCRED`) are
/// ignored; use [`recv_with_credentials`] for those.
pub fn recv_fds<S: AsFd + ?Sized>(socket: &S, buf: &mut [u8], max_fds: usize) -> io::Result<(usize, Vec<OwnedFd>)> {
    if max_fds == 0 || max_fds > SCM_MAX_FD {
        return Err(invalid_input(
            libc::EINVAL,
            format!("max_fds is {max_fds}; it must be 1 to 253 (SCM_MAX_FD)"),
        ));
    }
    if buf.is_empty() && is_stream(socket.as_fd()) {
        return Err(invalid_input(
            libc::EINVAL,
            "receiving descriptors on a stream needs a buffer of at least one byte",
        ));
    }
    let mut control = CmsgBuffer::<MAX_CONTROL>::new();
    let room = cmsg::rights_space(max_fds) + CREDENTIALS_SPACE;
    let mut fds = Vec::with_capacity(max_fds);
    let out = sys::recvmsg(
        socket.as_fd(),
        &mut [IoSliceMut::new(buf)],
        None,
        &mut control.as_mut_slice()[..room],
        0,
        &mut |fd| fds.push(fd),
    )?;
    let arrived = fds.len();
    if out.flags & libc::MSG_CTRUNC != 0 {
        drop(fds); // closes every descriptor that arrived
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!(
                "peer sent more descriptors than max_fds ({max_fds}): at least one could not be \
                 received (control data truncated, MSG_CTRUNC); the {arrived} that arrived were closed"
            ),
        ));
    }
    if arrived > max_fds {
        drop(fds); // closes every descriptor that arrived
        return Err(invalid_input(
            libc::EMSGSIZE,
            format!(
                "peer sent {arrived} descriptors, more than max_fds ({max_fds}): {} could not be \
                 received; all {arrived} were closed",
                arrived - max_fds
            ),
        ));
    }
    Ok((out.len, fds))
}

/// Enables or disables `SO_PASSCRED` (`unix(7)`): when on, every message
/// received carries the sender's credentials (`SCM_CREDENTIALS`), checked
/// by the kernel. Turn it on in the receiver before the peer sends.
pub fn set_passcred(socket: &impl AsFd, enable: bool) -> io::Result<()> {
    sys::setsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_PASSCRED, enable.into())
}

/// Whether `SO_PASSCRED` is on.
pub fn passcred(socket: &impl AsFd) -> io::Result<bool> {
    Ok(sys::getsockopt_int(socket.as_fd(), libc::SOL_SOCKET, libc::SO_PASSCRED)? != 0)
}

/// This process's credentials as sent by [`send_with_credentials`]: its
/// pid, real uid and real gid.
pub fn own_credentials() -> UCred {
    let (pid, uid, gid) = sys::own_credentials();
    UCred { pid, uid, gid }
}

/// Sends `data` with this process's credentials attached explicitly
/// (`SCM_CREDENTIALS`: pid, real uid, real gid; see [`own_credentials`]).
/// The receiver sees them only if it has [`set_passcred`] on (in which
/// case the kernel attaches the same values even without this call).
pub fn send_with_credentials<S: UnixConnected>(socket: &S, data: &[u8]) -> io::Result<usize> {
    if S::IS_STREAM && data.is_empty() {
        return Err(invalid_input(
            libc::EINVAL,
            "credentials on a stream socket need at least one byte of data",
        ));
    }
    let mut control = CmsgBuffer::<CREDENTIALS_SPACE>::new();
    let len = cmsg::encode(
        control.as_mut_slice(),
        &[ControlMessage::ScmCredentials(own_credentials())],
    )?;
    sys::sendmsg(
        socket.as_fd(),
        &[IoSlice::new(data)],
        None,
        &control.as_slice()[..len],
        0,
    )
}

/// Receives data and the sender's credentials, if the message carries
/// them (it does when this socket has [`set_passcred`] on). Descriptors
/// that arrive with the message are closed.
pub fn recv_with_credentials<S: UnixConnected>(socket: &S, buf: &mut [u8]) -> io::Result<(usize, Option<UCred>)> {
    let mut control = CmsgBuffer::<{ CREDENTIALS_SPACE + cmsg::rights_space(16) }>::new();
    let out = sys::recvmsg(
        socket.as_fd(),
        &mut [IoSliceMut::new(buf)],
        None,
        control.as_mut_slice(),
        0,
        &mut |fd| drop(fd),
    )?;
    let mut cred = None;
    for msg in ControlMessages::new(&control.as_slice()[..out.control_len]) {
        if let ParsedMessage::ScmCredentials(c) = msg? {
            cred = Some(c);
        }
    }
    Ok((out.len, cred))
}
