//! The C event-loop examples (issue 15) under load: `examples/c/epoll_echo.c`
//! (a hand-written epoll loop) and `examples/c/libuv_echo.c` (uv_poll on
//! Wirelane handles), each serving 500 concurrent clients whose payloads
//! (1 byte to 2 MiB, different per client) must come back with the right
//! length and checksum (`support/echo_load.rs`), on loopback, within a
//! time bound; built plainly and with AddressSanitizer + UBSan (leaks fail
//! the run: each server exits after its clients and frees everything).
//! With a small per-connection send buffer and a few clients that stop
//! reading for a while, the servers must meet partial sends and `-EAGAIN`
//! (they print how many; the runs check both are non-zero), so the
//! backpressure paths are tested, not only the easy one. Also IPv6 and
//! Unix-socket runs.
//!
//! Needs a C compiler, make, pkg-config and libuv1-dev
//! (`scripts/ensure-tools.sh` installs them); a missing one fails with
//! that hint, never skips.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

#[path = "support/fresh_library.rs"]
mod fresh_library;
use fresh_library::libdir;

#[path = "support/echo_load.rs"]
mod echo_load;

/// How many clients connect at once in the main runs.
const CLIENTS: usize = 500;
/// The bound on one run's exchange.
const LIMIT: Duration = Duration::from_secs(120);

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[derive(Clone, Copy, PartialEq)]
enum Build {
    Plain,
    Sanitized,
}

const SAN_CFLAGS: &str = "-std=c11 -Wall -Wextra -Wpedantic -Werror -O1 -g \
     -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";

/// Builds the two examples once per kind (through examples/c/Makefile, as
/// a user would) and returns the directory holding them.
fn examples(kind: Build) -> &'static Path {
    static PLAIN: OnceLock<PathBuf> = OnceLock::new();
    static SANITIZED: OnceLock<PathBuf> = OnceLock::new();
    let cell = if kind == Build::Plain { &PLAIN } else { &SANITIZED };
    cell.get_or_init(|| {
        for (tool, hint) in [
            ("make", "apt-get install -y make"),
            ("cc", "apt-get install -y gcc"),
            ("pkg-config", "apt-get install -y pkg-config"),
        ] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                found,
                "`{tool}` is not installed: {hint} (or run scripts/ensure-tools.sh)"
            );
        }
        let name = if kind == Build::Plain { "plain" } else { "asan" };
        // Under cargo's target directory (not /tmp): rebuilt every run,
        // never left behind in shared scratch space.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("c-event-loops-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        let mut make = Command::new("make");
        make.arg("-C")
            .arg(root().join("examples/c"))
            .arg(format!("BUILD={}", dir.display()))
            .arg(format!("LIBDIR={}", libdir().display()))
            .arg(dir.join("epoll_echo"))
            .arg(dir.join("libuv_echo"))
            .env_remove("LD_LIBRARY_PATH");
        if kind == Build::Sanitized {
            make.arg(format!("CFLAGS={SAN_CFLAGS}"));
        }
        let out = make.output().expect("run make");
        assert!(
            out.status.success(),
            "building the event-loop examples failed (libuv missing? run scripts/ensure-tools.sh):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// A running example server; killed if the test fails before it exits.
struct Server {
    child: Option<Child>,
    name: String,
    bound: String,
}

impl Server {
    fn start(kind: Build, name: &str, addr: &str, clients: usize, sndbuf: Option<usize>) -> Self {
        let mut cmd = Command::new(examples(kind).join(name));
        cmd.arg(addr).arg(clients.to_string());
        if let Some(bytes) = sndbuf {
            cmd.arg(bytes.to_string());
        }
        cmd.env_remove("LD_LIBRARY_PATH")
            .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=1")
            .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("start {name}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the banner");
        let mut server = Server {
            child: Some(child),
            name: name.to_owned(),
            bound: String::new(),
        };
        match line.trim().strip_prefix("listening on ") {
            Some(bound) => server.bound = bound.to_owned(),
            None => {
                let stderr = server.stop_now();
                panic!("{name} did not start (banner {line:?}):\n{stderr}");
            }
        }
        server
    }

    /// Kills the server; returns what it wrote to stderr.
    fn stop_now(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut text);
            }
        }
        text
    }

    /// Waits (bounded) for the server to exit by itself, which it does once
    /// it has served all its clients, and checks it succeeded.
    fn wait_success(mut self) -> String {
        let mut child = self.child.take().expect("running");
        let mut stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let status = child.wait();
            let _ = tx.send(());
            (child, status)
        });
        if rx.recv_timeout(Duration::from_secs(30)).is_err() {
            panic!("{} did not exit within 30 s after serving its clients", self.name);
        }
        let (_, status) = waiter.join().expect("waiter");
        let status = status.expect("wait");
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        assert!(status.success(), "{} exited with {status}:\n{text}", self.name);
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop_now();
    }
}

