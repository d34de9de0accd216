//! Robust stream helpers, in the spirit of Bitcoin Core's `Sock` wrapper but
//! without panics: deadline-bounded, cancellable [`send_all`], a
//! [`recv_until`] that never consumes past its terminator, a non-consuming
//! liveness probe ([`is_connected`]), readiness waits on any descriptor
//! ([`wait`]) and errno classification ([`is_transient`], [`errno_name`]).
//!
//! The methods are inherent on [`ConnectedStream`](crate::ConnectedStream)
//! and work whether the socket is blocking or not: they use `MSG_DONTWAIT`
//! for each call and `poll(2)` for the waiting, bounded by the deadline.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use wirelane::ConnectedStream;
//! # fn main() -> std::io::Result<()> {
//! let (a, b) = ConnectedStream::pair()?;
//! let deadline = Instant::now() + Duration::from_secs(5);
//! a.send_all(b"HELLO\r\nrest", deadline, None)?;
//! assert_eq!(b.recv_until(b"\r\n", 1024, deadline)?, b"HELLO\r\n");
//! let mut rest = [0; 4];
//! assert_eq!(b.recv(&mut rest)?, 4); // "rest" was not consumed
//! # Ok(()) }
//! ```
//!
//! [`send_all`]: crate::ConnectedStream::send_all
//! [`recv_until`]: crate::ConnectedStream::recv_until
//! [`is_connected`]: crate::ConnectedStream::is_connected

mod errno;
mod liveness;
mod recv_until;
mod send_all;
mod wait;

pub use errno::{errno_name, is_transient};
pub use liveness::Liveness;
pub use send_all::SendAllError;
pub use wait::{Readiness, wait};

use std::io;
use std::time::{Duration, Instant};

/// The time left until `deadline`, or `None` once it has passed.
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
}

/// Whether an error from a send/recv/poll is `EINTR`.
fn interrupted(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Interrupted
}
