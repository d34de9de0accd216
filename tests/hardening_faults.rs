//! Faults a long-running server meets, on loopback, each bounded in time:
//! a peer that resets mid-stream, a peer that closes during a large send
//! (`EPIPE`, never `SIGPIPE`: this binary runs with `SIGPIPE` at its
//! default, deadly disposition), a full accept queue, full receive buffers
//! under non-blocking senders, signals interrupting blocking calls
//! (`EINTR`) without losing a byte, and another thread closing or shutting
//! down a socket that one thread is blocked on.
//!
//! Every test holds one lock and checks that the process's descriptor
//! count is unchanged at its end, so a leak in any fault path fails here.

mod common;

use std::io::{self, IoSlice, Read, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::thread;
use std::time::{Duration, Instant};

use common::{Loopback, TIMEOUT, bounded, fd_count, unique_abstract, wait_for, wait_readable};
use wirelane::batch::RecvBatch;
use wirelane::fdpass::{recv_fds, send_fd};
use wirelane::{
    BoundDatagram, ConnectedDatagram, ConnectedStream, Domain, Ipv4, Ipv6, Listener, MsgFlags, PendingConnect,
    RawSocket, SocketAddrV4, Stream, Unix, set_linger, set_recv_buffer_size, set_send_buffer_size,
};

// ------------------------------------------------------------------ setup

static SERIAL: Mutex<()> = Mutex::new(());

/// Serializes the tests (the descriptor count is per process) and puts
/// the process in the state every test here relies on: `SIGPIPE` deadly,
/// a no-op `SIGUSR1` handler without `SA_RESTART`.
fn serial() -> MutexGuard<'static, ()> {
    static SETUP: Once = Once::new();
    SETUP.call_once(|| {
        extern "C" fn ignore(_: libc::c_int) {}
        // SAFETY: restoring SIGPIPE's default is always sound; the SIGUSR1
        // action is a valid no-op handler with an empty mask.
        unsafe {
            assert_ne!(libc::signal(libc::SIGPIPE, libc::SIG_DFL), libc::SIG_ERR);
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = 0; // no SA_RESTART: interrupted calls fail with EINTR
            libc::sigemptyset(&mut action.sa_mask);
            assert_eq!(libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()), 0);
        }
    });
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs a test body and checks that it left no descriptor behind.
fn no_leak(body: impl FnOnce()) {
    let _guard = serial();
    let before = fd_count();
    body();
    assert_eq!(fd_count(), before, "descriptors leaked");
}

/// A deterministic byte stream (xorshift64*), so a receiver can check
/// every byte it gets against what the sender sent.
struct Pattern(u64);

impl Pattern {
    fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            *b = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
    }

    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        Self::new(seed).fill(&mut v);
        v
    }

    /// Checks that `got` is the next `got.len()` bytes of the stream.
    fn check(&mut self, got: &[u8], offset: usize) {
        let mut want = vec![0; got.len()];
        self.fill(&mut want);
        if let Some(i) = got.iter().zip(&want).position(|(a, b)| a != b) {
            panic!("byte {} of the stream differs from what was sent", offset + i);
        }
    }
}

fn stream_pair<D: Loopback>() -> (ConnectedStream<D>, ConnectedStream<D>, Listener<D>) {
    let l = RawSocket::<D, Stream>::new()
        .unwrap()
        .bind(D::fresh())
        .unwrap()
        .listen(16)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    let c = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect(l.local_addr().unwrap())
        .unwrap();
    let s = l.accept().unwrap();
    for x in [&c, &s] {
        x.set_read_timeout(Some(TIMEOUT)).unwrap();
        x.set_write_timeout(Some(TIMEOUT)).unwrap();
    }
    (c, s, l)
}

/// Sends as much as the socket takes without blocking; returns the count.
fn fill_without_blocking<D: Domain>(s: &ConnectedStream<D>) -> usize {
    let chunk = [0x5au8; 16 * 1024];
    let mut total = 0;
    loop {
        match s.send_with_flags(&chunk, MsgFlags::DONTWAIT) {
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return total,
            Err(e) => panic!("send: {e}"),
        }
    }
}

