//! Every transition and every state operation, on loopback, for all six
//! domain x type combinations (IPv4, IPv6 and Unix; stream and datagram).
//!
//! Each check is a generic function over the domain, instantiated for each
//! domain at the bottom of the file. Unix-only behaviour (paths, abstract
//! names, `pair`, peer credentials) is in `tests/unix.rs`; failures that
//! hand the socket back are in `tests/failure_paths.rs`.

mod common;

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::{Loopback, TIMEOUT, bounded, wait_readable};
use wirelane::{BoundDatagram, ConnectedDatagram, ConnectedStream, Datagram, Listener, MsgFlags, RawSocket, Stream};

/// A short timeout for the checks that wait for a timeout to expire.
const SHORT: Duration = Duration::from_millis(200);

/// A timer may end up to one scheduler tick before the requested wall-clock
/// time (the kernel counts jiffies); this much slack covers HZ >= 100.
const TICK: Duration = Duration::from_millis(20);

// ------------------------------------------------------------------ helpers

fn listener<D: Loopback>(backlog: u32) -> Listener<D> {
    let l = RawSocket::<D, Stream>::new()
        .unwrap()
        .bind(D::fresh())
        .unwrap()
        .listen(backlog)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap(); // bounds accept()
    l
}

fn with_timeouts<S: AsRawFd>(s: S) -> S {
    // Both the read and write timeouts: a bug fails the test instead of hanging it.
    let tv = libc::timeval {
        tv_sec: TIMEOUT.as_secs() as libc::time_t,
        tv_usec: 0,
    };
    for opt in [libc::SO_RCVTIMEO, libc::SO_SNDTIMEO] {
        // SAFETY: a valid timeval of the right size.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0, "setsockopt: {}", io::Error::last_os_error());
    }
    s
}

/// A connected (client, server) stream pair over loopback, both with timeouts.
fn stream_pair<D: Loopback>() -> (ConnectedStream<D>, ConnectedStream<D>) {
    let l = listener::<D>(8);
    let client = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect(l.local_addr().unwrap())
        .unwrap();
    let server = l.accept().unwrap();
    (with_timeouts(client), with_timeouts(server))
}

fn bound_datagram<D: Loopback>() -> BoundDatagram<D> {
    with_timeouts(RawSocket::<D, Datagram>::new().unwrap().bind(D::fresh()).unwrap())
}

/// Two datagram sockets connected to each other.
fn datagram_pair<D: Loopback>() -> (ConnectedDatagram<D>, ConnectedDatagram<D>) {
    let a = bound_datagram::<D>();
    let b = bound_datagram::<D>();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    (a.connect(b_addr).unwrap(), b.connect(a_addr).unwrap())
}

/// Runs `recv` (which must not get any data) on a thread; checks that it
/// fails with `WouldBlock` after waiting at least about `SHORT`.
fn assert_times_out<S: Send + 'static>(what: &str, socket: S, recv: fn(&S) -> io::Result<usize>) {
    let (result, elapsed) = bounded(what, move || {
        let start = Instant::now();
        let r = recv(&socket).map_err(|e| e.kind());
        (r, start.elapsed())
    });
    assert_eq!(result, Err(io::ErrorKind::WouldBlock), "{what}");
    assert!(
        elapsed + TICK >= SHORT,
        "{what} returned after {elapsed:?}, before its {SHORT:?} timeout"
    );
}

// ------------------------------------------------------------------ streams

