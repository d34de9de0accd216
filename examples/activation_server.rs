//! A production-style server: socket activation, readiness notification
//! and zero-downtime restarts (issue 19).
//!
//! ```text
//! cargo run --example activation_server [ADDR] [--require-activation]
//! systemd-socket-activate -l 127.0.0.1:7000 --fdname=echo target/debug/examples/activation_server
//! kill -HUP <pid>     # hand the listener to a fresh copy of this binary
//! kill -TERM <pid>    # stop accepting, drain, exit
//! ```
//!
//! Where the listener comes from, in order:
//! 1. a predecessor's handover (`WIRELANE_HANDOVER_FD` is set: this process
//!    is a successor spawned on SIGHUP);
//! 2. socket activation (`LISTEN_FDS`/`LISTEN_PID` set, or
//!    `--require-activation`): the descriptor named `echo`, or the only one
//!    when the manager gave no names;
//! 3. otherwise it binds `ADDR` itself (default `127.0.0.1:0`).
//!
//! The protocol, one exchange per connection: the client sends any number
//! of bytes and shuts down its sending side; the server echoes every byte
//! as it arrives, then sends a 16-byte trailer (little-endian byte count
//! `u64`, FNV-1a 64 hash `u64` of everything it received) and closes. The
//! client checks the echo and the trailer, so a lost or damaged byte is
//! seen.
//!
//! On SIGHUP it re-executes itself with the handover channel, passes the
//! listener by name in one message, and once the successor has adopted it,
//! stops accepting (drops its descriptor: the socket and its queue live on
//! in the successor, so no connection attempt is refused), finishes the
//! connections it has, and exits. SIGTERM/SIGINT: stop accepting, drain,
//! exit.
//!
//! Reports for tests and operators: the first stdout line of each process
//! is `listening on ADDR pid=PID via=bind|listen_fds|handover`; on stderr,
//! `activation_server: pid=PID start fds=...` and, at exit,
//! `activation_server: pid=PID exit reason=... connections=N bytes=N fds=...`
//! (the descriptors still open at exit: 0,1,2 when nothing leaked).
//! Signal handling is a self-pipe written from an async-signal-safe
//! handler and polled beside the listener.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wirelane::activation::{self, InheritedSockets, STOPPING};
use wirelane::handover::{self, Handover};
use wirelane::{ConnectedStream, Ipv4, Listener, ListenerBuilder, SocketAddrV4};

/// The name the listener goes by, in `LISTEN_FDNAMES` and in handovers.
const NAME: &str = "echo";
const PROGRAM: &str = "activation_server";

/// Writes one line to stderr in ONE write(2): the processes of a handover
/// share the stream, and `eprintln!` on unbuffered stderr may write a
/// line in pieces that interleave with another process's.
macro_rules! report {
    ($($arg:tt)*) => {{
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = io::stderr().write_all(line.as_bytes());
    }};
}

fn main() -> ExitCode {
    let start_fds = open_fds();
    match run(&start_fds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report!("{PROGRAM}: pid={} error: {e}", std::process::id());
            ExitCode::FAILURE
        }
    }
}

struct Args {
    addr: SocketAddrV4,
    require_activation: bool,
}

fn parse_args() -> io::Result<Args> {
    let mut args = Args {
        addr: SocketAddrV4::localhost(0),
        require_activation: false,
    };
    for arg in std::env::args().skip(1) {
        if arg == "--require-activation" {
            args.require_activation = true;
        } else {
            let addr: std::net::SocketAddrV4 = arg.parse().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("{arg:?} is not an IPv4 ADDR:PORT"))
            })?;
            args.addr = addr.into();
        }
    }
    Ok(args)
}

fn run(start_fds: &[RawFd]) -> io::Result<()> {
    let args = parse_args()?;
    // Both readers unset environment variables: before any thread starts.
    let (listener, via) = obtain_listener(&args)?;
    let pid = std::process::id();
    report!("{PROGRAM}: pid={pid} start fds={} via={via}", list(start_fds));
    let signals = SignalPipe::install(&HANDLED_SIGNALS)?;
    listener.set_nonblocking(true)?;
    // One write as well: the stdout line is the readiness signal tests wait for.
    let banner = format!("listening on {} pid={pid} via={via}\n", listener.local_addr()?);
    let mut stdout = io::stdout().lock();
    stdout.write_all(banner.as_bytes())?;
    stdout.flush()?;
    drop(stdout);
    // A successor tells the manager it is the main process now (needs
    // NotifyAccess=all in the unit); a first start just says it is ready.
    let ready = if via == "handover" {
        format!("MAINPID={pid}\nREADY=1")
    } else {
        activation::READY.to_owned()
    };
    if let Err(e) = activation::notify(&ready) {
        report!("{PROGRAM}: pid={pid} sd_notify failed: {e}");
    }

    let stats = Arc::new(Stats::default());
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let reason = serve(&listener, &signals, &stats, &mut workers)?;
    // Stop accepting. After a handover the successor's descriptor keeps
    // the listening socket and its queue alive.
    drop(listener);
    if reason != "handover" {
        let _ = activation::notify(STOPPING);
    }
    for worker in workers {
        let _ = worker.join();
    }
    drop(signals);
    report!(
        "{PROGRAM}: pid={pid} exit reason={reason} connections={} bytes={} errors={} fds={}",
        stats.connections.load(Ordering::Relaxed),
        stats.bytes.load(Ordering::Relaxed),
        stats.errors.load(Ordering::Relaxed),
        list(&open_fds())
    );
    Ok(())
}

