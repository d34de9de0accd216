// A bound UDP socket is a BoundDatagram, which has no listen.
use wirelane::{BoundDatagram, Ipv4};

fn listen_udp(socket: BoundDatagram<Ipv4>) {
    let _listener = socket.listen(128);
}

fn main() {}
