//! `Async<ConnectedStream<D>>`: `AsyncRead`, `AsyncWrite`, readiness, peek.

use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::unix::AsyncFdReadyGuard;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::Async;
use crate::domain::Domain;
use crate::{ConnectedStream, sys};

/// One `recv(2)` into the unfilled part of `buf`, without initialising it.
pub(super) fn recv_into(stream: &ConnectedStream<impl Domain>, buf: &mut ReadBuf<'_>) -> io::Result<()> {
    // SAFETY: recv writes at most `unfilled.len()` bytes and we mark only
    // the bytes it reports as initialised.
    let unfilled = unsafe { buf.unfilled_mut() };
    let n = sys::cvt_size(unsafe {
        libc::recv(
            stream.as_fd().as_raw_fd(),
            unfilled.as_mut_ptr().cast(),
            unfilled.len(),
            0,
        )
    })?;
    // SAFETY: the kernel initialised `n` bytes.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(())
}

/// Polls one non-blocking syscall under a readiness guard: retries after
/// clearing readiness on `WouldBlock`.
pub(super) fn poll_io<'a, R>(
    mut poll_ready: impl FnMut(&mut Context<'_>) -> Poll<io::Result<AsyncFdReadyGuard<'a, std::os::fd::RawFd>>>,
    cx: &mut Context<'_>,
    mut op: impl FnMut() -> io::Result<R>,
) -> Poll<io::Result<R>> {
    loop {
        let mut guard = ready!(poll_ready(cx)).map_err(super::core::readiness_error)?;
        match guard.try_io(|_| op()) {
            Ok(result) => return Poll::Ready(result),
            Err(_would_block) => continue,
        }
    }
}

impl<D: Domain> Async<ConnectedStream<D>> {
    /// Waits until the socket is readable (data, end of stream or error).
    ///
    /// Cancel safety: cancel-safe (it only waits).
    pub async fn readable(&self) -> io::Result<()> {
        self.io()?
            .readable()
            .await
            .map(|mut guard| guard.retain_ready())
            .map_err(super::core::readiness_error)
    }

    /// Waits until the socket is writable.
    ///
    /// Cancel safety: cancel-safe (it only waits).
    pub async fn writable(&self) -> io::Result<()> {
        self.io()?
            .writable()
            .await
            .map(|mut guard| guard.retain_ready())
            .map_err(super::core::readiness_error)
    }

    /// Receives into `buf` without removing the data from the socket
    /// (`recv(2)` with `MSG_PEEK`); the next read returns it again.
    ///
    /// Cancel safety: cancel-safe.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io_op(Interest::READABLE, |s| sys::recv(s.as_fd(), buf, libc::MSG_PEEK))
            .await
    }

    /// Polls a read into `buf` through a shared reference (used by
    /// `AsyncRead` here and by the split halves).
    pub(super) fn poll_read_ref(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let io = self.io()?;
        poll_io(|cx| io.poll_read_ready(cx), cx, || recv_into(self.get_ref(), buf))
    }

    /// Polls one `send(2)` (`MSG_NOSIGNAL`) through a shared reference.
    pub(super) fn poll_write_ref(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let io = self.io()?;
        poll_io(|cx| io.poll_write_ready(cx), cx, || self.get_ref().send(buf))
    }

    /// Polls one vectored `sendmsg(2)` (`MSG_NOSIGNAL`) through a shared reference.
    pub(super) fn poll_write_vectored_ref(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let io = self.io()?;
        poll_io(|cx| io.poll_write_ready(cx), cx, || self.get_ref().send_vectored(bufs))
    }

    /// `shutdown(SHUT_WR)`: the peer reads end of stream.
    pub(super) fn shutdown_write(&self) -> io::Result<()> {
        self.get_ref().shutdown(std::net::Shutdown::Write)
    }
}

/// Reads with one `recv(2)` per readiness; cancel-safe like tokio's
/// `TcpStream` (a dropped read has consumed nothing).
impl<D: Domain> AsyncRead for Async<ConnectedStream<D>> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_read_ref(cx, buf)
    }
}

/// Writes with `send(2)`/`sendmsg(2)` and `MSG_NOSIGNAL` (a closed peer is
/// `BrokenPipe`, never `SIGPIPE`); vectored writes are one `sendmsg`.
/// `poll_flush` has nothing to do; `poll_shutdown` is `shutdown(SHUT_WR)`.
impl<D: Domain> AsyncWrite for Async<ConnectedStream<D>> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_ref(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_vectored_ref(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.get_mut().shutdown_write())
    }
}
