//! `BoundSocket<D, T>`: a connection-oriented socket (stream or
//! seqpacket) bound to a local address.

use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};

use super::raw::Transition;
use super::{Listener, socket_state};
use crate::domain::{ConnectionOriented, Domain, SockType, Stream};
use crate::error::TransitionError;
use crate::sys;

/// A connection-oriented socket ([`Stream`], or
/// [`SeqPacket`](crate::SeqPacket)) bound to a local address, not yet
/// listening.
///
/// Its one transition is [`listen`](BoundSocket::listen). (A bound socket
/// that should connect out, to pick its source address, is built with
/// [`ConnectorBuilder::local_addr`](crate::ConnectorBuilder::local_addr).)
/// Bound datagram sockets are [`BoundDatagram`](crate::BoundDatagram).
pub struct BoundSocket<D: Domain, T: SockType = Stream> {
    fd: OwnedFd,
    _marker: PhantomData<(D, T)>,
}

socket_state!(BoundSocket<D: Domain, T: SockType>);

impl<D: Domain, T: ConnectionOriented> BoundSocket<D, T> {
    /// Starts listening (`listen(2)`) with a queue of up to `backlog`
    /// pending connections; the kernel caps it at
    /// `/proc/sys/net/core/somaxconn`.
    ///
    /// On failure the bound socket is returned in the error.
    pub fn listen(self, backlog: u32) -> Transition<Listener<D, T>, Self> {
        let backlog = backlog.min(libc::c_int::MAX as u32) as libc::c_int;
        match sys::listen(self.as_fd(), backlog) {
            Ok(()) => Ok(Listener::from_fd(self.into_fd())),
            Err(e) => Err(TransitionError::new(e, self)),
        }
    }
}
