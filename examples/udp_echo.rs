//! A UDP echo server (the one of Wirelane's original design).
//!
//! `cargo run --example udp_echo [PORT]` (default 9000). Sends every
//! datagram back to its sender.

use wirelane::{DatagramBuilder, Ipv4, SocketAddrV4};

fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(9000), |p| p.parse())
        .map_err(std::io::Error::other)?;
    let socket = DatagramBuilder::<Ipv4>::new().bind(SocketAddrV4::new([0, 0, 0, 0], port))?;

    println!("Listening on {}", socket.local_addr()?); // host and port

    let mut buf = [0u8; 1500];
    loop {
        let (n, sender) = socket.recv_from(&mut buf)?;
        socket.send_to(&buf[..n], &sender)?;
    }
}
