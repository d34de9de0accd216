//! Descriptor accounting at scale: tens of thousands of state transitions,
//! through every path the Rust API has, succeeding and failing, leave the
//! number of open descriptors (`/proc/self/fd`) exactly where it was.
//!
//! `tests/fd_leak.rs` proves the basic kinds over 5,000 rounds each; this
//! suite adds the failure paths it does not reach (invalid and unusable
//! addresses, builders that fail half way, a second `finish` after the
//! error was taken, descriptors passed in excess of what the receiver
//! accepts, adoption of the wrong kind of descriptor) and counts every
//! transition it runs, so the total is a measured figure, not an estimate.
//!
//! The binary holds ONE test running its phases in sequence: the
//! descriptor count is per process, so nothing may run beside it.

mod common;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Ipv6Addr, Shutdown};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use common::{TIMEOUT, TempPath, fd_count, unique_abstract, wait_readable};
use wirelane::error::errno_of;
use wirelane::fdpass::{recv_fds, recv_with_credentials, send_fds};
use wirelane::{
    BoundDatagram, ConnectedDatagram, ConnectedStream, ConnectorBuilder, Datagram, DatagramBuilder, Ipv4, Ipv6,
    Listener, ListenerBuilder, PendingConnect, RawSocket, SocketAddrV4, SocketAddrV6, Stream, TransitionError, Unix,
    UnixAddr,
};

/// Rounds per phase: seven phases of 1 to 7 transitions per round make
/// about 240,000 transitions, a few seconds in a debug build.
const ROUNDS: usize = 3_000;

/// Counts transitions (socket creations and every attempted state change,
/// successful or not) and checks the descriptor count after each phase.
struct Ledger {
    baseline: usize,
    transitions: Cell<usize>,
    failures: Cell<usize>,
}

impl Ledger {
    /// Records one attempted transition and passes its result through.
    fn t<N, S>(&self, r: Result<N, TransitionError<S>>) -> Result<N, TransitionError<S>> {
        self.count(r.is_err());
        r
    }

    fn count(&self, failed: bool) {
        self.transitions.set(self.transitions.get() + 1);
        if failed {
            self.failures.set(self.failures.get() + 1);
        }
    }

    /// Records one attempted transition that returns a plain `io::Result`
    /// (socket creation, accept, builders).
    fn io<N>(&self, r: io::Result<N>) -> io::Result<N> {
        self.count(r.is_err());
        r
    }

    /// Runs `round` ROUNDS times; the descriptor count must then be
    /// `baseline + held` (descriptors the phase keeps open on purpose).
    fn phase(&self, what: &str, held: usize, mut round: impl FnMut(&Self, usize)) {
        let before = self.transitions.get();
        for i in 0..ROUNDS {
            round(self, i);
        }
        let now = fd_count();
        assert_eq!(
            now,
            self.baseline + held,
            "{what}: {} descriptors leaked over {} transitions",
            now as isize - (self.baseline + held) as isize,
            self.transitions.get() - before
        );
        println!(
            "phase {what:<34} {:>6} transitions, descriptors unchanged",
            self.transitions.get() - before
        );
    }
}

fn expect_err<N, S>(r: Result<N, TransitionError<S>>, errno: i32, what: &str) -> S {
    match r {
        Ok(_) => panic!("{what}: expected errno {errno}, the transition succeeded"),
        Err(e) => {
            assert_eq!(errno_of(e.error()), errno, "{what}: {e}");
            e.into_socket()
        }
    }
}

// ------------------------------------------------------------------ phases