// ------------------------------------------------------------------ resets

/// The peer resets (`SO_LINGER` 0, unread data): the bytes that arrived
/// before the reset read back intact, then `ConnectionReset`, once.
fn peer_reset_mid_stream<D: Loopback>() {
    no_leak(|| {
        let (client, server, _l) = stream_pair::<D>();
        set_send_buffer_size(&server, 64 * 1024).unwrap();
        let data = Pattern::bytes(7, 4 << 20);
        server.set_nonblocking(true).unwrap();
        let mut sent = 0;
        while sent < data.len() {
            match server.send(&data[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(sent > 0 && sent < data.len(), "the buffers must fill: {sent}");
        // Read a little, so the reset lands mid-stream.
        let mut buf = vec![0u8; 1000];
        (&client).read_exact(&mut buf).unwrap();
        assert_eq!(&buf[..], &data[..1000]);
        // Unread data in the client's direction makes close send RST too.
        client.send(b"unread by the server").unwrap();
        set_linger(&server, Some(Duration::ZERO)).unwrap();
        drop(server);
        let mut got = 1000;
        let mut buf = vec![0u8; 64 * 1024];
        let end = loop {
            match client.recv(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => {
                    assert_eq!(&buf[..n], &data[got..got + n], "corrupted at {got}");
                    got += n;
                }
                Err(e) => break Err(e),
            }
        };
        let e = end.expect_err("a reset is an error, not end-of-stream");
        assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}");
        assert!(got <= sent);
        // Reported once; afterwards the stream is simply finished.
        assert_eq!(client.recv(&mut buf).unwrap(), 0);
        let e = client.send(b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
    });
}

#[test]
fn peer_reset_mid_stream_ipv4() {
    peer_reset_mid_stream::<Ipv4>();
}

#[test]
fn peer_reset_mid_stream_ipv6() {
    peer_reset_mid_stream::<Ipv6>();
}

/// A Unix peer that closes with unread data: the survivor reads what was
/// queued for it, then `ConnectionReset`.
#[test]
fn unix_peer_closing_with_unread_data_resets() {
    no_leak(|| {
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        a.set_read_timeout(Some(TIMEOUT)).unwrap();
        a.send(b"never read").unwrap();
        b.send(b"queued for a").unwrap();
        drop(b);
        let mut buf = [0u8; 64];
        let mut got = Vec::new();
        let end = loop {
            match a.recv(&mut buf) {
                Ok(0) => break None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break Some(e),
            }
        };
        assert!(b"queued for a".starts_with(&got), "{got:?}");
        let e = end.expect("ConnectionReset");
        assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}");
        assert_eq!(a.send(b"x").unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    });
}

// ------------------------------------------------------------------ EPIPE

/// The peer closes while a large send is under way: the sender gets
/// `BrokenPipe` (or `ConnectionReset` for TCP, when the RST is seen
/// first), never a `SIGPIPE`, through every send path.
fn peer_closes_during_large_send<D: Loopback>() {
    no_leak(|| {
        for path in 0..3 {
            let (client, server, _l) = stream_pair::<D>();
            let sender = thread::spawn(move || {
                let chunk = Pattern::bytes(path, 256 * 1024);
                let mut sent = 0usize;
                let err = loop {
                    let r = match path {
                        0 => (&client).write_all(&chunk).map(|()| chunk.len()),
                        1 => client.send_vectored(&[IoSlice::new(&chunk[..1000]), IoSlice::new(&chunk[1000..])]),
                        _ => (&client).write_vectored(&[IoSlice::new(&chunk)]),
                    };
                    match r {
                        Ok(n) => sent += n,
                        Err(e) => break e,
                    }
                    assert!(sent < 1 << 30, "a closed peer never stopped the sender");
                };
                (sent, err)
            });
            // The receiver reads a little, then closes with data unread.
            let mut buf = vec![0u8; 64 * 1024];
            (&server).read_exact(&mut buf).unwrap();
            drop(server);
            let (sent, err) = bounded("the large send", move || sender.join().unwrap());
            assert!(
                matches!(err.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset),
                "path {path}: {err}"
            );
            // write_all reports no count on failure; the others do, and
            // must have sent at least what the receiver read.
            assert!(path == 0 || sent >= 64 * 1024, "path {path}: {sent}");
        }
    });
}

#[test]
fn peer_closes_during_large_send_ipv4() {
    peer_closes_during_large_send::<Ipv4>();
}

#[test]
fn peer_closes_during_large_send_ipv6() {
    peer_closes_during_large_send::<Ipv6>();
}

#[test]
fn peer_closes_during_large_send_unix() {
    peer_closes_during_large_send::<Unix>();
}

// ------------------------------------------------------------ accept queue

/// A Unix listener's queue holds `backlog + 1` connections; past that a
/// non-blocking connect fails at once with `WouldBlock` and hands the
/// socket back, which connects fine once the server accepts one.
#[test]
fn unix_accept_queue_overflow_hands_the_socket_back() {
    no_leak(|| {
        let addr = unique_abstract("overflow");
        let l = RawSocket::<Unix, Stream>::new()
            .unwrap()
            .bind(addr)
            .unwrap()
            .listen(2)
            .unwrap();
        let mut queued = Vec::new();
        let refused = loop {
            match RawSocket::<Unix, Stream>::new().unwrap().connect_nonblocking(addr) {
                Ok(p) => queued.push(p.finish().unwrap()),
                Err(e) => break e,
            }
            assert!(queued.len() < 100, "the queue never filled");
        };
        assert_eq!(queued.len(), 3, "backlog 2 queues 3 on Linux");
        assert_eq!(refused.kind(), io::ErrorKind::WouldBlock, "{}", refused.error());
        let socket = refused.into_socket();
        assert!(!socket.is_nonblocking().unwrap(), "blocking mode restored");
        drop(l.accept().unwrap());
        let c = socket.connect(addr).unwrap();
        c.send(b"in").unwrap();
        let mut accepted: Vec<ConnectedStream<Unix>> = (0..3).map(|_| l.accept().unwrap()).collect();
        let last = accepted.pop().unwrap();
        let mut buf = [0u8; 2];
        (&last).read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"in");
    });
}

/// A full TCP accept queue drops SYNs: non-blocking connects stay in
/// flight (`finish` says `WouldBlock` and gives the socket back), and the
/// first complete by SYN retransmission once the server accepts.
#[test]
fn tcp_accept_queue_overflow_keeps_connects_in_flight() {
    no_leak(|| {
        let l = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap()
            .listen(0)
            .unwrap();
        l.set_read_timeout(Some(TIMEOUT)).unwrap();
        let addr = l.local_addr().unwrap();
        let first = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
        wait_readable(&l);
        let mut pending: Vec<PendingConnect<Ipv4>> = (0..16)
            .map(|_| {
                RawSocket::<Ipv4, Stream>::new()
                    .unwrap()
                    .connect_nonblocking(addr)
                    .unwrap()
            })
            .collect();
        for p in std::mem::take(&mut pending) {
            let e = p.finish().unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
            pending.push(e.into_socket());
        }
        drop(l.accept().unwrap());
        drop(first);
        // The next SYN retransmissions find room; the first connection the
        // server accepts belongs to one of the pending sockets, which then
        // finishes.
        let (server, from) = l.accept_with_addr().unwrap();
        let at = pending
            .iter()
            .position(|p| p.local_addr().unwrap() == from)
            .expect("the accepted connection is one of ours");
        let conn = pending.swap_remove(at).finish().unwrap();
        conn.set_nonblocking(false).unwrap();
        conn.send(b"late").unwrap();
        let mut buf = [0u8; 4];
        (&server).read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"late");
        drop(pending); // still in flight: closing them leaks nothing
    });
}

// ----------------------------------------------------- full receive buffer

/// Non-blocking sender, receive buffer full: sends fail with `WouldBlock`
/// (never a partial loss), and after the receiver drains every byte
/// arrives exactly once, in order.
fn backpressure_loses_nothing<D: Loopback>() {
    no_leak(|| {
        let (tx, rx, _l) = stream_pair::<D>();
        set_send_buffer_size(&tx, 64 * 1024).unwrap();
        set_recv_buffer_size(&rx, 64 * 1024).unwrap();
        tx.set_nonblocking(true).unwrap();
        const TOTAL: usize = 4 << 20;
        let reader = thread::spawn(move || {
            let mut check = Pattern::new(99);
            let mut buf = vec![0u8; 4096];
            let mut got = 0;
            // Wait until the sender has hit a full buffer once.
            wait_readable(&rx);
            thread::sleep(Duration::from_millis(50));
            while got < TOTAL {
                let n = rx.recv(&mut buf).unwrap();
                assert!(n > 0, "early end of stream at {got}");
                check.check(&buf[..n], got);
                got += n;
            }
            got
        });
        let mut source = Pattern::new(99);
        let mut chunk = vec![0u8; 32 * 1024];
        let (mut sent, mut would_block) = (0, 0);
        while sent < TOTAL {
            let len = chunk.len().min(TOTAL - sent);
            source.fill(&mut chunk[..len]);
            let mut off = 0;
            while off < len {
                match tx.send(&chunk[off..len]) {
                    Ok(n) => off += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        would_block += 1;
                        wait_for(&tx, libc::POLLOUT);
                    }
                    Err(e) => panic!("send: {e}"),
                }
            }
            sent += len;
        }
        assert!(would_block > 0, "the receive buffer never filled");
        assert_eq!(reader.join().unwrap(), TOTAL);
    });
}

