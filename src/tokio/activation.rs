//! Socket activation and listener handover inside tokio: inherited
//! descriptors adopted as registered [`Async`] states, and the handover's
//! send, receive and acknowledgement as futures over an
//! `Async<ConnectedStream<Unix>>` channel.
//!
//! ```no_run
//! use wirelane::tokio::Async;
//! use wirelane::{ConnectedStream, Ipv4, Listener, Unix, activation, handover};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! // Read the environment before the runtime starts threads, in real code.
//! let listener: Async<Listener<Ipv4>> = match handover::channel_from_env()? {
//!     Some(channel) => {
//!         let channel = Async::new(channel)?;
//!         let mut sockets = handover::receive_async(&channel).await?;
//!         let listener = sockets.take_named_async("web")?;
//!         handover::acknowledge_async(&channel).await?;
//!         listener
//!     }
//!     None => activation::listen_fds()?.take_named_async("web")?,
//! };
//! # drop(listener); Ok(()) }
//! ```

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use tokio::io::Interest;
use tokio::runtime::Handle;

use super::Async;
use crate::activation::InheritedSockets;
use crate::cmsg::SCM_MAX_FD;
use crate::fdpass::{recv_fds, send_fds};
use crate::handover::Handover;
use crate::handover::receive::{
    ACK_BYTE, MAX_MESSAGE, ack_result, assemble, closed_before_message, closed_mid_message, needs_more,
};
use crate::{ConnectedStream, TransitionError, Unix};

/// The error for adopting outside a runtime, before anything is taken.
fn no_runtime() -> io::Error {
    io::Error::other(
        "no tokio runtime: adopting an inherited socket as Async must happen inside a tokio runtime \
         (with IO enabled); the descriptor stays in the set",
    )
}

impl InheritedSockets {
    /// [`take`](Self::take), then registered with the current tokio
    /// runtime as `Async<S>` (`Async<Listener<Ipv4>>`,
    /// `Async<BoundDatagram<Unix>>`, ...), non-blocking.
    ///
    /// Errors as for `take` (the descriptor stays in the set); outside a
    /// runtime, an error before anything is taken.
    pub fn take_async<S>(&mut self, index: usize) -> io::Result<Async<S>>
    where
        S: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>> + AsFd,
    {
        Handle::try_current().map_err(|_| no_runtime())?;
        Async::new(self.take::<S>(index)?)
    }

    /// [`take_named`](Self::take_named), then registered as `Async<S>`;
    /// see [`take_async`](Self::take_async).
    pub fn take_named_async<S>(&mut self, name: &str) -> io::Result<Async<S>>
    where
        S: TryFrom<OwnedFd, Error = TransitionError<OwnedFd>> + AsFd,
    {
        Handle::try_current().map_err(|_| no_runtime())?;
        Async::new(self.take_named::<S>(name)?)
    }
}

impl Handover<'_> {
    /// [`send`](Handover::send) without blocking the runtime: sends the
    /// sockets and names in one message, then waits for the successor's
    /// acknowledgement. When it returns `Ok`, stop accepting, drain, exit.
    ///
    /// Cancel safety: not cancel-safe once the message is out. Dropping
    /// the future before the send leaves nothing sent; dropping it after
    /// may leave the successor holding the sockets too (harmless: both
    /// processes share them), with no acknowledgement read. Keep serving
    /// until this returns.
    pub async fn send_async(&self, channel: &Async<ConnectedStream<Unix>>) -> io::Result<()> {
        let msg = self.encode()?;
        let fds = self.fds();
        let mut sent = channel.io_op(Interest::WRITABLE, |s| send_fds(s, &msg, fds)).await?;
        while sent < msg.len() {
            sent += channel.io_op(Interest::WRITABLE, |s| s.send(&msg[sent..])).await?;
        }
        let mut byte = [0u8; 1];
        let received = channel.io_op(Interest::READABLE, |s| s.recv(&mut byte)).await;
        ack_result(received.map(|n| (n, byte[0])))
    }
}

/// [`receive`](crate::handover::receive) without blocking the runtime.
///
/// Cancel safety: cancel-safe while waiting for the message (nothing is
/// read before it arrives). The sender writes the message in one
/// `sendmsg`, so it normally arrives whole; should it come in pieces and
/// the future be dropped in between, the descriptors that came are closed.
pub async fn receive_async(channel: &Async<ConnectedStream<Unix>>) -> io::Result<InheritedSockets> {
    let mut buf = vec![0u8; MAX_MESSAGE];
    let (mut len, fds) = channel
        .io_op(Interest::READABLE, |s| recv_fds(s, &mut buf, SCM_MAX_FD))
        .await?;
    if len == 0 {
        return Err(closed_before_message());
    }
    while needs_more(&buf[..len])? {
        let n = channel.io_op(Interest::READABLE, |s| s.recv(&mut buf[len..])).await?;
        if n == 0 {
            return Err(closed_mid_message(len));
        }
        len += n;
    }
    assemble(&buf[..len], fds)
}

/// [`acknowledge`](crate::handover::acknowledge) without blocking the
/// runtime. Cancel-safe: a dropped future has sent nothing.
pub async fn acknowledge_async(channel: &Async<ConnectedStream<Unix>>) -> io::Result<()> {
    channel
        .io_op(Interest::WRITABLE, |s| s.send(&[ACK_BYTE]))
        .await
        .map(drop)
}