fn tcp(bound: &str) -> impl Fn() -> std::io::Result<Box<dyn echo_load::Stream>> + '_ {
    move || Ok(Box::new(std::net::TcpStream::connect(bound)?) as Box<dyn echo_load::Stream>)
}

fn unix(path: &str) -> impl Fn() -> std::io::Result<Box<dyn echo_load::Stream>> + '_ {
    move || Ok(Box::new(UnixStream::connect(path)?) as Box<dyn echo_load::Stream>)
}

/// The per-connection send buffer the 500-client runs give the servers:
/// small, so the stalling clients' echoes are sure to meet partial sends
/// and `-EAGAIN` (the servers report how many; the runs check both).
const SNDBUF: usize = 16 * 1024;

/// The counts a server prints at exit: (partial sends, `-EAGAIN` sends).
fn send_stats(name: &str, stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("{name}: served ")))
        .unwrap_or_else(|| panic!("{name} printed no statistics:\n{stderr}"));
    let number_before = |word: &str| -> u64 {
        let head = &line[..line.find(word).unwrap_or_else(|| panic!("{line:?} lacks {word:?}"))];
        head.split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .expect("a count")
    };
    (number_before(" sends were partial"), number_before(" returned -EAGAIN"))
}

/// One server, `clients` checksummed echoes over TCP at `addr`; with
/// `sndbuf`, also checks the server went through partial sends and
/// `-EAGAIN` (the paths under test, not just the easy one).
fn tcp_run(kind: Build, name: &str, addr: &str, clients: usize, sndbuf: Option<usize>) {
    echo_load::raise_nofile(4096);
    let server = Server::start(kind, name, addr, clients, sndbuf);
    let report = echo_load::run(clients, tcp(&server.bound), LIMIT);
    eprintln!(
        "{name} on {}: {} clients, {} bytes echoed in {:?}",
        server.bound, report.clients, report.bytes, report.elapsed
    );
    assert_eq!(report.clients, clients);
    let stderr = server.wait_success();
    let (partial, eagain) = send_stats(name, &stderr);
    eprintln!("{name}: {partial} partial sends, {eagain} -EAGAIN");
    if sndbuf.is_some() {
        assert!(
            partial > 0 && eagain > 0,
            "{name} never met a full send buffer ({partial} partial sends, {eagain} -EAGAIN): \
             the load does not exercise backpressure"
        );
    }
}

fn unix_run(kind: Build, name: &str, clients: usize) {
    echo_load::raise_nofile(4096);
    let path = std::env::temp_dir().join(format!("wl-evloop-{}-{name}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let path = path.to_str().expect("utf-8 path").to_owned();
    let server = Server::start(kind, name, &path, clients, None);
    let report = echo_load::run(clients, unix(&path), LIMIT);
    eprintln!(
        "{name} on {path}: {} clients, {} bytes echoed in {:?}",
        report.clients, report.bytes, report.elapsed
    );
    server.wait_success();
    let _ = std::fs::remove_file(&path);
}

#[test]
fn epoll_echo_serves_500_concurrent_clients() {
    tcp_run(Build::Plain, "epoll_echo", "127.0.0.1:0", CLIENTS, Some(SNDBUF));
}

#[test]
fn libuv_echo_serves_500_concurrent_clients() {
    tcp_run(Build::Plain, "libuv_echo", "127.0.0.1:0", CLIENTS, Some(SNDBUF));
}

#[test]
fn event_loop_examples_serve_ipv6_and_unix_clients() {
    for name in ["epoll_echo", "libuv_echo"] {
        tcp_run(Build::Plain, name, "[::1]:0", 100, None);
        unix_run(Build::Plain, name, 100);
    }
}

#[test]
fn event_loop_examples_are_clean_under_asan_and_ubsan() {
    for name in ["epoll_echo", "libuv_echo"] {
        tcp_run(Build::Sanitized, name, "127.0.0.1:0", CLIENTS, Some(SNDBUF));
    }
}