/// Binds that fail for every reason an address can be unusable, each
/// followed by a successful bind on the very same socket.
fn bind_failures(l: &Ledger) {
    let taken4 = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let taken6 = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    let path = TempPath::new("hfd-bind");
    let taken_path = RawSocket::<Unix, Stream>::new().unwrap().bind(path.addr()).unwrap();
    let name = unique_abstract("hfd-bind");
    let taken_name = RawSocket::<Unix, Datagram>::new().unwrap().bind(name).unwrap();
    let (a4, a6) = (taken4.local_addr().unwrap(), taken6.local_addr().unwrap());
    let missing_dir = UnixAddr::new(format!("/nonexistent-{}/x.sock", std::process::id())).unwrap();
    // TEST-NET-1 (RFC 5737) is never a local address.
    let not_local = SocketAddrV4::new([192, 0, 2, 1], 0);
    // Link-local needs a scope: none gives EINVAL, an unknown one ENODEV.
    let no_scope = SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), 0, 0, 0);
    let bad_scope = SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), 0, 0, 0x7fff_fff0);

    l.phase("bind failures, then rebind", 4, |l, _| {
        let s = l.io(RawSocket::<Ipv4, Stream>::new()).unwrap();
        let s = expect_err(l.t(s.bind(a4)), libc::EADDRINUSE, "v4 bind in use");
        let s = expect_err(l.t(s.bind(not_local)), libc::EADDRNOTAVAIL, "v4 bind to non-local");
        drop(l.t(s.bind(SocketAddrV4::localhost(0))).unwrap());

        let s = l.io(RawSocket::<Ipv6, Datagram>::new()).unwrap();
        let s = expect_err(l.t(s.bind(a6)), libc::EADDRINUSE, "v6 bind in use");
        let s = expect_err(l.t(s.bind(no_scope)), libc::EINVAL, "v6 link-local without scope");
        let s = expect_err(l.t(s.bind(bad_scope)), libc::ENODEV, "v6 link-local, unknown scope");
        drop(l.t(s.bind(SocketAddrV6::localhost(0))).unwrap());

        let s = l.io(RawSocket::<Unix, Stream>::new()).unwrap();
        let s = expect_err(l.t(s.bind(path.addr())), libc::EADDRINUSE, "unix path in use");
        let s = expect_err(l.t(s.bind(missing_dir)), libc::ENOENT, "unix path in missing dir");
        drop(l.t(s.bind(UnixAddr::unnamed())).unwrap());

        let s = l.io(RawSocket::<Unix, Datagram>::new()).unwrap();
        // The failed bind is dropped whole: the error owns the socket.
        drop(l.t(s.bind(name)).unwrap_err());
    });
    drop((taken4, taken6, taken_path, taken_name));
}

/// Connects refused or impossible, blocking and non-blocking, and the
/// pending-connect failure paths (`finish` after a refusal, twice).
fn connect_failures(l: &Ledger, closed: u16) {
    let nobody = unique_abstract("hfd-nobody");
    let missing = TempPath::new("hfd-missing");
    let plain_file = TempPath::new("hfd-file");
    File::create(plain_file.path()).unwrap();
    let no_scope = SocketAddrV6::new(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1), closed, 0, 0);
    l.phase("connect failures", 0, |l, i| {
        let s = l.io(RawSocket::<Ipv4, Stream>::new()).unwrap();
        let s = expect_err(
            l.t(s.connect(SocketAddrV4::localhost(closed))),
            libc::ECONNREFUSED,
            "v4 refused",
        );
        let s = expect_err(
            l.t(s.connect(SocketAddrV4::new([0, 0, 0, 0], 0))),
            libc::ECONNREFUSED,
            "v4 port 0",
        );
        drop(s);

        let s = l.io(RawSocket::<Ipv6, Stream>::new()).unwrap();
        let s = expect_err(l.t(s.connect(no_scope)), libc::EINVAL, "v6 link-local without scope");
        drop(l.t(s.connect(SocketAddrV6::localhost(closed))).unwrap_err());

        let s = l.io(RawSocket::<Unix, Stream>::new()).unwrap();
        let s = expect_err(l.t(s.connect(nobody)), libc::ECONNREFUSED, "unix abstract nobody");
        let s = expect_err(l.t(s.connect(missing.addr())), libc::ENOENT, "unix missing path");
        let s = expect_err(
            l.t(s.connect(plain_file.addr())),
            libc::ECONNREFUSED,
            "unix path that is a plain file",
        );
        drop(s);

        // Non-blocking: refused later, seen by finish; a second finish
        // finds the error already taken (ENOTCONN).
        let pending = l
            .t(l.io(RawSocket::<Ipv4, Stream>::new())
                .unwrap()
                .connect_nonblocking(SocketAddrV4::localhost(closed)))
            .unwrap();
        assert!(pending.wait(Some(TIMEOUT)).unwrap());
        let pending: PendingConnect<Ipv4> = expect_err(l.t(pending.finish()), libc::ECONNREFUSED, "finish refused");
        let pending = expect_err(l.t(pending.finish()), libc::ENOTCONN, "second finish");
        if i % 2 == 0 {
            drop(pending);
        } else {
            drop(OwnedFd::from(pending)); // given up as a plain descriptor
        }

        // Datagram connects that fail give the bound socket back.
        let d: BoundDatagram<Ipv4> = l
            .t(l.io(RawSocket::<Ipv4, Datagram>::new())
                .unwrap()
                .bind(SocketAddrV4::localhost(0)))
            .unwrap();
        let d = expect_err(l.t(d.connect(SocketAddrV4::localhost(0))), libc::EINVAL, "udp port 0");
        drop(d);
        let u = l.io(RawSocket::<Unix, Datagram>::new()).unwrap();
        drop(l.t(u.connect(missing.addr())).unwrap_err());
    });
}

