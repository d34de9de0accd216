//! Interoperation with `std`: state types convert to and from the
//! `std::net` and `std::os::unix::net` types (data flows after the
//! conversion); `TryFrom<OwnedFd>` adopts a descriptor only in the right
//! domain, type and state, handing it back otherwise; addresses convert to
//! and from `std`'s and parse with errors that name the input.

mod common;

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use common::{TIMEOUT, TempPath, unique_abstract};
use wirelane::error::errno_of;
use wirelane::{
    BoundDatagram, BoundSocket, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, Listener, RawSocket,
    SocketAddrV4, SocketAddrV6, Stream, TransitionError, Unix, UnixAddr,
};

fn listener4() -> Listener<Ipv4> {
    let l = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(8)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    l
}

fn std_stream_timeouts(s: &TcpStream) {
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.set_write_timeout(Some(TIMEOUT)).unwrap();
}

/// Checks a rejected adoption: the error names the mismatch and the same
/// descriptor comes back open.
fn rejected<T: std::fmt::Debug>(
    result: Result<T, TransitionError<OwnedFd>>,
    fd: RawFd,
    errno: i32,
    needle: &str,
) -> OwnedFd {
    let err = match result {
        Ok(s) => panic!("adopted {s:?}, expected a mismatch naming {needle:?}"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    assert_eq!(errno_of(err.error()), errno, "{err}");
    assert!(err.to_string().contains(needle), "{needle:?} not in {err:?}");
    let owned = err.into_socket();
    assert_eq!(owned.as_raw_fd(), fd, "the same descriptor comes back");
    assert!(common::is_open(fd));
    owned
}

// ------------------------------------------------------------ std streams

#[test]
fn tcp_stream_both_ways() {
    for v6 in [false, true] {
        let std_listener = TcpListener::bind(if v6 { "[::1]:0" } else { "127.0.0.1:0" }).unwrap();
        let addr = std_listener.local_addr().unwrap();

        // Ours -> std.
        let mut theirs = if v6 {
            let ours = RawSocket::<Ipv6, Stream>::new()
                .unwrap()
                .connect(addr.try_into().unwrap())
                .unwrap();
            TcpStream::from(ours)
        } else {
            let ours = RawSocket::<Ipv4, Stream>::new()
                .unwrap()
                .connect(addr.try_into().unwrap())
                .unwrap();
            TcpStream::from(ours)
        };
        std_stream_timeouts(&theirs);
        let (mut server, _) = std_listener.accept().unwrap();
        std_stream_timeouts(&server);
        theirs.write_all(b"from ours via std").unwrap();
        let mut buf = [0u8; 17];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"from ours via std");

        // std -> ours.
        let std_client = TcpStream::connect(addr).unwrap();
        let (accepted, _) = std_listener.accept().unwrap();
        let peer = std_client.local_addr().unwrap();
        let mut buf = [0u8; 4];
        if v6 {
            let ours = ConnectedStream::<Ipv6>::try_from(accepted).unwrap();
            assert_eq!(std::net::SocketAddr::from(ours.peer_addr().unwrap()), peer);
            (&std_client).write_all(b"six!").unwrap();
            ours.set_read_timeout(Some(TIMEOUT)).unwrap();
            (&ours).read_exact(&mut buf).unwrap();
            ours.send(b"back").unwrap();
        } else {
            let ours = ConnectedStream::<Ipv4>::try_from(accepted).unwrap();
            assert_eq!(std::net::SocketAddr::from(ours.peer_addr().unwrap()), peer);
            (&std_client).write_all(b"four").unwrap();
            ours.set_read_timeout(Some(TIMEOUT)).unwrap();
            (&ours).read_exact(&mut buf).unwrap();
            ours.send(b"back").unwrap();
        }
        std_stream_timeouts(&std_client);
        (&std_client).read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"back");
    }
}

