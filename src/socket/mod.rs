//! The socket state types: one type per kernel state, each just an
//! [`OwnedFd`](std::os::fd::OwnedFd) plus zero-sized markers.
//!
//! | state | created by | can |
//! |---|---|---|
//! | [`RawSocket<D, T>`](RawSocket) | `new()` | bind, connect, connect_nonblocking |
//! | [`BoundSocket<D, Stream>`](BoundSocket) | `RawSocket::bind` | listen |
//! | [`Listener<D>`](Listener) | `BoundSocket::listen` | accept |
//! | [`PendingConnect<D>`](PendingConnect) | `RawSocket::connect_nonblocking` | take_error, finish |
//! | [`ConnectedStream<D>`](ConnectedStream) | connect, accept, finish | read, write, send, recv, shutdown |
//! | [`BoundDatagram<D, T>`](BoundDatagram) | `RawSocket<D, T>::bind` (`T` connectionless) | send_to, recv_from, connect |
//! | [`ConnectedDatagram<D, T>`](ConnectedDatagram) | connect on a connectionless socket | send, recv |
//! | [`ConnectedSeqPacket<D>`](ConnectedSeqPacket) | connect, accept on `SeqPacket` | send, recv (whole messages), shutdown |
//!
//! `BoundSocket` and `Listener` serve both connection-oriented kinds
//! ([`Stream`](crate::Stream), [`SeqPacket`](crate::SeqPacket));
//! `BoundDatagram` and `ConnectedDatagram` serve the connectionless ones
//! (UDP, [`Icmp`](crate::Icmp) echo, [`RawIp`](crate::RawIp)), whose kind
//! is their second parameter (default [`Datagram`](crate::Datagram)).

use std::io;
use std::os::fd::BorrowedFd;
use std::time::Duration;

use crate::addr::codec::AddrCodec;
use crate::sys;

pub(crate) mod adopt;
mod bound;
mod connected;
mod create;
mod datagram;
mod flags;
pub(crate) mod icmp;
mod listener;
mod nonblocking;
mod pending;
mod raw;
mod seqpacket;
mod stream;
pub(crate) mod wake;

pub use bound::BoundSocket;
pub use datagram::{BoundDatagram, ConnectedDatagram};
pub use flags::MsgFlags;
pub use icmp::{ECHO_HEADER_LEN, EchoReply};
pub use listener::{Incoming, Listener};
pub use pending::PendingConnect;
pub use raw::RawSocket;
pub use seqpacket::ConnectedSeqPacket;
pub use stream::{ConnectedStream, UCred};

/// Reads the local address of `fd` as `A`.
pub(crate) fn local_addr_of<A: AddrCodec>(fd: BorrowedFd<'_>) -> io::Result<A> {
    A::from_raw(&sys::local_addr(fd)?)
}

/// Reads the peer address of `fd` as `A`.
pub(crate) fn peer_addr_of<A: AddrCodec>(fd: BorrowedFd<'_>) -> io::Result<A> {
    A::from_raw(&sys::peer_addr(fd)?)
}

/// Reads and clears `SO_ERROR`.
pub(crate) fn take_error_of(fd: BorrowedFd<'_>) -> io::Result<Option<io::Error>> {
    let code = sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)?;
    Ok((code != 0).then(|| io::Error::from_raw_os_error(code)))
}

/// Sets `SO_RCVTIMEO` or `SO_SNDTIMEO`.
pub(crate) fn set_timeout_of(fd: BorrowedFd<'_>, name: libc::c_int, timeout: Option<Duration>) -> io::Result<()> {
    sys::setsockopt(fd, libc::SOL_SOCKET, name, &sys::duration_to_timeval(timeout)?)
}

/// Reads `SO_RCVTIMEO` or `SO_SNDTIMEO`.
pub(crate) fn timeout_of(fd: BorrowedFd<'_>, name: libc::c_int) -> io::Result<Option<Duration>> {
    Ok(sys::timeval_to_duration(sys::getsockopt(fd, libc::SOL_SOCKET, name)?))
}

