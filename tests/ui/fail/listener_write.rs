// A listener carries no data: no Write impl.
use std::io::Write;
use wirelane::{Ipv4, Listener};

fn write_listener(mut listener: Listener<Ipv4>) {
    let _ = listener.write(b"hello");
}

fn main() {}