/// The listener, from a predecessor, the service manager or our own bind,
/// and which of the three it was.
fn obtain_listener(args: &Args) -> io::Result<(Listener<Ipv4>, &'static str)> {
    if let Some(channel) = handover::channel_from_env()? {
        let mut sockets = handover::receive(&channel)?;
        let listener = sockets.take_named::<Listener<Ipv4>>(NAME)?;
        handover::acknowledge(&channel)?;
        return Ok((listener, "handover"));
    }
    let activated = std::env::var_os("LISTEN_FDS").is_some() || std::env::var_os("LISTEN_PID").is_some();
    if activated || args.require_activation {
        let mut inherited = activation::listen_fds()?;
        return Ok((take_listener(&mut inherited)?, "listen_fds"));
    }
    let listener = ListenerBuilder::<Ipv4>::new().bind(args.addr)?;
    Ok((listener, "bind"))
}

/// The descriptor named [`NAME`], or the only one when the manager named
/// none (systemd then calls every descriptor "unknown"). The others close
/// when `inherited` is dropped.
fn take_listener(inherited: &mut InheritedSockets) -> io::Result<Listener<Ipv4>> {
    if inherited.len() == 1 && inherited.name(0) == Some("unknown") {
        inherited.take(0)
    } else {
        inherited.take_named(NAME)
    }
}

#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    bytes: AtomicU64,
    errors: AtomicU64,
}

/// Accepts and serves until a signal says stop or a handover succeeded;
/// returns why it stopped.
fn serve(
    listener: &Listener<Ipv4>,
    signals: &SignalPipe,
    stats: &Arc<Stats>,
    workers: &mut Vec<JoinHandle<()>>,
) -> io::Result<&'static str> {
    loop {
        let mut fds = [
            libc::pollfd {
                fd: listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: signals.read.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfd entries.
        if unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) } < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if fds[1].revents != 0 {
            for signal in signals.drain() {
                match signal {
                    libc::SIGHUP => match hand_over(listener) {
                        Ok(()) => return Ok("handover"),
                        Err(e) => report!(
                            "{PROGRAM}: pid={} handover failed, still serving: {e}",
                            std::process::id()
                        ),
                    },
                    _ => return Ok("signal"),
                }
            }
        }
        if fds[0].revents != 0 {
            // Another process sharing the listener may take a connection
            // first: `None` is normal then.
            while let Some((conn, _)) = listener.try_accept()? {
                let stats = Arc::clone(stats);
                workers.push(std::thread::spawn(move || {
                    stats.connections.fetch_add(1, Ordering::Relaxed);
                    let served = block_handled_signals().and_then(|()| echo_with_checksum(conn, &stats));
                    if let Err(e) = served {
                        stats.errors.fetch_add(1, Ordering::Relaxed);
                        report!("{PROGRAM}: pid={} connection failed: {e}", std::process::id());
                    }
                }));
            }
            workers.retain(|w| !w.is_finished());
        }
    }
}

/// SIGHUP: re-executes this binary as the successor and hands it the
/// listener. `Ok` once the successor has adopted it.
fn hand_over(listener: &Listener<Ipv4>) -> io::Result<()> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(std::env::args_os().skip(1));
    let (mut child, channel) = handover::spawn_successor(&mut command)?;
    match Handover::new().add(NAME, listener).send(&channel) {
        Ok(()) => Ok(()), // the successor runs on; it outlives us
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

/// FNV-1a, 64 bits: a checksum both ends compute cheaply.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn echo_with_checksum(mut conn: ConnectedStream<Ipv4>, stats: &Stats) -> io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut buf = vec![0u8; 16 * 1024];
    let (mut count, mut hash) = (0u64, FNV_OFFSET);
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break;
        }
        count += n as u64;
        hash = fnv1a(hash, &buf[..n]);
        conn.write_all(&buf[..n])?;
    }
    let mut trailer = [0u8; 16];
    trailer[..8].copy_from_slice(&count.to_le_bytes());
    trailer[8..].copy_from_slice(&hash.to_le_bytes());
    conn.write_all(&trailer)?;
    stats.bytes.fetch_add(count, Ordering::Relaxed);
    Ok(())
}