#[test]
fn backpressure_loses_nothing_ipv4() {
    backpressure_loses_nothing::<Ipv4>();
}

#[test]
fn backpressure_loses_nothing_ipv6() {
    backpressure_loses_nothing::<Ipv6>();
}

#[test]
fn backpressure_loses_nothing_unix() {
    backpressure_loses_nothing::<Unix>();
}

/// Unix datagrams have real backpressure: a full queue is `WouldBlock`
/// for a non-blocking sender, and every datagram accepted is delivered,
/// in order.
#[test]
fn unix_datagram_queue_full_loses_nothing() {
    no_leak(|| {
        let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        b.set_read_timeout(Some(TIMEOUT)).unwrap();
        for round in 0..3u32 {
            let mut sent = 0u32;
            loop {
                match a.send(&[&round.to_be_bytes()[..], &sent.to_be_bytes()[..], &[0xab; 200][..]].concat()) {
                    Ok(n) => {
                        assert_eq!(n, 208);
                        sent += 1;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
                assert!(sent < 1_000_000, "the queue never filled");
            }
            assert!(sent > 0);
            let mut buf = [0u8; 512];
            for i in 0..sent {
                let n = b.recv(&mut buf).unwrap();
                assert_eq!(n, 208);
                assert_eq!(&buf[..8], &[round.to_be_bytes(), i.to_be_bytes()].concat()[..]);
            }
            assert_eq!(
                b.recv_with_flags(&mut buf, MsgFlags::DONTWAIT).unwrap_err().kind(),
                io::ErrorKind::WouldBlock
            );
        }
    });
}

// ------------------------------------------------------------------- EINTR

/// Runs `call` on a thread and sends it `SIGUSR1` every few milliseconds
/// until it returns (a signal that lands before the call blocks is
/// harmless; the next one interrupts it). A call that never returns fails
/// the test (its thread is abandoned) instead of hanging it.
fn under_signals<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = thread::spawn(move || {
        // SAFETY: pthread_self has no preconditions.
        tx.send(unsafe { libc::pthread_self() }).unwrap();
        call()
    });
    let thread = rx.recv().unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while !handle.is_finished() {
        assert!(Instant::now() < deadline, "the call did not return under signals");
        // SAFETY: the thread is not joined yet, so its id is valid.
        unsafe { libc::pthread_kill(thread, libc::SIGUSR1) };
        thread::sleep(Duration::from_millis(5));
    }
    handle.join().unwrap()
}

fn kind<T>(r: io::Result<T>) -> io::ErrorKind {
    match r {
        Ok(_) => panic!("the call succeeded; expected Interrupted"),
        Err(e) => e.kind(),
    }
}

/// Every blocking entry point returns `Interrupted` and loses nothing: the
/// socket is intact and the next call works.
#[test]
fn signals_interrupt_every_blocking_call() {
    no_leak(|| {
        use io::ErrorKind::Interrupted;
        // recv_fds (fd passing) and recv_batch (recvmmsg).
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        let (b, r) = under_signals(move || {
            let r = recv_fds(&b, &mut [0u8; 1], 4).map(drop);
            (b, r)
        });
        assert_eq!(kind(r), Interrupted);
        send_fd(&a, &a).unwrap();
        let (_, fds) = recv_fds(&b, &mut [0u8; 1], 4).unwrap();
        assert_eq!(fds.len(), 1);
        drop((a, b, fds));

        let d = RawSocket::<Ipv4, wirelane::Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let (d, mut batch, r) = under_signals(move || {
            let mut batch = RecvBatch::<Ipv4>::new(4, 64).unwrap();
            let r = d.recv_batch(&mut batch, MsgFlags::WAITFORONE);
            (d, batch, r)
        });
        assert_eq!(kind(r), Interrupted);
        d.send_to(b"after", &d.local_addr().unwrap()).unwrap();
        assert_eq!(d.recv_batch(&mut batch, MsgFlags::WAITFORONE).unwrap(), 1);
        assert_eq!(batch.get(0).unwrap().data(), b"after");
        drop((d, batch));

        // A blocking send with the buffer full and nothing yet sent.
        let (c, s, l) = stream_pair::<Ipv4>();
        set_send_buffer_size(&c, 4096).unwrap();
        set_recv_buffer_size(&s, 4096).unwrap();
        assert!(fill_without_blocking(&c) > 0);
        let (c, r) = under_signals(move || {
            let r = c.send(b"x");
            (c, r)
        });
        assert_eq!(kind(r), Interrupted);
        drop((c, s, l));

        // PendingConnect::wait and a blocking connect, both against a full
        // accept queue (SYNs dropped, so the handshake cannot finish).
        let full = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap()
            .listen(0)
            .unwrap();
        full.set_read_timeout(Some(TIMEOUT)).unwrap();
        let addr = full.local_addr().unwrap();
        let queued = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
        wait_readable(&full);
        let pending = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .connect_nonblocking(addr)
            .unwrap();
        let (pending, r) = under_signals(move || {
            let r = pending.wait(None);
            (pending, r)
        });
        assert_eq!(kind(r), Interrupted);
        drop(pending);
        let raw = RawSocket::<Ipv4, Stream>::new().unwrap();
        raw.set_write_timeout(Some(TIMEOUT)).unwrap(); // bounds connect
        let e = under_signals(move || raw.connect(addr)).unwrap_err();
        assert_eq!(e.kind(), Interrupted);
        // The socket came back and the kernel goes on with the handshake:
        // once there is room in the queue, connecting the returned socket
        // again waits for that handshake and succeeds.
        let raw = e.into_socket();
        drop(full.accept().unwrap());
        drop(queued);
        let conn = raw.connect(addr).unwrap();
        let server = full.accept().unwrap();
        conn.send(b"resumed").unwrap();
        let mut buf = [0u8; 7];
        (&server).read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"resumed");
    });
}

