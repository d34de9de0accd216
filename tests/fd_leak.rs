//! No descriptor leaks, ever: thousands of failing and succeeding
//! transitions of every kind leave the number of open descriptors
//! (`/proc/self/fd`) unchanged. Every descriptor the library creates is
//! close-on-exec, and a send to a closed peer is `BrokenPipe`, never a
//! `SIGPIPE` (checked with `SIGPIPE` at its default, deadly disposition).
//!
//! This binary holds ONE test that runs its cases in sequence: the
//! descriptor count is per process, so nothing may run beside it.

mod common;

use std::io::{self, IoSlice, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use common::{TIMEOUT, TempPath, closed_port, fd_count, is_cloexec, unique_abstract, wait_readable};
use wirelane::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, Listener, MsgFlags,
    RawSocket, SocketAddrV4, SocketAddrV6, Stream, Unix, UnixAddr,
};

const ROUNDS: usize = 5_000;

fn assert_cloexec(what: &str, fd: impl AsFd) {
    assert!(is_cloexec(fd), "{what} is not close-on-exec");
}

fn listener4() -> Listener<Ipv4> {
    let l = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(64)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    l
}

fn set_reuse_addr(fd: &impl AsRawFd) {
    let on: libc::c_int = 1;
    // SAFETY: a valid int option value.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0);
}

/// Runs `round` ROUNDS times and checks the descriptor count is back to
/// `baseline` afterwards.
fn rounds(what: &str, baseline: usize, mut round: impl FnMut(usize)) {
    for i in 0..ROUNDS {
        round(i);
    }
    assert_eq!(fd_count(), baseline, "{what}: descriptors leaked over {ROUNDS} rounds");
}

// ------------------------------------------------------------------ cases

fn bind_in_use(baseline: usize) {
    let taken4 = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let taken6 = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    let tmp = TempPath::new("leak-bind");
    let taken_unix = RawSocket::<Unix, Stream>::new().unwrap().bind(tmp.addr()).unwrap();
    let (a4, a6) = (taken4.local_addr().unwrap(), taken6.local_addr().unwrap());
    let baseline = baseline + 3;
    rounds("bind in use", baseline, |i| {
        let s = RawSocket::<Ipv4, Stream>::new().unwrap();
        assert_cloexec("RawSocket<Ipv4, Stream>", &s);
        let e = s.bind(a4).unwrap_err();
        if i % 2 == 0 {
            drop(e.into_socket()); // returned, then dropped
        } else {
            drop(e.into_error()); // closed with the error taken
        }
        let s = RawSocket::<Ipv6, Datagram>::new().unwrap();
        assert_cloexec("RawSocket<Ipv6, Datagram>", &s);
        drop(s.bind(a6).unwrap_err()); // dropped whole
        let s = RawSocket::<Unix, Stream>::new().unwrap();
        assert_cloexec("RawSocket<Unix, Stream>", &s);
        let e = s.bind(tmp.addr()).unwrap_err();
        let _: io::Error = e.into(); // the `?` conversion closes it
        // Bind that succeeds, for each combination.
        let b = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let d = RawSocket::<Ipv6, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV6::localhost(0))
            .unwrap();
        let u = RawSocket::<Unix, Datagram>::new()
            .unwrap()
            .bind(UnixAddr::unnamed())
            .unwrap();
        assert_cloexec("RawSocket<Unix, Datagram>", &u);
        drop((b, d, u));
    });
    drop((taken4, taken6, taken_unix));
}

fn listen_in_use(baseline: usize) {
    // With SO_REUSEADDR two sockets bind one port; the second listen fails.
    rounds("listen in use", baseline, |_| {
        let first = RawSocket::<Ipv4, Stream>::new().unwrap();
        set_reuse_addr(&first);
        let first = first.bind(SocketAddrV4::localhost(0)).unwrap();
        let second = RawSocket::<Ipv4, Stream>::new().unwrap();
        set_reuse_addr(&second);
        let second: BoundSocket<Ipv4> = second.bind(first.local_addr().unwrap()).unwrap();
        let first = first.listen(1).unwrap();
        let e = second.listen(1).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
        drop((e, first));
    });
}

fn connect_refused(baseline: usize, closed: u16) {
    let nobody = unique_abstract("leak-nobody");
    rounds("connect refused", baseline, |_| {
        let e = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .connect(SocketAddrV4::localhost(closed))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
        let e = e.into_socket().connect(SocketAddrV4::localhost(closed)).unwrap_err(); // retried, refused again
        drop(e);
        let e = RawSocket::<Unix, Stream>::new().unwrap().connect(nobody).unwrap_err();
        drop(e.into_socket());
    });
}

