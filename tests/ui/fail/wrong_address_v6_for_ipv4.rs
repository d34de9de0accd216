// An Ipv4 socket takes a SocketAddrV4 (its Domain::Addr), nothing else.
use wirelane::{Ipv4, RawSocket, SocketAddrV6, Stream};

fn main() -> std::io::Result<()> {
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let _bound = socket.bind(SocketAddrV6::localhost(0))?;
    Ok(())
}
