// A listener carries no data: Async<Listener<D>> is not AsyncRead.
use tokio::io::AsyncReadExt;
use wirelane::tokio::Async;
use wirelane::{Ipv4, Listener};

async fn read_listener(mut listener: Async<Listener<Ipv4>>) {
    let mut buf = [0u8; 16];
    let _ = listener.read(&mut buf).await;
}

fn main() {}
