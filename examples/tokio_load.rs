//! Benchmark (not a test): 1,000-connection TCP echo throughput,
//! `wirelane::tokio` beside `tokio::net`, interleaved rounds in one run.
//!
//! `cargo run --release --features tokio --example tokio_load -- [--rounds N]
//! [--conns N] [--kib N] [--current-thread]`
//!
//! Each round builds, on the same runtime flavour for both (multi-thread
//! with 2 workers by default), a listener whose accepted connections echo
//! with `tokio::io::copy`, connects `--conns` clients (all connected
//! before the clock starts), then times every client writing `--kib` KiB
//! and reading the same bytes back, checksummed. Both sides of every
//! connection use the implementation under test. Rounds alternate which
//! implementation goes first; the output is the median throughput of each,
//! their ratio and the median of per-round ratios. Results are in
//! PERFORMANCE.md ("Async (tokio)").

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use wirelane::tokio::Async;
use wirelane::{Ipv4, ListenerBuilder, RawSocket, SocketAddrV4, Stream};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Imp {
    Wirelane,
    TokioNet,
}

impl Imp {
    fn name(self) -> &'static str {
        match self {
            Imp::Wirelane => "wirelane::tokio",
            Imp::TokioNet => "tokio::net",
        }
    }
}

struct Options {
    rounds: usize,
    conns: usize,
    kib: usize,
    current_thread: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        rounds: 11,
        conns: 1000,
        kib: 256,
        current_thread: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            args.next()
                .ok_or(format!("{name} needs a value"))?
                .parse()
                .map_err(|e| format!("{name}: {e}"))
        };
        match a.as_str() {
            "--rounds" => o.rounds = num("--rounds")?,
            "--conns" => o.conns = num("--conns")?,
            "--kib" => o.kib = num("--kib")?,
            "--current-thread" => o.current_thread = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.rounds == 0 || o.conns == 0 || o.kib == 0 {
        return Err("--rounds, --conns and --kib must be positive".into());
    }
    Ok(o)
}

/// FNV-1a over a stream's bytes, fed in pieces.
fn fnv(mut h: u64, data: &[u8]) -> u64 {
    for &b in data {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h
}
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Echoes `conn` until its peer half-closes, then half-closes.
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut conn: S) -> io::Result<()> {
    let (mut r, mut w) = tokio::io::split(&mut conn);
    tokio::io::copy(&mut r, &mut w).await?;
    w.shutdown().await
}

/// Writes `data` while reading the echo back; returns (bytes, checksum).
async fn client<S: AsyncRead + AsyncWrite + Unpin>(conn: S, data: Arc<Vec<u8>>) -> io::Result<(usize, u64)> {
    let (mut r, mut w) = tokio::io::split(conn);
    let send = async {
        w.write_all(&data).await?;
        w.shutdown().await
    };
    let recv = async {
        let mut buf = vec![0u8; 64 * 1024];
        let (mut n, mut h) = (0, FNV_START);
        loop {
            match r.read(&mut buf).await? {
                0 => return Ok::<_, io::Error>((n, h)),
                k => {
                    n += k;
                    h = fnv(h, &buf[..k]);
                }
            }
        }
    };
    let (sent, got) = tokio::join!(send, recv);
    sent?;
    got
}

