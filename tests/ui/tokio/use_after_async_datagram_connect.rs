// Connecting an Async<BoundDatagram> consumes it: the bound socket's
// send_to is gone once it is connected.
use wirelane::tokio::Async;
use wirelane::{BoundDatagram, Ipv4, SocketAddrV4};

async fn send_after_connect(socket: Async<BoundDatagram<Ipv4>>) {
    let _connected = socket.connect(SocketAddrV4::localhost(53));
    let _ = socket.send_to(b"x", &SocketAddrV4::localhost(53)).await;
}

fn main() {}
