// A thread is blocked in `recv` on `a`; closing `a` from another thread
// would be a use-after-close race in C. In Rust it does not compile.
use wirelane::{ConnectedStream, Unix};

fn main() {
    let (a, _b) = ConnectedStream::<Unix>::pair().unwrap();
    let borrowed = &a;
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut buf = [0u8; 1];
            let _ = borrowed.recv(&mut buf);
        });
        drop(a);
    });
}
