//! UDP GSO/GRO over loopback with 1200-byte datagrams (a QUIC-sized
//! packet): 48 packets per round (57600 bytes).
//!
//! - `gso_send_48x1200B`: the send side only (the receiver is drained
//!   untimed): one GSO send against 48 `send` calls and one `sendmmsg`.
//! - `end_to_end_48x1200B`: send and receive both timed, packets/s from
//!   sender to receiver: a send/recv loop per packet, sendmmsg+recvmmsg,
//!   GSO + recvmmsg (GRO off), and GSO + GRO (one receive for the train).
//!
//! Run: `cargo bench --bench gso`.

use std::hint::black_box;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wirelane::batch::{RecvBatch, SendBatch, WAITFORONE, set_udp_gro};
use wirelane::*;

const SEG: usize = 1200;
const N: usize = 48;

fn big_rcvbuf(s: &impl AsFd) {
    let v: libc::c_int = 8 << 20;
    // SAFETY: a valid socket and a pointer to an int of the given size.
    unsafe {
        libc::setsockopt(
            s.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&v as *const libc::c_int).cast(),
            4,
        );
    }
}

fn udp4() -> BoundDatagram<Ipv4> {
    let s = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    big_rcvbuf(&s);
    s
}

/// Sender connected to a fresh receiver (GRO as asked).
fn pair(gro: bool) -> (ConnectedDatagram<Ipv4>, BoundDatagram<Ipv4>) {
    let rx = udp4();
    set_udp_gro(&rx, gro).unwrap();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    (tx, rx)
}

/// Receives until `n` packets arrived, counting GRO segments as packets.
fn recv_packets(rx: &BoundDatagram<Ipv4>, batch: &mut RecvBatch<Ipv4>, n: usize) {
    let mut got = 0;
    while got < n {
        rx.recv_batch(batch, WAITFORONE).unwrap();
        got += batch.iter().map(|m| m.segments().count()).sum::<usize>();
    }
    assert_eq!(got, n);
}

fn send_side(c: &mut Criterion) {
    let data = vec![0x5au8; SEG * N];
    let mut g = c.benchmark_group("gso_send_48x1200B");
    g.throughput(Throughput::Elements(N as u64));

    let (tx, rx) = pair(false);
    let mut rb = RecvBatch::<Ipv4>::new(64, 2048).unwrap();
    g.bench_function("send_loop", |b| {
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                for p in data.chunks(SEG) {
                    black_box(tx.send(p).unwrap());
                }
                t += start.elapsed();
                recv_packets(&rx, &mut rb, N);
            }
            t
        })
    });
    g.bench_function("sendmmsg", |b| {
        let mut batch = SendBatch::<Ipv4>::with_capacity(N).unwrap();
        for p in data.chunks(SEG) {
            batch.push_connected(p).unwrap();
        }
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                black_box(tx.send_batch(&mut batch).unwrap());
                t += start.elapsed();
                recv_packets(&rx, &mut rb, N);
            }
            t
        })
    });
    g.bench_function("gso", |b| {
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let r = tx.send_segmented(&data, SEG as u16).unwrap();
                t += start.elapsed();
                assert!(r.offloaded);
                recv_packets(&rx, &mut rb, N);
            }
            t
        })
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let data = vec![0xa5u8; SEG * N];
    let mut g = c.benchmark_group("end_to_end_48x1200B");
    g.throughput(Throughput::Elements(N as u64));

    let (tx, rx) = pair(false);
    g.bench_function("send_recv_loop", |b| {
        let mut buf = [0u8; 2048];
        b.iter(|| {
            for p in data.chunks(SEG) {
                tx.send(p).unwrap();
            }
            for _ in 0..N {
                black_box(rx.recv_from(&mut buf).unwrap());
            }
        })
    });
    let mut rb = RecvBatch::<Ipv4>::new(64, 2048).unwrap();
    g.bench_function("sendmmsg_recvmmsg", |b| {
        let mut batch = SendBatch::<Ipv4>::with_capacity(N).unwrap();
        for p in data.chunks(SEG) {
            batch.push_connected(p).unwrap();
        }
        b.iter(|| {
            tx.send_batch(&mut batch).unwrap();
            recv_packets(&rx, &mut rb, N);
        })
    });
    g.bench_function("gso_recvmmsg", |b| {
        b.iter(|| {
            tx.send_segmented(&data, SEG as u16).unwrap();
            recv_packets(&rx, &mut rb, N);
        })
    });
    drop((tx, rx));

    let (tx, rx) = pair(true);
    g.bench_function("gso_gro", |b| {
        let mut buf = vec![0u8; 65536];
        b.iter(|| {
            tx.send_segmented(&data, SEG as u16).unwrap();
            let mut got = 0;
            while got < N {
                let r = rx.recv_gro(&mut buf).unwrap();
                got += r.segments(&buf).count();
            }
            black_box(got);
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = send_side, end_to_end
}
criterion_main!(benches);
