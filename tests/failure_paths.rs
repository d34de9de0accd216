//! A failed transition hands the socket back, unharmed: the same descriptor,
//! in its original state, ready for another attempt. Also: `?` turns a
//! `TransitionError` into an `io::Error`, and its `Display`/`Debug` say
//! what happened.

mod common;

use std::error::Error as _;
use std::io;
use std::os::fd::AsRawFd;

use common::{Loopback, TIMEOUT, TempPath, unique_abstract};
use wirelane::error::errno_of;
use wirelane::{
    BoundDatagram, BoundSocket, ConnectedStream, Datagram, Ipv4, Ipv6, Listener, PendingConnect, RawSocket,
    SocketAddrV4, SocketAddrV6, Stream, TransitionError, Unix, UnixAddr,
};

fn listener<D: Loopback>(backlog: u32) -> Listener<D> {
    let l = RawSocket::<D, Stream>::new()
        .unwrap()
        .bind(D::fresh())
        .unwrap()
        .listen(backlog)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    l
}

/// Unwraps the error of a transition that must fail with `kind`, checks
/// that the same descriptor came back, and returns the socket.
fn expect_failure<N, S: AsRawFd>(result: Result<N, TransitionError<S>>, fd: i32, kind: io::ErrorKind) -> S {
    match result {
        Ok(_) => panic!("the transition succeeded; expected {kind:?}"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "{e}");
            assert_eq!(e.socket().as_raw_fd(), fd, "the error holds the same socket");
            let socket = e.into_socket();
            assert_eq!(socket.as_raw_fd(), fd);
            socket
        }
    }
}

/// Sets SO_REUSEADDR, so two sockets can bind one port and the second
/// `listen` fails instead of the second `bind`.
fn reuse_addr(fd: &impl AsRawFd) {
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
    assert_eq!(rc, 0, "SO_REUSEADDR: {}", io::Error::last_os_error());
}

// ------------------------------------------------------------------ bind

fn bind_in_use_then_rebind<D: Loopback>() {
    // Stream.
    let taken = RawSocket::<D, Stream>::new().unwrap().bind(D::fresh()).unwrap();
    let taken_addr = taken.local_addr().unwrap();
    let socket = RawSocket::<D, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    let socket = expect_failure(socket.bind(taken_addr.clone()), fd, io::ErrorKind::AddrInUse);
    let bound = socket.bind(D::fresh()).unwrap();
    assert_eq!(bound.as_raw_fd(), fd, "the returned socket binds: same descriptor");
    assert_ne!(bound.local_addr().unwrap(), taken_addr);
    let listener = bound.listen(1).unwrap();
    assert_eq!(listener.as_raw_fd(), fd);

    // Datagram.
    let taken = RawSocket::<D, Datagram>::new().unwrap().bind(D::fresh()).unwrap();
    let socket = RawSocket::<D, Datagram>::new().unwrap();
    let fd = socket.as_raw_fd();
    let socket = expect_failure(socket.bind(taken.local_addr().unwrap()), fd, io::ErrorKind::AddrInUse);
    let bound = socket.bind(D::fresh()).unwrap();
    assert_eq!(bound.as_raw_fd(), fd);
}

#[test]
fn unix_bind_to_existing_path_then_rebind() {
    let tmp = TempPath::new("inuse");
    let _taken = RawSocket::<Unix, Stream>::new().unwrap().bind(tmp.addr()).unwrap();
    let socket = RawSocket::<Unix, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    let socket = expect_failure(socket.bind(tmp.addr()), fd, io::ErrorKind::AddrInUse);
    // A directory that does not exist: ENOENT.
    let socket = expect_failure(
        socket.bind(UnixAddr::new("/nonexistent-wirelane-dir/x.sock").unwrap()),
        fd,
        io::ErrorKind::NotFound,
    );
    let other = TempPath::new("inuse2");
    let bound = socket.bind(other.addr()).unwrap();
    assert_eq!((bound.as_raw_fd(), bound.local_addr().unwrap()), (fd, other.addr()));
}

// --------------------------------------------------------------- connect

fn connect_refused_then_connect<D: Loopback>() {
    let socket = RawSocket::<D, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    let closed = D::closed();
    let socket = expect_failure(socket.connect(closed.addr()), fd, io::ErrorKind::ConnectionRefused);
    // And again: a refused socket can try again.
    let socket = expect_failure(socket.connect(closed.addr()), fd, io::ErrorKind::ConnectionRefused);
    let l = listener::<D>(1);
    let conn = socket.connect(l.local_addr().unwrap()).unwrap();
    assert_eq!(conn.as_raw_fd(), fd);
    let server = l.accept().unwrap();
    conn.send(b"second try").unwrap();
    let mut buf = [0u8; 10];
    server.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(server.recv(&mut buf).unwrap(), 10);
}

