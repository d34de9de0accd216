//! Zero-copy transfers: `sendfile(2)`, `splice(2)`/`tee(2)` through pipes,
//! and `MSG_ZEROCOPY` sends with their completion notifications.
//!
//! A `read` + `send` loop copies every byte twice (kernel → user → kernel).
//! These calls keep the data in the kernel:
//!
//! - [`ConnectedStream::sendfile`](crate::ConnectedStream::sendfile): file →
//!   socket, one call; [`sendfile_all`](crate::ConnectedStream::sendfile_all)
//!   loops until done or end of file. TCP and Unix streams.
//! - [`splice`]: pipe ↔ anything (socket, file, pipe); [`splice_all`] runs the
//!   classic proxy loop (source → pipe → destination) for N bytes; [`tee`]
//!   duplicates pipe contents. [`Pipe`] makes the pipe.
//! - `MSG_ZEROCOPY` (Linux ≥ 4.14, TCP only here):
//!   [`ConnectedStream::send_zerocopy`](crate::ConnectedStream::send_zerocopy)
//!   for `'static` data, [`ZerocopySender`] for owned buffers it keeps alive
//!   until the kernel reports the send complete ([`ZerocopyCompletion`]).
//!
//! ```no_run
//! use wirelane::zerocopy::*;
//! # fn f(conn: wirelane::ConnectedStream<wirelane::Ipv4>, file: std::fs::File,
//! #      pipe_read: std::os::fd::OwnedFd, socket: wirelane::ConnectedStream<wirelane::Ipv4>)
//! #      -> std::io::Result<()> {
//! let mut offset = 0u64;
//! // sendfile: File → Socket (no userspace copy)
//! conn.sendfile(&file, Some(&mut offset), 1_000_000)?;
//! // splice: Pipe ↔ Socket (kernel-to-kernel)
//! splice(&pipe_read, None, &socket, None, 65536, SPLICE_F_MOVE)?;
//! # Ok(()) }
//! ```
//!
//! ## Naming: `splice` and `splice_simple`
//! The README uses two shapes of `splice`: the full six-argument call
//! (`splice(&pipe_read, None, &socket, None, 65536, SPLICE_F_MOVE)`) and a
//! four-argument one (`splice(&pipe, &socket, len, SPLICE_F_MOVE)`). Rust has
//! no overloading, so [`splice`] is the six-argument form, matching
//! `splice(2)` one to one, and the four-argument convenience (no offsets) is
//! [`splice_simple`].

mod msg_zerocopy;
mod pipe;
mod sendfile;
mod splice;

pub use msg_zerocopy::{ZerocopyCompletion, ZerocopySender};
// `SO_ZEROCOPY` is a row of the option table (src/options/table.rs).
pub use crate::options::{set_zerocopy, zerocopy};
pub use pipe::{Pipe, pipe};
pub use splice::{
    SPLICE_F_GIFT, SPLICE_F_MORE, SPLICE_F_MOVE, SPLICE_F_NONBLOCK, SpliceFlags, TransferError, splice, splice_all,
    splice_simple, tee,
};
