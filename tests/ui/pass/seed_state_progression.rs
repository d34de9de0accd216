// The seed's "Explicit State Progression" example, verbatim, plus the same
// progression run on an ephemeral port (the verbatim one binds port 8080, so
// it is compiled but not run).
use wirelane::{BoundSocket, Ipv4, Listener, RawSocket, SocketAddrV4, Stream};

#[allow(dead_code)]
fn seed_example() {
    let addr = SocketAddrV4::new([0, 0, 0, 0], 8080);

    let socket = RawSocket::<Ipv4, Stream>::new().unwrap();
    // Type: RawSocket<Ipv4, Stream>

    let bound = socket.bind(addr).unwrap();
    // Type: BoundSocket<Ipv4, Stream>

    let listener = bound.listen(128).unwrap();
    // Type: Listener<Ipv4>
    drop(listener);
}

fn main() {
    let addr = SocketAddrV4::new([127, 0, 0, 1], 0);
    let socket: RawSocket<Ipv4, Stream> = RawSocket::<Ipv4, Stream>::new().unwrap();
    let bound: BoundSocket<Ipv4, Stream> = socket.bind(addr).unwrap();
    let listener: Listener<Ipv4> = bound.listen(128).unwrap();
    assert_ne!(listener.local_addr().unwrap().port(), 0);
}
