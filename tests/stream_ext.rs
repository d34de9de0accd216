//! Robust stream helpers on loopback: deadline-bounded and cancellable
//! send_all, recv_until that never over-reads, liveness probes, readiness
//! waits and errno classification.

use std::io::{self, ErrorKind, Read};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use wirelane::stream_ext::*;
use wirelane::*;

const IO_TIMEOUT: Duration = Duration::from_secs(20);

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(31) ^ (i >> 9)) as u8).collect()
}

fn soon(d: Duration) -> Instant {
    Instant::now() + d
}

/// Sets an int socket option with libc (the options module is separate).
fn set_int_opt(fd: &impl AsFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) {
    // SAFETY: a valid descriptor and a pointer to one live int.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_fd().as_raw_fd(),
            level,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "setsockopt failed: {}", io::Error::last_os_error());
}

fn tcp4_pair_with_small_buffers(small: bool) -> (ConnectedStream<Ipv4>, ConnectedStream<Ipv4>) {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    if small {
        // Set before connect/accept so the window is small from the start.
        set_int_opt(&listener, libc::SOL_SOCKET, libc::SO_RCVBUF, 4096);
    }
    let raw = RawSocket::<Ipv4, Stream>::new().unwrap();
    if small {
        set_int_opt(&raw, libc::SOL_SOCKET, libc::SO_SNDBUF, 4096);
    }
    let client = raw.connect(listener.local_addr().unwrap()).unwrap();
    let server = listener.accept().unwrap();
    for s in [&client, &server] {
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    }
    (client, server)
}

fn tcp4_pair() -> (ConnectedStream<Ipv4>, ConnectedStream<Ipv4>) {
    tcp4_pair_with_small_buffers(false)
}

fn unix_pair() -> (ConnectedStream<Unix>, ConnectedStream<Unix>) {
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    for s in [&a, &b] {
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    }
    (a, b)
}

// ---------------------------------------------------------------- send_all

#[test]
fn send_all_several_mb_to_a_slow_reader() {
    let data = pattern(6 * 1024 * 1024 + 5);
    let (client, server) = tcp4_pair();
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 32 * 1024];
        loop {
            let n = (&server).read(&mut buf).unwrap();
            if n == 0 {
                return got;
            }
            got.extend_from_slice(&buf[..n]);
            // Slow: the writer keeps finding the send buffer full.
            if got.len() % (512 * 1024) < n {
                thread::sleep(Duration::from_millis(5));
            }
        }
    });
    client.send_all(&data, soon(IO_TIMEOUT), None).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), data.len());
    assert_eq!(fnv1a(&got), fnv1a(&data));
}

#[test]
fn send_all_works_on_a_nonblocking_socket() {
    let data = pattern(3 * 1024 * 1024);
    let (a, b) = unix_pair();
    a.set_nonblocking(true).unwrap();
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        (&b).read_to_end(&mut got).unwrap();
        got
    });
    a.send_all(&data, soon(IO_TIMEOUT), None).unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(fnv1a(&reader.join().unwrap()), fnv1a(&data));
}