#[test]
fn tcp_listener_both_ways() {
    // Ours -> std: the std listener accepts our clients.
    let std_listener = TcpListener::from(listener4());
    let addr = SocketAddrV4::try_from(std_listener.local_addr().unwrap()).unwrap();
    let c = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
    let (s, peer) = std_listener.accept().unwrap();
    assert_eq!(peer, c.local_addr().unwrap().into());
    c.send(b"hi").unwrap();
    std_stream_timeouts(&s);
    let mut buf = [0u8; 2];
    (&s).read_exact(&mut buf).unwrap();

    // std -> ours, for both families.
    let ours = Listener::<Ipv4>::try_from(std_listener).unwrap();
    ours.set_read_timeout(Some(TIMEOUT)).unwrap();
    let _c = TcpStream::connect(ours.local_addr().unwrap().to_std()).unwrap();
    ours.accept().unwrap();
    let ours6 = Listener::<Ipv6>::try_from(TcpListener::bind("[::1]:0").unwrap()).unwrap();
    ours6.set_read_timeout(Some(TIMEOUT)).unwrap();
    let _c = TcpStream::connect(ours6.local_addr().unwrap().to_std()).unwrap();
    let (_, peer) = ours6.accept_with_addr().unwrap();
    assert_eq!(peer.ip(), Ipv6Addr::LOCALHOST);

    // An IPv6 listener is not an Ipv4 one: the std value comes back.
    let v6 = TcpListener::bind("[::1]:0").unwrap();
    let fd = v6.as_raw_fd();
    let back = Listener::<Ipv4>::try_from(v6).unwrap_err();
    assert!(back.to_string().contains("AF_INET6"), "{back}");
    let v6: TcpListener = back.into_socket();
    assert_eq!(v6.as_raw_fd(), fd);
    assert!(v6.local_addr().unwrap().is_ipv6());
}

#[test]
fn udp_socket_both_ways() {
    let std_peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    std_peer.set_read_timeout(Some(TIMEOUT)).unwrap();
    let peer_addr = SocketAddrV4::try_from(std_peer.local_addr().unwrap()).unwrap();

    // BoundDatagram -> UdpSocket.
    let bound = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let std_sock = UdpSocket::from(bound);
    std_sock.send_to(b"bound", peer_addr.to_std()).unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = std_peer.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"bound"[..], std_sock.local_addr().unwrap()));

    // UdpSocket -> BoundDatagram.
    let ours = BoundDatagram::<Ipv4>::try_from(std_sock).unwrap();
    ours.set_read_timeout(Some(TIMEOUT)).unwrap();
    std_peer
        .send_to(b"to ours", ours.local_addr().unwrap().to_std())
        .unwrap();
    let (n, from) = ours.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"to ours"[..], peer_addr));

    // ConnectedDatagram <-> connected UdpSocket.
    let conn = ours.connect(peer_addr).unwrap();
    let std_conn = UdpSocket::from(conn);
    assert_eq!(std_conn.peer_addr().unwrap(), peer_addr.into());
    std_conn.send(b"connected").unwrap();
    let (n, _) = std_peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"connected");
    let conn = ConnectedDatagram::<Ipv4>::try_from(std_conn).unwrap();
    assert_eq!(conn.peer_addr().unwrap(), peer_addr);

    // An unconnected UdpSocket is not a ConnectedDatagram; it comes back usable.
    let loose = UdpSocket::bind("[::1]:0").unwrap();
    let back = ConnectedDatagram::<Ipv6>::try_from(loose).unwrap_err();
    assert!(back.to_string().contains("Bound"), "{back}");
    let loose = back.into_socket();
    loose.send_to(b"still works", "[::1]:9").unwrap();
    let ours6 = BoundDatagram::<Ipv6>::try_from(loose).unwrap();
    assert_eq!(ours6.local_addr().unwrap().ip(), Ipv6Addr::LOCALHOST);
}

