// The seed's "Wirelane's Design Choice" snippet: new -> bind -> listen ->
// accept, with the two commented-out misuses left as comments (their
// compile errors are tests/ui/fail/accept_on_raw_socket.rs and
// connect_on_bound_socket.rs). Run on an ephemeral loopback port.
use std::time::Duration;
use wirelane::{ConnectedStream, Ipv4, RawSocket, SocketAddrV4, Stream};

fn serve_one(addr: SocketAddrV4) -> std::io::Result<(ConnectedStream<Ipv4>, SocketAddrV4)> {
    // Wirelane: state is explicit, validated at compile time
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    // socket.accept();        // ❌ compile-time error: method does not exist

    let bound = socket.bind(addr)?;
    // bound.connect(addr)?;   // ❌ compile-time error: invalid transition

    let listener = bound.listen(128)?;
    listener.set_read_timeout(Some(Duration::from_secs(10)))?;
    let local = listener.local_addr()?;
    let client = std::thread::spawn(move || RawSocket::<Ipv4, Stream>::new()?.connect(local).map_err(Into::into));
    let conn = listener.accept()?; // ✅ valid by construction
    let client: std::io::Result<ConnectedStream<Ipv4>> = client.join().unwrap();
    Ok((conn, client?.local_addr()?))
}

fn main() {
    let (conn, client_addr) = serve_one(SocketAddrV4::localhost(0)).unwrap();
    assert_eq!(conn.peer_addr().unwrap(), client_addr);
}
