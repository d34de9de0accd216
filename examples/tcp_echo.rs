//! A TCP echo server (the one of Wirelane's original design).
//!
//! `cargo run --example tcp_echo [PORT]` (default 8080). Echoes every byte
//! back; one thread per connection.

use std::io::{Read, Write};
use wirelane::{Ipv4, ListenerBuilder, SocketAddrV4};

fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(8080), |p| p.parse())
        .map_err(std::io::Error::other)?;
    let listener = ListenerBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .bind(SocketAddrV4::new([0, 0, 0, 0], port))?;

    println!("Listening on {}", listener.local_addr()?); // host and port

    loop {
        let mut conn = listener.accept()?;
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = conn.read(&mut buf) {
                if n == 0 {
                    break;
                }
                conn.write_all(&buf[..n]).ok();
            }
        });
    }
}