/// SIGHUP hands over; SIGTERM and SIGINT stop. Only the main thread takes
/// them (see [`block_handled_signals`]).
const HANDLED_SIGNALS: [libc::c_int; 3] = [libc::SIGHUP, libc::SIGTERM, libc::SIGINT];

/// The write end of the self-pipe, for the signal handler.
static SIGNAL_WRITE_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signal: libc::c_int) {
    // SAFETY: errno is thread-local; write(2) is async-signal-safe; the
    // pipe is non-blocking, so a full pipe drops the byte (the poll loop
    // is awake already) instead of hanging the handler.
    unsafe {
        let saved = *libc::__errno_location();
        let byte = signal as u8;
        libc::write(SIGNAL_WRITE_FD.load(Ordering::Relaxed), (&byte as *const u8).cast(), 1);
        *libc::__errno_location() = saved;
    }
}

/// A non-blocking, close-on-exec pipe that the handler writes each
/// signal's number into. Dropping it ignores the signals, then closes the
/// pipe.
struct SignalPipe {
    read: OwnedFd,
    // Held open for the handler, which writes to it by number.
    _write: OwnedFd,
    signals: Vec<libc::c_int>,
}

impl SignalPipe {
    fn install(signals: &[libc::c_int]) -> io::Result<Self> {
        let mut ends = [0 as RawFd; 2];
        // SAFETY: pipe2 writes two descriptors on success.
        if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both are new descriptors owned by nothing else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
        SIGNAL_WRITE_FD.store(write.as_raw_fd(), Ordering::Relaxed);
        let pipe = Self {
            read,
            _write: write,
            signals: signals.to_vec(),
        };
        for &signal in signals {
            set_handler(signal, on_signal as *const () as libc::sighandler_t)?;
        }
        Ok(pipe)
    }

    /// The signals that arrived since the last call.
    fn drain(&self) -> Vec<libc::c_int> {
        let mut buf = [0u8; 64];
        let mut out = Vec::new();
        loop {
            // SAFETY: reading into a local buffer from our pipe.
            let n = unsafe { libc::read(self.read.as_fd().as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return out;
            }
            out.extend(buf[..n as usize].iter().map(|&b| libc::c_int::from(b)));
        }
    }
}

impl Drop for SignalPipe {
    fn drop(&mut self) {
        for &signal in &self.signals {
            let _ = set_handler(signal, libc::SIG_IGN);
        }
        SIGNAL_WRITE_FD.store(-1, Ordering::Relaxed);
        // `read` and `_write` close after this, once no handler can use them.
    }
}

/// Blocks [`HANDLED_SIGNALS`] in the calling (worker) thread, so the
/// kernel delivers them to the main thread's poll instead. A worker must
/// not take them: a socket with `SO_RCVTIMEO`/`SO_SNDTIMEO` set fails a
/// read or write interrupted by a handler with `EINTR` even under
/// `SA_RESTART` (signal(7)), which would cut a client's exchange short.
fn block_handled_signals() -> io::Result<()> {
    // SAFETY: a sigset filled by sigemptyset/sigaddset, and
    // pthread_sigmask on the calling thread only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in HANDLED_SIGNALS {
            libc::sigaddset(&mut set, signal);
        }
        match libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) {
            0 => Ok(()),
            err => Err(io::Error::from_raw_os_error(err)),
        }
    }
}

fn set_handler(signal: libc::c_int, handler: libc::sighandler_t) -> io::Result<()> {
    // SAFETY: a zeroed sigaction is valid; the handler only calls
    // async-signal-safe functions. The workers block these signals
    // (block_handled_signals), so only the main thread's
    // poll(2) is interrupted, and it retries on EINTR.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The descriptors open in this process (`/proc/self/fd`), without the
/// one the listing itself used.
fn open_fds() -> Vec<RawFd> {
    let names: Vec<RawFd> = match std::fs::read_dir("/proc/self/fd") {
        Ok(dir) => dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect(),
        Err(_) => return Vec::new(),
    };
    // The directory's own descriptor is closed now: F_GETFD fails on it.
    // SAFETY: F_GETFD only inspects the descriptor table.
    let mut open: Vec<RawFd> = names
        .into_iter()
        .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0)
        .collect();
    open.sort_unstable();
    open
}

fn list(fds: &[RawFd]) -> String {
    fds.iter().map(|fd| fd.to_string()).collect::<Vec<_>>().join(",")
}
