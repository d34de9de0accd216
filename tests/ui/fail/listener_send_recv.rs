// A listener carries no data: no send or recv.
use wirelane::{Listener, Unix};

fn send_on_listener(listener: &Listener<Unix>) {
    let _ = listener.send(b"hello");
}

fn recv_on_listener(listener: &Listener<Unix>) {
    let mut buf = [0u8; 16];
    let _ = listener.recv(&mut buf);
}

fn main() {}
