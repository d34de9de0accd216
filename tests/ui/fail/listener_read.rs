// A listener carries no data: no Read impl.
use std::io::Read;
use wirelane::{Ipv4, Listener};

fn read_listener(mut listener: Listener<Ipv4>) {
    let mut buf = [0u8; 16];
    let _ = listener.read(&mut buf);
}

fn main() {}
