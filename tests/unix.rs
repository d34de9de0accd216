//! Unix-domain specifics: filesystem paths, abstract names and autobind,
//! path-length limits, `socketpair` pairs, and peer credentials.

mod common;

use std::io::{self, Read, Write};

use common::{TIMEOUT, TempPath, is_cloexec, unique_abstract};
use wirelane::error::errno_of;
use wirelane::{
    BoundDatagram, ConnectedDatagram, ConnectedStream, Datagram, Listener, RawSocket, Stream, UCred, Unix, UnixAddr,
};

fn listen_on(addr: UnixAddr) -> Listener<Unix> {
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(8)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    l
}

fn bound_datagram(addr: UnixAddr) -> BoundDatagram<Unix> {
    let s = RawSocket::<Unix, Datagram>::new().unwrap().bind(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

fn our_credentials() -> UCred {
    // SAFETY: these calls cannot fail.
    unsafe {
        UCred {
            pid: libc::getpid(),
            uid: libc::geteuid(),
            gid: libc::getegid(),
        }
    }
}

#[test]
fn path_address_stream_round_trip() {
    let tmp = TempPath::new("stream");
    let addr = tmp.addr();
    assert_eq!(addr.as_pathname(), Some(tmp.path()));
    assert_eq!(addr.to_string(), tmp.path().display().to_string());

    let bound = RawSocket::<Unix, Stream>::new().unwrap().bind(addr).unwrap();
    assert!(tmp.path().exists(), "bind creates the socket file");
    assert_eq!(bound.local_addr().unwrap(), addr);
    let l = bound.listen(8).unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(l.local_addr().unwrap().as_pathname(), Some(tmp.path()));

    let mut client = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    let (mut server, peer) = l.accept_with_addr().unwrap();
    assert!(peer.is_unnamed(), "an unbound client is unnamed: {peer}");
    assert_eq!(peer.to_string(), "(unnamed)");
    assert_eq!(client.peer_addr().unwrap(), addr);
    assert_eq!(server.local_addr().unwrap(), addr);
    assert!(client.local_addr().unwrap().is_unnamed());

    client.write_all(b"over a path").unwrap();
    let mut buf = [0u8; 11];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"over a path");
}

#[test]
fn path_address_datagram_round_trip() {
    let (ta, tb) = (TempPath::new("dga"), TempPath::new("dgb"));
    let a = bound_datagram(ta.addr());
    let b = bound_datagram(tb.addr());
    assert_eq!(a.local_addr().unwrap().as_pathname(), Some(ta.path()));
    a.send_to(b"to b", &tb.addr()).unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to b");
    assert_eq!(from, ta.addr());
    assert_eq!(from.as_pathname(), Some(ta.path()));

    let a = a.connect(tb.addr()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), tb.addr());
    a.send(b"connected").unwrap();
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"connected");
    assert_eq!(from, ta.addr());
}

#[test]
fn abstract_address_round_trip() {
    let addr = unique_abstract("abs");
    let name = addr.as_abstract_name().unwrap().to_vec();
    assert!(addr.as_pathname().is_none());
    assert_eq!(
        addr.to_string(),
        format!("@{}", String::from_utf8(name.clone()).unwrap())
    );

    let l = listen_on(addr);
    let local = l.local_addr().unwrap();
    assert_eq!(local, addr);
    assert_eq!(local.as_abstract_name(), Some(&name[..]));

    let client = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    let server = l.accept().unwrap();
    assert_eq!(client.peer_addr().unwrap(), addr);
    assert_eq!(server.local_addr().unwrap(), addr);

    // Datagrams on abstract names, and the parse form "@name".
    let d_addr: UnixAddr = format!("@{}", "wl-dgram-abstract-".to_owned() + &std::process::id().to_string())
        .parse()
        .unwrap();
    let d = bound_datagram(d_addr);
    let sender = bound_datagram(unique_abstract("abs-sender"));
    sender.send_to(b"abstract", &d_addr).unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = d.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"abstract"[..], sender.local_addr().unwrap()));
}

