//! Async descriptor passing on `Async<ConnectedStream<Unix>>`, with Layer
//! 0's guarantees: received descriptors are close-on-exec, `MSG_CTRUNC`
//! is reported as an error, surplus descriptors are closed.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use tokio::io::Interest;

use super::Async;
use crate::{ConnectedStream, Unix, fdpass};

impl Async<ConnectedStream<Unix>> {
    /// Sends `data` with the descriptors `fds` (one `sendmsg(2)` with
    /// `SCM_RIGHTS`); see [`fdpass::send_fds`]. Cancel-safe: a dropped
    /// future has sent nothing.
    pub async fn send_fds(&self, data: &[u8], fds: &[BorrowedFd<'_>]) -> io::Result<usize> {
        self.io_op(Interest::WRITABLE, |s| fdpass::send_fds(s, data, fds)).await
    }

    /// Receives data and up to `max_fds` descriptors (one `recvmsg(2)`);
    /// see [`fdpass::recv_fds`]. Cancel-safe: a dropped future has
    /// received nothing, so no descriptor is lost.
    pub async fn recv_fds(&self, buf: &mut [u8], max_fds: usize) -> io::Result<(usize, Vec<OwnedFd>)> {
        self.io_op(Interest::READABLE, |s| fdpass::recv_fds(s, buf, max_fds))
            .await
    }
}
