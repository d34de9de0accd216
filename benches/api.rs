//! The Rust API's everyday paths over loopback, with `std::net` beside
//! each one std can express: TCP ping-pong, bulk stream, UDP per packet,
//! accept rate, setting an option. (Batches are in `benches/batch.rs`,
//! GSO/GRO in `benches/gso.rs`, sendfile in `benches/sendfile.rs`; the
//! side-by-side table against raw C and Python is
//! `cargo run --release --example compare`.)
//!
//! Both sides of each pair talk to the same kind of peer, a `std` thread,
//! so only the client differs. Small sample sizes: the whole file runs in
//! about a minute. Run: `cargo bench --bench api`.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wirelane::*;

const MSG: usize = 64;
const BULK: usize = 1 << 20;

/// A std echo server on a fresh port; one connection, echoes until EOF.
fn echo_peer() -> std::net::SocketAddrV4 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = match l.local_addr().unwrap() {
        std::net::SocketAddr::V4(a) => a,
        other => panic!("{other}"),
    };
    thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        c.set_nodelay(true).unwrap();
        let mut buf = [0u8; 65536];
        while let Ok(n) = c.read(&mut buf) {
            if n == 0 || c.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    addr
}

/// A std sink: one connection, reads and discards until EOF.
fn sink_peer() -> std::net::SocketAddrV4 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = match l.local_addr().unwrap() {
        std::net::SocketAddr::V4(a) => a,
        other => panic!("{other}"),
    };
    thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        let mut buf = vec![0u8; 256 << 10];
        while let Ok(n) = c.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
    });
    addr
}

fn ping_pong(c: &mut Criterion) {
    let mut g = c.benchmark_group("tcp_pingpong_64B");
    g.throughput(Throughput::Elements(1));
    let conn = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(echo_peer().into())
        .unwrap();
    set_tcp_nodelay(&conn, true).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let msg = [1u8; MSG];
    let mut buf = [0u8; MSG];
    g.bench_function("wirelane", |b| {
        b.iter(|| {
            assert_eq!(conn.send(&msg).unwrap(), MSG);
            let mut got = 0;
            while got < MSG {
                got += conn.recv(&mut buf[got..]).unwrap();
            }
            black_box(&buf);
        })
    });
    let mut s = TcpStream::connect(echo_peer()).unwrap();
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    g.bench_function("std", |b| {
        b.iter(|| {
            assert_eq!(s.write(&msg).unwrap(), MSG);
            let mut got = 0;
            while got < MSG {
                got += s.read(&mut buf[got..]).unwrap();
            }
            black_box(&buf);
        })
    });
    g.finish();
}

fn bulk_stream(c: &mut Criterion) {
    let mut g = c.benchmark_group("tcp_bulk_1MiB");
    g.throughput(Throughput::Bytes(BULK as u64));
    let data = vec![0x42u8; BULK];
    let mut conn = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(sink_peer().into())
        .unwrap();
    g.bench_function("wirelane_write_all", |b| b.iter(|| conn.write_all(&data).unwrap()));
    let mut s = TcpStream::connect(sink_peer()).unwrap();
    g.bench_function("std_write_all", |b| b.iter(|| s.write_all(&data).unwrap()));
    g.finish();
}

fn udp_per_packet(c: &mut Criterion) {
    let mut g = c.benchmark_group("udp_send_to_recv_from_64B");
    g.throughput(Throughput::Elements(1));
    let msg = [3u8; MSG];
    let mut buf = [0u8; 2048];

    let rx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    rx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let to = rx.local_addr().unwrap();
    g.bench_function("wirelane", |b| {
        b.iter(|| {
            assert_eq!(tx.send_to(&msg, &to).unwrap(), MSG);
            black_box(rx.recv_from(&mut buf).unwrap());
        })
    });

    let srx = UdpSocket::bind("127.0.0.1:0").unwrap();
    srx.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let stx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sto = srx.local_addr().unwrap();
    g.bench_function("std", |b| {
        b.iter(|| {
            assert_eq!(stx.send_to(&msg, sto).unwrap(), MSG);
            black_box(srx.recv_from(&mut buf).unwrap());
        })
    });
    g.finish();
}

/// connect + accept + close, both ends in this thread. The client closes
/// with `SO_LINGER` 0 (an RST) so thousands of rounds leave no
/// `TIME_WAIT` sockets to exhaust the ephemeral ports; both sides pay that
/// same `setsockopt`.
fn accept_rate(c: &mut Criterion) {
    let mut g = c.benchmark_group("tcp_connect_accept");
    g.throughput(Throughput::Elements(1));
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1024)
        .unwrap();
    let addr = listener.local_addr().unwrap();
    g.bench_function("wirelane", |b| {
        b.iter(|| {
            let client = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
            let server = listener.accept().unwrap();
            set_linger(&client, Some(Duration::ZERO)).unwrap();
            drop(client);
            drop(server);
        })
    });
    let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let std_addr = std_listener.local_addr().unwrap();
    g.bench_function("std", |b| {
        b.iter(|| {
            let client = TcpStream::connect(std_addr).unwrap();
            let (server, _) = std_listener.accept().unwrap();
            set_linger(&client, Some(Duration::ZERO)).unwrap();
            drop(client);
            drop(server);
        })
    });
    g.finish();
}

fn option_set(c: &mut Criterion) {
    let mut g = c.benchmark_group("set_tcp_nodelay");
    let conn = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(echo_peer().into())
        .unwrap();
    let mut on = false;
    g.bench_function("wirelane", |b| {
        b.iter(|| {
            on = !on;
            set_tcp_nodelay(&conn, black_box(on)).unwrap();
        })
    });
    let s = TcpStream::connect(echo_peer()).unwrap();
    g.bench_function("std", |b| {
        b.iter(|| {
            on = !on;
            s.set_nodelay(black_box(on)).unwrap();
        })
    });
    g.finish();
    // Options std has no call for, for scale: a getsockopt of the large
    // TCP_INFO struct and a plain int option.
    let mut g = c.benchmark_group("options_wirelane_only");
    g.bench_function("tcp_info", |b| b.iter(|| black_box(tcp_info(&conn).unwrap())));
    g.bench_function("set_recv_buffer_size", |b| {
        b.iter(|| set_recv_buffer_size(&conn, black_box(1 << 16)).unwrap())
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
}

criterion_group! {
    name = benches;
    config = config();
    targets = ping_pong, bulk_stream, udp_per_packet, accept_rate, option_set
}
criterion_main!(benches);