fn stream_transitions_and_addresses<D: Loopback>() {
    let want = D::fresh();
    let raw = RawSocket::<D, Stream>::new().unwrap();
    assert!(raw.take_error().unwrap().is_none());
    let bound = raw.bind(want.clone()).unwrap();
    let bound_addr = bound.local_addr().unwrap();
    let l = bound.listen(8).unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    let addr = l.local_addr().unwrap();
    assert_eq!(addr, bound_addr, "listen keeps the bound address");
    if D::FAMILY == libc::AF_UNIX {
        assert_eq!(addr, want, "a Unix socket is bound to exactly the address given");
    }

    // connect + accept_with_addr: both ends agree on both addresses.
    let client = RawSocket::<D, Stream>::new().unwrap().connect(addr.clone()).unwrap();
    let (server, peer) = l.accept_with_addr().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    assert_eq!(client.peer_addr().unwrap(), addr);
    assert_eq!(server.local_addr().unwrap(), addr);

    // Data both ways.
    assert_eq!(client.send(b"ping").unwrap(), 4);
    let mut buf = [0u8; 8];
    assert_eq!(server.recv(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"ping");
    assert_eq!(server.send(b"pong").unwrap(), 4);
    assert_eq!(client.recv(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"pong");

    // accept() without the address, and the incoming() iterator.
    let c2 = RawSocket::<D, Stream>::new().unwrap().connect(addr.clone()).unwrap();
    let s2 = l.accept().unwrap();
    assert_eq!(s2.peer_addr().unwrap(), c2.local_addr().unwrap());
    let c3 = RawSocket::<D, Stream>::new().unwrap().connect(addr).unwrap();
    let s3 = l.incoming().next().expect("incoming never ends").unwrap();
    assert_eq!(s3.peer_addr().unwrap(), c3.local_addr().unwrap());
    assert!(server.take_error().unwrap().is_none());
}

fn try_accept_on_nonblocking_listener<D: Loopback>() {
    let l = listener::<D>(8);
    l.set_nonblocking(true).unwrap();
    assert!(l.is_nonblocking().unwrap());
    assert!(l.try_accept().unwrap().is_none(), "nothing pending yet");
    let err = l.accept().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

    let client = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect(l.local_addr().unwrap())
        .unwrap();
    wait_readable(&l);
    let (server, peer) = l.try_accept().unwrap().expect("a connection is pending");
    assert_eq!(peer, client.local_addr().unwrap());
    assert!(
        !server.is_nonblocking().unwrap(),
        "accepted sockets are blocking whatever the listener's mode"
    );
    assert!(l.try_accept().unwrap().is_none(), "the queue is empty again");
}

fn connect_nonblocking_wait_finish<D: Loopback>() {
    let l = listener::<D>(8);
    let pending = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect_nonblocking(l.local_addr().unwrap())
        .unwrap();
    assert!(pending.is_nonblocking().unwrap());
    assert!(pending.wait(Some(TIMEOUT)).unwrap(), "loopback connect resolves");
    let conn = pending.finish().unwrap();
    assert!(
        conn.is_nonblocking().unwrap(),
        "the socket stays non-blocking after finish"
    );
    assert_eq!(conn.peer_addr().unwrap(), l.local_addr().unwrap());

    let server = l.accept().unwrap();
    server.send(b"x").unwrap();
    conn.set_nonblocking(false).unwrap();
    let conn = with_timeouts(conn);
    let mut buf = [0u8; 1];
    assert_eq!(conn.recv(&mut buf).unwrap(), 1);

    // The seed's form: take_error() first, then finish().
    let pending = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect_nonblocking(l.local_addr().unwrap())
        .unwrap();
    assert!(pending.wait(Some(TIMEOUT)).unwrap());
    assert!(pending.take_error().unwrap().is_none());
    let conn = pending.finish().unwrap();
    assert_eq!(conn.peer_addr().unwrap(), l.local_addr().unwrap());
}

/// `finish` before the handshake completed hands the socket back with
/// `WouldBlock`. A loopback handshake completes at once, so the listener's
/// accept queue is filled first (backlog 0 holds one connection): the
/// kernel then drops the new SYN, and the connect stays in flight until the
/// SYN is retransmitted (one second later) after the queue was drained.
fn finish_before_ready_returns_the_socket<D: Loopback>() {
    let l = listener::<D>(0);
    let addr = l.local_addr().unwrap();
    let _first = RawSocket::<D, Stream>::new().unwrap().connect(addr.clone()).unwrap();
    wait_readable(&l); // the first connection is in the accept queue: it is full

    let pending = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect_nonblocking(addr)
        .unwrap();
    let fd = pending.as_raw_fd();
    let pending = match pending.finish() {
        Ok(_) => panic!("connect completed although the accept queue is full"),
        Err(e) => {
            assert_eq!(e.kind(), io::ErrorKind::WouldBlock, "{e}");
            e.into_socket()
        }
    };
    assert_eq!(pending.as_raw_fd(), fd, "the same socket comes back");
    assert!(
        !pending.wait(Some(Duration::from_millis(10))).unwrap(),
        "still in flight"
    );

    let _first_accepted = l.accept().unwrap(); // room for the retransmitted SYN
    assert!(pending.wait(Some(TIMEOUT)).unwrap());
    let conn = pending.finish().unwrap();
    let server = l.accept().unwrap();
    assert_eq!(server.peer_addr().unwrap(), conn.local_addr().unwrap());
}

fn stream_io<D: Loopback>() {
    let (client, server) = stream_pair::<D>();
    let mut buf = [0u8; 16];

    // peek leaves the bytes in place.
    client.send(b"hello").unwrap();
    wait_readable(&server);
    assert_eq!(server.peek(&mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(server.recv_with_flags(&mut buf, MsgFlags::PEEK).unwrap(), 5);
    assert_eq!(server.recv(&mut buf).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");

    // DONTWAIT: this one call does not block, though the socket does.
    let err = server.recv_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    assert!(!server.is_nonblocking().unwrap());

    // Vectored I/O, both directions: gathers are sent whole, scatters filled in order.
    for (from, to) in [(&client, &server), (&server, &client)] {
        let n = from
            .send_vectored(&[IoSlice::new(b"hello "), IoSlice::new(b"world")])
            .unwrap();
        assert_eq!(n, 11);
        let (mut a, mut b) = ([0u8; 3], [0u8; 8]);
        let mut got = 0;
        while got < 11 {
            let mut bufs = [
                IoSliceMut::new(&mut a[got.min(3)..]),
                IoSliceMut::new(&mut b[got.saturating_sub(3)..]),
            ];
            got += to.recv_vectored(&mut bufs).unwrap();
        }
        assert_eq!((&a, &b), (b"hel", b"lo world"));
    }
    // Through the Write/Read traits too.
    let n = (&client)
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
        .unwrap();
    assert_eq!(n, 4);
    let mut four = [0u8; 4];
    (&server).read_exact(&mut four).unwrap();
    assert_eq!(&four, b"abcd");

    // WAITALL: the call waits for the whole buffer across two sends.
    let late = client.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        late.send(b"12").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        late.send(b"34").unwrap();
    });
    assert_eq!(server.recv_with_flags(&mut four, MsgFlags::WAITALL).unwrap(), 4);
    assert_eq!(&four, b"1234");
    sender.join().unwrap();

    // try_clone: a second handle to the same socket, alive after the first closes.
    let clone = client.try_clone().unwrap();
    assert_ne!(clone.as_raw_fd(), client.as_raw_fd());
    assert_eq!(clone.local_addr().unwrap(), client.local_addr().unwrap());
    drop(client);
    clone.send(b"via clone").unwrap();
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"via clone");

    // shutdown(Write): the peer reads end-of-stream, and can still write back.
    clone.shutdown(Shutdown::Write).unwrap();
    assert_eq!(server.recv(&mut buf).unwrap(), 0, "EOF after the peer's shutdown");
    let mut rest = Vec::new();
    (&server).read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    server.send(b"still open").unwrap();
    let n = clone.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"still open");
    server.shutdown(Shutdown::Both).unwrap();
    assert_eq!(clone.recv(&mut buf).unwrap(), 0);
}

fn stream_nonblocking_and_timeouts<D: Loopback>() {
    let (client, server) = stream_pair::<D>();
    let mut buf = [0u8; 4];

    server.set_nonblocking(true).unwrap();
    assert!(server.is_nonblocking().unwrap());
    assert_eq!(server.recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    assert_eq!((&server).read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    server.set_nonblocking(false).unwrap();
    assert!(!server.is_nonblocking().unwrap());

    // Timeouts: read back as set; zero is rejected and changes nothing.
    server.set_read_timeout(Some(SHORT)).unwrap();
    assert_eq!(server.read_timeout().unwrap(), Some(SHORT));
    let err = server.set_read_timeout(Some(Duration::ZERO)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("zero"), "{err}");
    assert_eq!(wirelane::error::errno_of(&err), libc::EINVAL);
    assert_eq!(
        server.read_timeout().unwrap(),
        Some(SHORT),
        "a rejected timeout changes nothing"
    );
    assert_eq!(
        client.set_write_timeout(Some(Duration::ZERO)).unwrap_err().kind(),
        io::ErrorKind::InvalidInput
    );
    client.set_write_timeout(Some(SHORT)).unwrap();
    assert_eq!(client.write_timeout().unwrap(), Some(SHORT));
    client.set_write_timeout(None).unwrap();
    assert_eq!(client.write_timeout().unwrap(), None);

    // A receive with nothing to read times out with WouldBlock.
    // (On a clone: the peer must stay open for the send check below.)
    assert_times_out("stream recv", server.try_clone().unwrap(), |s| s.recv(&mut [0u8; 4]));

    // A send into full buffers times out with WouldBlock too.
    client.set_write_timeout(Some(SHORT)).unwrap();
    let (result, sent) = bounded("send into a full buffer", move || {
        let chunk = vec![0u8; 64 * 1024];
        let mut sent = 0usize;
        loop {
            match (&client).write(&chunk) {
                Ok(n) => sent += n,
                Err(e) => return (e.kind(), sent),
            }
        }
    });
    assert_eq!(result, io::ErrorKind::WouldBlock);
    assert!(sent > 0);
    drop(server);
}

/// `Read`/`Write` on `&ConnectedStream`: one thread writes while another
/// reads the same socket, against an echo server doing the same.
fn read_write_from_two_threads<D: Loopback>() {
    let (client, server) = stream_pair::<D>();
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut echoed = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            let (mut r, mut w) = (&server, &server);
            io::copy(&mut r, &mut w).unwrap();
            server.shutdown(Shutdown::Write).unwrap();
        });
        s.spawn(|| {
            (&client).write_all(&data).unwrap();
            client.shutdown(Shutdown::Write).unwrap();
        });
        s.spawn(|| (&client).read_to_end(&mut echoed).unwrap());
    });
    assert_eq!(echoed.len(), data.len());
    assert!(echoed == data, "echoed bytes differ");

    // And the owned impls, through a mutable binding.
    let (mut a, mut b) = stream_pair::<D>();
    a.write_all(b"owned").unwrap();
    a.flush().unwrap();
    let mut five = [0u8; 5];
    b.read_exact(&mut five).unwrap();
    assert_eq!(&five, b"owned");
}

