// socketpair(2) exists only for AF_UNIX: no pair() on TCP or UDP.
use wirelane::{ConnectedDatagram, ConnectedStream, Ipv4, Ipv6};

fn main() {
    let _tcp = ConnectedStream::<Ipv4>::pair();
    let _udp = ConnectedDatagram::<Ipv6>::pair();
}
