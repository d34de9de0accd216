//! A first end-to-end check of the core transitions on loopback.
use std::io::{Read, Write};
use wirelane::*;

#[test]
fn tcp4_round_trip() {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(8)
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
    let (mut server, peer) = listener.accept_with_addr().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    client.write_all(b"hello").unwrap();
    let mut buf = [0; 5];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello");
}