#[test]
fn binding_the_unnamed_address_autobinds() {
    // Linux autobind (unix(7)): binding the unnamed address picks a fresh
    // abstract name of five hex digits.
    let s = bound_datagram(UnixAddr::unnamed());
    let local = s.local_addr().unwrap();
    let name = local.as_abstract_name().expect("autobind gives an abstract name");
    assert_eq!(name.len(), 5, "{local}");
    assert!(name.iter().all(u8::is_ascii_hexdigit), "{local}");

    let peer = bound_datagram(UnixAddr::unnamed());
    peer.send_to(b"auto", &local).unwrap();
    let mut buf = [0u8; 4];
    let (_, from) = s.recv_from(&mut buf).unwrap();
    assert_eq!(from, peer.local_addr().unwrap());
}

/// Regression: recvfrom(2) reports no address at all (length 0) for a
/// datagram from an unbound sender; that must decode as unnamed, not fail
/// after the datagram was already taken off the queue.
#[test]
fn datagram_from_an_unbound_sender_is_received_with_the_unnamed_address() {
    let server = bound_datagram(unique_abstract("unnamed-sender"));
    let sender = RawSocket::<Unix, Datagram>::new()
        .unwrap()
        .connect(server.local_addr().unwrap())
        .unwrap();
    assert!(sender.local_addr().unwrap().is_unnamed());
    sender.send(b"anonymous").unwrap();
    sender.send(b"again").unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = server.peek_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from.is_unnamed()), (&b"anonymous"[..], true));
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from.is_unnamed()), (&b"anonymous"[..], true));
    let (n, _) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"again");
}

#[test]
fn too_long_path_is_enametoolong_and_names_sun_path() {
    let long = format!("/tmp/{}", "x".repeat(200));
    let err = UnixAddr::new(&long).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(errno_of(&err), libc::ENAMETOOLONG);
    let msg = err.to_string();
    assert!(msg.contains("sun_path"), "{msg}");
    assert!(msg.contains("205 bytes"), "the message gives the length: {msg}");

    // The same through FromStr, and for abstract names.
    let err = long.parse::<UnixAddr>().unwrap_err();
    assert_eq!(errno_of(&err), libc::ENAMETOOLONG);
    let err = UnixAddr::abstract_name(&[b'a'; 108]).unwrap_err();
    assert_eq!(errno_of(&err), libc::ENAMETOOLONG);
    assert!(UnixAddr::abstract_name(&[b'a'; 107]).is_ok());

    // Other bad paths are named too.
    let err = UnixAddr::new("").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    let err = UnixAddr::new("/tmp/a\0b").unwrap_err();
    assert!(err.to_string().contains("NUL"), "{err}");
}

