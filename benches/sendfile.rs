//! sendfile vs a read/write copy loop vs `std::io::copy` vs splice, sending
//! one file over loopback TCP per iteration.
//!
//! The file is 64 MiB by default; set `WIRELANE_BENCH_MIB` to change it
//! (the issue's target is measured at 256 MiB):
//!
//! ```text
//! cargo bench --bench sendfile
//! WIRELANE_BENCH_MIB=256 cargo bench --bench sendfile
//! ```
//!
//! Each method has its own connection and a receiver thread that reads
//! (and discards) exactly one file's worth per iteration, then acks; an
//! iteration ends at the ack, so the time covers delivery, not just
//! queueing into the send buffer.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use wirelane::zerocopy::{Pipe, splice_all};
use wirelane::{ConnectedStream, Ipv4, RawSocket, SocketAddrV4, Stream};

const ACK_TIMEOUT: Duration = Duration::from_secs(120);

fn file_len() -> u64 {
    let mib = std::env::var("WIRELANE_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(64);
    mib * 1024 * 1024
}

struct TempFile {
    path: PathBuf,
    file: File,
}

impl TempFile {
    fn new(len: u64) -> Self {
        let path = std::env::temp_dir().join(format!("wirelane-bench-sendfile-{}", std::process::id()));
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .expect("create the bench file");
        let mut chunk = vec![0u8; 1 << 20];
        for (i, b) in chunk.iter_mut().enumerate() {
            *b = (i * 131 % 251) as u8;
        }
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            file.write_all(&chunk[..n]).expect("fill the bench file");
            left -= n as u64;
        }
        file.sync_all().ok();
        file.seek(SeekFrom::Start(0)).expect("rewind");
        Self { path, file }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A loopback TCP connection whose far end is drained by a thread that
/// acks after every `len` bytes.
fn connection(len: u64) -> (ConnectedStream<Ipv4>, mpsc::Receiver<()>) {
    let listener = RawSocket::<Ipv4, Stream>::new()
        .and_then(|s| Ok(s.bind(SocketAddrV4::localhost(0))?))
        .and_then(|s| Ok(s.listen(1)?))
        .expect("listen on loopback");
    let sender = RawSocket::<Ipv4, Stream>::new()
        .and_then(|s| Ok(s.connect(listener.local_addr()?)?))
        .expect("connect");
    let receiver = listener.accept().expect("accept");
    let (ack_tx, ack_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let mut got = 0u64;
            while got < len {
                let want = buf.len().min((len - got) as usize);
                match (&receiver).read(&mut buf[..want]) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got += n as u64,
                }
            }
            if ack_tx.send(()).is_err() {
                return;
            }
        }
    });
    (sender, ack_rx)
}

fn bench_sendfile(c: &mut Criterion) {
    let len = file_len();
    let tmp = TempFile::new(len);
    let mut group = c.benchmark_group(format!("send {} MiB file over loopback TCP", len >> 20));
    group
        .throughput(Throughput::Bytes(len))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let (conn, acks) = connection(len);
    group.bench_function("wirelane sendfile_all", |b| {
        b.iter(|| {
            let mut offset = 0u64;
            let sent = conn.sendfile_all(&tmp.file, Some(&mut offset), len).expect("sendfile");
            assert_eq!(sent, len);
            acks.recv_timeout(ACK_TIMEOUT).expect("receiver ack");
        })
    });
    drop(conn);

    let (conn, acks) = connection(len);
    let mut buf = vec![0u8; 128 * 1024];
    group.bench_function("read/write loop (128 KiB buffer)", |b| {
        b.iter(|| {
            let mut offset = 0u64;
            while offset < len {
                let n = tmp.file.read_at(&mut buf, offset).expect("read");
                assert!(n > 0);
                (&conn).write_all(&buf[..n]).expect("write");
                offset += n as u64;
            }
            acks.recv_timeout(ACK_TIMEOUT).expect("receiver ack");
        })
    });
    drop(conn);

    let (conn, acks) = connection(len);
    let mut std_stream = std::net::TcpStream::from(OwnedFd::from(conn));
    group.bench_function("std::io::copy File -> TcpStream", |b| {
        b.iter(|| {
            let mut file = &tmp.file;
            file.seek(SeekFrom::Start(0)).expect("rewind");
            let copied = std::io::copy(&mut file, &mut std_stream).expect("io::copy");
            assert_eq!(copied, len);
            acks.recv_timeout(ACK_TIMEOUT).expect("receiver ack");
        })
    });
    drop(std_stream);

    let (conn, acks) = connection(len);
    let via = Pipe::with_capacity(1 << 20).or_else(|_| Pipe::new()).expect("pipe");
    group.bench_function("wirelane splice_all via pipe", |b| {
        b.iter(|| {
            let mut file = &tmp.file;
            file.seek(SeekFrom::Start(0)).expect("rewind");
            let moved = splice_all(&tmp.file, &conn, len, &via).expect("splice_all");
            assert_eq!(moved, len);
            acks.recv_timeout(ACK_TIMEOUT).expect("receiver ack");
        })
    });
    drop(conn);
    group.finish();
}

criterion_group!(benches, bench_sendfile);
criterion_main!(benches);
