// The seed: `bound.connect(addr)?; // compile-time error: invalid transition`.
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn main() -> std::io::Result<()> {
    let addr = SocketAddrV4::new([0, 0, 0, 0], 8080);
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let bound = socket.bind(addr)?;
    bound.connect(addr)?;
    Ok(())
}
