// Only a PendingConnect can finish a connect.
use wirelane::{Ipv4, RawSocket, Stream};

fn finish_nothing(socket: RawSocket<Ipv4, Stream>) {
    let _conn = socket.finish();
}

fn main() {}
