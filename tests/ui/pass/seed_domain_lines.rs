// The seed's "Same code structure, different protocols" lines.
use wirelane::{Datagram, Ipv4, Ipv6, RawSocket, Stream, Unix};

fn make_all() -> std::io::Result<()> {
    // Same code structure, different protocols
    let tcp4 = RawSocket::<Ipv4, Stream>::new()?;
    let tcp6 = RawSocket::<Ipv6, Stream>::new()?;
    let udp4 = RawSocket::<Ipv4, Datagram>::new()?;
    let unix = RawSocket::<Unix, Stream>::new()?;
    let _: (RawSocket<Ipv4, Stream>, RawSocket<Ipv6, Stream>) = (tcp4, tcp6);
    let _: (RawSocket<Ipv4, Datagram>, RawSocket<Unix, Stream>) = (udp4, unix);
    // The combinations the seed's diagram names but does not spell out.
    let _udp6 = RawSocket::<Ipv6, Datagram>::new()?;
    let _unix_dgram = RawSocket::<Unix, Datagram>::new()?;
    Ok(())
}

fn main() {
    make_all().unwrap();
}