/// Implements, for one state type, what every state shares: descriptor
/// traits (`AsFd`, `AsRawFd`, `IntoRawFd`, unsafe `FromRawFd`, into
/// `OwnedFd`), `Debug`, and the inherent methods valid in any state
/// (`local_addr`, non-blocking mode, timeouts, `take_error`).
macro_rules! socket_state {
    ($name:ident < $($param:ident : $bound:path),+ >) => {
        impl<$($param: $bound),+> $name<$($param),+> {
            /// Wraps a descriptor already known to be in this state.
            pub(crate) fn from_fd(fd: std::os::fd::OwnedFd) -> Self {
                Self { fd, _marker: std::marker::PhantomData }
            }

            /// Gives up the typestate and returns the descriptor.
            // Not every state is turned back into a bare descriptor inside
            // the crate (`OwnedFd::from` is the public way).
            #[allow(dead_code)]
            pub(crate) fn into_fd(self) -> std::os::fd::OwnedFd {
                self.fd
            }

            /// The local address (`getsockname(2)`). For an unbound socket
            /// this is the wildcard address (or unnamed, for Unix sockets).
            pub fn local_addr(&self) -> std::io::Result<D::Addr> {
                $crate::socket::local_addr_of(std::os::fd::AsFd::as_fd(self))
            }

            /// Sets or clears `O_NONBLOCK` (`fcntl(2)`). In non-blocking mode,
            /// calls that would wait fail with `ErrorKind::WouldBlock`.
            pub fn set_nonblocking(&self, nonblocking: bool) -> std::io::Result<()> {
                $crate::sys::set_nonblocking(std::os::fd::AsFd::as_fd(self), nonblocking)
            }

            /// Whether `O_NONBLOCK` is set.
            pub fn is_nonblocking(&self) -> std::io::Result<bool> {
                $crate::sys::is_nonblocking(std::os::fd::AsFd::as_fd(self))
            }

            /// Sets the receive timeout (`SO_RCVTIMEO`, see `socket(7)`):
            /// blocking receives and accepts fail with `WouldBlock` after it.
            /// `None` waits forever; a zero duration is an error, as in `std`.
            pub fn set_read_timeout(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
                $crate::socket::set_timeout_of(std::os::fd::AsFd::as_fd(self), libc::SO_RCVTIMEO, timeout)
            }

            /// The receive timeout (`SO_RCVTIMEO`); `None` means none.
            pub fn read_timeout(&self) -> std::io::Result<Option<std::time::Duration>> {
                $crate::socket::timeout_of(std::os::fd::AsFd::as_fd(self), libc::SO_RCVTIMEO)
            }

            /// Sets the send timeout (`SO_SNDTIMEO`, see `socket(7)`); on
            /// Linux it also bounds a blocking `connect`. `None` waits
            /// forever; a zero duration is an error, as in `std`.
            pub fn set_write_timeout(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
                $crate::socket::set_timeout_of(std::os::fd::AsFd::as_fd(self), libc::SO_SNDTIMEO, timeout)
            }

            /// The send timeout (`SO_SNDTIMEO`); `None` means none.
            pub fn write_timeout(&self) -> std::io::Result<Option<std::time::Duration>> {
                $crate::socket::timeout_of(std::os::fd::AsFd::as_fd(self), libc::SO_SNDTIMEO)
            }

            /// Reads and clears the pending socket error (`SO_ERROR`).
            pub fn take_error(&self) -> std::io::Result<Option<std::io::Error>> {
                $crate::socket::take_error_of(std::os::fd::AsFd::as_fd(self))
            }
        }

        impl<$($param: $bound),+> std::os::fd::AsFd for $name<$($param),+> {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.fd.as_fd()
            }
        }

        impl<$($param: $bound),+> std::os::fd::AsRawFd for $name<$($param),+> {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(&self.fd)
            }
        }

        impl<$($param: $bound),+> std::os::fd::IntoRawFd for $name<$($param),+> {
            fn into_raw_fd(self) -> std::os::fd::RawFd {
                std::os::fd::IntoRawFd::into_raw_fd(self.fd)
            }
        }

        impl<$($param: $bound),+> std::os::fd::FromRawFd for $name<$($param),+> {
            /// Adopts `fd` without any check.
            ///
            /// # Safety
            /// `fd` must be an open socket owned by nobody else, of this
            /// domain and type, and in this state. Prefer
            /// `TryFrom<OwnedFd>`, which checks what the kernel can tell.
            unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> Self {
                // SAFETY: forwarded to the caller.
                Self::from_fd(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
            }
        }

        impl<$($param: $bound),+> From<$name<$($param),+>> for std::os::fd::OwnedFd {
            fn from(s: $name<$($param),+>) -> std::os::fd::OwnedFd {
                s.fd
            }
        }

        impl<$($param: $bound),+> std::fmt::Debug for $name<$($param),+> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                d.field("fd", &std::os::fd::AsRawFd::as_raw_fd(&self.fd));
                d.field("domain", &<D as $crate::Domain>::NAME);
                if let Ok(addr) = self.local_addr() {
                    d.field("local", &addr);
                }
                d.finish()
            }
        }
    };
}

pub(crate) use socket_state;
