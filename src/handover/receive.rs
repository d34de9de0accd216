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
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "handover channel closed before the predecessor sent its sockets",
        ));
    }
    // The data may arrive in pieces; the descriptors came with the first.
    while len < wire::HEADER_LEN || len < wire::total_len(&buf[..len])? {
        let n = channel.recv(&mut buf[len..])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("handover channel closed after {len} bytes of the message"),
            ));
        }
        len += n;
    }
    let names = wire::decode(&buf[..len])?;
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

/// Waits for the successor's acknowledgement.
pub(super) fn wait_for_ack(channel: &ConnectedStream<Unix>) -> io::Result<()> {
    let mut byte = [0u8; 1];
    loop {
        return match channel.recv(&mut byte) {
            Ok(0) => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "successor closed the handover channel without adopting the sockets",
            )),
            Ok(_) if byte[0] == ACK => Ok(()),
            Ok(_) => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "successor answered the handover with byte {:#04x}, not the acknowledgement",
                    byte[0]
                ),
            )),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => Err(e),
        };
    }
}
