// A ConnectedDatagram only receives from its peer: the sender is known, so
// there is recv, not recv_from.
use wirelane::{ConnectedDatagram, Ipv6};

fn recv_from_peer(socket: &ConnectedDatagram<Ipv6>) {
    let mut buf = [0u8; 1500];
    let _ = socket.recv_from(&mut buf);
}

fn main() {}
