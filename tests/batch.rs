//! sendmmsg/recvmmsg batches on loopback: IPv4, IPv6 and Unix datagrams.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use wirelane::batch::{MAX_BATCH, RecvBatch, SendBatch, WAITFORONE};
use wirelane::cmsg::ParsedMessage;
use wirelane::*;

const TIMEOUT: Duration = Duration::from_secs(5);

/// FNV-1a, 32 bits.
fn checksum(data: &[u8]) -> u32 {
    data.iter()
        .fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Message `i`: index, pseudo-random body of varying length, checksum.
fn payload(i: u32) -> Vec<u8> {
    let len = 16 + (i as usize * 37) % 900;
    let mut v = i.to_le_bytes().to_vec();
    let mut x = i.wrapping_mul(2_654_435_761).wrapping_add(1);
    for _ in 0..len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    let c = checksum(&v);
    v.extend_from_slice(&c.to_le_bytes());
    v
}

/// Checks a received payload; returns its index.
fn verify(data: &[u8]) -> u32 {
    assert!(data.len() >= 8, "short message: {} bytes", data.len());
    let (body, sum) = data.split_at(data.len() - 4);
    assert_eq!(
        checksum(body),
        u32::from_le_bytes(sum.try_into().unwrap()),
        "checksum mismatch"
    );
    let i = u32::from_le_bytes(body[..4].try_into().unwrap());
    assert_eq!(data, payload(i).as_slice(), "message {i} corrupted");
    i
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A unique Unix socket path (temp dir + pid + counter), removed first.
fn unix_path(tag: &str) -> std::path::PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("wl-batch-{}-{n}-{tag}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

fn udp4() -> BoundDatagram<Ipv4> {
    let s = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

fn udp6() -> BoundDatagram<Ipv6> {
    let s = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

fn unix_dgram(tag: &str) -> (BoundDatagram<Unix>, std::path::PathBuf) {
    let path = unix_path(tag);
    let s = RawSocket::<Unix, Datagram>::new()
        .unwrap()
        .bind(UnixAddr::new(&path).unwrap())
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    (s, path)
}

/// Receives `n` messages with `WAITFORONE`, checking each and its source.
fn recv_n<D: Domain>(rx: &BoundDatagram<D>, n: usize, from: &D::Addr) -> Vec<u32> {
    let mut batch = RecvBatch::<D>::new(64, 2048).unwrap();
    let mut got = Vec::new();
    while got.len() < n {
        let k = rx.recv_batch(&mut batch, WAITFORONE).unwrap();
        assert!(k >= 1 && k == batch.len());
        for m in batch.iter() {
            assert!(!m.truncated());
            assert_eq!(m.len(), m.data().len());
            assert_eq!(&m.source().unwrap(), from, "source address");
            got.push(verify(m.data()));
        }
    }
    assert_eq!(got.len(), n);
    got
}

/// Sends 64 checksummed messages with one `send_batch` (one syscall),
/// receiving them on another thread; checks all arrive intact.
fn batch_of_64<D: Domain>(tx: BoundDatagram<D>, rx: BoundDatagram<D>) {
    let to = rx.local_addr().unwrap();
    let from = tx.local_addr().unwrap();
    let receiver = thread::spawn(move || recv_n(&rx, 64, &from));
    let payloads: Vec<Vec<u8>> = (0..64).map(payload).collect();
    let mut batch = SendBatch::<D>::with_capacity(64).unwrap();
    for p in &payloads {
        batch.push(p, &to).unwrap();
    }
    assert_eq!(batch.len(), 64);
    let n = tx.send_batch(&mut batch).unwrap();
    assert_eq!(n, 64, "a blocking sendmmsg of 64 sends all 64");
    assert_eq!(batch.sent(), 64);
    let lens: Vec<usize> = batch.sent_lens().collect();
    assert_eq!(lens, payloads.iter().map(Vec::len).collect::<Vec<_>>());
    let got = receiver.join().unwrap();
    let set: HashSet<u32> = got.iter().copied().collect();
    assert_eq!(set, (0..64).collect::<HashSet<u32>>(), "every message exactly once");
}

#[test]
fn batch_of_64_ipv4() {
    batch_of_64(udp4(), udp4());
}

#[test]
fn batch_of_64_ipv6() {
    batch_of_64(udp6(), udp6());
}

#[test]
fn batch_of_64_unix() {
    // The receiver's queue holds only max_dgram_qlen (default 10) Unix
    // datagrams: the blocking sendmmsg waits inside the one syscall while
    // the receiving thread drains it.
    let (tx, p1) = unix_dgram("tx");
    let (rx, p2) = unix_dgram("rx");
    batch_of_64(tx, rx);
    let _ = std::fs::remove_file(p1);
    let _ = std::fs::remove_file(p2);
}

#[test]
fn seed_sendmmsg_form() {
    let rx = udp4();
    let rx2 = udp4();
    let socket = udp4();
    let (addr1, addr2, addr3) = (
        rx.local_addr().unwrap(),
        rx2.local_addr().unwrap(),
        rx.local_addr().unwrap(),
    );
    let messages = vec![
        (b"packet1".as_slice(), addr1),
        (b"packet2".as_slice(), addr2),
        (b"packet3".as_slice(), addr3),
    ];

    // One syscall for all three
    let sent_lens = socket.sendmmsg(&messages).unwrap();
    assert_eq!(sent_lens, vec![7, 7, 7]);

    let me = socket.local_addr().unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(rx.recv_from(&mut buf).unwrap(), (7, me));
    assert_eq!(&buf[..7], b"packet1");
    assert_eq!(rx.recv_from(&mut buf).unwrap(), (7, me));
    assert_eq!(&buf[..7], b"packet3");
    assert_eq!(rx2.recv_from(&mut buf).unwrap(), (7, me));
    assert_eq!(&buf[..7], b"packet2");
}

#[test]
fn sendmmsg_64_checksummed_ipv6_and_sources_per_sender() {
    let rx = udp6();
    let to = rx.local_addr().unwrap();
    let payloads: Vec<Vec<u8>> = (0..64).map(payload).collect();
    let msgs: Vec<(&[u8], SocketAddrV6)> = payloads.iter().map(|p| (p.as_slice(), to)).collect();
    // Two senders: each message's source must be its own sender.
    let (a, b) = (udp6(), udp6());
    assert_eq!(a.sendmmsg(&msgs[..32]).unwrap().len(), 32);
    assert_eq!(b.sendmmsg(&msgs[32..]).unwrap().len(), 32);
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    let mut batch = RecvBatch::<Ipv6>::new(64, 2048).unwrap();
    let mut seen = 0;
    while seen < 64 {
        rx.recv_batch(&mut batch, WAITFORONE).unwrap();
        for m in batch.iter() {
            let i = verify(m.data());
            let expect = if i < 32 { aa } else { ba };
            assert_eq!(m.source().unwrap(), expect, "source of message {i}");
            seen += 1;
        }
    }
}

#[test]
fn connected_sendmmsg_ipv4_and_unix_pair() {
    let rx = udp4();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    let payloads: Vec<Vec<u8>> = (0..64).map(payload).collect();
    let slices: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let lens = tx.sendmmsg(&slices).unwrap();
    assert_eq!(lens.len(), 64);
    let got = recv_n(&rx, 64, &tx.local_addr().unwrap());
    assert_eq!(got, (0..64).collect::<Vec<_>>(), "loopback UDP keeps order");

    // A connected Unix pair: the unbound sender has the unnamed address.
    let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(
        a.sendmmsg(&slices[..8]).unwrap(),
        payloads[..8].iter().map(Vec::len).collect::<Vec<_>>()
    );
    let mut batch = RecvBatch::<Unix>::new(16, 2048).unwrap();
    assert_eq!(b.recv_batch(&mut batch, WAITFORONE).unwrap(), 8);
    for (i, m) in batch.iter().enumerate() {
        assert_eq!(verify(m.data()), i as u32);
        assert!(m.source().unwrap().is_unnamed());
    }
}

#[test]
fn partial_receive_and_empty_queue() {
    let rx = udp4();
    let tx = udp4();
    let to = rx.local_addr().unwrap();
    let payloads: Vec<Vec<u8>> = (0..10).map(payload).collect();
    let msgs: Vec<(&[u8], SocketAddrV4)> = payloads.iter().map(|p| (p.as_slice(), to)).collect();
    assert_eq!(tx.sendmmsg(&msgs).unwrap().len(), 10);

    // A batch smaller than what is queued takes exactly its capacity.
    let mut small = RecvBatch::<Ipv4>::new(4, 2048).unwrap();
    let mut order = Vec::new();
    for expect in [4, 4, 2] {
        assert_eq!(rx.recv_batch(&mut small, WAITFORONE).unwrap(), expect);
        order.extend(small.iter().map(|m| verify(m.data())));
    }
    assert_eq!(order, (0..10).collect::<Vec<_>>());

    // Nothing queued: DONTWAIT gives WouldBlock, not Ok(0).
    let e = rx.recv_batch(&mut small, MsgFlags::DONTWAIT).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    assert!(small.is_empty(), "a failed receive leaves the batch empty");
    // Same on a non-blocking socket.
    rx.set_nonblocking(true).unwrap();
    let e = rx.recv_batch(&mut small, WAITFORONE).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    rx.set_nonblocking(false).unwrap();
    // And a receive timeout (SO_RCVTIMEO) ends a blocking wait the same way.
    rx.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let e = rx.recv_batch(&mut small, WAITFORONE).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
}

#[test]
fn partial_send_is_reported_exactly_and_resumes() {
    // A bound Unix datagram socket queues at most max_dgram_qlen
    // (default 10) datagrams from senders it is not connected back to; a
    // non-blocking sendmmsg stops when the queue is full.
    let (b, path) = unix_dgram("partial");
    let a = RawSocket::<Unix, Datagram>::new()
        .unwrap()
        .connect(b.local_addr().unwrap())
        .unwrap();
    a.set_nonblocking(true).unwrap();
    let payloads: Vec<Vec<u8>> = (0..64).map(payload).collect();
    let mut batch = SendBatch::<Unix>::with_capacity(64).unwrap();
    for p in &payloads {
        batch.push_connected(p).unwrap();
    }
    let n = a.send_batch(&mut batch).unwrap();
    assert!(n > 0 && n < 64, "expected a partial batch, sent {n}");
    assert_eq!(batch.sent(), n);
    let lens: Vec<usize> = batch.sent_lens().collect();
    assert_eq!(lens, payloads[..n].iter().map(Vec::len).collect::<Vec<_>>());

    // Exactly `n` arrived.
    let mut rb = RecvBatch::<Unix>::new(64, 2048).unwrap();
    assert_eq!(b.recv_batch(&mut rb, MsgFlags::DONTWAIT).unwrap(), n);
    let got: Vec<u32> = rb.iter().map(|m| verify(m.data())).collect();
    assert_eq!(got, (0..n as u32).collect::<Vec<_>>());
    assert_eq!(
        b.recv_batch(&mut rb, MsgFlags::DONTWAIT).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );

    // Resume with the rest.
    batch.remove_sent();
    assert_eq!(batch.len(), 64 - n);
    let mut next = n as u32;
    while !batch.is_empty() {
        let k = match a.send_batch(&mut batch) {
            Ok(k) => k,
            Err(e) if e.kind() == ErrorKind::WouldBlock => 0,
            Err(e) => panic!("{e}"),
        };
        batch.remove_sent();
        let mut drained = 0;
        while drained < k {
            drained += b.recv_batch(&mut rb, WAITFORONE).unwrap();
            for m in rb.iter() {
                assert_eq!(verify(m.data()), next);
                next += 1;
            }
        }
    }
    assert_eq!(next, 64);
    let _ = std::fs::remove_file(path);
}

#[test]
fn truncation_is_flagged() {
    let rx = udp4();
    let tx = udp4();
    let to = rx.local_addr().unwrap();
    let big = [7u8; 100];
    tx.sendmmsg(&[(&big[..], to), (&big[..10], to), (&big[..], to)])
        .unwrap();
    let mut batch = RecvBatch::<Ipv4>::new(2, 16).unwrap();
    let mut n = 0;
    while n < 2 {
        n += rx.recv_batch(&mut batch, WAITFORONE).unwrap();
    }
    let m: Vec<_> = batch.iter().collect();
    assert!(m[0].truncated());
    assert_eq!(m[0].data(), &[7u8; 16][..]);
    assert_eq!(m[0].len(), 16);
    assert!(!m[1].truncated());
    assert_eq!(m[1].data(), &[7u8; 10][..]);
    // With MSG_TRUNC the real length is reported.
    assert_eq!(rx.recv_batch(&mut batch, WAITFORONE | MsgFlags::TRUNC).unwrap(), 1);
    let m = batch.get(0).unwrap();
    assert!(m.truncated());
    assert_eq!((m.len(), m.data().len()), (100, 16));
}

/// Regression (nix had this bug): `msg_namelen` is value-result; a reused
/// batch must offer the full address space again on every call.
#[test]
fn reuse_resets_namelen() {
    let (rx, prx) = unix_dgram("rx");
    let (short, ps) = unix_dgram("s");
    let long_tag = "l".repeat(60);
    let (long, pl) = unix_dgram(&long_tag);
    let to = rx.local_addr().unwrap();
    let mut batch = RecvBatch::<Unix>::new(1, 64).unwrap();
    for (tx, path) in [(&short, &ps), (&long, &pl), (&short, &ps)] {
        tx.send_to(b"x", &to).unwrap();
        assert_eq!(rx.recv_batch(&mut batch, WAITFORONE).unwrap(), 1);
        let src = batch.get(0).unwrap().source().unwrap();
        assert_eq!(src.as_pathname(), Some(path.as_path()), "source after reuse");
    }
    for p in [prx, ps, pl] {
        let _ = std::fs::remove_file(p);
    }
}

/// Regression: `msg_controllen` is value-result too. The first call gets
/// no control data (the kernel sets controllen to 0); the second must
/// still see a full control message. Descriptors that arrive in a batch
/// are closed by it.
#[test]
fn reuse_resets_controllen_and_closes_passed_fds() {
    let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut batch = RecvBatch::<Unix>::new(1, 64).unwrap();
    a.send(b"plain").unwrap();
    assert_eq!(b.recv_batch(&mut batch, WAITFORONE).unwrap(), 1);
    assert_eq!(batch.get(0).unwrap().control().count(), 0);

    let file = std::fs::File::open("/dev/null").unwrap();
    wirelane::fdpass::send_fds(&a, b"with fd", &[file.as_fd()]).unwrap();
    assert_eq!(b.recv_batch(&mut batch, WAITFORONE).unwrap(), 1);
    let m = batch.get(0).unwrap();
    assert_eq!(m.data(), b"with fd");
    assert!(!m.control_truncated(), "control space was not reset");
    let msgs: Vec<_> = m.control().map(Result::unwrap).collect();
    let raw = match msgs.as_slice() {
        [ParsedMessage::ScmRights(l)] if l.len() == 1 => l.get(0).unwrap(),
        other => panic!("{other:?}"),
    };
    // The batch closed the received descriptor. (Other tests in this
    // binary open sockets concurrently, so the number may be reused, but
    // nothing else here opens /dev/null.)
    let target = std::fs::read_link(format!("/proc/self/fd/{raw}")).ok();
    assert_ne!(
        target.as_deref(),
        Some(std::path::Path::new("/dev/null")),
        "fd {raw} leaked"
    );
    drop(file);
}

#[test]
fn empty_batches_and_capacity_limits() {
    let tx = udp4();
    assert_eq!(tx.sendmmsg(&[]).unwrap(), Vec::<usize>::new());
    let mut empty = SendBatch::<Ipv4>::with_capacity(4).unwrap();
    assert_eq!(tx.send_batch(&mut empty).unwrap(), 0);
    assert_eq!(empty.sent_lens().len(), 0);

    for bad in [0, MAX_BATCH + 1] {
        let e = SendBatch::<Ipv4>::with_capacity(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("1024"), "{e}");
        assert_eq!(
            RecvBatch::<Ipv4>::new(bad, 100).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    let e = RecvBatch::<Ipv4>::new(4, 0).unwrap_err();
    assert!(e.to_string().contains("slot size"), "{e}");

    let to = SocketAddrV4::localhost(9);
    let mut one = SendBatch::<Ipv4>::with_capacity(1).unwrap();
    one.push(b"a", &to).unwrap();
    let e = one.push(b"b", &to).unwrap_err();
    assert!(e.to_string().contains("full"), "{e}");
    assert_eq!(one.len(), 1);
    one.clear();
    assert!(one.is_empty());
}

#[test]
fn recycle_lets_a_batch_borrow_new_payloads_each_round() {
    let rx = udp4();
    let tx = udp4();
    let to = rx.local_addr().unwrap();
    let mut store = SendBatch::<'static, Ipv4>::with_capacity(8).unwrap();
    let mut rb = RecvBatch::<Ipv4>::new(8, 64).unwrap();
    for round in 0u8..3 {
        let data: Vec<[u8; 3]> = (0..8).map(|i| [round, i, 0xAA]).collect();
        let mut batch = store.recycle();
        for d in &data {
            batch.push(d, &to).unwrap();
        }
        assert_eq!(tx.send_batch(&mut batch).unwrap(), 8);
        store = batch.recycle();
        let mut n = 0;
        while n < 8 {
            n += rx.recv_batch(&mut rb, WAITFORONE).unwrap();
            for m in rb.iter() {
                assert_eq!(m.data()[0], round);
            }
        }
    }
}

/// Counts heap allocations made by the current thread.
struct CountingAlloc;

thread_local! {
    static ALLOCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_alloc() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: forwards to the system allocator; the counter is thread-local
// and const-initialised, so counting never allocates.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_alloc();
        // SAFETY: forwarded with the caller's layout.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count_alloc();
        // SAFETY: forwarded.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn steady_state_loop_allocates_nothing() {
    let rx = udp4();
    let tx = udp4();
    let to = rx.local_addr().unwrap();
    let from = tx.local_addr().unwrap();
    let payloads: Vec<Vec<u8>> = (0..64).map(payload).collect();
    let mut send = SendBatch::<Ipv4>::with_capacity(64).unwrap();
    let mut recv = RecvBatch::<Ipv4>::new(64, 2048).unwrap();
    let before = ALLOCS.with(|c| c.get());
    let mut checked = 0usize;
    for _round in 0..10 {
        send.clear();
        for p in &payloads {
            send.push(p, &to).unwrap();
        }
        assert_eq!(tx.send_batch(&mut send).unwrap(), 64);
        let mut got = 0;
        while got < 64 {
            got += rx.recv_batch(&mut recv, WAITFORONE).unwrap();
            for m in recv.iter() {
                assert!(m.source().unwrap() == from && m.gro_segment().is_none());
                checked += m.data().len();
            }
        }
    }
    let allocs = ALLOCS.with(|c| c.get()) - before;
    assert_eq!(allocs, 0, "send/receive rounds allocated {allocs} times");
    assert_eq!(checked, 10 * payloads.iter().map(Vec::len).sum::<usize>());
}
