// A TCP connection cannot connect again.
use wirelane::{ConnectedStream, Ipv4, SocketAddrV4};

fn reconnect(conn: ConnectedStream<Ipv4>) {
    let _ = conn.connect(SocketAddrV4::localhost(9));
}

fn main() {}
