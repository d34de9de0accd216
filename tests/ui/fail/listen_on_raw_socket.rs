// listen() needs a bound socket: RawSocket has no listen.
use wirelane::{Ipv4, RawSocket, Stream};

fn listen_unbound(socket: RawSocket<Ipv4, Stream>) {
    let _listener = socket.listen(128);
}

fn main() {}
