// An Async IPv4 datagram socket sends to a SocketAddrV4 only.
use wirelane::tokio::Async;
use wirelane::{BoundDatagram, Ipv4, SocketAddrV6};

async fn send_v4_to_v6(socket: Async<BoundDatagram<Ipv4>>) {
    let _ = socket.send_to(b"x", &SocketAddrV6::localhost(53)).await;
}

fn main() {}
