//! Zero heap allocations on the send/receive paths, counted by a
//! `#[global_allocator]` that counts the calling thread's allocations.
//!
//! Each test sets its sockets up first (that may allocate), then runs the
//! send/receive loop on one thread, both ends, and asserts the thread
//! allocated nothing: `ConnectedStream` (TCP, Unix; `send`/`recv`,
//! `Read`/`Write`, vectored), `BoundDatagram` (`send_to`/`recv_from`,
//! IPv4, IPv6, Unix paths), `ConnectedDatagram` (`send`/`recv`), reused
//! `SendBatch`/`RecvBatch` (`sendmmsg`/`recvmmsg`), and GSO/GRO sends and
//! receives. It also checks that a batch re-sent without changes (its
//! kernel headers reused, not rebuilt) still sends exactly what it holds
//! after every kind of change.

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;

use std::io::{IoSlice, IoSliceMut, Read, Write};

use common::{TIMEOUT, TempPath};
use wirelane::batch::{RecvBatch, SendBatch, WAITFORONE, set_udp_gro};
use wirelane::*;

const ROUNDS: usize = 500;

/// Runs `body` `ROUNDS` times (after one untimed warm-up call) and
/// asserts this thread allocated nothing meanwhile.
fn assert_no_alloc(what: &str, mut body: impl FnMut()) {
    body();
    let before = allocations();
    for _ in 0..ROUNDS {
        body();
    }
    let allocs = allocations() - before;
    assert_eq!(allocs, 0, "{what}: {allocs} heap allocations in {ROUNDS} rounds");
}

fn tcp_pair<D: Inet>(local: D::Addr) -> (ConnectedStream<D>, ConnectedStream<D>)
where
    RawSocket<D, Stream>: Sized,
{
    let listener = RawSocket::<D, Stream>::new()
        .unwrap()
        .bind(local)
        .unwrap()
        .listen(8)
        .unwrap();
    let client = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    for s in [&client, &server] {
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        set_tcp_nodelay(s, true).unwrap();
    }
    (client, server)
}

/// One 64-byte exchange each way with `send`/`recv`.
fn stream_round<D: Domain>(a: &ConnectedStream<D>, b: &ConnectedStream<D>) {
    let msg = [7u8; 64];
    let mut buf = [0u8; 64];
    assert_eq!(a.send(&msg).unwrap(), 64);
    let mut got = 0;
    while got < 64 {
        got += b.recv(&mut buf[got..]).unwrap();
    }
    assert_eq!(b.send(&buf).unwrap(), 64);
    got = 0;
    while got < 64 {
        got += a.recv(&mut buf[got..]).unwrap();
    }
    assert_eq!(buf, msg);
}

/// The same through `Write::write_all`/`Read::read_exact` and the
/// vectored calls.
fn stream_io_round<D: Domain>(mut a: &ConnectedStream<D>, mut b: &ConnectedStream<D>) {
    let mut buf = [0u8; 48];
    a.write_all(&[1u8; 48]).unwrap();
    b.read_exact(&mut buf).unwrap();
    assert_eq!(buf, [1u8; 48]);
    let (head, tail) = ([2u8; 16], [3u8; 32]);
    assert_eq!(
        b.write_vectored(&[IoSlice::new(&head), IoSlice::new(&tail)]).unwrap(),
        48
    );
    let (mut h, mut t) = ([0u8; 16], [0u8; 32]);
    let mut got = 0;
    while got < 48 {
        let (hs, ts) = if got < 16 {
            (&mut h[got..], &mut t[..])
        } else {
            (&mut h[16..], &mut t[got - 16..])
        };
        got += a
            .read_vectored(&mut [IoSliceMut::new(hs), IoSliceMut::new(ts)])
            .unwrap();
    }
    assert_eq!((h, t), (head, tail));
}

#[test]
fn tcp_stream_send_recv_allocates_nothing() {
    let (a, b) = tcp_pair::<Ipv4>(SocketAddrV4::localhost(0));
    assert_no_alloc("ConnectedStream<Ipv4> send/recv", || stream_round(&a, &b));
    assert_no_alloc("ConnectedStream<Ipv4> Read/Write and vectored", || {
        stream_io_round(&a, &b)
    });
    let (a, b) = tcp_pair::<Ipv6>(SocketAddrV6::localhost(0));
    assert_no_alloc("ConnectedStream<Ipv6> send/recv", || stream_round(&a, &b));
}

