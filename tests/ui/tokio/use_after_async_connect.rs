// The async connect consumes the Async<RawSocket>; the connected stream is a
// new value, and the raw socket cannot be used again.
use wirelane::tokio::Async;
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

async fn connect_twice(socket: Async<RawSocket<Ipv4, Stream>>) {
    let _conn = socket.connect(SocketAddrV4::localhost(9)).await;
    let _again = socket.connect(SocketAddrV4::localhost(9)).await;
}

fn main() {}
