// A thread is blocked in `accept`; dropping the listener meanwhile does
// not compile.
use wirelane::{Ipv4, RawSocket, SocketAddrV4, Stream};

fn main() {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    let borrowed = &listener;
    std::thread::scope(|s| {
        s.spawn(move || borrowed.accept());
        drop(listener);
    });
}
