//! Zero-copy transfers end to end on loopback: sendfile over TCP v4/v6 and
//! Unix streams, splice through pipes, tee, and MSG_ZEROCOPY completions.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::Shutdown;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use wirelane::zerocopy::*;
use wirelane::*;

const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// 64-bit FNV-1a, enough to tell two byte streams apart.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Deterministic pseudo-random bytes (xorshift64).
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A temporary file removed on drop; unique per process and call.
struct TempFile {
    path: PathBuf,
    file: File,
}

impl TempFile {
    fn with_contents(data: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("wirelane-zc-{}-{n}", std::process::id()));
        let mut file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        file.write_all(data).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        Self { path, file }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn tcp4_pair() -> (ConnectedStream<Ipv4>, ConnectedStream<Ipv4>) {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    let client = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    timeouts(&client);
    timeouts(&server);
    (client, server)
}

fn tcp6_pair() -> (ConnectedStream<Ipv6>, ConnectedStream<Ipv6>) {
    let listener = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    let client = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    timeouts(&client);
    timeouts(&server);
    (client, server)
}

fn unix_pair() -> (ConnectedStream<Unix>, ConnectedStream<Unix>) {
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    timeouts(&a);
    timeouts(&b);
    (a, b)
}

/// Bounded blocking calls: a broken test fails instead of hanging.
fn timeouts<D: Domain>(s: &ConnectedStream<D>) {
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
}

/// Reads everything until end of stream on another thread.
fn drain<D: Domain>(s: ConnectedStream<D>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut out = Vec::new();
        (&s).read_to_end(&mut out).unwrap();
        out
    })
}

/// Sends the whole file with the README's `sendfile` call in a loop,
/// checking the offset advances by exactly what each call reports.
fn sendfile_whole<D: Domain>(conn: &ConnectedStream<D>, file: &File, len: u64) -> std::io::Result<()> {
    let mut offset = 0u64;
    while offset < len {
        let before = offset;
        let n = conn.sendfile(&file, Some(&mut offset), 1_000_000)?;
        assert!(n > 0, "sendfile returned 0 before end of file");
        assert!(n <= 1_000_000);
        assert_eq!(offset, before + n as u64, "offset must advance by the bytes sent");
    }
    assert_eq!(offset, len);
    Ok(())
}

fn sendfile_round_trip<D: Domain>(client: ConnectedStream<D>, server: ConnectedStream<D>) {
    let data = pattern(3 * 1024 * 1024 + 4321, 7);
    let tmp = TempFile::with_contents(&data);
    let reader = drain(server);
    sendfile_whole(&client, &tmp.file, data.len() as u64).unwrap();
    // With an explicit offset the file position is untouched.
    assert_eq!((&tmp.file).stream_position().unwrap(), 0);
    client.shutdown(Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), data.len());
    assert_eq!(fnv1a(&got), fnv1a(&data));
}

#[test]
fn sendfile_tcp4_checksum() {
    let (c, s) = tcp4_pair();
    sendfile_round_trip(c, s);
}

#[test]
fn sendfile_tcp6_checksum() {
    let (c, s) = tcp6_pair();
    sendfile_round_trip(c, s);
}

#[test]
fn sendfile_unix_checksum() {
    let (c, s) = unix_pair();
    sendfile_round_trip(c, s);
}

#[test]
fn sendfile_none_uses_and_advances_file_position() {
    let data = pattern(10_000, 3);
    let tmp = TempFile::with_contents(&data);
    let (client, server) = tcp4_pair();
    (&tmp.file).seek(SeekFrom::Start(100)).unwrap();
    let n = client.sendfile(&tmp.file, None, 1000).unwrap();
    assert!(n > 0);
    assert_eq!((&tmp.file).stream_position().unwrap(), 100 + n as u64);
    let mut got = vec![0u8; n];
    (&server).read_exact(&mut got).unwrap();
    assert_eq!(got, &data[100..100 + n]);

    // The README's form, with an offset variable.
    let mut pos = 5000u64;
    let offset = Some(&mut pos);
    let m = client.sendfile(&tmp.file, offset, 10).unwrap();
    assert_eq!(m, 10);
    assert_eq!(pos, 5010);
    let mut got = [0u8; 10];
    (&server).read_exact(&mut got).unwrap();
    assert_eq!(got, data[5000..5010]);
    // The explicit offset did not move the file position.
    assert_eq!((&tmp.file).stream_position().unwrap(), 100 + n as u64);
}