/// `read_exact` and `write_all` retry `Interrupted`, as `std`'s do: under
/// a storm of signals a 1 MiB transfer in both directions arrives whole.
#[test]
fn read_exact_and_write_all_lose_nothing_under_signals() {
    no_leak(|| {
        const LEN: usize = 1 << 20;
        let (c, s, l) = stream_pair::<Unix>();
        set_send_buffer_size(&c, 4096).unwrap();
        let reader = thread::spawn(move || {
            let mut got = vec![0u8; LEN];
            // Let the writer block on a full buffer first.
            thread::sleep(Duration::from_millis(20));
            (&s).read_exact(&mut got).unwrap();
            got
        });
        let c = under_signals(move || {
            (&c).write_all(&Pattern::bytes(5, LEN)).unwrap();
            c
        });
        assert!(
            reader.join().unwrap() == Pattern::bytes(5, LEN),
            "the stream arrived damaged"
        );
        drop((c, l));

        let (c, s, l) = stream_pair::<Ipv4>();
        let writer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            for piece in Pattern::bytes(6, LEN).chunks(1000) {
                (&c).write_all(piece).unwrap();
            }
        });
        let got = under_signals(move || {
            let mut got = vec![0u8; LEN];
            (&s).read_exact(&mut got).unwrap();
            got
        });
        writer.join().unwrap();
        assert!(got == Pattern::bytes(6, LEN), "the stream arrived damaged");
        drop(l);
    });
}

