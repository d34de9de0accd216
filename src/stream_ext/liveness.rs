//! A non-consuming liveness probe for connected streams.

use std::io;
use std::os::fd::AsFd;

use crate::{ConnectedStream, Domain, sys};

/// What [`ConnectedStream::is_connected`] found.
#[derive(Debug)]
pub enum Liveness {
    /// The connection is up: data is waiting, or nothing is waiting and the
    /// peer has not closed.
    Open,
    /// The peer closed its side in order (FIN; end of stream): everything
    /// it sent has been read. Also what a local `shutdown(Read)` looks like.
    ClosedByPeer,
    /// The connection failed (e.g. `ECONNRESET` after a reset from the
    /// peer, `ETIMEDOUT` after keepalive gave up). Reading the error
    /// consumed it, as any receive would.
    Failed(io::Error),
}

impl Liveness {
    /// Whether this is [`Liveness::Open`].
    pub fn is_open(&self) -> bool {
        matches!(self, Liveness::Open)
    }
}

impl<D: Domain> ConnectedStream<D> {
    /// Probes the connection without consuming data: one
    /// `recv(2)` of one byte with `MSG_PEEK | MSG_DONTWAIT`, so it never
    /// blocks and never removes bytes from the queue.
    ///
    /// A peeked byte or `EAGAIN` means [`Liveness::Open`]; end of stream
    /// means [`Liveness::ClosedByPeer`]; an error means
    /// [`Liveness::Failed`]. `EINTR` is retried (a probe has no reason to
    /// report it). Note that "open" only means nothing bad has arrived yet:
    /// a vanished peer without a FIN or RST looks open until TCP notices.
    pub fn is_connected(&self) -> Liveness {
        let mut byte = [0u8; 1];
        loop {
            match sys::recv(self.as_fd(), &mut byte, libc::MSG_PEEK | libc::MSG_DONTWAIT) {
                Ok(0) => return Liveness::ClosedByPeer,
                Ok(_) => return Liveness::Open,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Liveness::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Liveness::Failed(e),
            }
        }
    }
}
