// connect() consumes the RawSocket; the connected stream is a new value.
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn main() -> std::io::Result<()> {
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let _conn = socket.connect(SocketAddrV4::localhost(9))?;
    let _pending = socket.connect_nonblocking(SocketAddrV4::localhost(9))?;
    Ok(())
}
