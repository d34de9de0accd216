//! Error types.
//!
//! Every fallible call returns [`std::io::Error`], so Wirelane composes with
//! `std` and `?`. Two additions:
//!
//! - [`TransitionError`]: a state transition that fails gives the caller
//!   its socket back, in the spirit of `FromUtf8Error::into_bytes`. Nothing is
//!   lost: retry `bind` on another port, or `finish` a pending connect later.
//!   It converts into `io::Error` so `?` works in `io::Result` functions
//!   (the socket is then closed).
//! - [`InputError`]: bad input detected before any syscall (an over-long
//!   Unix path, a malformed address string, an out-of-range option) is an
//!   `io::Error` of kind `InvalidInput` whose message names the problem and
//!   which still carries the errno a C caller sees (see [`errno_of`]).
//! - [`Explained`]: an OS error whose usual cause the library can name (a
//!   kernel without MPTCP, a group outside `net.ipv4.ping_group_range`, a
//!   missing `CAP_NET_RAW`); same kind and errno, a message that says why.
//! - [`MessageTruncated`]: a message-preserving receive (`SOCK_SEQPACKET`,
//!   ICMP echo) whose message did not fit the buffer (`MSG_TRUNC`).

use std::borrow::Cow;
use std::fmt;
use std::io;

/// A failed state transition: the OS error plus the socket, unharmed.
///
/// ```
/// use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};
/// # fn main() -> std::io::Result<()> {
/// let taken = RawSocket::<Ipv4, Stream>::new()?.bind(SocketAddrV4::localhost(0))?;
/// let port = taken.local_addr()?.port();
///
/// let socket = RawSocket::<Ipv4, Stream>::new()?;
/// let socket = match socket.bind(SocketAddrV4::localhost(port)) {
///     Ok(_) => unreachable!("the port is taken"),
///     Err(e) => {
///         assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse);
///         e.into_socket() // the same fd, ready for another try
///     }
/// };
/// let bound = socket.bind(SocketAddrV4::localhost(0))?;
/// # drop(bound); Ok(()) }
/// ```
#[derive(thiserror::Error)]
#[error("{error}")]
pub struct TransitionError<S> {
    error: io::Error,
    socket: S,
}

impl<S> TransitionError<S> {
    /// Pairs an error with the socket it happened to.
    pub fn new(error: io::Error, socket: S) -> Self {
        Self { error, socket }
    }

    /// The underlying OS error.
    pub fn error(&self) -> &io::Error {
        &self.error
    }

    /// The error's kind.
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }

    /// The raw OS error code, if any (see also [`errno_of`]).
    pub fn raw_os_error(&self) -> Option<i32> {
        self.error.raw_os_error()
    }

    /// The socket, still open and in its original state.
    pub fn socket(&self) -> &S {
        &self.socket
    }

    /// Takes the socket back, dropping the error.
    pub fn into_socket(self) -> S {
        self.socket
    }

    /// Takes the error, closing the socket.
    pub fn into_error(self) -> io::Error {
        self.error
    }

    /// Takes both.
    pub fn into_parts(self) -> (io::Error, S) {
        (self.error, self.socket)
    }
}

impl<S: fmt::Debug> fmt::Debug for TransitionError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransitionError")
            .field("error", &self.error)
            .field("socket", &self.socket)
            .finish()
    }
}

impl<S> From<TransitionError<S>> for io::Error {
    /// Keeps the error and closes the socket, so `?` works in functions
    /// returning `io::Result`.
    fn from(e: TransitionError<S>) -> io::Error {
        e.error
    }
}

/// Bad input caught before any syscall: names the problem and carries the
/// errno a C caller receives for it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    errno: i32,
    message: Cow<'static, str>,
}

impl InputError {
    /// The errno this error maps to at the C ABI (`EINVAL`, `ENAMETOOLONG`, ...).
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// The message naming the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Builds an `InvalidInput` `io::Error` that carries `errno` and `message`.
pub(crate) fn invalid_input(errno: i32, message: impl Into<Cow<'static, str>>) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        InputError {
            errno,
            message: message.into(),
        },
    )
}