#[test]
fn unix_connect_to_missing_path_or_dead_socket_file() {
    let tmp = TempPath::new("dead");
    let socket = RawSocket::<Unix, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    // No file at all.
    let socket = expect_failure(socket.connect(tmp.addr()), fd, io::ErrorKind::NotFound);
    // A socket file whose listener is gone.
    drop(
        RawSocket::<Unix, Stream>::new()
            .unwrap()
            .bind(tmp.addr())
            .unwrap()
            .listen(1)
            .unwrap(),
    );
    assert!(tmp.path().exists());
    let socket = expect_failure(socket.connect(tmp.addr()), fd, io::ErrorKind::ConnectionRefused);
    // A datagram socket at the path: wrong type.
    std::fs::remove_file(tmp.path()).unwrap();
    let _dgram = RawSocket::<Unix, Datagram>::new().unwrap().bind(tmp.addr()).unwrap();
    let socket = match socket.connect(tmp.addr()) {
        Ok(_) => panic!("a stream connected to a datagram socket"),
        Err(e) => {
            assert_eq!(e.raw_os_error(), Some(libc::EPROTOTYPE), "{e}");
            e.into_socket()
        }
    };
    let l = listener::<Unix>(1);
    assert_eq!(socket.connect(l.local_addr().unwrap()).unwrap().as_raw_fd(), fd);
}

fn nonblocking_connect_refused<D: Loopback>() {
    let closed = D::closed();
    let pending = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect_nonblocking(closed.addr())
        .unwrap();
    let fd = pending.as_raw_fd();
    assert!(pending.wait(Some(TIMEOUT)).unwrap(), "the refusal arrives");
    let pending: PendingConnect<D> = expect_failure(pending.finish(), fd, io::ErrorKind::ConnectionRefused);
    // The error was consumed by the first finish: the second says why it
    // still cannot connect.
    let e = pending.finish().map(drop).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::NotConnected, "{e}");
    assert_eq!(e.socket().as_raw_fd(), fd);
}

#[test]
fn unix_nonblocking_connect_fails_at_once_and_restores_blocking_mode() {
    // Nothing bound: refused immediately, the RawSocket comes back blocking.
    let socket = RawSocket::<Unix, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    let socket = expect_failure(
        socket.connect_nonblocking(unique_abstract("nobody")),
        fd,
        io::ErrorKind::ConnectionRefused,
    );
    assert!(!socket.is_nonblocking().unwrap(), "blocking mode restored");

    // A full backlog (listen(0) holds one connection): EAGAIN at once.
    let l = listener::<Unix>(0);
    let addr = l.local_addr().unwrap();
    let _first = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    let socket = expect_failure(socket.connect_nonblocking(addr), fd, io::ErrorKind::WouldBlock);
    assert!(!socket.is_nonblocking().unwrap(), "blocking mode restored");
    let _ = l.accept().unwrap(); // make room
    let pending = socket.connect_nonblocking(addr).unwrap();
    let conn = pending.finish().unwrap(); // Unix connects complete at once
    assert_eq!(conn.as_raw_fd(), fd);
    assert_eq!(conn.peer_addr().unwrap(), addr);

    // A socket that was already non-blocking stays non-blocking after a failure.
    let socket = RawSocket::<Unix, Stream>::new().unwrap();
    socket.set_nonblocking(true).unwrap();
    let fd = socket.as_raw_fd();
    let socket = expect_failure(
        socket.connect_nonblocking(unique_abstract("nobody")),
        fd,
        io::ErrorKind::ConnectionRefused,
    );
    assert!(socket.is_nonblocking().unwrap());
}

#[test]
fn finish_before_ready_on_unix_is_not_needed() {
    // A Unix stream connect either completes or fails inside connect(2):
    // finish() right away succeeds.
    let l = listener::<Unix>(4);
    let pending = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .connect_nonblocking(l.local_addr().unwrap())
        .unwrap();
    assert!(pending.finish().is_ok());
}

// ---------------------------------------------------------------- listen

fn listen_in_use_then_listen<D: Loopback>() {
    let first = RawSocket::<D, Stream>::new().unwrap();
    reuse_addr(&first);
    let first = first.bind(D::fresh()).unwrap();
    let addr = first.local_addr().unwrap();
    let second = RawSocket::<D, Stream>::new().unwrap();
    reuse_addr(&second);
    let second = second.bind(addr.clone()).unwrap(); // allowed: SO_REUSEADDR on both
    let first = first.listen(4).unwrap();

    let fd = second.as_raw_fd();
    let second: BoundSocket<D, Stream> = expect_failure(second.listen(4), fd, io::ErrorKind::AddrInUse);
    assert_eq!(second.local_addr().unwrap(), addr, "still bound to the same address");
    drop(first);
    let listener = second.listen(4).unwrap();
    assert_eq!((listener.as_raw_fd(), listener.local_addr().unwrap()), (fd, addr));
    let _c = RawSocket::<D, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    listener.set_read_timeout(Some(TIMEOUT)).unwrap();
    listener.accept().unwrap();
}

