// A ConnectedDatagram is locked to one peer, so it has no send_to. This is
// stricter than the kernel: Linux lets sendto(2) on a connected UDP or Unix
// datagram socket name ANOTHER address and delivers there, bypassing the
// peer the type promises (checked on Linux 6.18, see tests/states.rs
// `connected_udp_sendto_elsewhere_is_a_kernel_bypass`).
use wirelane::{ConnectedDatagram, Ipv4, SocketAddrV4};

fn send_to_someone_else(socket: &ConnectedDatagram<Ipv4>) {
    let _ = socket.send_to(b"packet", &SocketAddrV4::localhost(9));
}

fn main() {}