#[test]
fn unix_stream_send_recv_allocates_nothing() {
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    a.set_read_timeout(Some(TIMEOUT)).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_no_alloc("ConnectedStream<Unix> send/recv", || stream_round(&a, &b));
    assert_no_alloc("ConnectedStream<Unix> Read/Write and vectored", || {
        stream_io_round(&a, &b)
    });
}

fn bound<D: Domain>(addr: D::Addr) -> BoundDatagram<D> {
    let s = RawSocket::<D, Datagram>::new().unwrap().bind(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

/// `send_to` one way, `recv_from` (and `peek_from`) the other, and back.
fn datagram_round<D: Domain>(a: &BoundDatagram<D>, b: &BoundDatagram<D>, a_addr: &D::Addr, b_addr: &D::Addr) {
    let mut buf = [0u8; 128];
    assert_eq!(a.send_to(&[5u8; 100], b_addr).unwrap(), 100);
    let (n, _) = b.peek_from(&mut buf).unwrap();
    assert_eq!(n, 100);
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(n, 100);
    assert!(&from == a_addr);
    assert_eq!(b.send_to(&buf[..n], &from).unwrap(), 100);
    let (n, from) = a.recv_from(&mut buf).unwrap();
    assert!(n == 100 && &from == b_addr);
}

#[test]
fn bound_datagram_send_to_recv_from_allocates_nothing() {
    let (a, b) = (
        bound::<Ipv4>(SocketAddrV4::localhost(0)),
        bound::<Ipv4>(SocketAddrV4::localhost(0)),
    );
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_no_alloc("BoundDatagram<Ipv4> send_to/recv_from", || {
        datagram_round(&a, &b, &aa, &ba)
    });

    let (a, b) = (
        bound::<Ipv6>(SocketAddrV6::localhost(0)),
        bound::<Ipv6>(SocketAddrV6::localhost(0)),
    );
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_no_alloc("BoundDatagram<Ipv6> send_to/recv_from", || {
        datagram_round(&a, &b, &aa, &ba)
    });

    let (pa, pb) = (TempPath::new("alloc-a"), TempPath::new("alloc-b"));
    let (a, b) = (bound::<Unix>(pa.addr()), bound::<Unix>(pb.addr()));
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_no_alloc("BoundDatagram<Unix> send_to/recv_from (path addresses)", || {
        datagram_round(&a, &b, &aa, &ba)
    });
}

#[test]
fn connected_datagram_send_recv_allocates_nothing() {
    let rx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    let rx = rx.connect(tx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 1500];
    assert_no_alloc("ConnectedDatagram<Ipv4> send/recv", || {
        assert_eq!(tx.send(&[9u8; 1200]).unwrap(), 1200);
        assert_eq!(rx.recv(&mut buf).unwrap(), 1200);
        assert_eq!(rx.send(&buf[..64]).unwrap(), 64);
        assert_eq!(tx.recv(&mut buf).unwrap(), 64);
    });

    let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_no_alloc("ConnectedDatagram<Unix> send/recv", || {
        assert_eq!(a.send(&[4u8; 300]).unwrap(), 300);
        assert_eq!(b.recv(&mut buf).unwrap(), 300);
    });
}

/// Receives exactly `n` datagrams into `batch`, checking each with `check`.
fn recv_n<D: Domain>(rx: &BoundDatagram<D>, batch: &mut RecvBatch<D>, n: usize, mut check: impl FnMut(&[u8])) {
    let mut got = 0;
    while got < n {
        got += rx.recv_batch(batch, WAITFORONE).unwrap();
        for m in batch.iter() {
            check(m.data());
        }
    }
    assert_eq!(got, n);
}

#[test]
fn reused_batches_allocate_nothing() {
    let rx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let to = rx.local_addr().unwrap();
    let tx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let payloads: Vec<[u8; 64]> = (0..64u8).map(|i| [i; 64]).collect();
    let mut send = SendBatch::<Ipv4>::with_capacity(64).unwrap();
    for p in &payloads {
        send.push(p, &to).unwrap();
    }
    let mut recv = RecvBatch::<Ipv4>::new(64, 2048).unwrap();
    assert_no_alloc("BoundDatagram send_batch (reused) + recv_batch", || {
        assert_eq!(tx.send_batch(&mut send).unwrap(), 64);
        assert!(send.sent_lens().all(|n| n == 64));
        recv_n(&rx, &mut recv, 64, |d| assert_eq!(d.len(), 64));
    });
    assert_no_alloc("SendBatch clear + push + send_batch", || {
        send.clear();
        for p in &payloads[..32] {
            send.push(p, &to).unwrap();
        }
        assert_eq!(tx.send_batch(&mut send).unwrap(), 32);
        recv_n(&rx, &mut recv, 32, |d| assert!(d[0] < 32));
    });

    let ctx = RawSocket::<Ipv4, Datagram>::new().unwrap().connect(to).unwrap();
    let mut csend = SendBatch::<Ipv4>::with_capacity(16).unwrap();
    for p in &payloads[..16] {
        csend.push_connected(p).unwrap();
    }
    assert_no_alloc("ConnectedDatagram send_batch (reused) + recv_batch", || {
        assert_eq!(ctx.send_batch(&mut csend).unwrap(), 16);
        recv_n(&rx, &mut recv, 16, |d| assert!(d[0] < 16));
    });
}

#[test]
fn gso_and_gro_allocate_nothing() {
    let rx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    set_udp_gro(&rx, true).unwrap();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    let train = vec![0x5au8; 1200 * 8];
    let mut buf = vec![0u8; 65536];
    assert_no_alloc("send_segmented + recv_gro", || {
        let sent = tx.send_segmented(&train, 1200).unwrap();
        assert!(sent.offloaded, "GSO refused on loopback: {:?}", sent.fallback_reason);
        assert_eq!(sent.datagrams, 8);
        let mut got = 0;
        while got < 8 {
            let r = rx.recv_gro(&mut buf).unwrap();
            got += r.segments(&buf).count();
        }
        assert_eq!(got, 8);
    });
}

/// The payloads `rx` receives next, in order (`n` of them).
fn received(rx: &BoundDatagram<Ipv4>, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    for _ in 0..n {
        let (len, _) = rx.recv_from(&mut buf).unwrap();
        assert_eq!(len, 1);
        out.push(buf[0]);
    }
    out
}

#[test]
fn reused_batch_headers_follow_every_change() {
    let rx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let rx2 = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let (to, to2) = (rx.local_addr().unwrap(), rx2.local_addr().unwrap());
    let tx = bound::<Ipv4>(SocketAddrV4::localhost(0));
    let bytes: Vec<[u8; 1]> = (0..10u8).map(|i| [i]).collect();

    let mut batch = SendBatch::<Ipv4>::with_capacity(8).unwrap();
    for b in &bytes[..3] {
        batch.push(b, &to).unwrap();
    }
    // Sent twice unchanged: the second send reuses the headers.
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 3);
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 3);
    assert_eq!(received(&rx, 6), vec![0, 1, 2, 0, 1, 2]);

    // A push after a send is included in the next one.
    batch.push(&bytes[3], &to2).unwrap();
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 4);
    assert_eq!(received(&rx, 3), vec![0, 1, 2]);
    assert_eq!(received(&rx2, 1), vec![3]);
    assert_eq!(batch.sent_lens().collect::<Vec<_>>(), vec![1; 4]);

    // remove_sent, then new messages: only those go out.
    batch.remove_sent();
    assert!(batch.is_empty());
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 0);
    for b in &bytes[4..6] {
        batch.push(b, &to).unwrap();
    }
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 2);
    assert_eq!(received(&rx, 2), vec![4, 5]);

    // Moving the batch (into a box and out again) keeps it valid.
    let boxed = Box::new(batch);
    let mut batch = *boxed;
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 2);
    assert_eq!(received(&rx, 2), vec![4, 5]);

    // clear, and recycle into a new lifetime: the old messages are gone.
    batch.clear();
    batch.push(&bytes[6], &to).unwrap();
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 1);
    assert_eq!(received(&rx, 1), vec![6]);
    let mut batch = batch.recycle();
    let local = [[8u8], [9u8]];
    for b in &local {
        batch.push(b, &to2).unwrap();
    }
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 2);
    assert_eq!(tx.send_batch(&mut batch).unwrap(), 2);
    assert_eq!(received(&rx2, 4), vec![8, 9, 8, 9]);
}
