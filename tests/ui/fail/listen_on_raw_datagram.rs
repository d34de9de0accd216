// Datagram sockets never listen.
use wirelane::{Datagram, Ipv4, RawSocket};

fn listen_udp(socket: RawSocket<Ipv4, Datagram>) {
    let _listener = socket.listen(128);
}

fn main() {}
