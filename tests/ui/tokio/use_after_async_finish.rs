// finish consumes the Async<PendingConnect>: it cannot be polled to
// completion twice.
use wirelane::tokio::Async;
use wirelane::{Ipv4, PendingConnect};

async fn finish_twice(pending: Async<PendingConnect<Ipv4>>) {
    let _conn = pending.finish().await;
    let _again = pending.finish().await;
}

fn main() {}