// ------------------------------------------------------- datagram connect

/// Regression: Linux accepts a UDP connect to port 0 but leaves the socket
/// half-connected (no peer address, datagrams from every port received).
/// Wirelane refuses it and hands the socket back.
fn datagram_connect_to_port_zero_is_refused<D: Loopback>()
where
    D::Addr: PortZero,
{
    let bound = RawSocket::<D, Datagram>::new().unwrap().bind(D::fresh()).unwrap();
    let fd = bound.as_raw_fd();
    let local = bound.local_addr().unwrap();
    let bound: BoundDatagram<D> = match bound.connect(D::Addr::port_zero()) {
        Ok(c) => panic!("connected to port 0; peer_addr = {:?}", c.peer_addr()),
        Err(e) => {
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert_eq!(errno_of(e.error()), libc::EINVAL);
            assert!(e.to_string().contains("port 0"), "{e}");
            e.into_socket()
        }
    };
    assert_eq!((bound.as_raw_fd(), bound.local_addr().unwrap()), (fd, local.clone()));
    // Still unconnected: it can receive from anyone, and connect properly.
    let peer = RawSocket::<D, Datagram>::new().unwrap().bind(D::fresh()).unwrap();
    peer.send_to(b"hi", &local).unwrap();
    bound.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut buf = [0u8; 2];
    assert_eq!(bound.recv_from(&mut buf).unwrap().1, peer.local_addr().unwrap());
    let conn = bound.connect(peer.local_addr().unwrap()).unwrap();
    assert_eq!(conn.peer_addr().unwrap(), peer.local_addr().unwrap());

    // The same for an unbound socket.
    let raw = RawSocket::<D, Datagram>::new().unwrap();
    let fd = raw.as_raw_fd();
    let raw = expect_failure(raw.connect(D::Addr::port_zero()), fd, io::ErrorKind::InvalidInput);
    assert_eq!(raw.connect(peer.local_addr().unwrap()).unwrap().as_raw_fd(), fd);
}

/// Port 0 on loopback, for the port-zero check.
trait PortZero {
    fn port_zero() -> Self;
}
impl PortZero for SocketAddrV4 {
    fn port_zero() -> Self {
        SocketAddrV4::localhost(0)
    }
}
impl PortZero for SocketAddrV6 {
    fn port_zero() -> Self {
        SocketAddrV6::localhost(0)
    }
}

#[test]
fn unix_datagram_connect_failures_return_the_bound_socket() {
    let me = TempPath::new("dgram-me");
    let bound = RawSocket::<Unix, Datagram>::new().unwrap().bind(me.addr()).unwrap();
    let fd = bound.as_raw_fd();
    let missing = TempPath::new("dgram-missing");
    let bound = expect_failure(bound.connect(missing.addr()), fd, io::ErrorKind::NotFound);
    let bound = expect_failure(
        bound.connect(unique_abstract("dgram-nobody")),
        fd,
        io::ErrorKind::ConnectionRefused,
    );
    // A stream socket at the path: wrong type. (Abstract names of the two
    // types live apart, so there it would be ECONNREFUSED.)
    let stream_at = TempPath::new("stream-at");
    let _stream = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(stream_at.addr())
        .unwrap();
    let bound = match bound.connect(stream_at.addr()) {
        Ok(_) => panic!("a datagram socket connected to a stream socket"),
        Err(e) => {
            assert_eq!(e.raw_os_error(), Some(libc::EPROTOTYPE), "{e}");
            e.into_socket()
        }
    };
    assert_eq!(bound.local_addr().unwrap(), me.addr(), "still bound where it was");
    let peer = RawSocket::<Unix, Datagram>::new()
        .unwrap()
        .bind(unique_abstract("dgram-peer"))
        .unwrap();
    let conn = bound.connect(peer.local_addr().unwrap()).unwrap();
    assert_eq!(conn.as_raw_fd(), fd);
    conn.send(b"finally").unwrap();

    // RawSocket<Unix, Datagram>::connect hands back the RawSocket.
    let raw = RawSocket::<Unix, Datagram>::new().unwrap();
    let fd = raw.as_raw_fd();
    let raw = expect_failure(raw.connect(missing.addr()), fd, io::ErrorKind::NotFound);
    assert_eq!(raw.connect(peer.local_addr().unwrap()).unwrap().as_raw_fd(), fd);
}

// -------------------------------------------------- TransitionError itself