#[test]
fn unix_types_both_ways() {
    // ConnectedStream<Unix> <-> UnixStream.
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    let mut std_a = UnixStream::from(a);
    std_a.set_read_timeout(Some(TIMEOUT)).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    std_a.write_all(b"std side").unwrap();
    let mut buf = [0u8; 8];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"std side");
    let (std_c, std_d) = UnixStream::pair().unwrap();
    let c = ConnectedStream::<Unix>::try_from(std_c).unwrap();
    (&std_d).write_all(b"ours").unwrap();
    c.set_read_timeout(Some(TIMEOUT)).unwrap();
    (&c).read_exact(&mut buf[..4]).unwrap();
    assert_eq!(&buf[..4], b"ours");

    // Listener<Unix> <-> UnixListener.
    let tmp = TempPath::new("interop");
    let std_listener = UnixListener::bind(tmp.path()).unwrap();
    let ours = Listener::<Unix>::try_from(std_listener).unwrap();
    assert_eq!(ours.local_addr().unwrap(), tmp.addr());
    let _client = UnixStream::connect(tmp.path()).unwrap();
    ours.set_read_timeout(Some(TIMEOUT)).unwrap();
    ours.accept().unwrap();
    let std_listener = UnixListener::from(ours);
    let _client = RawSocket::<Unix, Stream>::new().unwrap().connect(tmp.addr()).unwrap();
    std_listener.accept().unwrap();

    // BoundDatagram<Unix> / ConnectedDatagram<Unix> <-> UnixDatagram.
    let name = unique_abstract("interop-dgram");
    let bound = RawSocket::<Unix, Datagram>::new().unwrap().bind(name).unwrap();
    let std_bound = UnixDatagram::from(bound);
    std_bound.set_read_timeout(Some(TIMEOUT)).unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    let std_name = std::os::unix::net::SocketAddr::try_from(&name).unwrap();
    {
        use std::os::linux::net::SocketAddrExt;
        assert_eq!(std_name.as_abstract_name(), name.as_abstract_name());
        sender.connect_addr(&std_name).unwrap();
    }
    sender.send(b"dgram").unwrap();
    assert_eq!(std_bound.recv(&mut buf).unwrap(), 5);
    let ours = BoundDatagram::<Unix>::try_from(std_bound).unwrap();
    assert_eq!(ours.local_addr().unwrap(), name);
    let (x, y) = UnixDatagram::pair().unwrap();
    let x = ConnectedDatagram::<Unix>::try_from(x).unwrap();
    x.send(b"pair").unwrap();
    assert_eq!(y.recv(&mut buf).unwrap(), 4);
    let x = UnixDatagram::from(x);
    x.send(b"back").unwrap();
    assert_eq!(y.recv(&mut buf).unwrap(), 4);
}

// ---------------------------------------------------------- TryFrom<OwnedFd>

#[test]
fn owned_fd_adopts_the_right_state() {
    let raw = OwnedFd::from(RawSocket::<Ipv6, Datagram>::new().unwrap());
    let raw = RawSocket::<Ipv6, Datagram>::try_from(raw).unwrap();
    let bound = OwnedFd::from(raw.bind(SocketAddrV6::localhost(0)).unwrap());
    let bound = BoundDatagram::<Ipv6>::try_from(bound).unwrap();
    let peer = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    let conn = OwnedFd::from(bound.connect(peer.local_addr().unwrap()).unwrap());
    let conn = ConnectedDatagram::<Ipv6>::try_from(conn).unwrap();
    conn.send(b"adopted").unwrap();

    let bound = OwnedFd::from(
        RawSocket::<Ipv4, Stream>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap(),
    );
    let bound = BoundSocket::<Ipv4, Stream>::try_from(bound).unwrap();
    let listener = OwnedFd::from(bound.listen(4).unwrap());
    let listener = Listener::<Ipv4>::try_from(listener).unwrap();
    listener.set_read_timeout(Some(TIMEOUT)).unwrap();
    let client = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = ConnectedStream::<Ipv4>::try_from(OwnedFd::from(listener.accept().unwrap())).unwrap();
    let client = ConnectedStream::<Ipv4>::try_from(OwnedFd::from(client)).unwrap();
    client.send(b"x").unwrap();
    server.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(server.recv(&mut [0u8; 1]).unwrap(), 1);

    // Unix: an unbound socket is Fresh (unnamed), a bound one Bound.
    let fresh = OwnedFd::from(RawSocket::<Unix, Stream>::new().unwrap());
    let fresh = RawSocket::<Unix, Stream>::try_from(fresh).unwrap();
    let bound = OwnedFd::from(fresh.bind(unique_abstract("adopt")).unwrap());
    assert!(BoundSocket::<Unix, Stream>::try_from(bound).is_ok());

    // The raw-fd round trip (unchecked, unsafe) keeps the same socket.
    let s = RawSocket::<Ipv4, Stream>::new().unwrap();
    let fd = s.into_raw_fd();
    // SAFETY: `fd` was just released by a RawSocket<Ipv4, Stream> and nothing else owns it.
    let s = unsafe { RawSocket::<Ipv4, Stream>::from_raw_fd(fd) };
    assert_eq!(s.as_raw_fd(), fd);
}

