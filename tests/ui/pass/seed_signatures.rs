// The seed's signatures, in use:
//   fn connect(self, addr: D::Addr) -> Result<ConnectedStream<D>>
//   pub fn bind(self, addr: D::Addr) -> std::io::Result<BoundSocket<D, T>>
// Wirelane returns the socket on failure (TransitionError), which `?`
// turns into the seed's io::Error.
use wirelane::{
    BoundSocket, ConnectedStream, Domain, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6, Stream,
    TransitionError, Unix, UnixAddr,
};

// Generic over the domain, exactly as the seed writes them.
fn connect<D: Domain>(socket: RawSocket<D, Stream>, addr: D::Addr) -> std::io::Result<ConnectedStream<D>> {
    Ok(socket.connect(addr)?)
}

fn bind<D: Domain>(socket: RawSocket<D, Stream>, addr: D::Addr) -> std::io::Result<BoundSocket<D, Stream>> {
    Ok(socket.bind(addr)?)
}

// The methods themselves, named as function values with their full types:
// each consumes the socket (`self`) and takes the domain's address type.
type Connect<D> =
    fn(RawSocket<D, Stream>, <D as Domain>::Addr) -> Result<ConnectedStream<D>, TransitionError<RawSocket<D, Stream>>>;

#[allow(dead_code)]
fn signatures() {
    let _: Connect<Ipv4> = RawSocket::<Ipv4, Stream>::connect;
    let _: Connect<Ipv6> = RawSocket::<Ipv6, Stream>::connect;
    let _: Connect<Unix> = RawSocket::<Unix, Stream>::connect;
    let _: fn(RawSocket<Ipv6, Stream>, SocketAddrV6) -> Result<BoundSocket<Ipv6, Stream>, _> =
        RawSocket::<Ipv6, Stream>::bind;
    let _: fn(RawSocket<Unix, Stream>, UnixAddr) -> Result<BoundSocket<Unix, Stream>, _> =
        RawSocket::<Unix, Stream>::bind;
}

fn main() -> std::io::Result<()> {
    let listener = bind(RawSocket::<Ipv4, Stream>::new()?, SocketAddrV4::localhost(0))?.listen(1)?;
    let conn = connect(RawSocket::<Ipv4, Stream>::new()?, listener.local_addr()?)?;
    assert_eq!(conn.peer_addr()?, listener.local_addr()?);
    Ok(())
}
