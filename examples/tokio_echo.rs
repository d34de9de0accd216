//! A TCP echo server on `wirelane::tokio`: the typestate inside tokio.
//!
//! `cargo run --features tokio --example tokio_echo [PORT]` (default 8080).
//! The listener is made with `ListenerBuilder` (Layer 0), wrapped in
//! `Async` (Layer 1), and every accepted `Async<ConnectedStream<Ipv4>>` is
//! served by its own task through tokio's `AsyncRead`/`AsyncWrite`.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::tokio::Async;
use wirelane::{Ipv4, ListenerBuilder, SocketAddrV4};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .map_or(Ok(8080), |p| p.parse())
        .map_err(std::io::Error::other)?;
    let listener = ListenerBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .bind(SocketAddrV4::localhost(port))?;
    let local = listener.local_addr()?;
    let listener = Async::new(listener)?;

    println!("Listening on {local}");

    loop {
        let (mut conn, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            loop {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if conn.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
    }
}