#[test]
fn owned_fd_rejects_wrong_domain_type_and_state() {
    // Wrong domain: an IPv6 stream into Ipv4.
    let v6 = OwnedFd::from(RawSocket::<Ipv6, Stream>::new().unwrap());
    let fd = v6.as_raw_fd();
    let v6 = rejected(
        RawSocket::<Ipv4, Stream>::try_from(v6),
        fd,
        libc::EAFNOSUPPORT,
        "AF_INET6",
    );
    let v6 = rejected(
        RawSocket::<Unix, Stream>::try_from(v6),
        fd,
        libc::EAFNOSUPPORT,
        "expected AF_UNIX",
    );
    assert!(
        RawSocket::<Ipv6, Stream>::try_from(v6).is_ok(),
        "still the IPv6 socket it was"
    );

    // Wrong type: UDP into ConnectedStream (even when connected).
    let peer = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let udp = OwnedFd::from(
        RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .connect(peer.local_addr().unwrap())
            .unwrap(),
    );
    let fd = udp.as_raw_fd();
    let udp = rejected(
        ConnectedStream::<Ipv4>::try_from(udp),
        fd,
        libc::EPROTOTYPE,
        "socket type",
    );
    let udp = rejected(RawSocket::<Ipv4, Stream>::try_from(udp), fd, libc::EPROTOTYPE, "Stream");
    assert!(ConnectedDatagram::<Ipv4>::try_from(udp).is_ok());

    // Wrong state: a listener into ConnectedStream; unbound into BoundSocket.
    let listener = OwnedFd::from(listener4());
    let fd = listener.as_raw_fd();
    let listener = rejected(
        ConnectedStream::<Ipv4>::try_from(listener),
        fd,
        libc::EINVAL,
        "Listening",
    );
    let listener = rejected(
        BoundSocket::<Ipv4, Stream>::try_from(listener),
        fd,
        libc::EINVAL,
        "expected Bound",
    );
    assert!(Listener::<Ipv4>::try_from(listener).is_ok());

    let fresh = OwnedFd::from(RawSocket::<Ipv4, Stream>::new().unwrap());
    let fd = fresh.as_raw_fd();
    let fresh = rejected(BoundSocket::<Ipv4, Stream>::try_from(fresh), fd, libc::EINVAL, "Fresh");
    let fresh = rejected(Listener::<Ipv4>::try_from(fresh), fd, libc::EINVAL, "Fresh");
    let fresh = rejected(BoundDatagram::<Ipv4>::try_from(fresh), fd, libc::EPROTOTYPE, "Datagram");
    assert!(RawSocket::<Ipv4, Stream>::try_from(fresh).is_ok());

    // Bound and connected are told apart for datagrams too.
    let bound = OwnedFd::from(
        RawSocket::<Unix, Datagram>::new()
            .unwrap()
            .bind(UnixAddr::unnamed())
            .unwrap(),
    );
    let fd = bound.as_raw_fd();
    let bound = rejected(ConnectedDatagram::<Unix>::try_from(bound), fd, libc::EINVAL, "Bound");
    let bound = rejected(
        RawSocket::<Unix, Datagram>::try_from(bound),
        fd,
        libc::EINVAL,
        "expected Fresh",
    );
    assert!(BoundDatagram::<Unix>::try_from(bound).is_ok());

    // Not a socket at all: the kernel's ENOTSOCK, descriptor handed back.
    let file = OwnedFd::from(std::fs::File::open("/proc/self/stat").unwrap());
    let fd = file.as_raw_fd();
    let err = RawSocket::<Ipv4, Stream>::try_from(file).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOTSOCK));
    assert_eq!(err.into_socket().as_raw_fd(), fd);
}

// ------------------------------------------------------------- addresses