/// The crate's convention: blocking calls return `EINTR` to the caller
/// (`ErrorKind::Interrupted`) instead of retrying inside the library.
fn a_signal_interrupts_blocking_calls<D: Loopback>() {
    extern "C" fn ignore(_: libc::c_int) {}
    // SAFETY: a valid sigaction with a no-op handler and no SA_RESTART, so
    // the interrupted call fails with EINTR; SIGUSR1 is used by nothing else here.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()), 0);
    }

    /// Runs `call` on a thread and signals it until it returns.
    fn interrupt(call: impl FnOnce() -> io::Result<usize> + Send + 'static) -> io::ErrorKind {
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            // SAFETY: pthread_self has no preconditions.
            tx.send(unsafe { libc::pthread_self() }).unwrap();
            call()
        });
        let thread = rx.recv().unwrap();
        for _ in 0..1_000 {
            if handle.is_finished() {
                break;
            }
            // SAFETY: the thread is not joined yet, so its id is valid.
            unsafe { libc::pthread_kill(thread, libc::SIGUSR1) };
            std::thread::sleep(Duration::from_millis(10));
        }
        handle.join().unwrap().map(|_| ()).unwrap_err().kind()
    }

    let (client, server) = stream_pair::<D>();
    assert_eq!(
        interrupt(move || server.recv(&mut [0u8; 4])),
        io::ErrorKind::Interrupted
    );
    let l = listener::<D>(1);
    assert_eq!(interrupt(move || l.accept().map(|_| 0)), io::ErrorKind::Interrupted);
    let d = bound_datagram::<D>();
    assert_eq!(
        interrupt(move || d.recv_from(&mut [0u8; 4]).map(|(n, _)| n)),
        io::ErrorKind::Interrupted
    );
    drop(client);
}