#[test]
fn send_all_to_a_reader_that_never_reads_times_out_with_progress() {
    let data = pattern(4 * 1024 * 1024);
    let (client, _server) = tcp4_pair_with_small_buffers(true);
    let deadline = soon(Duration::from_millis(300));
    let err = client.send_all(&data, deadline, None).unwrap_err();
    assert!(Instant::now() >= deadline, "gave up before the deadline");
    match &err {
        SendAllError::TimedOut { sent, total } => {
            assert!(*sent > 0, "some bytes fit in the buffers");
            assert!(*sent < *total, "the peer never read, so not everything fit");
            assert_eq!(*total, data.len());
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    assert_eq!(err.errno(), libc::ETIMEDOUT);
    assert!(err.to_string().contains("timed out after sending"));
    let io: io::Error = err.into();
    assert_eq!(io.kind(), ErrorKind::TimedOut);
}

#[test]
fn send_all_cancellation_stops_it() {
    let data = pattern(4 * 1024 * 1024);
    let (client, _server) = tcp4_pair_with_small_buffers(true);
    let cancel = Arc::new(AtomicBool::new(false));
    let setter = {
        let cancel = Arc::clone(&cancel);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            cancel.store(true, Ordering::Release);
        })
    };
    // A far deadline: only the flag can end this.
    let err = client.send_all(&data, soon(IO_TIMEOUT), Some(&cancel)).unwrap_err();
    setter.join().unwrap();
    match err {
        SendAllError::Cancelled { sent, total } => {
            assert!(sent > 0 && sent < total, "sent = {sent}");
        }
        other => panic!("expected Cancelled, got {other:?}"),
    }

    // Already cancelled: nothing is sent.
    let err = client.send_all(b"x", soon(IO_TIMEOUT), Some(&cancel)).unwrap_err();
    assert!(matches!(err, SendAllError::Cancelled { sent: 0, total: 1 }));
    assert_eq!(err.errno(), libc::ECANCELED);
    assert_eq!(io::Error::from(err).raw_os_error(), Some(libc::ECANCELED));
}

#[test]
fn send_all_reports_hard_errors_with_progress() {
    let (a, b) = unix_pair();
    drop(b);
    let err = a.send_all(b"hello", soon(IO_TIMEOUT), None).unwrap_err();
    match &err {
        SendAllError::Io {
            sent: 0,
            total: 5,
            source,
        } => assert_eq!(source.kind(), ErrorKind::BrokenPipe),
        other => panic!("expected Io(EPIPE), got {other:?}"),
    }
    assert_eq!(err.errno(), libc::EPIPE);
    assert_eq!(err.sent(), 0);
    // An empty buffer is trivially sent.
    a.send_all(b"", soon(IO_TIMEOUT), None).unwrap();
}

// -------------------------------------------------------------- recv_until

#[test]
fn recv_until_leaves_following_bytes_unread() {
    let (a, b) = tcp4_pair();
    a.send(b"a\nb\n").unwrap();
    // Make sure both lines are queued before the first recv_until.
    thread::sleep(Duration::from_millis(20));
    assert_eq!(b.recv_until(b"\n", 100, soon(IO_TIMEOUT)).unwrap(), b"a\n");
    let mut buf = [0u8; 16];
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"b\n");
}

#[test]
fn recv_until_finds_a_terminator_split_across_sends() {
    let (a, b) = unix_pair();
    let writer = thread::spawn(move || {
        a.send(b"hello\r").unwrap();
        thread::sleep(Duration::from_millis(100));
        a.send(b"\nworld").unwrap();
        a
    });
    let line = b.recv_until(b"\r\n", 100, soon(IO_TIMEOUT)).unwrap();
    assert_eq!(line, b"hello\r\n");
    let _a = writer.join().unwrap();
    let mut buf = [0u8; 16];
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"world");
}

#[test]
fn recv_until_single_byte_terminator_arriving_late() {
    let (a, b) = tcp4_pair();
    let writer = thread::spawn(move || {
        a.send(b"abc").unwrap();
        thread::sleep(Duration::from_millis(100));
        a.send(b"def\nghi").unwrap();
        a
    });
    let mut out = b"prefix:".to_vec();
    let n = b.recv_until_into(b"\n", &mut out, 100, soon(IO_TIMEOUT)).unwrap();
    assert_eq!(n, 7);
    assert_eq!(out, b"prefix:abcdef\n");
    let _a = writer.join().unwrap();
    let mut buf = [0u8; 8];
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ghi");
}

