// The seed's non-blocking connect snippet, verbatim inside a function, then
// run against a loopback listener.
use std::time::Duration;
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn connect_later(socket: RawSocket<Ipv4, Stream>, addr: SocketAddrV4) -> std::io::Result<()> {
    let pending = socket.connect_nonblocking(addr)?;

    // ... wait for epoll/io_uring ...
    pending.wait(Some(Duration::from_secs(10)))?;

    match pending.take_error()? {
        None => {
            #[allow(unused_variables)]
            let conn = pending.finish(); // Type transforms!
            // Now you have ConnectedStream
        }
        Some(e) => return Err(e),
    }
    Ok(())
}

fn main() {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    let addr = listener.local_addr().unwrap();
    connect_later(RawSocket::<Ipv4, Stream>::new().unwrap(), addr).unwrap();
}
