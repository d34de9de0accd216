// A datagram connect completes at once (nothing goes on the wire): there is
// no non-blocking variant and no PendingConnect for datagrams.
use wirelane::{Datagram, Ipv4, RawSocket, SocketAddrV4};

fn connect_udp_later(socket: RawSocket<Ipv4, Datagram>) {
    let _pending = socket.connect_nonblocking(SocketAddrV4::localhost(9));
}

fn main() {}
