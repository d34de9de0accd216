// SO_PEERCRED is a Unix-socket feature: a TCP stream has no peer_credentials.
use wirelane::{ConnectedStream, Ipv4};

fn who_is_there(conn: &ConnectedStream<Ipv4>) {
    let _ = conn.peer_credentials();
}

fn main() {}
