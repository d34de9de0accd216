//! Layer 1 (`wirelane::tokio`): transitions, streams, datagrams, fd
//! passing, cancel safety, interop with `tokio::net`, and reliability
//! (fd leaks, many connections, runtime drop). Needs `--features tokio`.
#![cfg(feature = "tokio")]

mod common;

use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use common::{Loopback, TIMEOUT, is_cloexec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::batch::{RecvBatch, SendBatch};
use wirelane::tokio::Async;
use wirelane::{Datagram, Ipv4, Ipv6, Listener, RawSocket, SocketAddrV4, Stream, Unix};

fn listener<D: Loopback>() -> Async<Listener<D>> {
    let l = RawSocket::<D, Stream>::new()
        .unwrap()
        .bind(D::fresh())
        .unwrap()
        .listen(1024)
        .unwrap();
    Async::new(l).unwrap()
}

fn udp() -> Async<wirelane::BoundDatagram<Ipv4>> {
    Async::new(
        RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap(),
    )
    .unwrap()
}

fn nonblocking(fd: impl AsFd) -> bool {
    // SAFETY: F_GETFL takes no pointer.
    unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_GETFL) & libc::O_NONBLOCK != 0 }
}

async fn pair<D: Loopback>() -> (Async<wirelane::ConnectedStream<D>>, Async<wirelane::ConnectedStream<D>>) {
    let l = listener::<D>();
    let addr = l.get_ref().local_addr().unwrap();
    let client = Async::new(RawSocket::<D, Stream>::new().unwrap()).unwrap();
    let (c, a) = tokio::join!(client.connect(addr), l.accept());
    (c.unwrap(), a.unwrap().0)
}

#[test]
fn new_outside_a_runtime_is_a_clear_error() {
    let err = Async::new(RawSocket::<Ipv4, Stream>::new().unwrap()).unwrap_err();
    assert!(err.to_string().contains("no tokio runtime"), "{err}");
}

#[test]
fn async_types_are_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<Async<wirelane::ConnectedStream<Ipv4>>>();
    check::<Async<Listener<Unix>>>();
    check::<wirelane::tokio::OwnedReadHalf<Ipv4>>();
    check::<wirelane::tokio::OwnedWriteHalf<Ipv4>>();
}

#[tokio::test]
async fn connect_accept_echo_all_domains() {
    async fn run<D: Loopback>() {
        let (mut c, mut s) = pair::<D>().await;
        assert!(
            nonblocking(&s) && is_cloexec(&s),
            "accept4 gives SOCK_NONBLOCK|SOCK_CLOEXEC"
        );
        c.write_all(b"hello").await.unwrap();
        let mut buf = [0; 5];
        assert_eq!(s.peek(&mut buf).await.unwrap(), 5);
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello");
        let bufs = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
        assert_eq!(s.write_vectored(&bufs).await.unwrap(), 4);
        s.shutdown().await.unwrap(); // SHUT_WR
        let mut rest = Vec::new();
        c.read_to_end(&mut rest).await.unwrap();
        assert_eq!(rest, b"abcd");
    }
    run::<Ipv4>().await;
    run::<Ipv6>().await;
    run::<Unix>().await;
}

#[tokio::test]
async fn failed_connect_gives_back_a_socket_that_connects_again() {
    let closed = Ipv4::closed();
    let raw = Async::new(RawSocket::<Ipv4, Stream>::new().unwrap()).unwrap();
    let fd = raw.as_raw_fd();
    let err = raw.connect(closed.addr()).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    let raw = err.into_socket();
    assert_eq!(raw.as_raw_fd(), fd);
    // Without the AF_UNSPEC reset Linux would answer ECONNABORTED here.
    let l = listener::<Ipv4>();
    let addr = l.get_ref().local_addr().unwrap();
    let (c, a) = tokio::join!(raw.connect(addr), l.accept());
    let mut c = c.unwrap();
    let mut s = a.unwrap().0;
    assert_eq!(c.as_raw_fd(), fd);
    c.write_all(b"x").await.unwrap();
    let mut b = [0];
    s.read_exact(&mut b).await.unwrap();
}

#[tokio::test]
async fn pending_connect_finishes() {
    let l = listener::<Ipv4>();
    let pending = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect_nonblocking(l.get_ref().local_addr().unwrap())
        .unwrap();
    let pending = Async::new(pending).unwrap();
    let (c, a) = tokio::join!(pending.finish(), l.accept());
    assert_eq!(
        c.unwrap().get_ref().peer_addr().unwrap(),
        a.unwrap().0.get_ref().local_addr().unwrap()
    );
}

#[tokio::test]
async fn split_and_reunite() {
    let (mut c, s) = pair::<Ipv4>().await;
    {
        let (mut r, mut w) = c.split();
        w.write_all(b"1").await.unwrap();
        let _ = &mut r;
    }
    let (mut r, mut w) = s.into_split();
    let mut b = [0];
    r.read_exact(&mut b).await.unwrap();
    w.write_all(b"2").await.unwrap();
    c.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"2");
    let (_, other_w) = pair::<Ipv4>().await.0.into_split();
    let err = r.reunite(other_w).unwrap_err();
    let s = err.0.reunite(w).unwrap();
    assert!(s.get_ref().peer_addr().is_ok());
}

