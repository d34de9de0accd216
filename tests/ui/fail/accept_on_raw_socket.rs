// The seed: "You literally cannot call `accept()` on a `RawSocket`".
use wirelane::{Ipv4, RawSocket, Stream};

fn main() -> std::io::Result<()> {
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let _conn = socket.accept();
    Ok(())
}
