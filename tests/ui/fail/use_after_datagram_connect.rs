// BoundDatagram::connect() consumes the BoundDatagram: no send_to afterwards.
use wirelane::{BoundDatagram, Ipv4, SocketAddrV4};

fn lock_to_peer(socket: BoundDatagram<Ipv4>, peer: SocketAddrV4) -> std::io::Result<()> {
    let _quic = socket.connect(peer)?;
    socket.send_to(b"packet", &peer)?;
    Ok(())
}

fn main() {}
