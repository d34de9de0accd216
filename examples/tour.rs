//! A guided tour of every Wirelane socket state, on loopback.
//!
//! Run with `cargo run --example tour`. Each step prints the state type it
//! produced and what the kernel did. Nothing leaves the machine.

use std::io::{Read, Write};
use std::net::Shutdown;
use std::time::Duration;

use wirelane::{
    ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6, Stream, Unix,
    UnixAddr,
};

/// Prints one step of the tour: the Rust type and what happened.
fn step(ty: &str, what: impl std::fmt::Display) {
    println!("  {ty:<38} {what}");
}

fn tcp_v4() -> std::io::Result<()> {
    println!("\n== TCP over IPv4: the state diagram, edge by edge ==");
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    step(
        "RawSocket<Ipv4, Stream>",
        format!("socket() -> fd {}", std::os::fd::AsRawFd::as_raw_fd(&socket)),
    );

    let bound = socket.bind(SocketAddrV4::localhost(0))?;
    step(
        "BoundSocket<Ipv4, Stream>",
        format!("bind() -> {}", bound.local_addr()?),
    );

    let listener = bound.listen(128)?;
    let addr = listener.local_addr()?;
    step("Listener<Ipv4>", format!("listen(128) on {addr}"));

    let mut client = RawSocket::<Ipv4, Stream>::new()?.connect(addr)?;
    step(
        "ConnectedStream<Ipv4>",
        format!("connect() {} -> {}", client.local_addr()?, client.peer_addr()?),
    );

    let (mut server, peer) = listener.accept_with_addr()?;
    step("ConnectedStream<Ipv4>", format!("accept() from {peer}"));

    client.write_all(b"hello, typestate")?;
    client.shutdown(Shutdown::Write)?;
    let mut got = String::new();
    server.read_to_string(&mut got)?;
    step(
        "",
        format!("server read {got:?}, then end-of-stream after shutdown(Write)"),
    );

    println!("\n== Failure hands the socket back ==");
    let taken = listener.local_addr()?;
    let socket = RawSocket::<Ipv4, Stream>::new()?;
    let socket = match socket.bind(taken) {
        Ok(_) => unreachable!("the port is held by our listener"),
        Err(e) => {
            step("TransitionError<RawSocket>", format!("bind({taken}) failed: {e}"));
            e.into_socket()
        }
    };
    let bound = socket.bind(SocketAddrV4::localhost(0))?;
    step(
        "BoundSocket<Ipv4, Stream>",
        format!("same socket, retried on {}", bound.local_addr()?),
    );

    println!("\n== Non-blocking connect ==");
    let pending = RawSocket::<Ipv4, Stream>::new()?.connect_nonblocking(addr)?;
    step(
        "PendingConnect<Ipv4>",
        "connect() returned EINPROGRESS (or completed at once)",
    );
    pending.wait(Some(Duration::from_secs(5)))?;
    match pending.take_error()? {
        None => {
            let conn = pending.finish()?;
            step(
                "ConnectedStream<Ipv4>",
                format!("finish() -> peer {}", conn.peer_addr()?),
            );
        }
        Some(e) => return Err(e),
    }
    let _accepted = listener.accept()?;

    println!("\n== Non-blocking accept ==");
    listener.set_nonblocking(true)?;
    let none = listener.try_accept()?;
    step(
        "Listener<Ipv4>",
        format!("try_accept() with nothing queued -> {:?}", none.map(|_| "a connection")),
    );
    Ok(())
}

fn tcp_v6() -> std::io::Result<()> {
    println!("\n== TCP over IPv6 ==");
    let listener = RawSocket::<Ipv6, Stream>::new()?
        .bind(SocketAddrV6::localhost(0))?
        .listen(16)?;
    let client = RawSocket::<Ipv6, Stream>::new()?.connect(listener.local_addr()?)?;
    let server = listener.accept()?;
    client.send(b"v6")?;
    let mut buf = [0u8; 2];
    server.recv(&mut buf)?;
    step(
        "ConnectedStream<Ipv6>",
        format!("{} -> {}: {:?}", client.local_addr()?, client.peer_addr()?, "v6"),
    );
    Ok(())
}