/// One round of `imp`: returns the timed transfer's duration.
async fn round(imp: Imp, o: &Options, data: Arc<Vec<u8>>) -> io::Result<Duration> {
    let listener = ListenerBuilder::<Ipv4>::new()
        .backlog(4096)
        .bind(SocketAddrV4::localhost(0))?;
    let addr = listener.local_addr()?;
    let conns = o.conns;
    // Accept loop and clients, in `imp`.
    let (server, streams): (tokio::task::JoinHandle<io::Result<()>>, Vec<Box<dyn Stream2>>) = match imp {
        Imp::Wirelane => {
            let l = Async::new(listener)?;
            let server = tokio::spawn(async move {
                let mut tasks = Vec::with_capacity(conns);
                for _ in 0..conns {
                    let (s, _) = l.accept().await?;
                    tasks.push(tokio::spawn(echo(s)));
                }
                for t in tasks {
                    t.await.map_err(io::Error::other)??;
                }
                Ok(())
            });
            let connects = (0..conns).map(|_| async move {
                let raw = Async::new(RawSocket::<Ipv4, Stream>::new()?)?;
                let c = raw.connect(addr).await.map_err(|e| e.into_error())?;
                Ok::<Box<dyn Stream2>, io::Error>(Box::new(c))
            });
            (server, try_join_all(connects).await?)
        }
        Imp::TokioNet => {
            listener.set_nonblocking(true)?;
            let l =
                tokio::net::TcpListener::from_std(std::net::TcpListener::from(std::os::fd::OwnedFd::from(listener)))?;
            let server = tokio::spawn(async move {
                let mut tasks = Vec::with_capacity(conns);
                for _ in 0..conns {
                    let (s, _) = l.accept().await?;
                    tasks.push(tokio::spawn(echo(s)));
                }
                for t in tasks {
                    t.await.map_err(io::Error::other)??;
                }
                Ok(())
            });
            let std_addr = std::net::SocketAddr::V4(addr.to_std());
            let connects = (0..conns).map(|_| async move {
                let c = tokio::net::TcpStream::connect(std_addr).await?;
                Ok::<Box<dyn Stream2>, io::Error>(Box::new(c))
            });
            (server, try_join_all(connects).await?)
        }
    };
    let want = fnv(FNV_START, &data);
    let start = Instant::now();
    let clients: Vec<_> = streams
        .into_iter()
        .map(|s| tokio::spawn(client(s, Arc::clone(&data))))
        .collect();
    for c in clients {
        let (n, h) = c.await.map_err(io::Error::other)??;
        if n != data.len() || h != want {
            return Err(io::Error::other(format!("{}: echo lost or changed bytes", imp.name())));
        }
    }
    let elapsed = start.elapsed();
    server.await.map_err(io::Error::other)??;
    Ok(elapsed)
}

/// A client stream of either implementation.
trait Stream2: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream2 for T {}

/// Connects concurrently (all in flight at once, as a load generator).
async fn try_join_all<F>(futs: impl Iterator<Item = F>) -> io::Result<Vec<Box<dyn Stream2>>>
where
    F: std::future::Future<Output = io::Result<Box<dyn Stream2>>> + Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.map_err(io::Error::other)??);
    }
    Ok(out)
}

fn raise_nofile() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid pointers; raising soft to hard needs no privilege.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> io::Result<()> {
    let o = options().map_err(|e| {
        io::Error::other(format!(
            "{e}\nusage: tokio_load [--rounds N] [--conns N] [--kib N] [--current-thread]"
        ))
    })?;
    raise_nofile();
    let rt = if o.current_thread {
        tokio::runtime::Builder::new_current_thread().enable_all().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?
    };
    let data: Arc<Vec<u8>> = Arc::new((0..o.kib * 1024).map(|i| (i * 31 % 251) as u8).collect());
    let bytes = (o.conns * data.len()) as f64;
    let mut mbps = [Vec::new(), Vec::new()];
    let mut paired = Vec::new();
    // One warm-up round of each, discarded.
    for r in 0..=o.rounds {
        let order = if r % 2 == 0 {
            [Imp::Wirelane, Imp::TokioNet]
        } else {
            [Imp::TokioNet, Imp::Wirelane]
        };
        let mut this = [0.0; 2];
        for imp in order {
            let d = rt.block_on(round(imp, &o, Arc::clone(&data)))?;
            this[imp as usize] = bytes / d.as_secs_f64() / 1e6;
        }
        if r > 0 {
            mbps[0].push(this[0]);
            mbps[1].push(this[1]);
            paired.push(this[0] / this[1]);
        }
    }
    let (wl, net) = (median(&mut mbps[0]), median(&mut mbps[1]));
    println!(
        "{} connections x {} KiB echoed, {} runtime, {} interleaved rounds (1 warm-up discarded)",
        o.conns,
        o.kib,
        if o.current_thread {
            "current-thread"
        } else {
            "multi-thread (2 workers)"
        },
        o.rounds
    );
    println!("| implementation | median MB/s (one direction) |");
    println!("|---|---|");
    println!("| {} | {wl:.0} |", Imp::Wirelane.name());
    println!("| {} | {net:.0} |", Imp::TokioNet.name());
    println!(
        "wirelane::tokio / tokio::net throughput: {:.3}x (median of per-round ratios {:.3}x)",
        wl / net,
        median(&mut paired)
    );
    Ok(())
}
