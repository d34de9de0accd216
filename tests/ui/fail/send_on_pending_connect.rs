// A connect in flight is not a connection: finish() it first.
use wirelane::{Ipv4, PendingConnect};

fn send_too_early(pending: &PendingConnect<Ipv4>) {
    let _ = pending.send(b"GET / HTTP/1.1\r\n\r\n");
}

fn main() {}
