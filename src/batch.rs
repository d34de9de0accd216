//! Batched datagrams (`sendmmsg(2)`/`recvmmsg(2)`) and UDP segmentation
//! offload (GSO, `UDP_SEGMENT`) and receive coalescing (GRO, `UDP_GRO`).
//!
//! # One syscall for many datagrams
//!
//! ```
//! use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4};
//! # fn main() -> std::io::Result<()> {
//! let rx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
//! let socket = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
//! let (addr1, addr2, addr3) = (rx.local_addr()?, rx.local_addr()?, rx.local_addr()?);
//! let messages = vec![
//!     (b"packet1".as_slice(), addr1),
//!     (b"packet2".as_slice(), addr2),
//!     (b"packet3".as_slice(), addr3),
//! ];
//! // One syscall for all three; one entry per datagram sent.
//! let sent_lens = socket.sendmmsg(&messages)?;
//! assert_eq!(sent_lens, vec![7, 7, 7]);
//!
//! use wirelane::batch::{RecvBatch, WAITFORONE};
//! let mut batch = RecvBatch::<Ipv4>::new(8, 1500)?;
//! let mut got = 0;
//! while got < 3 {
//!     got += rx.recv_batch(&mut batch, WAITFORONE)?;
//! }
//! # Ok(()) }
//! ```
//!
//! - [`BoundDatagram::sendmmsg`](crate::BoundDatagram::sendmmsg) and
//!   [`ConnectedDatagram::sendmmsg`](crate::ConnectedDatagram::sendmmsg)
//!   take a slice and return the per-datagram lengths sent (a `Vec`);
//! - [`SendBatch`] and [`RecvBatch`] are caller-owned, fixed-capacity and
//!   reusable, so a steady-state loop allocates nothing
//!   (`send_batch`/`recv_batch` on both datagram states).
//!
//! # Partial batches, empty batches, limits
//! - `sendmmsg` may send fewer messages than given (a full send buffer on
//!   a non-blocking socket, an error at message `k > 0`, or more than
//!   [`MAX_BATCH`] messages): the count returned is exact, and each sent
//!   message's byte count is reported. An error on the *first* message is
//!   returned as the error; an error on a later one ends the batch there
//!   and is reported by the kernel when that message is sent again.
//! - `recvmmsg` returns how many messages arrived. Without flags it waits
//!   for the whole batch (each receive honouring `SO_RCVTIMEO`); with
//!   [`WAITFORONE`] it waits for the first and then takes only what is
//!   already queued; with `MsgFlags::DONTWAIT` (or a non-blocking socket)
//!   an empty queue is `Err(WouldBlock)`, never `Ok(0)`. The `timeout`
//!   argument of `recvmmsg(2)` is never used: it is only checked after
//!   each datagram arrives, so it cannot bound a wait (see BUGS in
//!   `recvmmsg(2)`); use `set_read_timeout` (`SO_RCVTIMEO`) instead. A
//!   timeout with nothing received is `Err(WouldBlock)`.
//! - An empty send batch is `Ok` with nothing sent and no syscall; a
//!   receive batch of zero slots or zero-byte slots cannot be built.
//! - The kernel handles at most [`MAX_BATCH`] (`UIO_MAXIOV`, 1024)
//!   messages per call; batch capacities are limited to it.

use crate::MsgFlags;

mod gso;
mod recv;
mod send;

pub use gso::{GroRecv, MAX_UDP_SEGMENTS, SegmentedSend, Segments, max_udp_payload};
pub use recv::{RecvBatch, RecvMsg};
pub use send::SendBatch;

/// The most messages one `sendmmsg`/`recvmmsg` handles (`UIO_MAXIOV`).
pub const MAX_BATCH: usize = 1024;

/// `MSG_WAITFORONE` for `recv_batch`: block until at least one message
/// arrives, then return with what is queued (`recvmmsg(2)`).
pub const WAITFORONE: MsgFlags = MsgFlags::WAITFORONE;

/// Checks a requested batch capacity.
pub(crate) fn check_capacity(what: &str, n: usize) -> std::io::Result<()> {
    if n == 0 || n > MAX_BATCH {
        return Err(crate::error::invalid_input(
            libc::EINVAL,
            format!("{what} capacity is {n}; it must be 1 to {MAX_BATCH} (UIO_MAXIOV)"),
        ));
    }
    Ok(())
}
// The GSO/GRO switches are rows of the option table (src/options/table.rs).
pub use crate::options::{set_udp_gro, set_udp_segment, udp_gro, udp_segment};
