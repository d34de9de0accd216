//! Operations shared by the two connected states, [`ConnectedStream`] and
//! [`ConnectedDatagram`]: the peer is fixed, so sends and receives take no
//! address.
//!
//! [`ConnectedStream`]: super::ConnectedStream
//! [`ConnectedDatagram`]: super::ConnectedDatagram

/// Implements the connected-peer operations on one state type.
macro_rules! connected_ops {
    ($name:ident < $($param:ident : $bound:path),+ >) => {
        impl<$($param: $bound),+> $name<$($param),+> {
            /// Sends bytes to the peer (`send(2)` with `MSG_NOSIGNAL`);
            /// returns how many were queued. A closed peer gives `EPIPE`
            /// (`ErrorKind::BrokenPipe`), never `SIGPIPE`.
            pub fn send(&self, buf: &[u8]) -> std::io::Result<usize> {
                $crate::sys::send(std::os::fd::AsFd::as_fd(self), buf, 0)
            }

            /// [`send`](Self::send) with extra `MSG_*` flags.
            pub fn send_with_flags(&self, buf: &[u8], flags: $crate::MsgFlags) -> std::io::Result<usize> {
                $crate::sys::send(std::os::fd::AsFd::as_fd(self), buf, flags.bits())
            }

            /// Sends a gather list in one `sendmsg(2)` (with `MSG_NOSIGNAL`).
            pub fn send_vectored(&self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
                $crate::sys::send_vectored(std::os::fd::AsFd::as_fd(self), bufs, 0)
            }

            /// Receives bytes from the peer (`recv(2)`).
            pub fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                $crate::sys::recv(std::os::fd::AsFd::as_fd(self), buf, 0)
            }

            /// [`recv`](Self::recv) with `MSG_*` flags (`PEEK`, `DONTWAIT`,
            /// `WAITALL`, `TRUNC`, ...).
            pub fn recv_with_flags(&self, buf: &mut [u8], flags: $crate::MsgFlags) -> std::io::Result<usize> {
                $crate::sys::recv(std::os::fd::AsFd::as_fd(self), buf, flags.bits())
            }

            /// Receives into a scatter list in one `recvmsg(2)`.
            pub fn recv_vectored(&self, bufs: &mut [std::io::IoSliceMut<'_>]) -> std::io::Result<usize> {
                $crate::sys::recv_vectored(std::os::fd::AsFd::as_fd(self), bufs, 0).map(|(n, _)| n)
            }

            /// Reads without consuming (`MSG_PEEK`): the next receive
            /// returns the same bytes.
            pub fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.recv_with_flags(buf, $crate::MsgFlags::PEEK)
            }

            /// The peer's address (`getpeername(2)`).
            pub fn peer_addr(&self) -> std::io::Result<D::Addr> {
                $crate::socket::peer_addr_of(std::os::fd::AsFd::as_fd(self))
            }

            /// A second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`),
            /// for example one thread reading while another writes.
            pub fn try_clone(&self) -> std::io::Result<Self> {
                std::os::fd::AsFd::as_fd(self)
                    .try_clone_to_owned()
                    .map(Self::from_fd)
            }
        }
    };
}

pub(crate) use connected_ops;