/// The errno that best describes `error`: the OS error code, the errno
/// carried by an [`InputError`], a mapping of the error kind, or `EIO`.
/// This is what the C ABI returns (negated).
pub fn errno_of(error: &io::Error) -> i32 {
    if let Some(code) = error.raw_os_error() {
        return code;
    }
    if let Some(inner) = error.get_ref() {
        if let Some(input) = inner.downcast_ref::<InputError>() {
            return input.errno;
        }
        if let Some(explained) = inner.downcast_ref::<Explained>() {
            return explained.errno;
        }
        if inner.is::<MessageTruncated>() {
            return libc::EMSGSIZE;
        }
    }
    match error.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => libc::EINVAL,
        io::ErrorKind::WouldBlock => libc::EAGAIN,
        io::ErrorKind::TimedOut => libc::ETIMEDOUT,
        io::ErrorKind::Interrupted => libc::EINTR,
        io::ErrorKind::UnexpectedEof => libc::ENODATA,
        io::ErrorKind::WriteZero => libc::EPIPE,
        io::ErrorKind::Unsupported => libc::EOPNOTSUPP,
        io::ErrorKind::OutOfMemory => libc::ENOMEM,
        io::ErrorKind::NotConnected => libc::ENOTCONN,
        _ => libc::EIO,
    }
}

/// An OS error whose usual cause the library names: the `io::Error` keeps
/// the kind of the errno (`PermissionDenied`, ...) and [`errno_of`] returns
/// the errno, while the message says what to change, e.g. "ICMP echo
/// sockets are not permitted for this process: its groups are outside
/// net.ipv4.ping_group_range (1 0) ...".
///
/// `io::Error::raw_os_error` is `None` for such an error (it carries a
/// message); use [`errno_of`] for the code.
#[derive(Debug, thiserror::Error)]
#[error("{message} ({})", std::io::Error::from_raw_os_error(*errno))]
pub struct Explained {
    errno: i32,
    message: String,
}

impl Explained {
    /// The errno of the failed call (`EACCES`, `EPROTONOSUPPORT`, ...).
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// The explanation (without the OS error text).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Wraps OS error `errno` with an explanation, keeping its kind.
pub(crate) fn explained(errno: i32, message: impl Into<String>) -> io::Error {
    io::Error::new(
        io::Error::from_raw_os_error(errno).kind(),
        Explained {
            errno,
            message: message.into(),
        },
    )
}

/// A message did not fit the receive buffer (`MSG_TRUNC`): the first
/// [`received`](Self::received) bytes are in the buffer and the kernel
/// discarded the rest of that message. The next receive returns the next
/// message; nothing else is lost.
///
/// It is an `io::Error` of kind `InvalidData`; [`errno_of`] (and so the C
/// ABI) gives `EMSGSIZE`. Downcast to read the sizes:
///
/// ```
/// use wirelane::ConnectedSeqPacket;
/// use wirelane::error::MessageTruncated;
/// # fn main() -> std::io::Result<()> {
/// let (a, b) = ConnectedSeqPacket::pair()?;
/// a.send(b"twelve bytes")?;
/// let mut small = [0; 6];
/// let e = b.recv(&mut small).unwrap_err();
/// let t = e.get_ref().and_then(|e| e.downcast_ref::<MessageTruncated>()).unwrap();
/// assert_eq!((t.received(), t.message_len()), (6, Some(12)));
/// assert_eq!(&small, b"twelve");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", truncated_message(*received, *len))]
pub struct MessageTruncated {
    received: usize,
    len: Option<usize>,
}

fn truncated_message(received: usize, len: Option<usize>) -> String {
    match len {
        Some(len) => format!(
            "message truncated (MSG_TRUNC): the message was {len} bytes but the buffer holds {received}; \
             the first {received} bytes were received and the rest of the message was discarded"
        ),
        None => format!(
            "message truncated (MSG_TRUNC): the message was longer than the {received}-byte buffer; \
             the first {received} bytes were received and the rest of the message was discarded"
        ),
    }
}

impl MessageTruncated {
    /// How many bytes of the message were received (the buffer's length).
    pub fn received(&self) -> usize {
        self.received
    }

    /// The whole message's length, when the kernel reports it
    /// (`SOCK_SEQPACKET` does; ICMP echo sockets do not).
    pub fn message_len(&self) -> Option<usize> {
        self.len
    }
}

/// The `MessageTruncated` error as an `io::Error`.
pub(crate) fn truncated(received: usize, len: Option<usize>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, MessageTruncated { received, len })
}