#[test]
fn longest_path_that_fits_binds() {
    // 107 bytes plus the terminating NUL fill sun_path exactly.
    let dir = std::env::temp_dir().join(format!("wl-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = format!("{}/", dir.display());
    let path = format!("{prefix}{}", "p".repeat(107 - prefix.len()));
    assert_eq!(path.len(), 107);
    let addr = UnixAddr::new(&path).unwrap();
    let l = listen_on(addr);
    assert_eq!(l.local_addr().unwrap(), addr);
    let c = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    assert_eq!(c.peer_addr().unwrap().as_pathname().unwrap().as_os_str().len(), 107);
    drop((l, c));
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    assert!(UnixAddr::new(format!("{path}q")).is_err(), "one more byte does not fit");
}

#[test]
fn stream_pair() {
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    assert!(is_cloexec(&a) && is_cloexec(&b));
    assert!(a.local_addr().unwrap().is_unnamed());
    assert!(a.peer_addr().unwrap().is_unnamed());
    a.set_read_timeout(Some(TIMEOUT)).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    (&a).write_all(b"left").unwrap();
    (&b).write_all(b"right").unwrap();
    let mut buf = [0u8; 5];
    (&b).read_exact(&mut buf[..4]).unwrap();
    assert_eq!(&buf[..4], b"left");
    (&a).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"right");
    drop(a);
    assert_eq!(b.recv(&mut buf).unwrap(), 0, "EOF once the other end closes");
}

#[test]
fn datagram_pair() {
    let (a, b): (ConnectedDatagram<Unix>, ConnectedDatagram<Unix>) = ConnectedDatagram::<Unix>::pair().unwrap();
    assert!(is_cloexec(&a) && is_cloexec(&b));
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    a.send(b"one").unwrap();
    a.send(b"two!").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(b.recv(&mut buf).unwrap(), 3, "boundaries are kept");
    assert_eq!(&buf[..3], b"one");
    assert_eq!(b.recv(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"two!");
    b.send(b"back").unwrap();
    a.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(a.recv(&mut buf).unwrap(), 4);
}

#[test]
fn peer_credentials_are_ours() {
    let me = our_credentials();
    assert_eq!(me.pid as u32, std::process::id());

    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    assert_eq!(a.peer_credentials().unwrap(), me);
    assert_eq!(b.peer_credentials().unwrap(), me);

    // Through a listener, from both ends.
    let l = listen_on(unique_abstract("cred"));
    let client = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .connect(l.local_addr().unwrap())
        .unwrap();
    let server = l.accept().unwrap();
    assert_eq!(server.peer_credentials().unwrap(), me);
    assert_eq!(client.peer_credentials().unwrap(), me);
}

/// Binds `fd` to a 108-byte path without a terminating NUL, which the
/// kernel accepts (unix(7) BUGS) though `UnixAddr::new` cannot express it.
fn bind_full_sun_path(fd: &impl std::os::fd::AsRawFd, path: &[u8]) {
    assert_eq!(path.len(), 108);
    // SAFETY: sockaddr_un is plain old data.
    let mut sun: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in sun.sun_path.iter_mut().zip(path) {
        *d = *s as libc::c_char;
    }
    // SAFETY: a valid sockaddr_un and its size.
    let rc = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sun as *const libc::sockaddr_un).cast(),
            std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "bind: {}", io::Error::last_os_error());
}

/// Regression: for a path filling all 108 bytes of sun_path the kernel
/// reports an address length one byte longer than sockaddr_un (it counts
/// the NUL that did not fit). Decoding must accept it, or `local_addr`
/// fails and `accept_with_addr` loses the connection it just accepted.
#[test]
fn peer_bound_to_a_full_sun_path_is_decoded() {
    let dir = std::env::temp_dir().join(format!("wl-full-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = format!("{}/", dir.display());
    let server_path = format!("{prefix}{}", "s".repeat(108 - prefix.len()));
    let client_path = format!("{prefix}{}", "c".repeat(108 - prefix.len()));

    let raw = RawSocket::<Unix, Stream>::new().unwrap();
    bind_full_sun_path(&raw, server_path.as_bytes());
    let bound = wirelane::BoundSocket::<Unix, Stream>::try_from(std::os::fd::OwnedFd::from(raw)).unwrap();
    let local = bound.local_addr().unwrap();
    assert_eq!(local.as_pathname().unwrap().as_os_str().len(), 108);
    let l = bound.listen(1).unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();

    let client = RawSocket::<Unix, Stream>::new().unwrap();
    bind_full_sun_path(&client, client_path.as_bytes());
    let client = client.connect(local).unwrap();
    assert_eq!(client.peer_addr().unwrap(), local);
    let (server, peer) = l.accept_with_addr().unwrap();
    assert_eq!(peer.as_pathname().unwrap().to_str(), Some(client_path.as_str()));
    assert_eq!(server.peer_addr().unwrap(), peer);
    assert_eq!(client.local_addr().unwrap(), peer);

    drop((l, client, server));
    std::fs::remove_file(&server_path).unwrap();
    std::fs::remove_file(&client_path).unwrap();
    std::fs::remove_dir(&dir).unwrap();
}