fn udp() -> std::io::Result<()> {
    println!("\n== UDP: bound, then connected ==");
    let a = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
    let b = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
    step(
        "BoundDatagram<Ipv4>",
        format!("a on {}, b on {}", a.local_addr()?, b.local_addr()?),
    );
    a.send_to(b"ping", &b.local_addr()?)?;
    let mut buf = [0u8; 16];
    let (n, from) = b.recv_from(&mut buf)?;
    step(
        "",
        format!("b.recv_from() -> {:?} from {from}", String::from_utf8_lossy(&buf[..n])),
    );

    let a_addr = a.local_addr()?;
    let b = b.connect(a_addr)?;
    step(
        "ConnectedDatagram<Ipv4>",
        format!("b.connect({a_addr}): send/recv without addresses"),
    );
    b.send(b"pong")?;
    let (n, _) = a.recv_from(&mut buf)?;
    step("", format!("a got {:?}", String::from_utf8_lossy(&buf[..n])));

    let stranger = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
    stranger.send_to(b"spoof", &b.local_addr()?)?;
    a.send_to(b"real", &b.local_addr()?)?;
    b.set_read_timeout(Some(Duration::from_secs(2)))?;
    let n = b.recv(&mut buf)?;
    step(
        "",
        format!(
            "kernel filtered the stranger: b.recv() -> {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
    );
    Ok(())
}

fn unix() -> std::io::Result<()> {
    println!("\n== Unix domain ==");
    let name = format!("wirelane-tour-{}", std::process::id());
    let listener = RawSocket::<Unix, Stream>::new()?
        .bind(UnixAddr::abstract_name(name.as_bytes())?)?
        .listen(8)?;
    step("Listener<Unix>", format!("abstract address {}", listener.local_addr()?));
    let client = RawSocket::<Unix, Stream>::new()?.connect(listener.local_addr()?)?;
    let server = listener.accept()?;
    let cred = server.peer_credentials()?;
    step(
        "ConnectedStream<Unix>",
        format!("peer pid {} uid {} gid {} (SO_PEERCRED)", cred.pid, cred.uid, cred.gid),
    );
    drop(client);

    match UnixAddr::new("/tmp/".to_string() + &"x".repeat(120)) {
        Ok(_) => unreachable!("sun_path cannot hold it"),
        Err(e) => step("UnixAddr", format!("125-byte path rejected: {e}")),
    }

    let (left, right) = ConnectedStream::<Unix>::pair()?;
    left.send(b"pair")?;
    let mut buf = [0u8; 4];
    right.recv(&mut buf)?;
    step(
        "ConnectedStream<Unix>",
        "socketpair(): both ends connected, close-on-exec",
    );

    let (x, y) = ConnectedDatagram::<Unix>::pair()?;
    x.send(b"dgram")?;
    let mut buf = [0u8; 8];
    let n = y.recv(&mut buf)?;
    step(
        "ConnectedDatagram<Unix>",
        format!("datagram pair: {:?}", String::from_utf8_lossy(&buf[..n])),
    );
    Ok(())
}

fn zero_cost() {
    println!("\n== Zero cost ==");
    let fd = std::mem::size_of::<std::os::fd::OwnedFd>();
    step("size_of::<OwnedFd>()", fd);
    step(
        "size_of::<RawSocket<Ipv4,Stream>>()",
        std::mem::size_of::<RawSocket<Ipv4, Stream>>(),
    );
    step(
        "size_of::<ConnectedStream<Ipv6>>()",
        std::mem::size_of::<ConnectedStream<Ipv6>>(),
    );
    step(
        "size_of::<Option<Listener<Unix>>>()",
        std::mem::size_of::<Option<wirelane::Listener<Unix>>>(),
    );
}

fn main() -> std::io::Result<()> {
    println!("Wirelane tour: every socket state, on loopback");
    tcp_v4()?;
    tcp_v6()?;
    udp()?;
    unix()?;
    zero_cost();
    println!("\nDone: every transition above was checked at compile time.");
    Ok(())
}
