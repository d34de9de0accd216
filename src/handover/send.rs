//! The sending side: a running process passes its sockets to a successor.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use super::wire;
use crate::cmsg::SCM_MAX_FD;
use crate::error::invalid_input;
use crate::fdpass::send_fds;
use crate::{BoundDatagram, ConnectedDatagram, ConnectedStream, Domain, Listener, Unix};

mod sealed {
    pub trait Sealed {}
}

/// A socket that can be handed to a successor: [`Listener<D>`],
/// [`BoundDatagram<D>`] or [`ConnectedDatagram<D>`]. Sealed: a connected
/// stream belongs to one process's conversation and is not handed over.
pub trait Transferable: AsFd + sealed::Sealed {}

impl<D: Domain> sealed::Sealed for Listener<D> {}
impl<D: Domain> Transferable for Listener<D> {}
impl<D: Domain> sealed::Sealed for BoundDatagram<D> {}
impl<D: Domain> Transferable for BoundDatagram<D> {}
impl<D: Domain> sealed::Sealed for ConnectedDatagram<D> {}
impl<D: Domain> Transferable for ConnectedDatagram<D> {}

/// The sockets to hand over, with their names, built up then sent in one
/// message with [`send`](Self::send).
///
/// ```
/// use wirelane::handover::{self, Handover};
/// use wirelane::{ConnectedStream, Ipv4, Listener, ListenerBuilder, SocketAddrV4};
/// # fn main() -> std::io::Result<()> {
/// let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0))?;
/// let (old, new) = ConnectedStream::pair()?;
/// let successor = std::thread::spawn(move || -> std::io::Result<Listener<Ipv4>> {
///     let mut sockets = handover::receive(&new)?;
///     let listener = sockets.take_named("web")?;
///     handover::acknowledge(&new)?;
///     Ok(listener)
/// });
/// Handover::new().add("web", &listener).send(&old)?; // returns once adopted
/// drop(listener); // the old process stops accepting; the queue lives on
/// let adopted = successor.join().unwrap()?;
/// # drop(adopted); Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct Handover<'a> {
    names: Vec<String>,
    fds: Vec<BorrowedFd<'a>>,
}

impl<'a> Handover<'a> {
    /// An empty handover.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a socket under `name` (names need not be unique; the
    /// successor finds the first of a name, or goes by index).
    pub fn add(mut self, name: &str, socket: &'a impl Transferable) -> Self {
        self.push(name, socket);
        self
    }

    /// Adds a socket under `name`, by reference.
    pub fn push(&mut self, name: &str, socket: &'a impl Transferable) {
        self.names.push(name.to_owned());
        self.fds.push(socket.as_fd());
    }

    /// How many sockets are in the handover.
    pub fn len(&self) -> usize {
        self.fds.len()
    }

    /// Whether the handover is empty.
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// Sends every socket and its name in one message over `channel`, then
    /// waits for the successor's [`acknowledge`](super::acknowledge).
    ///
    /// When this returns `Ok`, the successor has adopted the sockets: stop
    /// accepting (drop the listeners: the successor's descriptors keep the
    /// sockets, and their queues, alive), drain the connections in hand and
    /// exit. No connection attempt is refused in between, since the
    /// listening socket never closes.
    ///
    /// Errors: no sockets, more than 253 (`SCM_MAX_FD`), or names longer
    /// than 64 KiB in all (`InvalidInput`); the successor closed the
    /// channel without acknowledging (`UnexpectedEof`) or sent something
    /// else (`InvalidData`). On any error the sockets are still this
    /// process's to serve.
    pub fn send(&self, channel: &ConnectedStream<Unix>) -> io::Result<()> {
        let msg = self.encode()?;
        let mut sent = send_fds(channel, &msg, &self.fds)?;
        // Once the descriptors went out with the first bytes, the rest of
        // the message must follow: a signal here is retried, since
        // returning EINTR would leave the successor half a message that
        // no retry of this call could complete.
        while sent < msg.len() {
            match channel.send(&msg[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        super::receive::wait_for_ack(channel)
    }

    /// The message's data part, after the checks [`send`](Self::send)
    /// documents.
    pub(crate) fn encode(&self) -> io::Result<Vec<u8>> {
        if self.fds.is_empty() || self.fds.len() > SCM_MAX_FD {
            return Err(invalid_input(
                libc::EINVAL,
                format!("a handover carries 1 to {SCM_MAX_FD} sockets, not {}", self.fds.len()),
            ));
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        wire::encode(&names)
    }

    /// The descriptors, in message order.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn fds(&self) -> &[BorrowedFd<'a>] {
        &self.fds
    }
}