#[test]
fn recv_until_max_len_exceeded_is_a_clear_error() {
    let (a, b) = unix_pair();
    a.send(b"0123456789ABCDEFGHIJ\n").unwrap();
    let mut out = Vec::new();
    let err = b.recv_until_into(b"\n", &mut out, 10, soon(IO_TIMEOUT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let msg = err.to_string();
    assert!(
        msg.contains("max_len = 10") && msg.contains("10 bytes were consumed"),
        "{msg}"
    );
    // Exactly max_len bytes were consumed; they are kept in `out`.
    assert_eq!(out, b"0123456789");
    let mut rest = [0u8; 32];
    let n = b.recv(&mut rest).unwrap();
    assert_eq!(&rest[..n], b"ABCDEFGHIJ\n");
}

#[test]
fn recv_until_eof_before_terminator() {
    let (a, b) = tcp4_pair();
    a.send(b"abc").unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    let mut out = Vec::new();
    let err = b.recv_until_into(b"\n", &mut out, 100, soon(IO_TIMEOUT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    assert!(err.to_string().contains("3 bytes were consumed"), "{err}");
    assert_eq!(out, b"abc");
    // Nothing at all before EOF.
    let err = b.recv_until(b"\n", 100, soon(IO_TIMEOUT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn recv_until_times_out_at_the_deadline() {
    let (a, b) = unix_pair();
    a.send(b"no newline").unwrap();
    let deadline = soon(Duration::from_millis(150));
    let mut out = Vec::new();
    let err = b.recv_until_into(b"\n", &mut out, 100, deadline).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert!(Instant::now() >= deadline);
    assert_eq!(out, b"no newline");
}

#[test]
fn recv_until_rejects_bad_arguments() {
    let (_a, b) = unix_pair();
    let err = b.recv_until(b"", 10, soon(IO_TIMEOUT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(wirelane::error::errno_of(&err), libc::EINVAL);
    let err = b.recv_until(b"\r\n", 1, soon(IO_TIMEOUT)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn recv_until_long_line_over_many_peeks() {
    // Longer than one peek window, terminator far in: exercises the carry.
    let (a, b) = tcp4_pair();
    let mut line = pattern(20_000);
    line.retain(|&c| c != b'|');
    line.extend_from_slice(b"||END");
    let after = b"tail";
    let writer = {
        let mut all = line.clone();
        all.extend_from_slice(after);
        thread::spawn(move || {
            for chunk in all.chunks(3000) {
                a.send_all(chunk, soon(IO_TIMEOUT), None).unwrap();
                thread::sleep(Duration::from_millis(2));
            }
            a
        })
    };
    let got = b.recv_until(b"||END", 1 << 20, soon(IO_TIMEOUT)).unwrap();
    assert_eq!(got, line);
    let _a = writer.join().unwrap();
    let mut buf = [0u8; 8];
    (&b).read_exact(&mut buf[..4]).unwrap();
    assert_eq!(&buf[..4], after);
}

// ---------------------------------------------------------------- liveness

#[test]
fn is_connected_open_and_does_not_consume() {
    let (a, b) = tcp4_pair();
    assert!(b.is_connected().is_open());
    a.send(b"xy").unwrap();
    thread::sleep(Duration::from_millis(20));
    assert!(matches!(b.is_connected(), Liveness::Open));
    let mut buf = [0u8; 2];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"xy", "the probe left the data in place");
}

#[test]
fn is_connected_closed_by_peer() {
    let (a, b) = tcp4_pair();
    drop(a);
    // The FIN arrives asynchronously; wait for it, bounded.
    assert!(wait(&b, Readiness::READABLE, Some(IO_TIMEOUT)).unwrap().is_readable());
    assert!(matches!(b.is_connected(), Liveness::ClosedByPeer));

    let (a, b) = unix_pair();
    drop(a);
    assert!(matches!(b.is_connected(), Liveness::ClosedByPeer));
}

#[test]
fn is_connected_failed_after_reset() {
    let (a, b) = tcp4_pair();
    // SO_LINGER {on, 0}: close sends RST instead of FIN.
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid descriptor and a pointer to one live linger struct.
    let rc = unsafe {
        libc::setsockopt(
            a.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0);
    drop(a);
    let ready = wait(&b, Readiness::READABLE, Some(IO_TIMEOUT)).unwrap();
    assert!(!ready.is_empty(), "the reset never arrived");
    match b.is_connected() {
        Liveness::Failed(e) => {
            assert_eq!(e.raw_os_error(), Some(libc::ECONNRESET));
            assert_eq!(errno_name(libc::ECONNRESET), "ECONNRESET");
        }
        other => panic!("expected Failed(ECONNRESET), got {other:?}"),
    }
}

// -------------------------------------------------------------------- wait

#[test]
fn wait_readable_writable_and_timeout() {
    let (a, b) = tcp4_pair();
    // Nothing to read: times out with no flags.
    let r = wait(&b, Readiness::READABLE, Some(Duration::from_millis(50))).unwrap();
    assert!(r.is_empty());
    assert_eq!(r, Readiness::NONE);
    // A fresh connection has room to write.
    let w = wait(&a, Readiness::WRITABLE, Some(IO_TIMEOUT)).unwrap();
    assert!(w.is_writable() && !w.is_readable());
    a.send(b"z").unwrap();
    let r = wait(&b, Readiness::READABLE | Readiness::WRITABLE, Some(IO_TIMEOUT)).unwrap();
    assert!(r.is_readable());
    assert!(r.contains(Readiness::READABLE));
    assert!(format!("{r:?}").contains("READABLE"));
}

#[test]
fn wait_reports_hangup_unasked_and_works_on_any_fd() {
    let (a, b) = unix_pair();
    drop(a);
    let r = wait(&b, Readiness::NONE, Some(IO_TIMEOUT)).unwrap();
    assert!(r.is_hangup(), "{r:?}");

    // Any descriptor: a pipe.
    let pipe = wirelane::zerocopy::Pipe::new().unwrap();
    let r = wait(&pipe.writer(), Readiness::WRITABLE, Some(IO_TIMEOUT)).unwrap();
    assert!(r.is_writable());
    let r = wait(&pipe.reader(), Readiness::READABLE, Some(Duration::from_millis(20))).unwrap();
    assert!(r.is_empty());
}

// ---------------------------------------------------------- classification

#[test]
fn transient_errors_are_classified() {
    for code in [
        libc::EAGAIN,
        libc::EWOULDBLOCK,
        libc::EINTR,
        libc::EINPROGRESS,
        libc::ENOBUFS,
    ] {
        assert!(
            is_transient(&io::Error::from_raw_os_error(code)),
            "{}",
            errno_name(code)
        );
    }
    for code in [
        libc::ECONNRESET,
        libc::EPIPE,
        libc::ECONNREFUSED,
        libc::EBADF,
        libc::ETIMEDOUT,
    ] {
        assert!(
            !is_transient(&io::Error::from_raw_os_error(code)),
            "{}",
            errno_name(code)
        );
    }
    assert!(is_transient(&io::Error::from(ErrorKind::WouldBlock)));
    assert!(!is_transient(&io::Error::other("custom")));
}

#[test]
fn errno_names_are_readable() {
    assert_eq!(errno_name(libc::ECONNREFUSED), "ECONNREFUSED");
    assert_eq!(errno_name(libc::EADDRINUSE), "EADDRINUSE");
    assert_eq!(errno_name(libc::EWOULDBLOCK), "EAGAIN");
    assert_eq!(errno_name(libc::ENOTSUP), "EOPNOTSUPP");
    assert_eq!(errno_name(libc::EHOSTUNREACH), "EHOSTUNREACH");
    assert_eq!(errno_name(0), "UNKNOWN");
    assert_eq!(errno_name(100_000), "UNKNOWN");
    // Every name starts with E and is distinct for distinct known values.
    let mut seen = std::collections::HashMap::new();
    for code in 1..=133 {
        let name = errno_name(code);
        if name != "UNKNOWN" {
            assert!(name.starts_with('E'), "{code} -> {name}");
            assert_eq!(*seen.entry(name).or_insert(code), code, "{name} named twice");
        }
    }
}

#[test]
fn transient_error_from_a_real_call() {
    let (_a, b) = unix_pair();
    b.set_nonblocking(true).unwrap();
    let err = (&b).read(&mut [0u8; 4]).unwrap_err();
    assert!(is_transient(&err));
    assert_eq!(errno_name(err.raw_os_error().unwrap()), "EAGAIN");
}
