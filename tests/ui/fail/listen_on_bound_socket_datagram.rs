// `BoundSocket<D, T>` is generic over T, but listen exists only for Stream:
// a `BoundSocket<Ipv4, Datagram>` (reachable only by adopting a descriptor)
// cannot listen.
use wirelane::{BoundSocket, Datagram, Ipv4};

fn listen_udp(socket: BoundSocket<Ipv4, Datagram>) {
    let _listener = socket.listen(128);
}

fn main() {}
