// An Async IPv4 socket takes a SocketAddrV4 (its Domain::Addr), nothing else.
use wirelane::tokio::Async;
use wirelane::{Ipv4, RawSocket, SocketAddrV6, Stream};

async fn connect_v4_to_v6(socket: Async<RawSocket<Ipv4, Stream>>) {
    let _ = socket.connect(SocketAddrV6::localhost(80)).await;
}

fn main() {}