// ---------------------------------------------------- closes across threads

/// Starts `call` on a thread, lets it block, runs `interfere` from this
/// thread, and returns the call's result (failing, not hanging, if it
/// never returns).
///
/// There is no portable way to observe "blocked in recv"; a 50 ms head
/// start makes it overwhelmingly likely, and a call that is not yet
/// blocked when the interference happens must return the same result,
/// so the assertions hold either way.
fn blocked_then<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static, interfere: impl FnOnce()) -> T {
    let handle = thread::spawn(call);
    thread::sleep(Duration::from_millis(50));
    interfere();
    let deadline = Instant::now() + TIMEOUT;
    while !handle.is_finished() {
        assert!(Instant::now() < deadline, "the blocked call never returned");
        thread::sleep(Duration::from_millis(2));
    }
    handle.join().unwrap()
}

/// Dropping a `try_clone`d handle while another thread is blocked on the
/// original closes only the duplicate: the blocked call carries on and
/// gets the data sent afterwards. (Dropping the original itself while a
/// thread borrows it does not compile: see `tests/hardening_compile.rs`.)
#[test]
fn dropping_a_clone_does_not_disturb_a_blocked_recv() {
    no_leak(|| {
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        b.set_read_timeout(Some(TIMEOUT)).unwrap();
        let clone = b.try_clone().unwrap();
        let got = blocked_then(
            move || {
                let mut buf = [0u8; 5];
                (&b).read_exact(&mut buf).map(|()| buf)
            },
            || {
                drop(clone);
                a.send(b"hello").unwrap();
            },
        );
        assert_eq!(&got.unwrap(), b"hello");
        drop(a);

        let d = RawSocket::<Ipv6, wirelane::Datagram>::new()
            .unwrap()
            .bind(Ipv6::fresh())
            .unwrap();
        d.set_read_timeout(Some(TIMEOUT)).unwrap();
        let addr = d.local_addr().unwrap();
        let clone: BoundDatagram<Ipv6> = d.try_clone().unwrap();
        let got = blocked_then(
            move || {
                let mut buf = [0u8; 8];
                d.recv_from(&mut buf).map(|(n, _)| buf[..n].to_vec())
            },
            || {
                clone.send_to(b"via dup", &addr).unwrap();
                drop(clone);
            },
        );
        assert_eq!(got.unwrap(), b"via dup");
    });
}

