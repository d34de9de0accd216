// A BoundDatagram talks to anyone, so every send names its peer (send_to):
// there is no address-less send until it is connected.
use wirelane::{BoundDatagram, Ipv4};

fn send_without_peer(socket: &BoundDatagram<Ipv4>) {
    let _ = socket.send(b"packet");
}

fn main() {}
