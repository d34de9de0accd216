//! Runs the example programs as real processes: the tour must succeed, and
//! the seed's echo servers must echo over loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `<target>/<profile>/examples/<name>`, built by `cargo test` alongside this
/// test (found from this executable's own path, so any target dir works).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target profile dir");
    let path = dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test`, which builds examples",
        path.display()
    );
    path
}

/// Kills the child when the test ends, pass or fail.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts an echo server on port 0 and returns it with the port it printed.
fn start_server(name: &str) -> (Reaper, u16) {
    let mut child = Command::new(example(name))
        .arg("0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn example");
    let stdout = child.stdout.take().expect("piped stdout");
    let reaper = Reaper(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read banner");
    // The banner names the host it bound, not only the port.
    let port = line
        .trim()
        .strip_prefix("Listening on ")
        .and_then(|a| a.rsplit_once(':'))
        .filter(|(host, _)| !host.is_empty())
        .and_then(|(_, p)| p.parse().ok());
    (reaper, port.unwrap_or_else(|| panic!("unexpected banner {line:?}")))
}

#[test]
fn tour_walks_every_state_and_succeeds() {
    let out = Command::new(example("tour")).output().expect("run tour");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tour failed: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for state in [
        "RawSocket<Ipv4, Stream>",
        "BoundSocket<Ipv4, Stream>",
        "Listener<Ipv4>",
        "ConnectedStream<Ipv4>",
        "PendingConnect<Ipv4>",
        "BoundDatagram<Ipv4>",
        "ConnectedDatagram<Ipv4>",
        "ConnectedStream<Ipv6>",
        "Listener<Unix>",
        "ConnectedDatagram<Unix>",
        "TransitionError<RawSocket>",
    ] {
        assert!(text.contains(state), "tour output lacks {state}:\n{text}");
    }
}

#[test]
fn seed_tcp_echo_server_echoes() {
    let (_server, port) = start_server("tcp_echo");
    for round in 0..3 {
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to echo server");
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let msg = format!("round {round}: hello echo");
        conn.write_all(msg.as_bytes()).unwrap();
        let mut back = vec![0u8; msg.len()];
        conn.read_exact(&mut back).unwrap();
        assert_eq!(back, msg.as_bytes());
    }
}

#[test]
fn seed_udp_echo_server_echoes() {
    let (_server, port) = start_server("udp_echo");
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for round in 0..3u8 {
        let msg = [round; 100];
        sock.send_to(&msg, ("127.0.0.1", port)).unwrap();
        let mut back = [0u8; 200];
        let (n, from) = sock.recv_from(&mut back).unwrap();
        assert_eq!(&back[..n], &msg);
        assert_eq!(from.port(), port);
    }
}

/// `examples/tokio_echo.rs`: eight clients at once, each checking its own
/// bytes come back, so the server really serves connections concurrently.
#[cfg(feature = "tokio")]
#[test]
fn tokio_echo_server_echoes_concurrent_clients() {
    let (_server, port) = start_server("tokio_echo");
    let clients: Vec<_> = (0..8u8)
        .map(|id| {
            std::thread::spawn(move || {
                let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to tokio echo");
                conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let msg: Vec<u8> = (0..10_000u32).map(|i| (i as u8) ^ id).collect();
                conn.write_all(&msg).unwrap();
                let mut back = vec![0u8; msg.len()];
                conn.read_exact(&mut back).unwrap();
                assert_eq!(back, msg, "client {id} got other bytes back");
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client thread");
    }
}

#[test]
fn compare_help_exits_zero_and_bad_options_exit_two() {
    let help = Command::new(example("compare"))
        .arg("--help")
        .output()
        .expect("run compare");
    assert!(help.status.success(), "compare --help: {}", help.status);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("--rounds") && text.contains("--json"),
        "usage on stdout:\n{text}"
    );
    let bad = Command::new(example("compare"))
        .arg("--bogus")
        .output()
        .expect("run compare");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown option --bogus"));
}

/// `curl`, or a failure saying how to get it (never a skip).
#[cfg(feature = "tokio")]
fn curl(args: &[&str]) -> String {
    let out = match Command::new("curl").args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run curl ({e}): the hyper_server test drives the server with curl; install it with \
             ./scripts/ensure-tools.sh (or apt-get install -y curl)"
        ),
    };
    assert!(
        out.status.success(),
        "curl {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("curl printed UTF-8")
}

/// `examples/hyper_server.rs`: hyper's auto builder on an
/// `Async<Listener<Ipv4>>` answers HTTP/1.1 (three requests on one
/// keep-alive connection) and HTTP/2 (prior knowledge), and every accepted
/// connection carries the listener's TCP_NODELAY.
#[cfg(feature = "tokio")]
#[test]
fn hyper_server_answers_http1_and_http2() {
    let (_server, port) = start_server("hyper_server");
    let url = format!("http://127.0.0.1:{port}/");
    let common = ["--silent", "--show-error", "--max-time", "10"];
    // HTTP/1.1: three URLs in one curl run share one keep-alive connection.
    let mut args = common.to_vec();
    args.extend(["--http1.1", &url, &url, &url]);
    assert_eq!(curl(&args), "hello from wirelane: HTTP/1.1, nodelay=true\n".repeat(3));
    // HTTP/2 by prior knowledge: one URL per run (curl 7.88 fails to reuse
    // a prior-knowledge connection for a second URL, against any server).
    for _ in 0..3 {
        let mut args = common.to_vec();
        args.extend(["--http2-prior-knowledge", &url]);
        assert_eq!(curl(&args), "hello from wirelane: HTTP/2.0, nodelay=true\n");
    }
    // And the version curl saw on the wire, from its own report.
    let mut args = common.to_vec();
    args.extend([
        "--http2-prior-knowledge",
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_version} %{http_code}",
        &url,
    ]);
    assert_eq!(curl(&args), "2 200");
}