/// Listens that fail (address in use through `SO_REUSEADDR`), accepts that
/// fail (non-blocking with nothing queued, a timeout), and `finish` while
/// the handshake cannot complete (the accept queue is full).
fn listen_accept_failures(l: &Ledger) {
    let full = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(0)
        .unwrap();
    let full_addr = full.local_addr().unwrap();
    let queued = RawSocket::<Ipv4, Stream>::new().unwrap().connect(full_addr).unwrap();
    wait_readable(&full);
    let idle = ListenerBuilder::<Ipv6>::new()
        .nonblocking(true)
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    l.phase("listen/accept/finish failures", 3, |l, _| {
        // With SO_REUSEADDR two sockets bind one port; the second listen fails.
        let first = l.io(RawSocket::<Ipv4, Stream>::new()).unwrap();
        wirelane::set_reuse_address(&first, true).unwrap();
        let first = l.t(first.bind(SocketAddrV4::localhost(0))).unwrap();
        let second = l.io(RawSocket::<Ipv4, Stream>::new()).unwrap();
        wirelane::set_reuse_address(&second, true).unwrap();
        let second = l.t(second.bind(first.local_addr().unwrap())).unwrap();
        let first = l.t(first.listen(1)).unwrap();
        let second = expect_err(l.t(second.listen(1)), libc::EADDRINUSE, "listen in use");
        drop((first, second));

        assert_eq!(l.io(idle.accept()).unwrap_err().kind(), io::ErrorKind::WouldBlock);
        assert!(idle.try_accept().unwrap().is_none());

        let pending = l
            .t(l.io(RawSocket::<Ipv4, Stream>::new())
                .unwrap()
                .connect_nonblocking(full_addr))
            .unwrap();
        let e = l.t(pending.finish()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        drop(e);
    });
    drop((full, queued, idle));
}

/// Builders that fail after creating their socket: the half-built socket
/// must be closed on every path.
fn builder_failures(l: &Ledger, closed: u16) {
    let taken = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let taken_addr = taken.local_addr().unwrap();
    let taken_udp = DatagramBuilder::<Ipv6>::new().bind(SocketAddrV6::localhost(0)).unwrap();
    let taken_udp_addr = taken_udp.local_addr().unwrap();
    l.phase("builder failures", 2, |l, i| {
        let e = l
            .io(ListenerBuilder::<Ipv4>::new().backlog(8).bind(taken_addr))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
        let e = l
            .io(ConnectorBuilder::<Ipv4>::new().connect(SocketAddrV4::localhost(closed)))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
        // Bind-then-connect inside the builder: the connect fails after
        // the bind succeeded.
        let e = l
            .io(ConnectorBuilder::<Ipv4>::new()
                .local_addr(SocketAddrV4::localhost(0))
                .timeout(TIMEOUT)
                .connect(SocketAddrV4::localhost(closed)))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
        // ... and the bind itself fails.
        let e = l
            .io(ConnectorBuilder::<Ipv4>::new()
                .local_addr(taken_addr)
                .connect(SocketAddrV4::localhost(closed)))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
        let e = l.io(DatagramBuilder::<Ipv6>::new().bind(taken_udp_addr)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
        let e = l
            .io(DatagramBuilder::<Ipv4>::new().connect(SocketAddrV4::localhost(0)))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        if i % 4 == 0 {
            // Zero timeout: rejected before any socket exists.
            let e = ConnectorBuilder::<Ipv4>::new()
                .timeout(Duration::ZERO)
                .connect(taken_addr)
                .unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        }
    });
    drop((taken, taken_udp));
}

/// Every successful path: listen, connect, accept (three ways), finish,
/// pairs, clones, datagram bind and connect, data through each.
fn successes(l: &Ledger) {
    let l4: Listener<Ipv4> = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    l4.set_read_timeout(Some(TIMEOUT)).unwrap();
    let a4 = l4.local_addr().unwrap();
    let path = TempPath::new("hfd-ok");
    let lu: Listener<Unix> = ListenerBuilder::<Unix>::new().bind(path.addr()).unwrap();
    lu.set_read_timeout(Some(TIMEOUT)).unwrap();
    l.phase("successful transitions", 2, |l, i| {
        let c = l
            .t(l.io(RawSocket::<Ipv4, Stream>::new()).unwrap().connect(a4))
            .unwrap();
        let s = match i % 3 {
            0 => l.io(l4.accept()).unwrap(),
            1 => l.io(l4.accept_with_addr()).unwrap().0,
            _ => l.io(l4.try_accept()).unwrap().expect("a queued connection").0,
        };
        (&c).write_all(b"ping").unwrap();
        let mut buf = [0; 4];
        (&s).read_exact(&mut buf).unwrap();
        let clone = s.try_clone().unwrap();
        drop((c, s, clone));

        let pending = l
            .t(l.io(RawSocket::<Unix, Stream>::new())
                .unwrap()
                .connect_nonblocking(path.addr()))
            .unwrap();
        let c = l.t(pending.finish()).unwrap();
        let s = l.io(lu.accept()).unwrap();
        c.shutdown(Shutdown::Write).unwrap();
        assert_eq!(s.recv(&mut buf).unwrap(), 0);
        drop((c, s));

        let b = l
            .t(l.io(RawSocket::<Ipv6, Stream>::new())
                .unwrap()
                .bind(SocketAddrV6::localhost(0)))
            .unwrap();
        let listener = l.t(b.listen(4)).unwrap();
        drop(listener);

        let d = l
            .t(l.io(RawSocket::<Ipv4, Datagram>::new())
                .unwrap()
                .bind(SocketAddrV4::localhost(0)))
            .unwrap();
        let peer = d.local_addr().unwrap();
        let cd: ConnectedDatagram<Ipv4> = l
            .t(l.io(RawSocket::<Ipv4, Datagram>::new()).unwrap().connect(peer))
            .unwrap();
        cd.send(b"x").unwrap();
        let cd2 = l.t(d.connect(cd.local_addr().unwrap())).unwrap();
        assert_eq!(cd2.recv(&mut buf).unwrap(), 1);
        drop((cd, cd2));

        let (a, b) = l.io(ConnectedStream::<Unix>::pair()).unwrap();
        let (x, y) = l.io(ConnectedDatagram::<Unix>::pair()).unwrap();
        drop((a, b, x, y));
    });
    drop((l4, lu));
}

/// Descriptor passing where the receiver refuses part of what arrives:
/// every descriptor the kernel installed must still be closed.
fn fd_passing(l: &Ledger) {
    let devnull = File::open("/dev/null").unwrap();
    let fds: Vec<BorrowedFd<'_>> = vec![devnull.as_fd(); 16];
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    let (x, y) = ConnectedDatagram::<Unix>::pair().unwrap();
    l.phase("fd passing with refusals", 5, |l, i| {
        let n = 1 + i % 16;
        // Accepted in full.
        send_fds(&a, b"m", &fds[..n]).unwrap();
        let mut buf = [0u8; 4];
        let (len, got) = l.io(recv_fds(&b, &mut buf, 16)).unwrap();
        assert_eq!((len, got.len()), (1, n));
        drop(got);
        // More than max_fds: an error, and all that arrived are closed.
        send_fds(&x, b"dgram", &fds[..n.max(2)]).unwrap();
        let e = l.io(recv_fds(&y, &mut buf, 1)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        // Descriptors arriving where only credentials were asked for.
        send_fds(&a, b"c", &fds[..n]).unwrap();
        let (len, cred) = l.io(recv_with_credentials(&b, &mut buf)).unwrap();
        assert_eq!((len, cred), (1, None));
    });
    drop((a, b, x, y, devnull));
}

/// Adopting descriptors of the wrong domain, type or state: each refusal
/// hands the descriptor back, each acceptance owns it.
fn adoption(l: &Ledger) {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let addr = listener.local_addr().unwrap();
    l.phase("adoption of wrong descriptors", 1, |l, _| {
        let fd = OwnedFd::from(l.io(RawSocket::<Ipv6, Stream>::new()).unwrap());
        let fd = l.t(ConnectedStream::<Ipv6>::try_from(fd)).unwrap_err().into_socket();
        let fd = l.t(RawSocket::<Ipv4, Stream>::try_from(fd)).unwrap_err().into_socket();
        let fd = l
            .t(RawSocket::<Ipv6, Datagram>::try_from(fd))
            .unwrap_err()
            .into_socket();
        let fd = l.t(Listener::<Ipv6>::try_from(fd)).unwrap_err().into_socket();
        drop(l.t(RawSocket::<Ipv6, Stream>::try_from(fd)).unwrap());
        // Not a socket at all: a pipe end, a regular file.
        let (r, w) = pipe();
        drop(l.t(RawSocket::<Unix, Stream>::try_from(r)).unwrap_err());
        let w = l.t(ConnectedStream::<Unix>::try_from(w)).unwrap_err().into_socket();
        drop(w);
        let f = OwnedFd::from(File::open("/dev/null").unwrap());
        drop(l.t(BoundDatagram::<Ipv4>::try_from(f)).unwrap_err());
        // std types in and out.
        let std = std::net::TcpStream::connect(addr.to_std()).unwrap();
        let ours = l.t(ConnectedStream::<Ipv4>::try_from(std)).unwrap();
        let back: std::net::TcpStream = ours.into();
        drop(back);
        drop(l.io(listener.accept()).unwrap());
    });
    drop(listener);
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [-1; 2];
    // SAFETY: a valid two-element array for the kernel to fill.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both were just created and are owned by nobody else.
    unsafe {
        use std::os::fd::FromRawFd;
        (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))
    }
}

#[test]
fn tens_of_thousands_of_transitions_leak_no_descriptor() {
    let start = Instant::now();
    // A port held by a bound, non-listening dual-stack socket refuses every
    // connect, on 127.0.0.1 and ::1 alike, and no ephemeral bind can take
    // it (a merely closed port could come back as our own local port, and
    // TCP then connects the socket to itself).
    let refuser = RawSocket::<Ipv6, Stream>::new().unwrap();
    wirelane::set_only_v6(&refuser, false).unwrap();
    let refuser = refuser.bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)).unwrap();
    let closed = refuser.local_addr().unwrap().port();
    let l = Ledger {
        baseline: fd_count(),
        transitions: Cell::new(0),
        failures: Cell::new(0),
    };
    bind_failures(&l);
    connect_failures(&l, closed);
    listen_accept_failures(&l);
    builder_failures(&l, closed);
    successes(&l);
    fd_passing(&l);
    adoption(&l);
    assert_eq!(fd_count(), l.baseline, "descriptors leaked overall");
    drop(refuser);
    println!(
        "hardening_fd: {} transitions ({} failing, {} succeeding), 0 descriptors leaked, {:.1?}",
        l.transitions.get(),
        l.failures.get(),
        l.transitions.get() - l.failures.get(),
        start.elapsed()
    );
    assert!(
        l.transitions.get() >= 50_000,
        "only {} transitions ran; the suite promises tens of thousands",
        l.transitions.get()
    );
}