#[test]
fn sendfile_all_beyond_eof_reports_real_count() {
    let data = pattern(2 * 1024 * 1024 + 17, 11);
    let tmp = TempFile::with_contents(&data);
    let (client, server) = tcp6_pair();
    let reader = drain(server);
    let mut offset = 1000u64;
    let sent = client
        .sendfile_all(&tmp.file, Some(&mut offset), data.len() as u64 + 12_345)
        .unwrap();
    assert_eq!(sent, data.len() as u64 - 1000);
    assert_eq!(offset, data.len() as u64);
    // At end of file, nothing more is sent.
    assert_eq!(client.sendfile_all(&tmp.file, Some(&mut offset), 10).unwrap(), 0);
    client.shutdown(Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(fnv1a(&got), fnv1a(&data[1000..]));
}

#[test]
fn sendfile_all_with_file_position_on_nonblocking_unix() {
    let data = pattern(4 * 1024 * 1024, 5);
    let tmp = TempFile::with_contents(&data);
    let (client, server) = unix_pair();
    // Non-blocking: sendfile_all must wait for room instead of failing.
    client.set_nonblocking(true).unwrap();
    let reader = drain(server);
    let sent = client.sendfile_all(&tmp.file, None, u64::MAX).unwrap();
    assert_eq!(sent, data.len() as u64);
    assert_eq!((&tmp.file).stream_position().unwrap(), data.len() as u64);
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(fnv1a(&reader.join().unwrap()), fnv1a(&data));
}

#[test]
fn sendfile_rejects_offset_beyond_off_t() {
    let tmp = TempFile::with_contents(b"x");
    let (client, _server) = tcp4_pair();
    let mut offset = u64::MAX;
    let err = client.sendfile(&tmp.file, Some(&mut offset), 1).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(offset, u64::MAX, "a rejected call leaves the offset alone");
}

#[test]
fn splice_file_to_socket_through_pipe() {
    let data = pattern(3 * 1024 * 1024 + 99, 13);
    let tmp = TempFile::with_contents(&data);
    let (socket, server) = tcp4_pair();
    let reader = drain(server);

    let (pipe_read, pipe_write) = pipe().unwrap();
    let mut file_off = 0i64;
    while (file_off as usize) < data.len() {
        let before = file_off;
        let n = splice(&tmp.file, Some(&mut file_off), &pipe_write, None, 65536, SPLICE_F_MOVE).unwrap();
        assert!(n > 0);
        assert_eq!(file_off, before + n as i64);
        let mut left = n;
        while left > 0 {
            // The README's six-argument form.
            left -= splice(&pipe_read, None, &socket, None, 65536, SPLICE_F_MOVE).unwrap();
        }
    }
    assert_eq!((&tmp.file).stream_position().unwrap(), 0);
    socket.shutdown(Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), data.len());
    assert_eq!(fnv1a(&got), fnv1a(&data));
}

#[test]
fn splice_simple_is_the_four_argument_form() {
    let (socket, server) = unix_pair();
    let pipe = Pipe::new().unwrap();
    (&File::from(pipe.writer().try_clone_to_owned().unwrap()))
        .write_all(b"through the pipe")
        .unwrap();
    assert_eq!(pipe.pending().unwrap(), 16);
    let len = 16;
    let n = splice_simple(&pipe.reader(), &socket, len, SPLICE_F_MOVE | SPLICE_F_MORE).unwrap();
    assert_eq!(n, 16);
    assert_eq!(pipe.pending().unwrap(), 0);
    let mut got = [0u8; 16];
    (&server).read_exact(&mut got).unwrap();
    assert_eq!(&got, b"through the pipe");
}