fn nonblocking_connect_refused(baseline: usize, closed: u16) {
    let nobody = unique_abstract("leak-nb-nobody");
    rounds("non-blocking connect refused", baseline, |i| {
        let pending = RawSocket::<Ipv6, Stream>::new()
            .unwrap()
            .connect_nonblocking(SocketAddrV6::localhost(closed))
            .unwrap();
        assert_cloexec("PendingConnect<Ipv6>", &pending);
        assert!(pending.wait(Some(TIMEOUT)).unwrap());
        let e = pending.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
        if i % 2 == 0 {
            drop(e.into_socket().finish().unwrap_err()); // second finish: ENOTCONN
        }
        // Unix: refused inside connect(2), the RawSocket comes back.
        let e = RawSocket::<Unix, Stream>::new()
            .unwrap()
            .connect_nonblocking(nobody)
            .unwrap_err();
        drop(e.into_socket());
    });
}

fn finish_before_ready(baseline: usize) {
    // backlog 0 plus one queued connection: the accept queue is full, new
    // SYNs are dropped, and every connect stays in flight.
    let l = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(0)
        .unwrap();
    let addr = l.local_addr().unwrap();
    let first = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
    wait_readable(&l);
    rounds("finish before ready", baseline + 2, |_| {
        let pending = RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .connect_nonblocking(addr)
            .unwrap();
        let e = pending.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        drop(e.into_socket());
    });
    drop((l, first));
}

fn accept_and_connect(baseline: usize) {
    let l4 = listener4();
    let a4 = l4.local_addr().unwrap();
    let lu = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(unique_abstract("leak-accept"))
        .unwrap()
        .listen(64)
        .unwrap();
    lu.set_read_timeout(Some(TIMEOUT)).unwrap();
    let au = lu.local_addr().unwrap();
    rounds("accept and connect", baseline + 2, |i| {
        let c = RawSocket::<Ipv4, Stream>::new().unwrap().connect(a4).unwrap();
        assert_cloexec("connected ConnectedStream<Ipv4>", &c);
        let s = if i % 2 == 0 {
            l4.accept().unwrap()
        } else {
            l4.accept_with_addr().unwrap().0
        };
        assert_cloexec("accepted ConnectedStream<Ipv4>", &s);
        let clone = s.try_clone().unwrap();
        assert_cloexec("try_clone of a ConnectedStream", &clone);
        drop((c, s, clone));

        // Non-blocking: try_accept gives None, then Some.
        lu.set_nonblocking(true).unwrap();
        assert!(lu.try_accept().unwrap().is_none());
        let pending = RawSocket::<Unix, Stream>::new()
            .unwrap()
            .connect_nonblocking(au)
            .unwrap();
        let c = pending.finish().unwrap();
        assert_cloexec("finished ConnectedStream<Unix>", &c);
        let (s, _) = lu.try_accept().unwrap().expect("pending connection");
        assert_cloexec("try_accept'ed ConnectedStream<Unix>", &s);
        lu.set_nonblocking(false).unwrap();
        drop((c, s));

        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        assert_cloexec("pair() end", &a);
        assert_cloexec("pair() end", &b);
    });
}

fn datagram_connect(baseline: usize) {
    let peer = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let missing = TempPath::new("leak-missing");
    rounds("datagram connect", baseline + 1, |_| {
        let b: BoundDatagram<Ipv4> = RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let b = b.connect(SocketAddrV4::localhost(0)).unwrap_err().into_socket(); // port 0 refused
        let c: ConnectedDatagram<Ipv4> = b.connect(peer_addr).unwrap();
        let clone = c.try_clone().unwrap();
        assert_cloexec("try_clone of a ConnectedDatagram", &clone);
        drop((c, clone));

        let u = RawSocket::<Unix, Datagram>::new()
            .unwrap()
            .bind(UnixAddr::unnamed())
            .unwrap();
        let u = u.connect(missing.addr()).unwrap_err().into_socket(); // ENOENT
        let uc = u.try_clone().unwrap();
        assert_cloexec("try_clone of a BoundDatagram", &uc);
        drop((u, uc));
        let e = RawSocket::<Unix, Datagram>::new()
            .unwrap()
            .connect(missing.addr())
            .unwrap_err();
        drop(e);

        let (x, y) = ConnectedDatagram::<Unix>::pair().unwrap();
        assert_cloexec("datagram pair() end", &x);
        drop((x, y));
    });
    drop(peer);
}

