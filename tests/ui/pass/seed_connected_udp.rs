// The seed's "QUIC needs connected UDP" snippet, run on loopback.
use std::time::Duration;
use wirelane::{BoundDatagram, Datagram, Ipv4, RawSocket, SocketAddrV4};

fn quic_like(bound_udp: BoundDatagram<Ipv4>, peer: SocketAddrV4, packet: &[u8]) -> std::io::Result<()> {
    // QUIC uses "connected" UDP for kernel-level peer filtering
    let quic = bound_udp.connect(peer)?;
    quic.send(packet)?; // No address lookup, kernel filters incoming
    Ok(())
}

fn main() -> std::io::Result<()> {
    let server = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
    server.set_read_timeout(Some(Duration::from_secs(10)))?;
    let client = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
    let client_addr = client.local_addr()?;
    quic_like(client, server.local_addr()?, b"initial")?;
    let mut buf = [0u8; 16];
    let (n, from) = server.recv_from(&mut buf)?;
    assert_eq!((&buf[..n], from), (&b"initial"[..], client_addr));
    Ok(())
}