#[test]
fn splice_all_proxies_socket_to_socket() {
    let data = pattern(5 * 1024 * 1024 + 3, 17);
    // origin -> proxy_in ... proxy_out -> sink
    let (origin, proxy_in) = tcp4_pair();
    let (proxy_out, sink) = tcp6_pair();
    let reader = drain(sink);
    let writer = {
        let data = data.clone();
        thread::spawn(move || {
            (&origin).write_all(&data).unwrap();
            origin.shutdown(Shutdown::Write).unwrap();
            origin
        })
    };
    let via = Pipe::with_capacity(256 * 1024).unwrap();
    assert!(via.capacity().unwrap() >= 256 * 1024);
    // Ask for more than will come: the proxy stops at end of stream.
    let moved = splice_all(&proxy_in, &proxy_out, u64::MAX, &via).unwrap();
    assert_eq!(moved, data.len() as u64);
    proxy_out.shutdown(Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    writer.join().unwrap();
    assert_eq!(fnv1a(&got), fnv1a(&data));
}

#[test]
fn splice_all_file_to_socket_exact_len() {
    let data = pattern(1024 * 1024, 19);
    let tmp = TempFile::with_contents(&data);
    let (socket, server) = unix_pair();
    let reader = drain(server);
    let via = Pipe::new().unwrap();
    let moved = splice_all(&tmp.file, &socket, 300_000, &via).unwrap();
    assert_eq!(moved, 300_000);
    assert_eq!((&tmp.file).stream_position().unwrap(), 300_000);
    socket.shutdown(Shutdown::Write).unwrap();
    assert_eq!(reader.join().unwrap(), &data[..300_000]);
}

#[test]
fn splice_all_reports_progress_and_stranded_bytes() {
    let data = pattern(200_000, 23);
    let tmp = TempFile::with_contents(&data);
    let (socket, server) = unix_pair();
    drop(server); // the destination is gone: EPIPE
    let via = Pipe::new().unwrap();
    let err = splice_all(&tmp.file, &socket, data.len() as u64, &via).unwrap_err();
    assert_eq!(err.error.kind(), std::io::ErrorKind::BrokenPipe);
    assert_eq!(err.transferred, 0);
    assert!(err.in_pipe > 0, "bytes read from the file are reported as stranded");
    assert_eq!(via.pending().unwrap(), err.in_pipe);
    // A pipe that is not empty is refused up front.
    let again = splice_all(&tmp.file, &socket, 10, &via).unwrap_err();
    assert_eq!(again.error.kind(), std::io::ErrorKind::InvalidInput);
    let io: std::io::Error = again.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn tee_duplicates_without_consuming() {
    let a = Pipe::new().unwrap();
    let b = Pipe::new().unwrap();
    (&File::from(a.writer().try_clone_to_owned().unwrap()))
        .write_all(b"copy me")
        .unwrap();
    assert_eq!(tee(&a.reader(), &b.writer(), 1024, SpliceFlags::NONE).unwrap(), 7);
    assert_eq!(a.pending().unwrap(), 7, "tee does not consume the source");
    assert_eq!(b.pending().unwrap(), 7);
    let (b_read, _b_write) = b.into_parts();
    let mut got = [0u8; 7];
    File::from(b_read).read_exact(&mut got).unwrap();
    assert_eq!(&got, b"copy me");
}

#[test]
fn splice_flags_combine_and_match_c_values() {
    let f = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
    assert!(f.contains(SpliceFlags::MOVE));
    assert!(!f.contains(SPLICE_F_MORE));
    assert_eq!(f.bits(), libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK);
    assert_eq!(SPLICE_F_GIFT.bits(), libc::SPLICE_F_GIFT);
    assert_eq!(SpliceFlags::from_bits(4), SPLICE_F_MORE);
}

#[test]
fn msg_zerocopy_static_send_on_loopback_completes_copied() {
    static PAYLOAD: [u8; 128 * 1024] = {
        let mut p = [0u8; 128 * 1024];
        let mut i = 0;
        while i < p.len() {
            p[i] = (i % 251) as u8;
            i += 1;
        }
        p
    };
    let (client, server) = tcp4_pair();
    set_zerocopy(&client, true).expect("SO_ZEROCOPY needs Linux >= 4.14");
    assert!(zerocopy(&client).unwrap());
    let mut sent = 0;
    let mut sends = 0u32;
    let mut got = vec![0u8; PAYLOAD.len()];
    let reader = {
        let server = server.try_clone().unwrap();
        thread::spawn(move || {
            (&server).read_exact(&mut got).unwrap();
            got
        })
    };
    while sent < PAYLOAD.len() {
        sent += client.send_zerocopy(&PAYLOAD[sent..]).unwrap();
        sends += 1;
    }
    assert_eq!(reader.join().unwrap(), PAYLOAD);

    // Collect completions until every send id is covered.
    let mut covered = 0u64;
    while covered < u64::from(sends) {
        let c = client
            .wait_zerocopy_completion(Some(IO_TIMEOUT))
            .unwrap()
            .expect("no MSG_ZEROCOPY completion within the timeout");
        assert!(c.copied, "loopback always falls back to copying: {c:?}");
        assert!(c.last < sends);
        covered += c.count();
    }
    assert_eq!(covered, u64::from(sends));
    assert_eq!(client.recv_zerocopy_completion().unwrap(), None);
}

#[test]
fn zerocopy_sender_keeps_buffers_until_completion() {
    let (client, server) = tcp6_pair();
    let mut sender = ZerocopySender::new(client).unwrap();
    let bufs: Vec<Arc<[u8]>> = (0..8).map(|i| Arc::from(pattern(48 * 1024, 100 + i))).collect();
    let expected: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
    let reader = {
        let len = expected.len();
        thread::spawn(move || {
            let mut got = vec![0u8; len];
            (&server).read_exact(&mut got).unwrap();
            got
        })
    };
    for b in &bufs {
        sender.send_all(b).unwrap();
    }
    assert_eq!(fnv1a(&reader.join().unwrap()), fnv1a(&expected));
    // Each tracked send holds a clone of its buffer until its completion.
    assert!(
        sender.finish(Some(IO_TIMEOUT)).unwrap(),
        "completions did not all arrive"
    );
    assert_eq!(sender.in_flight(), 0);
    for b in &bufs {
        assert_eq!(Arc::strong_count(b), 1, "buffer released after its completion");
    }
    let stream = sender.into_inner().expect("nothing in flight");
    assert!(zerocopy(&stream).unwrap());
}

#[test]
fn zerocopy_sender_rejects_empty_range() {
    let (client, _server) = tcp4_pair();
    let mut sender = ZerocopySender::new(client).unwrap();
    let buf: Arc<[u8]> = Arc::from(&b"abc"[..]);
    assert_eq!(
        sender.send(&buf, 3).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    assert_eq!(
        sender.send(&buf, 10).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    assert_eq!(sender.in_flight(), 0);
}

#[test]
fn zerocopy_is_refused_on_unix_streams() {
    let (a, _b) = unix_pair();
    let err = set_zerocopy(&a, true).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EOPNOTSUPP));
}

#[test]
fn zerocopy_completion_ranges_wrap() {
    let c = ZerocopyCompletion {
        first: u32::MAX - 1,
        last: 1,
        copied: false,
    };
    assert_eq!(c.count(), 4);
    assert!(c.contains(u32::MAX) && c.contains(0) && c.contains(1));
    assert!(!c.contains(2) && !c.contains(u32::MAX - 2));
}