fn bad_input(baseline: usize) {
    let long = format!("/tmp/{}", "x".repeat(150));
    rounds("bad input", baseline, |_| {
        let e = UnixAddr::new(&long).unwrap_err();
        assert_eq!(wirelane::error::errno_of(&e), libc::ENAMETOOLONG);
        assert!("not an address".parse::<SocketAddrV4>().is_err());
        let s = RawSocket::<Ipv4, Stream>::new().unwrap();
        assert!(s.set_read_timeout(Some(std::time::Duration::ZERO)).is_err());
    });
}

fn adoption_mismatch(baseline: usize) {
    let l = listener4();
    let addr = l.local_addr().unwrap();
    rounds("adoption mismatch", baseline + 1, |_| {
        // Wrong state: a fresh socket is not a ConnectedStream.
        let fd = OwnedFd::from(RawSocket::<Ipv4, Stream>::new().unwrap());
        let fd = ConnectedStream::<Ipv4>::try_from(fd).unwrap_err().into_socket();
        // Wrong domain: an IPv4 socket is not an IPv6 one.
        let fd = RawSocket::<Ipv6, Stream>::try_from(fd).unwrap_err().into_socket();
        // Wrong type.
        let fd = RawSocket::<Ipv4, Datagram>::try_from(fd).unwrap_err().into_socket();
        // Right: adopted, then dropped.
        let raw = RawSocket::<Ipv4, Stream>::try_from(fd).unwrap();
        drop(raw);
        // Dropped inside the error.
        let fd = OwnedFd::from(RawSocket::<Unix, Datagram>::new().unwrap());
        drop(Listener::<Unix>::try_from(fd).unwrap_err());
        // A std stream of the wrong family comes back as itself.
        let std = TcpStream::connect(addr.to_std()).unwrap();
        let std = ConnectedStream::<Ipv6>::try_from(std).unwrap_err().into_socket();
        let ours = ConnectedStream::<Ipv4>::try_from(std).unwrap();
        drop(ours);
        drop(l.accept().unwrap());
    });
    drop(l);
}

/// `MSG_NOSIGNAL` on every send path: with `SIGPIPE` at its default
/// disposition a missing flag would kill this process.
fn broken_pipe_without_sigpipe(baseline: usize) {
    let l = listener4();
    let addr = l.local_addr().unwrap();
    rounds("sends to a closed peer", baseline + 1, |i| {
        // Unix stream: the peer is gone.
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        drop(b);
        let sends: [&dyn Fn() -> io::Result<usize>; 5] = [
            &|| a.send(b"x"),
            &|| a.send_with_flags(b"x", MsgFlags::DONTWAIT),
            &|| a.send_vectored(&[IoSlice::new(b"x")]),
            &|| (&a).write(b"x"),
            &|| (&a).write_vectored(&[IoSlice::new(b"x")]),
        ];
        let err = sends[i % sends.len()]().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{err}");
        assert_eq!((&a).write_all(b"x").unwrap_err().kind(), io::ErrorKind::BrokenPipe);

        // TCP: our own write side is shut, deterministic EPIPE.
        let c = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
        let s = l.accept().unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        assert_eq!(c.send(b"x").unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(
            c.send_vectored(&[IoSlice::new(b"x")]).unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
        drop((c, s));
    });

    // TCP with the peer gone: the first send may still be queued, the RST
    // then closes the connection, and later sends fail with EPIPE.
    let c = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
    drop(l.accept().unwrap());
    let mut tries = 0;
    let kind = loop {
        match c.send(b"into the void") {
            Ok(_) => {
                tries += 1;
                assert!(tries < 10_000, "sends to a closed peer never failed");
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e) => break e.kind(),
        }
    };
    assert!(
        matches!(kind, io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset),
        "{kind:?}"
    );
    assert_eq!(c.send(b"x").unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    drop((c, l));
}

#[test]
fn no_descriptor_leaks_every_descriptor_cloexec_no_sigpipe() {
    // Rust ignores SIGPIPE in its runtime; restore the default (terminate)
    // so a send without MSG_NOSIGNAL would kill this test binary.
    // SAFETY: setting a signal disposition to SIG_DFL is always sound.
    let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    assert_ne!(previous, libc::SIG_ERR);

    let held = closed_port();
    let closed = held.port();
    let baseline = fd_count();
    bind_in_use(baseline);
    listen_in_use(baseline);
    connect_refused(baseline, closed);
    nonblocking_connect_refused(baseline, closed);
    finish_before_ready(baseline);
    accept_and_connect(baseline);
    datagram_connect(baseline);
    bad_input(baseline);
    adoption_mismatch(baseline);
    broken_pipe_without_sigpipe(baseline);
    assert_eq!(fd_count(), baseline, "descriptors leaked overall");
}
