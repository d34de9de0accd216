// A Unix address cannot be given to an Ipv4 socket, in any transition or send.
use wirelane::{BoundDatagram, Ipv4, RawSocket, Stream, UnixAddr};

fn connect_tcp_to_path(socket: RawSocket<Ipv4, Stream>, path: UnixAddr) {
    let _ = socket.connect(path);
}

fn send_udp_to_path(socket: &BoundDatagram<Ipv4>, path: &UnixAddr) {
    let _ = socket.send_to(b"packet", path);
}

fn main() {}