// ---------------------------------------------------------------- datagrams

fn datagram_send_to_recv_from<D: Loopback>() {
    let a = bound_datagram::<D>();
    let b = bound_datagram::<D>();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_ne!(a_addr, b_addr);
    let mut buf = [0u8; 64];

    assert_eq!(a.send_to(b"one", &b_addr).unwrap(), 3);
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], &from), (&b"one"[..], &a_addr));

    // The reply goes to the address the datagram came from.
    b.send_to(b"reply", &from).unwrap();
    let (n, from) = a.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"reply"[..], b_addr.clone()));

    // peek_from leaves the datagram queued; recv_from then takes it.
    a.send_to(b"peeked", &b_addr).unwrap();
    let (n, from) = b.peek_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], &from), (&b"peeked"[..], &a_addr));
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], &from), (&b"peeked"[..], &a_addr));

    // Datagram boundaries are kept; a short buffer truncates, and TRUNC
    // reports the real length.
    a.send_to(&[7u8; 100], &b_addr).unwrap();
    let mut small = [0u8; 10];
    let (n, _) = b.recv_from_with_flags(&mut small, MsgFlags::TRUNC).unwrap();
    assert_eq!(n, 100, "MSG_TRUNC returns the datagram's real length");
    assert_eq!(small, [7u8; 10]);
    a.send_to(&[8u8; 100], &b_addr).unwrap();
    let (n, _) = b.recv_from(&mut small).unwrap();
    assert_eq!(n, 10, "without TRUNC the copied length");
    a.send_to_with_flags(b"flags", &b_addr, MsgFlags::DONTWAIT).unwrap();
    let (n, _) = b.recv_from_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap();
    assert_eq!(&buf[..n], b"flags");
    let err = b.recv_from_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

    // try_clone shares the socket.
    let b2 = b.try_clone().unwrap();
    assert_eq!(b2.local_addr().unwrap(), b_addr);
    a.send_to(b"to clone", &b_addr).unwrap();
    let (n, _) = b2.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to clone");

    // Non-blocking mode, then a read timeout.
    b.set_nonblocking(true).unwrap();
    assert_eq!(b.recv_from(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    b.set_nonblocking(false).unwrap();
    b.set_read_timeout(Some(SHORT)).unwrap();
    assert_eq!(b.read_timeout().unwrap(), Some(SHORT));
    assert_times_out("datagram recv_from", b, |s| s.recv_from(&mut [0u8; 4]).map(|(n, _)| n));
}

fn datagram_connect_send_recv<D: Loopback>() {
    // BoundDatagram::connect.
    let (a, b) = datagram_pair::<D>();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    assert_eq!(b.peer_addr().unwrap(), a.local_addr().unwrap());
    let mut buf = [0u8; 64];
    assert_eq!(a.send(b"quic").unwrap(), 4);
    assert_eq!(b.recv(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"quic");

    // peek, TRUNC, DONTWAIT.
    b.send(&[1u8; 50]).unwrap();
    wait_readable(&a);
    assert_eq!(a.peek(&mut buf[..5]).unwrap(), 5);
    assert_eq!(a.recv_with_flags(&mut buf[..5], MsgFlags::TRUNC).unwrap(), 50);
    assert_eq!(
        a.recv_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    a.send_with_flags(b"f", MsgFlags::DONTWAIT).unwrap();
    assert_eq!(b.recv(&mut buf).unwrap(), 1);

    // Vectored, both directions: one datagram per gather list.
    for (from, to) in [(&a, &b), (&b, &a)] {
        assert_eq!(
            from.send_vectored(&[IoSlice::new(b"con"), IoSlice::new(b"nected")])
                .unwrap(),
            9
        );
        let (mut x, mut y) = ([0u8; 4], [0u8; 16]);
        let n = to
            .recv_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
            .unwrap();
        assert_eq!(n, 9);
        assert_eq!((&x, &y[..5]), (b"conn", &b"ected"[..]));
    }

    // RawSocket<D, Datagram>::connect: the kernel picks the local address.
    let server = bound_datagram::<D>();
    let direct = RawSocket::<D, Datagram>::new()
        .unwrap()
        .connect(server.local_addr().unwrap())
        .unwrap();
    assert_eq!(direct.peer_addr().unwrap(), server.local_addr().unwrap());
    direct.send(b"direct").unwrap();
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"direct");
    assert_eq!(from, direct.local_addr().unwrap());

    // try_clone, non-blocking, timeout.
    let a2 = a.try_clone().unwrap();
    b.send(b"c").unwrap();
    assert_eq!(a2.recv(&mut buf).unwrap(), 1);
    a.set_nonblocking(true).unwrap();
    assert_eq!(a.recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    a.set_nonblocking(false).unwrap();
    a.set_read_timeout(Some(SHORT)).unwrap();
    assert_times_out("connected datagram recv", a, |s| s.recv(&mut [0u8; 4]));
}

/// The seed: a connected datagram socket is "locked to one peer; kernel
/// filters packets". A third socket's datagram never reaches it (UDP drops
/// it; a Unix datagram sender gets `EPERM`).
fn connected_datagram_filters_third_parties<D: Loopback>() {
    let (a, b) = datagram_pair::<D>();
    let third = bound_datagram::<D>();
    let sent = third.send_to(b"intruder", &a.local_addr().unwrap());
    if D::FAMILY == libc::AF_UNIX {
        let err = sent.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
    } else {
        assert_eq!(sent.unwrap(), 8, "UDP sends; the kernel drops on arrival");
    }
    b.send(b"peer").unwrap();
    let mut buf = [0u8; 16];
    let n = a.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"peer", "only the peer's datagram arrives");
    let err = a.recv_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err();
    assert_eq!(
        err.kind(),
        io::ErrorKind::WouldBlock,
        "the intruder's datagram was filtered"
    );
}

/// Why `ConnectedDatagram` has no `send_to` (tests/ui/fail): Linux lets
/// `sendto(2)` on a connected UDP or Unix datagram socket name another
/// address and delivers there, bypassing the peer. The type closes that.
fn connected_sendto_elsewhere_is_a_kernel_bypass<D: Loopback>() {
    let (a, b) = datagram_pair::<D>();
    let other = bound_datagram::<D>();
    assert_ne!(other.local_addr().unwrap(), a.peer_addr().unwrap());
    // Reach below the type: a raw sendto(2) on `a`, to `other`'s address.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: storage and len describe a writable sockaddr_storage.
    let rc = unsafe {
        libc::getsockname(
            other.as_raw_fd(),
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "getsockname: {}", io::Error::last_os_error());
    // SAFETY: a valid buffer and an address the kernel just wrote.
    let n = unsafe {
        libc::sendto(
            a.as_raw_fd(),
            b"bypass".as_ptr().cast(),
            6,
            libc::MSG_NOSIGNAL,
            (&storage as *const libc::sockaddr_storage).cast(),
            len,
        )
    };
    assert_eq!(n, 6, "sendto: {}", io::Error::last_os_error());
    let mut buf = [0u8; 16];
    let (n, from) = other.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"bypass", "delivered to a socket that is not the peer");
    assert_eq!(from, a.local_addr().unwrap());
    // The peer got nothing.
    assert_eq!(
        b.recv_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

// ---------------------------------------------------------- instantiations

macro_rules! for_domain {
    ($module:ident, $domain:ty) => {
        mod $module {
            use wirelane::*;

            #[test]
            fn stream_transitions_and_addresses() {
                super::stream_transitions_and_addresses::<$domain>();
            }
            #[test]
            fn try_accept_on_nonblocking_listener() {
                super::try_accept_on_nonblocking_listener::<$domain>();
            }
            #[test]
            fn connect_nonblocking_wait_finish() {
                super::connect_nonblocking_wait_finish::<$domain>();
            }
            #[test]
            fn stream_io() {
                super::stream_io::<$domain>();
            }
            #[test]
            fn stream_nonblocking_and_timeouts() {
                super::stream_nonblocking_and_timeouts::<$domain>();
            }
            #[test]
            fn read_write_from_two_threads() {
                super::read_write_from_two_threads::<$domain>();
            }
            #[test]
            fn a_signal_interrupts_blocking_calls() {
                super::a_signal_interrupts_blocking_calls::<$domain>();
            }
            #[test]
            fn datagram_send_to_recv_from() {
                super::datagram_send_to_recv_from::<$domain>();
            }
            #[test]
            fn datagram_connect_send_recv() {
                super::datagram_connect_send_recv::<$domain>();
            }
            #[test]
            fn connected_datagram_filters_third_parties() {
                super::connected_datagram_filters_third_parties::<$domain>();
            }
            #[test]
            fn connected_sendto_elsewhere_is_a_kernel_bypass() {
                super::connected_sendto_elsewhere_is_a_kernel_bypass::<$domain>();
            }
        }
    };
}

for_domain!(ipv4, Ipv4);
for_domain!(ipv6, Ipv6);
for_domain!(unix, Unix);

// A full accept queue drops SYNs only for TCP; for Unix streams the
// non-blocking connect fails at once with EAGAIN (tests/failure_paths.rs).
#[test]
fn ipv4_finish_before_ready_returns_the_socket() {
    finish_before_ready_returns_the_socket::<wirelane::Ipv4>();
}

#[test]
fn ipv6_finish_before_ready_returns_the_socket() {
    finish_before_ready_returns_the_socket::<wirelane::Ipv6>();
}
