// An unconnected stream socket has nothing to read: no Read impl, no recv.
use std::io::Read;
use wirelane::{Ipv4, RawSocket, Stream};

fn read_unconnected(mut socket: RawSocket<Ipv4, Stream>) {
    let mut buf = [0u8; 16];
    let _ = socket.read(&mut buf);
    let _ = socket.recv(&mut buf);
}

fn main() {}
