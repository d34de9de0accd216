//! 64 UDP datagrams over loopback: one `sendmmsg`/`recvmmsg` against a
//! per-datagram loop (wirelane and `std::net`).
//!
//! Send side and receive side are timed separately with `iter_custom`:
//! the other side's work (draining, or filling the queue) runs untimed.
//! Run: `cargo bench --bench batch`.

use std::hint::black_box;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wirelane::batch::{RecvBatch, SendBatch, WAITFORONE};
use wirelane::*;

const N: usize = 64;
const SIZE: usize = 64;

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

/// Receives exactly `n` datagrams (untimed helper).
fn drain(rx: &BoundDatagram<Ipv4>, batch: &mut RecvBatch<Ipv4>, n: usize) {
    let mut got = 0;
    while got < n {
        got += rx.recv_batch(batch, WAITFORONE).unwrap();
    }
}

fn send_side(c: &mut Criterion) {
    let rx = udp4();
    let to = rx.local_addr().unwrap();
    let tx = udp4();
    let std_tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let payloads: Vec<[u8; SIZE]> = (0..N).map(|i| [i as u8; SIZE]).collect();
    let mut rb = RecvBatch::<Ipv4>::new(N, 2048).unwrap();

    let mut g = c.benchmark_group("send_64x64B");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("wirelane_sendmmsg", |b| {
        let mut batch = SendBatch::<Ipv4>::with_capacity(N).unwrap();
        for p in &payloads {
            batch.push(p, &to).unwrap();
        }
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                black_box(tx.send_batch(&mut batch).unwrap());
                t += start.elapsed();
                drain(&rx, &mut rb, N);
            }
            t
        })
    });
    g.bench_function("wirelane_send_to_loop", |b| {
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                for p in &payloads {
                    black_box(tx.send_to(p, &to).unwrap());
                }
                t += start.elapsed();
                drain(&rx, &mut rb, N);
            }
            t
        })
    });
    g.bench_function("std_send_to_loop", |b| {
        let to = to.to_std();
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                for p in &payloads {
                    black_box(std_tx.send_to(p, to).unwrap());
                }
                t += start.elapsed();
                drain(&rx, &mut rb, N);
            }
            t
        })
    });
    g.finish();
}

fn recv_side(c: &mut Criterion) {
    let rx = udp4();
    let to = rx.local_addr().unwrap();
    let tx = udp4();
    let payloads: Vec<[u8; SIZE]> = (0..N).map(|i| [i as u8; SIZE]).collect();
    let mut batch = SendBatch::<Ipv4>::with_capacity(N).unwrap();
    for p in &payloads {
        batch.push(p, &to).unwrap();
    }
    let std_rx = std::net::UdpSocket::from(rx.try_clone().unwrap());
    let mut fill = || assert_eq!(tx.send_batch(&mut batch).unwrap(), N);

    let mut g = c.benchmark_group("recv_64x64B");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("wirelane_recvmmsg", |b| {
        let mut rb = RecvBatch::<Ipv4>::new(N, 2048).unwrap();
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                fill();
                let start = Instant::now();
                drain(&rx, &mut rb, N);
                t += start.elapsed();
            }
            t
        })
    });
    g.bench_function("wirelane_recv_from_loop", |b| {
        let mut buf = [0u8; 2048];
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                fill();
                let start = Instant::now();
                for _ in 0..N {
                    black_box(rx.recv_from(&mut buf).unwrap());
                }
                t += start.elapsed();
            }
            t
        })
    });
    g.bench_function("std_recv_from_loop", |b| {
        let mut buf = [0u8; 2048];
        b.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                fill();
                let start = Instant::now();
                for _ in 0..N {
                    black_box(std_rx.recv_from(&mut buf).unwrap());
                }
                t += start.elapsed();
            }
            t
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
    targets = send_side, recv_side
}
criterion_main!(benches);