#[tokio::test]
async fn datagrams_batches_and_gso() {
    let a = udp();
    let b = udp();
    let b_addr = b.get_ref().local_addr().unwrap();
    a.send_to(b"one", &b_addr).await.unwrap();
    let mut buf = [0; 64];
    let (n, from) = b.peek_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"one"[..], a.get_ref().local_addr().unwrap()));
    assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 3);

    let msgs: Vec<[u8; 8]> = (0..64u64).map(|i| i.to_le_bytes()).collect();
    let mut batch = SendBatch::with_capacity(64).unwrap();
    for m in &msgs {
        batch.push(m, &b_addr).unwrap();
    }
    let mut got = 0;
    let mut recv = RecvBatch::<Ipv4>::new(64, 64).unwrap();
    let sent = a.send_batch(&mut batch).await.unwrap();
    assert_eq!(sent, 64);
    while got < 64 {
        let n = b.recv_batch(&mut recv).await.unwrap();
        for (i, m) in recv.iter().enumerate() {
            assert_eq!(m.data(), &msgs[got + i]);
        }
        got += n;
    }

    // connect keeps the registration and the fd.
    let fd = a.as_raw_fd();
    let a = a.connect(b_addr).unwrap();
    assert_eq!(a.as_raw_fd(), fd);
    let payload: Vec<u8> = (0..4000u32).map(|i| (i / 1000) as u8).collect();
    a.send_segmented(&payload, 1000).await.unwrap();
    // Without GRO on the receiver, GSO's one send arrives as four
    // datagrams of the segment size, in order.
    let mut big = [0u8; 2000];
    for seg in 0..4u8 {
        let (n, from) = b.recv_from(&mut big).await.unwrap();
        assert_eq!(n, 1000, "segment {seg}");
        assert_eq!(from, a.get_ref().local_addr().unwrap());
        assert!(big[..n].iter().all(|&x| x == seg), "segment {seg} out of order");
    }
}

/// A `recv` dropped by `tokio::select!` before data arrives loses nothing:
/// the bytes sent afterwards are read whole by the next call.
#[tokio::test]
async fn cancelled_recv_loses_no_data() {
    let (mut c, mut s) = pair::<Ipv4>().await;
    let mut buf = [0u8; 16];
    tokio::select! {
        r = s.read(&mut buf) => panic!("read finished with nothing sent: {r:?}"),
        () = tokio::time::sleep(Duration::from_millis(20)) => {}
    }
    c.write_all(b"after-cancel").await.unwrap();
    s.read_exact(&mut buf[..12]).await.unwrap();
    assert_eq!(&buf[..12], b"after-cancel");
}

/// An `accept` dropped by `tokio::select!` leaves the connection in the
/// backlog for the next call.
#[tokio::test]
async fn cancelled_accept_loses_no_connection() {
    let l = listener::<Ipv4>();
    let addr = l.get_ref().local_addr().unwrap();
    tokio::select! {
        r = l.accept() => panic!("accept finished with no client: {:?}", r.map(|x| x.1)),
        () = tokio::time::sleep(Duration::from_millis(20)) => {}
    }
    let client = std::net::TcpStream::connect(addr.to_string()).unwrap();
    let (s, peer) = tokio::time::timeout(TIMEOUT, l.accept()).await.unwrap().unwrap();
    assert_eq!(peer.port(), client.local_addr().unwrap().port());
    drop((s, client));
}

/// `tokio::net` interop both ways; a kernel mismatch is a clear error.
#[tokio::test]
async fn tokio_net_interop_is_checked() {
    let l = listener::<Ipv4>();
    let tl: tokio::net::TcpListener = l.into();
    let addr = tl.local_addr().unwrap();
    let back = Async::<Listener<Ipv4>>::try_from(tl).unwrap();
    assert_eq!(back.get_ref().local_addr().unwrap().port(), addr.port());

    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let v6 = std::net::TcpListener::bind("[::1]:0").unwrap();
    v6.set_nonblocking(true).unwrap();
    let v6 = tokio::net::TcpListener::from_std(v6).unwrap();
    let err = Async::<Listener<Ipv4>>::try_from(v6).map(|_| ()).unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("ipv6") || err.to_string().contains("AF_INET6"),
        "{err}"
    );
    let as_bound = Async::<wirelane::BoundDatagram<Ipv4>>::try_from(udp).unwrap();
    assert!(as_bound.get_ref().local_addr().is_ok());
}

/// Every operation spends tokio's cooperative budget like `tokio::net`:
/// a loop on an always-ready socket still lets other tasks of a
/// current-thread runtime run (tokio's budget is 128 operations).
#[tokio::test(flavor = "current_thread")]
async fn a_busy_loop_on_a_ready_socket_yields_to_other_tasks() {
    let a = udp();
    let b = udp();
    let to = b.get_ref().local_addr().unwrap();
    // The first send waits for the reactor to report writability (a
    // yield of its own); after it, every send is ready at once.
    a.send_to(b"x", &to).await.unwrap();
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    tokio::spawn({
        let ran = std::sync::Arc::clone(&ran);
        async move { ran.store(true, std::sync::atomic::Ordering::SeqCst) }
    });
    for sent in 0..10_000 {
        // Always writable: the receiver's overflow drops, the send succeeds.
        a.send_to(b"x", &to).await.unwrap();
        if ran.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(sent >= 1, "the other task ran before any ready send");
            return;
        }
    }
    panic!("10,000 ready sends never yielded to another task");
}
