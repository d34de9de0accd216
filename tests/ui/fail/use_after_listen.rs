// listen() consumes the BoundSocket.
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn main() -> std::io::Result<()> {
    let bound = RawSocket::<Ipv4, Stream>::new()?.bind(SocketAddrV4::localhost(0))?;
    let _listener = bound.listen(128)?;
    println!("{:?}", bound.local_addr());
    Ok(())
}
