//! The core side of the C ABI's PROGRESS convention and its connect fix:
//! `sendfile_all` and `splice_all` stop when a blocking socket's write
//! timeout expires and say exactly how far they got (the peer then reads
//! exactly that), a connect that the kernel answers with `EISCONN` for
//! the same peer succeeds (for another peer it fails, naming both), and
//! `Listener::try_clone` gives a second listening handle.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use wirelane::zerocopy::{Pipe, splice_all};
use wirelane::*;

const LEN: usize = 4 << 20;

fn pattern(i: usize) -> u8 {
    (i.wrapping_mul(131) + (i >> 12)) as u8
}

/// An unlinked temporary file of `LEN` patterned bytes.
fn patterned_file() -> File {
    let path = std::env::temp_dir().join(format!(
        "wl-progress-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    file.write_all(&(0..LEN).map(pattern).collect::<Vec<_>>()).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    file
}

/// A Unix stream pair whose sender cannot buffer `LEN` bytes and times out
/// writing after 100 ms.
fn slow_pair() -> (ConnectedStream<Unix>, ConnectedStream<Unix>) {
    let (a, b) = ConnectedStream::pair().unwrap();
    options::set_send_buffer_size(&a, 16384).unwrap();
    a.set_write_timeout(Some(Duration::from_millis(100))).unwrap();
    b.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (a, b)
}

/// Everything `b` receives until end of stream, checked against the pattern.
fn drain(b: &ConnectedStream<Unix>) -> usize {
    let mut buf = vec![0u8; 65536];
    let mut total = 0;
    loop {
        let n = b.recv(&mut buf).unwrap();
        if n == 0 {
            return total;
        }
        for (i, byte) in buf[..n].iter().enumerate() {
            assert_eq!(*byte, pattern(total + i), "byte {}", total + i);
        }
        total += n;
    }
}

#[test]
fn sendfile_all_stops_at_the_write_timeout_and_reports_the_offset() {
    let file = patterned_file();
    let (a, b) = slow_pair();
    let mut offset = 0u64;
    let err = a.sendfile_all(&file, Some(&mut offset), LEN as u64).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock, "{err}");
    assert!(offset > 0 && offset < LEN as u64, "offset {offset}");
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(drain(&b) as u64, offset);
}

#[test]
fn splice_all_stops_at_the_write_timeout_and_reports_both_counts() {
    let mut file = patterned_file();
    let (a, b) = slow_pair();
    let pipe = Pipe::new().unwrap();
    let err = splice_all(&file, &a, LEN as u64, &pipe).unwrap_err();
    assert_eq!(err.error.kind(), std::io::ErrorKind::WouldBlock, "{}", err.error);
    assert!(
        err.transferred > 0 && err.transferred < LEN as u64,
        "{}",
        err.transferred
    );
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(drain(&b) as u64, err.transferred);
    // The rest read from the file is in the pipe: the next bytes.
    assert_eq!(pipe.pending().unwrap(), err.in_pipe);
    let mut rest = vec![0u8; err.in_pipe];
    File::from(pipe.reader().try_clone_to_owned().unwrap())
        .read_exact(&mut rest)
        .unwrap();
    let start = err.transferred as usize;
    assert!(rest.iter().enumerate().all(|(i, b)| *b == pattern(start + i)));
    assert_eq!(file.stream_position().unwrap(), err.transferred + err.in_pipe as u64);
}

fn listener() -> Listener<Ipv4> {
    RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap()
}

/// A raw socket the kernel already connected to `to` behind the
/// typestate's back: what an interrupted connect that then completed
/// leaves (the next `connect(2)` gets `EISCONN`).
fn connected_raw(to: &SocketAddrV4) -> RawSocket<Ipv4, Stream> {
    let raw = RawSocket::<Ipv4, Stream>::new().unwrap();
    let sin = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: to.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(to.ip()).to_be(),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: a valid sockaddr_in of `len` bytes, on an open socket.
    let rc = unsafe { libc::connect(raw.as_fd().as_raw_fd(), (&raw const sin).cast(), len) };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    // SAFETY: as above; the kernel now says the socket is connected.
    let again = unsafe { libc::connect(raw.as_fd().as_raw_fd(), (&raw const sin).cast(), len) };
    assert_eq!(
        (again, std::io::Error::last_os_error().raw_os_error()),
        (-1, Some(libc::EISCONN))
    );
    raw
}

#[test]
fn eisconn_for_the_same_peer_is_success() {
    let l = listener();
    let addr = l.local_addr().unwrap();
    let conn = connected_raw(&addr)
        .connect(addr)
        .expect("EISCONN for the same peer counts as connected");
    let (server, peer) = l.accept_with_addr().unwrap();
    assert_eq!(peer, conn.local_addr().unwrap());
    conn.send(b"ok").unwrap();
    let mut buf = [0u8; 2];
    assert_eq!(server.recv(&mut buf).unwrap(), 2);
}

#[test]
fn eisconn_for_another_peer_stays_an_error() {
    let (l1, l2) = (listener(), listener());
    let (a1, a2) = (l1.local_addr().unwrap(), l2.local_addr().unwrap());
    let err = connected_raw(&a1).connect(a2).unwrap_err();
    let (error, raw) = err.into_parts();
    assert_eq!(error::errno_of(&error), libc::EISCONN);
    let text = error.to_string();
    assert!(
        text.contains(&format!("already connected to {a1}, not to {a2}")),
        "{text}"
    );
    // The socket came back and still connects to the address it has.
    raw.connect(a1).unwrap();
}

#[test]
fn listener_try_clone_listens_until_both_are_gone() {
    let l = listener();
    let addr = l.local_addr().unwrap();
    let copy = l.try_clone().unwrap();
    assert_ne!(copy.as_fd().as_raw_fd(), l.as_fd().as_raw_fd());
    drop(l);
    let client = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap();
    let (_server, peer) = copy.accept_with_addr().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    drop(copy);
    let refused = RawSocket::<Ipv4, Stream>::new().unwrap().connect(addr).unwrap_err();
    assert_eq!(refused.error().kind(), std::io::ErrorKind::ConnectionRefused);
}