/// `shutdown` from another thread wakes a thread blocked in `recv`: it
/// reads end-of-stream, for each direction that stops reads.
#[test]
fn shutdown_from_another_thread_wakes_a_blocked_recv() {
    no_leak(|| {
        for how in [Shutdown::Read, Shutdown::Both] {
            let (c, s, l) = stream_pair::<Ipv4>();
            let s = Arc::new(s);
            let s2 = Arc::clone(&s);
            let n = blocked_then(move || s2.recv(&mut [0u8; 16]), || s.shutdown(how).unwrap());
            assert_eq!(n.unwrap(), 0, "{how:?}");
            drop((c, s, l));
            let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
            let b = Arc::new(b);
            let b2 = Arc::clone(&b);
            let n = blocked_then(move || b2.recv(&mut [0u8; 16]), || b.shutdown(how).unwrap());
            assert_eq!(n.unwrap(), 0, "{how:?}");
            drop((a, b));
        }
    });
}

/// A thread blocked in `accept` is woken by `shutdown(SHUT_RD)` on the
/// listener from another thread: `accept` fails with `EINVAL`, as on a
/// socket that no longer listens, and the message says it was shut down.
/// `Listener::shutdown` does it; so does `shutdown(2)` on the descriptor
/// borrowed through `AsFd` (both are checked).
#[test]
fn shutdown_from_another_thread_wakes_a_blocked_accept() {
    no_leak(|| {
        fn shut(fd: BorrowedFd<'_>) {
            // SAFETY: shutdown on a borrowed, open descriptor.
            assert_eq!(unsafe { libc::shutdown(fd.as_raw_fd(), libc::SHUT_RD) }, 0);
        }
        fn check<D: Loopback>() {
            let l = RawSocket::<D, Stream>::new()
                .unwrap()
                .bind(D::fresh())
                .unwrap()
                .listen(4)
                .unwrap();
            l.set_read_timeout(Some(TIMEOUT)).unwrap();
            let l = Arc::new(l);
            let l2 = Arc::clone(&l);
            let e = blocked_then(move || l2.accept().map(drop), || shut(l.as_fd())).unwrap_err();
            assert_eq!(wirelane::error::errno_of(&e), libc::EINVAL, "{} accept: {e}", D::NAME);
            assert!(e.to_string().contains("shut down"), "{} accept: {e}", D::NAME);

            let l = RawSocket::<D, Stream>::new()
                .unwrap()
                .bind(D::fresh())
                .unwrap()
                .listen(4)
                .unwrap();
            l.set_read_timeout(Some(TIMEOUT)).unwrap();
            let l = Arc::new(l);
            let l2 = Arc::clone(&l);
            let e = blocked_then(move || l2.accept().map(drop), || l.shutdown().unwrap()).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{} accept: {e}", D::NAME);
            assert_eq!(wirelane::error::errno_of(&e), libc::EINVAL, "{} accept: {e}", D::NAME);
        }
        check::<Ipv4>();
        check::<Ipv6>();
        check::<Unix>();
    });
}

