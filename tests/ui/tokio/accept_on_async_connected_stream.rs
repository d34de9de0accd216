// accept exists on Async<Listener<D>> only: a connected stream accepts nothing.
use wirelane::tokio::Async;
use wirelane::{ConnectedStream, Ipv4};

async fn accept_on_stream(stream: Async<ConnectedStream<Ipv4>>) {
    let _ = stream.accept().await;
}

fn main() {}