fn bind_taken_port(port: u16) -> io::Result<Listener<Ipv4>> {
    // `?` converts TransitionError<RawSocket<..>> and <BoundSocket<..>> into io::Error.
    let listener = RawSocket::<Ipv4, Stream>::new()?
        .bind(SocketAddrV4::localhost(port))?
        .listen(1)?;
    Ok(listener)
}

#[test]
fn question_mark_converts_to_io_error() {
    let taken = listener::<Ipv4>(1);
    let err = bind_taken_port(taken.local_addr().unwrap().port()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE));
    assert!(bind_taken_port(0).is_ok());

    // Also from a PendingConnect and into Box<dyn Error>.
    fn finish_now(p: PendingConnect<Ipv6>) -> Result<ConnectedStream<Ipv6>, Box<dyn std::error::Error>> {
        Ok(p.finish()?)
    }
    let closed = Ipv6::closed();
    let pending = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .connect_nonblocking(closed.addr())
        .unwrap();
    assert!(pending.wait(Some(TIMEOUT)).unwrap());
    let err = finish_now(pending).unwrap_err();
    // The boxed error is the TransitionError itself, socket included.
    let te = err
        .downcast_ref::<TransitionError<PendingConnect<Ipv6>>>()
        .expect("the boxed error is the TransitionError");
    assert_eq!(te.kind(), io::ErrorKind::ConnectionRefused);
    assert!(te.socket().as_raw_fd() >= 0);
}

#[test]
fn transition_error_display_debug_and_accessors() {
    let taken = listener::<Ipv4>(1);
    let addr = taken.local_addr().unwrap();
    let socket = RawSocket::<Ipv4, Stream>::new().unwrap();
    let fd = socket.as_raw_fd();
    let err = socket.bind(addr).unwrap_err();

    // Display is the OS error's.
    let os = io::Error::from_raw_os_error(libc::EADDRINUSE);
    assert_eq!(err.to_string(), os.to_string());
    assert!(err.to_string().contains("Address already in use"), "{err}");
    // Debug shows both the error and the socket, with its descriptor and domain.
    let debug = format!("{err:?}");
    for needle in [
        "TransitionError",
        "AddrInUse",
        "RawSocket",
        &format!("fd: {fd}"),
        "IPv4",
    ] {
        assert!(debug.contains(needle), "{needle:?} missing from {debug}");
    }
    // It is a std Error; the message already is the cause, so no source.
    assert!(err.source().is_none());
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE));
    assert_eq!(err.error().kind(), io::ErrorKind::AddrInUse);
    assert_eq!(errno_of(err.error()), libc::EADDRINUSE);

    let (error, socket) = err.into_parts();
    assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
    assert_eq!(socket.as_raw_fd(), fd);

    // into_error closes the socket (checked for descriptor leaks in
    // tests/fd_leak.rs); here: the error survives on its own.
    let err = socket.bind(addr).unwrap_err();
    let error: io::Error = err.into_error();
    assert_eq!(error.raw_os_error(), Some(libc::EADDRINUSE));

    // TransitionError::new works for callers' own fallible steps too.
    let te = TransitionError::new(io::Error::other("custom"), 42u8);
    assert_eq!((te.to_string().as_str(), *te.socket()), ("custom", 42));
}

// ---------------------------------------------------------- instantiation

macro_rules! for_domain {
    ($module:ident, $domain:ty) => {
        mod $module {
            use wirelane::*;
            #[test]
            fn bind_in_use_then_rebind() {
                super::bind_in_use_then_rebind::<$domain>();
            }
            #[test]
            fn connect_refused_then_connect() {
                super::connect_refused_then_connect::<$domain>();
            }
            #[test]
            fn nonblocking_connect_refused() {
                super::nonblocking_connect_refused::<$domain>();
            }
        }
    };
}

for_domain!(ipv4, Ipv4);
for_domain!(ipv6, Ipv6);

mod unix {
    use wirelane::Unix;
    #[test]
    fn bind_in_use_then_rebind() {
        super::bind_in_use_then_rebind::<Unix>();
    }
    #[test]
    fn connect_refused_then_connect() {
        super::connect_refused_then_connect::<Unix>();
    }
}

#[test]
fn ipv4_listen_in_use_then_listen() {
    listen_in_use_then_listen::<Ipv4>();
}

#[test]
fn ipv6_listen_in_use_then_listen() {
    listen_in_use_then_listen::<Ipv6>();
}

#[test]
fn ipv4_datagram_connect_to_port_zero_is_refused() {
    datagram_connect_to_port_zero_is_refused::<Ipv4>();
}

#[test]
fn ipv6_datagram_connect_to_port_zero_is_refused() {
    datagram_connect_to_port_zero_is_refused::<Ipv6>();
}