#[test]
fn address_conversions_with_std() {
    // The seed's constructor.
    let a = SocketAddrV4::new([0, 0, 0, 0], 8080);
    assert_eq!(a.to_std(), "0.0.0.0:8080".parse::<std::net::SocketAddrV4>().unwrap());
    assert_eq!((a.ip(), a.port()), (Ipv4Addr::UNSPECIFIED, 8080));
    assert_eq!(a.to_string(), "0.0.0.0:8080");
    assert_eq!(format!("{a:?}"), "0.0.0.0:8080");
    assert_eq!(SocketAddrV4::from(([127, 0, 0, 1], 80)), SocketAddrV4::localhost(80));
    assert_eq!(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1), SocketAddrV4::localhost(1));

    // From / into std, both families.
    let std4 = std::net::SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), 53);
    let ours4 = SocketAddrV4::from(std4);
    assert_eq!(std::net::SocketAddrV4::from(ours4), std4);
    assert_eq!(std::net::SocketAddr::from(ours4), std::net::SocketAddr::V4(std4));
    let std6 = std::net::SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 7, 3);
    let ours6 = SocketAddrV6::from(std6);
    assert_eq!((ours6.flowinfo(), ours6.scope_id()), (7, 3));
    assert_eq!(std::net::SocketAddr::from(ours6), std::net::SocketAddr::V6(std6));
    assert_eq!(
        SocketAddrV6::new([0u16, 0, 0, 0, 0, 0, 0, 1], 9, 0, 0),
        SocketAddrV6::localhost(9)
    );
    assert_eq!(SocketAddrV6::from((Ipv6Addr::LOCALHOST, 9)), SocketAddrV6::localhost(9));

    // TryFrom<std::net::SocketAddr>: the right family converts, the other is named.
    assert_eq!(SocketAddrV4::try_from(std::net::SocketAddr::V4(std4)).unwrap(), ours4);
    let err = SocketAddrV4::try_from(std::net::SocketAddr::V6(std6)).unwrap_err();
    assert_eq!(errno_of(&err), libc::EAFNOSUPPORT);
    assert!(err.to_string().contains("AF_INET6"), "{err}");
    assert_eq!(SocketAddrV6::try_from(std::net::SocketAddr::V6(std6)).unwrap(), ours6);
    let err = SocketAddrV6::try_from(std::net::SocketAddr::V4(std4)).unwrap_err();
    assert!(err.to_string().contains("AF_INET ("), "{err}");

    // Display and FromStr round-trip.
    for s in ["127.0.0.1:1", "255.255.255.255:65535"] {
        assert_eq!(s.parse::<SocketAddrV4>().unwrap().to_string(), s);
    }
    for s in ["[::1]:80", "[fe80::1%2]:8080"] {
        assert_eq!(s.parse::<SocketAddrV6>().unwrap().to_string(), s);
    }
}

#[test]
fn parse_errors_name_the_input() {
    for bad in ["127.0.0.1", "localhost:80", "1.2.3.4:99999", "[::1]:80", ""] {
        let err = bad.parse::<SocketAddrV4>().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(errno_of(&err), libc::EINVAL);
        assert!(
            err.to_string().contains(&format!("{bad:?}")),
            "{bad:?} not named in {err}"
        );
        assert!(err.to_string().contains("a.b.c.d:port"), "{err}");
    }
    for bad in ["::1", "[::1]", "127.0.0.1:80", "[::g]:1"] {
        let err = bad.parse::<SocketAddrV6>().unwrap_err();
        assert!(
            err.to_string().contains(&format!("{bad:?}")),
            "{bad:?} not named in {err}"
        );
    }
    let long = format!("/{}", "d".repeat(120));
    let err = long.parse::<UnixAddr>().unwrap_err();
    assert_eq!(errno_of(&err), libc::ENAMETOOLONG);
    assert!(err.to_string().contains("121 bytes"), "{err}");
}

#[test]
fn unix_address_conversions_with_std() {
    let tmp = TempPath::new("std-addr");
    let std_listener = UnixListener::bind(tmp.path()).unwrap();
    let std_addr = std_listener.local_addr().unwrap();
    let ours = UnixAddr::try_from(&std_addr).unwrap();
    assert_eq!(ours, tmp.addr());
    let back = std::os::unix::net::SocketAddr::try_from(&ours).unwrap();
    assert_eq!(back.as_pathname(), Some(tmp.path()));

    let name = unique_abstract("std-abstract");
    let std_abs = std::os::unix::net::SocketAddr::try_from(&name).unwrap();
    assert_eq!(UnixAddr::try_from(&std_abs).unwrap(), name);

    // An unbound std socket's address is unnamed; std cannot build one back.
    let unnamed = UnixDatagram::unbound().unwrap().local_addr().unwrap();
    assert!(UnixAddr::try_from(&unnamed).unwrap().is_unnamed());
    let err = std::os::unix::net::SocketAddr::try_from(&UnixAddr::unnamed()).unwrap_err();
    assert!(err.to_string().contains("unnamed"), "{err}");
    assert_eq!("".parse::<UnixAddr>().unwrap(), UnixAddr::unnamed());
    assert_eq!(format!("{:?}", UnixAddr::unnamed()), "UnixAddr((unnamed))");
}
