// Domain is sealed: no domain can be added outside the crate.
use wirelane::{Domain, SocketAddrV4};

#[derive(Clone, Copy, Default)]
struct Bluetooth;

impl Domain for Bluetooth {
    type Addr = SocketAddrV4;
    const FAMILY: i32 = 31;
    const NAME: &'static str = "Bluetooth";
}

fn main() {}
