//! Splitting an `Async<ConnectedStream<D>>` into read and write halves:
//! borrowed ([`split`](Async::split)) and owned
//! ([`into_split`](Async::into_split), put back with
//! [`OwnedReadHalf::reunite`]), following `tokio::net::TcpStream`.

use std::error::Error;
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Async;
use crate::ConnectedStream;
use crate::domain::Domain;

/// The read half of a borrowed [`split`](Async::split).
#[derive(Debug)]
pub struct ReadHalf<'a, D: Domain>(&'a Async<ConnectedStream<D>>);

/// The write half of a borrowed [`split`](Async::split);
/// `poll_shutdown` shuts down the write direction of the whole socket.
#[derive(Debug)]
pub struct WriteHalf<'a, D: Domain>(&'a Async<ConnectedStream<D>>);

/// The owned read half from [`into_split`](Async::into_split).
#[derive(Debug)]
pub struct OwnedReadHalf<D: Domain>(Arc<Async<ConnectedStream<D>>>);

/// The owned write half from [`into_split`](Async::into_split).
#[derive(Debug)]
pub struct OwnedWriteHalf<D: Domain>(Arc<Async<ConnectedStream<D>>>);

/// The halves given to [`OwnedReadHalf::reunite`] came from different
/// streams; both are handed back unchanged.
#[derive(Debug)]
pub struct ReuniteError<D: Domain>(pub OwnedReadHalf<D>, pub OwnedWriteHalf<D>);

impl<D: Domain> fmt::Display for ReuniteError<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl<D: Domain + fmt::Debug> Error for ReuniteError<D> {}

impl<D: Domain> Async<ConnectedStream<D>> {
    /// Borrowed halves that can be used concurrently (e.g. in
    /// `tokio::join!`); no allocation.
    pub fn split(&mut self) -> (ReadHalf<'_, D>, WriteHalf<'_, D>) {
        (ReadHalf(self), WriteHalf(self))
    }

    /// Owned halves that can move to different tasks; put them back
    /// together with [`OwnedReadHalf::reunite`].
    pub fn into_split(self) -> (OwnedReadHalf<D>, OwnedWriteHalf<D>) {
        let shared = Arc::new(self);
        (OwnedReadHalf(shared.clone()), OwnedWriteHalf(shared))
    }
}

impl<D: Domain> OwnedReadHalf<D> {
    /// Puts the stream back together, tokio's convention: called on the
    /// read half with the write half. Halves of different streams give a
    /// [`ReuniteError`] holding both.
    pub fn reunite(self, other: OwnedWriteHalf<D>) -> Result<Async<ConnectedStream<D>>, ReuniteError<D>> {
        if !Arc::ptr_eq(&self.0, &other.0) {
            return Err(ReuniteError(self, other));
        }
        drop(other);
        // Exactly two references existed and one was just dropped.
        Arc::try_unwrap(self.0).map_err(|_| unreachable_reunite())
    }
}

/// Only reachable if a half were cloned, which the API does not allow.
fn unreachable_reunite<D: Domain>() -> ReuniteError<D> {
    unreachable!("an owned half is never cloned, so two matching halves hold the only references")
}

macro_rules! read_half {
    ($ty:ty) => {
        /// Reads like the whole stream (cancel-safe).
        impl<D: Domain> AsyncRead for $ty {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                self.0.poll_read_ref(cx, buf)
            }
        }
    };
}

macro_rules! write_half {
    ($ty:ty) => {
        /// Writes like the whole stream; `poll_shutdown` is `SHUT_WR`.
        impl<D: Domain> AsyncWrite for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.0.poll_write_ref(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.0.poll_write_vectored_ref(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.0.shutdown_write())
            }
        }
    };
}

read_half!(ReadHalf<'_, D>);
read_half!(OwnedReadHalf<D>);
write_half!(WriteHalf<'_, D>);
write_half!(OwnedWriteHalf<D>);
