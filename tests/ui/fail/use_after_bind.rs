// bind() consumes the RawSocket: it cannot be used afterwards.
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn main() -> std::io::Result<()> {
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let _bound = socket.bind(SocketAddrV4::localhost(0))?;
    let _again = socket.bind(SocketAddrV4::localhost(0))?;
    Ok(())
}
