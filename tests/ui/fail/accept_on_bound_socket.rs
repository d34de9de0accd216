// A bound socket must listen before it can accept.
use wirelane::{BoundSocket, Ipv4, Stream};

fn accept_too_early(bound: BoundSocket<Ipv4, Stream>) {
    let _conn = bound.accept();
}

fn main() {}
