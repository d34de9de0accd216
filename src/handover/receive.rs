//! The receiving side: a successor takes over its predecessor's sockets.

use std::io;
use std::os::fd::OwnedFd;

use super::wire;
use crate::activation::InheritedSockets;
use crate::cmsg::SCM_MAX_FD;
use crate::fdpass::recv_fds;
use crate::{ConnectedStream, Unix};

/// The byte the successor sends once it has adopted the sockets.
const ACK: u8 = b'A';

/// Receives a predecessor's [`Handover`](super::Handover): the sockets,
/// close-on-exec, with their names. Take each as its typed state (checked
/// by the kernel), then call [`acknowledge`] so the predecessor stops
/// accepting.
///
/// Errors: the channel closed first (`UnexpectedEof`); a malformed
/// message or a descriptor count that does not match the names
/// (`InvalidData`); more than 253 descriptors (`MSG_CTRUNC`, see
/// [`recv_fds`]). Every descriptor that arrived is closed on error.
pub fn receive(channel: &ConnectedStream<Unix>) -> io::Result<InheritedSockets> {
    let mut buf = vec![0u8; wire::MAX_MESSAGE];
    let (mut len, fds) = recv_fds(channel, &mut buf, SCM_MAX_FD)?;
    if len == 0 {
        return Err(closed_before_message());
    }
    // The data may arrive in pieces; the descriptors came with the first,
    // so a signal from here on is retried: returning EINTR would close
    // sockets that no retry of this call could receive again.
    while needs_more(&buf[..len])? {
        let n = match channel.recv(&mut buf[len..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Err(closed_mid_message(len));
        }
        len += n;
    }
    assemble(&buf[..len], fds)
}

/// The channel closed before anything arrived.
pub(crate) fn closed_before_message() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "handover channel closed before the predecessor sent its sockets",
    )
}

/// The channel closed after `len` bytes of the message.
pub(crate) fn closed_mid_message(len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("handover channel closed after {len} bytes of the message"),
    )
}

/// Whether the message received so far (`got`) is incomplete.
pub(crate) fn needs_more(got: &[u8]) -> io::Result<bool> {
    Ok(got.len() < wire::HEADER_LEN || got.len() < wire::total_len(got)?)
}

/// The largest handover message, for receive buffers.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) const MAX_MESSAGE: usize = wire::MAX_MESSAGE;

/// Decodes a complete message and pairs its names with the descriptors
/// that came with it (all closed on error).
pub(crate) fn assemble(msg: &[u8], fds: Vec<OwnedFd>) -> io::Result<InheritedSockets> {
    let names = wire::decode(msg)?;
    if names.len() != fds.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "handover message names {} sockets but {} descriptors arrived (all closed)",
                names.len(),
                fds.len()
            ),
        ));
    }
    let pairs: Vec<(String, OwnedFd)> = names.into_iter().zip(fds).collect();
    Ok(InheritedSockets::new("handover", pairs))
}

/// Tells the predecessor that the sockets are adopted: its
/// [`Handover::send`](super::Handover::send) returns and it stops accepting.
pub fn acknowledge(channel: &ConnectedStream<Unix>) -> io::Result<()> {
    channel.send(&[ACK]).map(drop)
}

/// The acknowledgement byte, for the async form.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) const ACK_BYTE: u8 = ACK;

/// Waits for the successor's acknowledgement.
pub(super) fn wait_for_ack(channel: &ConnectedStream<Unix>) -> io::Result<()> {
    let mut byte = [0u8; 1];
    loop {
        return match channel.recv(&mut byte) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => ack_result(other.map(|n| (n, byte[0]))),
        };
    }
}

/// What one `recv` of the acknowledgement (`(bytes, first byte)`) means.
pub(crate) fn ack_result(received: io::Result<(usize, u8)>) -> io::Result<()> {
    match received? {
        (0, _) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "successor closed the handover channel without adopting the sockets",
        )),
        (_, ACK) => Ok(()),
        (_, other) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("successor answered the handover with byte {other:#04x}, not the acknowledgement"),
        )),
    }
}