// ------------------------------------------------------------- zero copy

fn sigpipe_blocked() -> bool {
    // SAFETY: querying this thread's mask into a zeroed sigset_t.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        assert_eq!(libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut set), 0);
        libc::sigismember(&set, libc::SIGPIPE) == 1
    }
}

/// Regression: `sendfile`, `splice` and `tee` have no `MSG_NOSIGNAL`, and
/// used to kill a C host with `SIGPIPE` when the socket's peer or the
/// pipe's reader was gone. Now each is `BrokenPipe`, with `SIGPIPE` at its
/// default disposition in this process, and the thread's signal mask is
/// left as it was.
#[test]
fn zero_copy_paths_never_raise_sigpipe() {
    use wirelane::zerocopy::{SpliceFlags, pipe, splice, splice_simple, tee};
    no_leak(|| {
        let exe = std::fs::File::open("/proc/self/exe").unwrap();
        assert!(!sigpipe_blocked());
        // sendfile to a stream whose peer closed.
        for _ in 0..3 {
            let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
            drop(b);
            let e = a.sendfile(&exe, Some(&mut 0), 4096).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
            let e = a.sendfile_all(&exe, Some(&mut 0), 1 << 20).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
            let (c, s, _l) = stream_pair::<Ipv4>();
            c.shutdown(Shutdown::Write).unwrap();
            assert_eq!(
                c.sendfile(&exe, None, 100).unwrap_err().kind(),
                io::ErrorKind::BrokenPipe
            );
            drop(s);
        }
        // splice from a pipe into a dead socket, and into a pipe nobody reads.
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        drop(b);
        let (r, w) = pipe().unwrap();
        std::fs::File::from(w.try_clone().unwrap()).write_all(b"data").unwrap();
        let e = splice_simple(&r, &a, 4, SpliceFlags::NONE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
        let (r2, w2) = pipe().unwrap();
        drop(r2);
        let e = splice(&exe, Some(&mut 0), &w2, None, 16, SpliceFlags::NONE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
        // tee into a pipe nobody reads.
        let e = tee(&r, &w2, 4, SpliceFlags::NONE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
        assert!(!sigpipe_blocked(), "the signal mask was not restored");
        drop((r, w, w2, a));
    });
}
