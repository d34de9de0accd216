//! The builders: the seed's snippets compile and run (on port 0), every
//! configured option is really applied (read back from the kernel), and
//! bad configs fail at `bind`/`connect` with errors naming the option.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wirelane::error::errno_of;
use wirelane::*;

const IO_TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));

/// A unique Unix socket path: temp dir + pid + counter.
fn unix_path(tag: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("wirelane-builders-{}-{tag}-{n}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn somaxconn() -> u32 {
    std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .expect("reading /proc/sys/net/core/somaxconn (is /proc mounted?)")
        .trim()
        .parse()
        .expect("somaxconn is a number")
}

fn assert_invalid<T: std::fmt::Debug>(result: io::Result<T>, needles: &[&str]) {
    let err = result.expect_err("a bad config must fail");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    assert_eq!(errno_of(&err), libc::EINVAL, "{err}");
    let msg = err.to_string();
    for needle in needles {
        assert!(msg.contains(needle), "error {msg:?} should mention {needle:?}");
    }
}

/// Checks every option the seed's `tcp` and `buffers` configs set.
fn assert_seed_options<S: std::os::fd::AsFd>(s: &S) {
    assert!(tcp_nodelay(s).unwrap());
    assert!(keepalive(s).unwrap());
    assert_eq!(tcp_keepalive_idle(s).unwrap(), Duration::from_secs(30));
    assert_eq!(tcp_keepalive_interval(s).unwrap(), Duration::from_secs(5));
    assert_eq!(tcp_keepalive_count(s).unwrap(), 3);
    // 65536 is below any net.core.[rw]mem_max; the kernel doubles it.
    assert_eq!(send_buffer_size(s).unwrap(), 2 * 65536);
    assert_eq!(recv_buffer_size(s).unwrap(), 2 * 65536);
}

/// The seed's "Composable Config Structs" snippet, verbatim apart from the
/// addresses (port 0 so tests do not collide).
fn seed_snippet() -> io::Result<(Listener<Ipv4>, ConnectedStream<Ipv4>)> {
    let addr = SocketAddrV4::new([0, 0, 0, 0], 0);

    // Define once, reuse everywhere
    let reuse = ReuseConfig::new().both(); // addr + port for load balancing
    let tcp = TcpConfig::new()
        .nodelay(true)
        .keepalive(KeepaliveConfig::new().idle(30).interval(5).count(3));
    let buffers = BufferConfig::new().both(65536);

    // Apply to listener
    let listener = ListenerBuilder::<Ipv4>::new()
        .reuse(reuse)
        .tcp(tcp)
        .buffers(buffers)
        .backlog(4096)
        .bind(addr)?;

    let peer = SocketAddrV4::localhost(listener.local_addr()?.port());

    // Same configs for connector
    let conn = ConnectorBuilder::<Ipv4>::new()
        .tcp(tcp)
        .buffers(buffers)
        .connect(peer)?;
    Ok((listener, conn))
}

#[test]
fn seed_config_snippet_applies_every_option() {
    let (listener, mut conn) = seed_snippet().unwrap();
    assert!(reuse_address(&listener).unwrap());
    assert!(reuse_port(&listener).unwrap());
    assert_seed_options(&listener);
    assert_seed_options(&conn);
    // The backlog reached listen(2): TCP_INFO reports a listener's limit.
    assert_eq!(tcp_info(&listener).unwrap().sacked, 4096.min(somaxconn()));

    // Linux copies the listener's options to accepted connections.
    let mut server = listener.accept().unwrap();
    assert_seed_options(&server);

    server.set_read_timeout(IO_TIMEOUT).unwrap();
    conn.write_all(b"seed").unwrap();
    let mut buf = [0; 4];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"seed");
}

#[test]
fn seed_tcp_echo_server_snippet() -> io::Result<()> {
    let listener = ListenerBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .bind(SocketAddrV4::new([0, 0, 0, 0], 0))?;
    let listener: Listener<Ipv4> = listener; // the type the seed promises
    assert!(reuse_address(&listener)?);
    assert!(!reuse_port(&listener)?);

    let port = listener.local_addr()?.port();
    let mut client = ConnectorBuilder::<Ipv4>::new().connect(SocketAddrV4::localhost(port))?;
    client.set_read_timeout(IO_TIMEOUT)?;
    let mut conn = listener.accept()?;
    conn.set_read_timeout(IO_TIMEOUT)?;
    client.write_all(b"echo")?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    conn.write_all(&buf[..n])?;
    let mut back = [0u8; 4];
    client.read_exact(&mut back)?;
    assert_eq!(&back, b"echo");
    Ok(())
}

#[test]
fn seed_udp_echo_server_snippet() -> io::Result<()> {
    let socket = DatagramBuilder::<Ipv4>::new().bind(SocketAddrV4::new([0, 0, 0, 0], 0))?;
    let socket: BoundDatagram<Ipv4> = socket;
    socket.set_read_timeout(IO_TIMEOUT)?;
    let port = socket.local_addr()?.port();

    let client = DatagramBuilder::<Ipv4>::new().connect(SocketAddrV4::localhost(port))?;
    let client: ConnectedDatagram<Ipv4> = client;
    client.set_read_timeout(IO_TIMEOUT)?;
    client.send(b"ping")?;

    let mut buf = [0u8; 1500];
    let (n, sender) = socket.recv_from(&mut buf)?;
    socket.send_to(&buf[..n], &sender)?;
    let mut back = [0u8; 4];
    assert_eq!(client.recv(&mut back)?, 4);
    assert_eq!(&back, b"ping");
    Ok(())
}

// ---- Configs ------------------------------------------------------------

#[test]
fn keepalive_accepts_integers_and_durations() {
    let from_int = KeepaliveConfig::new().idle(30).interval(5).count(3);
    let from_duration = KeepaliveConfig::new()
        .idle(Duration::from_secs(30))
        .interval(Duration::from_secs(5))
        .count(3);
    assert_eq!(from_int, from_duration);
    assert_eq!(KeepaliveConfig::new().idle(30u8), KeepaliveConfig::new().idle(30i64));
    assert_eq!(KeepaliveConfig::new().idle(30usize), KeepaliveConfig::new().idle(30u16));

    // Both forms reach the kernel identically.
    for config in [from_int, from_duration] {
        let conn_listener = ListenerBuilder::<Ipv6>::new()
            .tcp(TcpConfig::new().keepalive(config))
            .bind(SocketAddrV6::localhost(0))
            .unwrap();
        assert!(keepalive(&conn_listener).unwrap());
        assert_eq!(tcp_keepalive_idle(&conn_listener).unwrap(), Duration::from_secs(30));
        assert_eq!(tcp_keepalive_interval(&conn_listener).unwrap(), Duration::from_secs(5));
    }
}

#[test]
fn configs_are_copy_and_reusable() {
    let tcp = TcpConfig::new().nodelay(true);
    let buffers = BufferConfig::new().send(4096).recv(8192);
    let reuse = ReuseConfig::new().addr(true);
    let (a, b) = (tcp, tcp);
    assert_eq!(a, b);
    assert_eq!(buffers.send_size(), Some(4096));
    assert_eq!(buffers.recv_size(), Some(8192));
    assert!(reuse.is_addr() && !reuse.is_port());
    assert_eq!(ReuseConfig::default(), ReuseConfig::new());
    assert_eq!(TcpConfig::default(), TcpConfig::new());
}

#[test]
fn configs_apply_to_any_socket() {
    let std_stream_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = std::net::TcpStream::connect(std_stream_listener.local_addr().unwrap()).unwrap();
    TcpConfig::new()
        .nodelay(true)
        .user_timeout(Duration::from_millis(2500))
        .congestion("reno")
        .keepalive(KeepaliveConfig::new().count(9))
        .apply(&stream)
        .unwrap();
    assert!(stream.nodelay().unwrap());
    assert_eq!(tcp_user_timeout(&stream).unwrap(), Some(Duration::from_millis(2500)));
    assert_eq!(tcp_congestion(&stream).unwrap(), "reno");
    assert!(keepalive(&stream).unwrap());
    assert_eq!(tcp_keepalive_count(&stream).unwrap(), 9);
    BufferConfig::new().send(32768).apply(&stream).unwrap();
    assert_eq!(send_buffer_size(&stream).unwrap(), 65536);
}

// ---- Bad configs --------------------------------------------------------

#[test]
fn bad_keepalive_values_fail_at_bind_and_connect() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let peer = listener.local_addr().unwrap();
    let cases: [(KeepaliveConfig, &[&str]); 7] = [
        (KeepaliveConfig::new().idle(0), &["TCP_KEEPIDLE", "1..=32767", "0ns"]),
        (KeepaliveConfig::new().idle(-1), &["TCP_KEEPIDLE", "1..=32767", "-1s"]),
        (KeepaliveConfig::new().idle(40_000), &["TCP_KEEPIDLE", "1..=32767"]),
        (
            KeepaliveConfig::new().idle(Duration::from_millis(500)),
            &["TCP_KEEPIDLE", "500ms"],
        ),
        (
            KeepaliveConfig::new().interval(i32::MIN),
            &["TCP_KEEPINTVL", "1..=32767"],
        ),
        (KeepaliveConfig::new().count(0), &["TCP_KEEPCNT", "1..=127"]),
        (KeepaliveConfig::new().count(1000), &["TCP_KEEPCNT", "1..=127"]),
    ];
    for (config, needles) in cases {
        let tcp = TcpConfig::new().keepalive(config);
        assert_invalid(
            ListenerBuilder::<Ipv4>::new().tcp(tcp).bind(SocketAddrV4::localhost(0)),
            needles,
        );
        assert_invalid(ConnectorBuilder::<Ipv4>::new().tcp(tcp).connect(peer), needles);
    }
}

#[test]
fn bad_buffer_and_tcp_values_fail_with_the_option_named() {
    let zero_send = BufferConfig::new().send(0);
    let zero_recv = BufferConfig::new().recv(0);
    assert_invalid(
        ListenerBuilder::<Ipv4>::new()
            .buffers(zero_send)
            .bind(SocketAddrV4::localhost(0)),
        &["SO_SNDBUF"],
    );
    assert_invalid(
        DatagramBuilder::<Ipv6>::new()
            .buffers(zero_recv)
            .bind(SocketAddrV6::localhost(0)),
        &["SO_RCVBUF"],
    );
    assert_invalid(
        ListenerBuilder::<Unix>::new()
            .buffers(zero_send)
            .bind(UnixAddr::new(unix_path("bad")).unwrap()),
        &["SO_SNDBUF"],
    );
    assert_invalid(
        ListenerBuilder::<Ipv4>::new()
            .tcp(TcpConfig::new().user_timeout(Duration::ZERO))
            .bind(SocketAddrV4::localhost(0)),
        &["TCP_USER_TIMEOUT"],
    );
    assert_invalid(
        ListenerBuilder::<Ipv4>::new()
            .tcp(TcpConfig::new().congestion(""))
            .bind(SocketAddrV4::localhost(0)),
        &["TCP_CONGESTION"],
    );
    assert_invalid(
        DatagramBuilder::<Ipv4>::new().ttl(0).bind(SocketAddrV4::localhost(0)),
        &["IP_TTL", "1..=255"],
    );
    assert_invalid(
        DatagramBuilder::<Ipv6>::new().ttl(300).bind(SocketAddrV6::localhost(0)),
        &["IPV6_UNICAST_HOPS", "0..=255"],
    );
    assert_invalid(
        ListenerBuilder::<Ipv4>::new()
            .fastopen(u32::MAX)
            .bind(SocketAddrV4::localhost(0)),
        &["TCP_FASTOPEN"],
    );
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    assert_invalid(
        ConnectorBuilder::<Ipv4>::new()
            .timeout(Duration::ZERO)
            .connect(listener.local_addr().unwrap()),
        &["timeout", "non-zero"],
    );
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("reading /proc/self/fd (is /proc mounted?)")
        .count()
}

#[test]
fn failed_builds_close_their_sockets() {
    // Other tests open descriptors in parallel, but only a handful at a
    // time; a leak here would add one per iteration.
    const ROUNDS: usize = 2000;
    let before = open_fds();
    let bad = TcpConfig::new().keepalive(KeepaliveConfig::new().idle(0));
    let taken = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let taken_addr = taken.local_addr().unwrap();
    for _ in 0..ROUNDS {
        assert!(
            ListenerBuilder::<Ipv4>::new()
                .tcp(bad)
                .bind(SocketAddrV4::localhost(0))
                .is_err()
        );
        // A failure at the bind step itself (address in use).
        assert!(ListenerBuilder::<Ipv4>::new().bind(taken_addr).is_err());
        assert!(
            DatagramBuilder::<Ipv4>::new()
                .buffers(BufferConfig::new().both(0))
                .bind(SocketAddrV4::localhost(0))
                .is_err()
        );
    }
    let after = open_fds();
    assert!(
        after < before + ROUNDS / 4,
        "descriptors grew from {before} to {after} over {ROUNDS} failing builds"
    );
}

// ---- Listener options ---------------------------------------------------

#[test]
fn listener_fastopen_backlog_and_nonblocking_are_applied() {
    let listener = ListenerBuilder::<Ipv4>::new()
        .fastopen(5)
        .backlog(7)
        .nonblocking(true)
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    assert_eq!(tcp_fastopen(&listener).unwrap(), 5);
    assert_eq!(tcp_info(&listener).unwrap().sacked, 7);
    assert!(listener.is_nonblocking().unwrap());
    let err = listener.accept().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
}

#[test]
fn default_backlog_is_128() {
    let listener = ListenerBuilder::<Ipv6>::default()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    assert_eq!(tcp_info(&listener).unwrap().sacked, 128.min(somaxconn()));
    assert!(!listener.is_nonblocking().unwrap());
}

#[test]
fn listener_only_v6_is_applied() {
    let only = ListenerBuilder::<Ipv6>::new()
        .only_v6(true)
        .bind(SocketAddrV6::new(std::net::Ipv6Addr::UNSPECIFIED, 0, 0, 0))
        .unwrap();
    assert!(only_v6(&only).unwrap());

    let dual = ListenerBuilder::<Ipv6>::new()
        .only_v6(false)
        .bind(SocketAddrV6::new(std::net::Ipv6Addr::UNSPECIFIED, 0, 0, 0))
        .unwrap();
    assert!(!only_v6(&dual).unwrap());
    // A dual-stack listener accepts IPv4 clients as v4-mapped addresses.
    let port = dual.local_addr().unwrap().port();
    let client = ConnectorBuilder::<Ipv4>::new()
        .connect(SocketAddrV4::localhost(port))
        .unwrap();
    let (_server, peer) = dual.accept_with_addr().unwrap();
    assert_eq!(peer.ip().to_ipv4_mapped(), Some(std::net::Ipv4Addr::LOCALHOST));
    assert_eq!(peer.port(), client.local_addr().unwrap().port());
}

#[test]
fn reuse_port_listeners_share_a_port() {
    let first = ListenerBuilder::<Ipv4>::new()
        .reuse_port(true)
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let addr = first.local_addr().unwrap();
    let second = ListenerBuilder::<Ipv4>::new().reuse_port(true).bind(addr).unwrap();
    assert_eq!(second.local_addr().unwrap(), addr);
    let err = ListenerBuilder::<Ipv4>::new().bind(addr).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
}

// ---- Connector options --------------------------------------------------

/// A local port held by a bound (never listening) socket with
/// `SO_REUSEADDR`, so nobody else takes it while a reusing connector may
/// bind it too.
fn reserved_port4() -> (BoundSocket<Ipv4, Stream>, u16) {
    let probe = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_reuse_address(&probe, true).unwrap();
    let bound = probe.bind(SocketAddrV4::localhost(0)).unwrap();
    let port = bound.local_addr().unwrap().port();
    (bound, port)
}

#[test]
fn connector_local_addr_uses_the_requested_source_port() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let (_holder, port) = reserved_port4();
    let conn = ConnectorBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .local_addr(SocketAddrV4::localhost(port))
        .connect(listener.local_addr().unwrap())
        .unwrap();
    assert_eq!(conn.local_addr().unwrap(), SocketAddrV4::localhost(port));
    let (_server, peer) = listener.accept_with_addr().unwrap();
    assert_eq!(peer.port(), port, "the server sees the chosen source port");

    // Without SO_REUSEADDR the held port cannot be bound.
    let (_holder2, port2) = reserved_port4();
    let err = ConnectorBuilder::<Ipv4>::new()
        .local_addr(SocketAddrV4::localhost(port2))
        .connect(listener.local_addr().unwrap())
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
}

#[test]
fn connector_local_addr_v6_and_port_zero() {
    let listener = ListenerBuilder::<Ipv6>::new().bind(SocketAddrV6::localhost(0)).unwrap();
    let conn = ConnectorBuilder::<Ipv6>::new()
        .local_addr(SocketAddrV6::localhost(0))
        .tcp(TcpConfig::new().nodelay(true))
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let local = conn.local_addr().unwrap();
    assert_eq!(local.ip(), std::net::Ipv6Addr::LOCALHOST);
    assert_ne!(local.port(), 0);
    assert!(tcp_nodelay(&conn).unwrap());
    let (_server, peer) = listener.accept_with_addr().unwrap();
    assert_eq!(peer, local);
}

/// Waits (bounded) until `listener`'s accept queue holds `n` connections.
fn wait_for_queue(listener: &Listener<Ipv4>, n: u32) {
    for _ in 0..2000 {
        if tcp_info(listener).unwrap().unacked >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the accept queue never reached {n} connections");
}

#[test]
fn connector_timeout_expires_against_a_full_accept_queue() {
    // backlog 0 admits one unaccepted connection; further SYNs are dropped,
    // so a second connect waits for a handshake that never comes.
    let listener = ListenerBuilder::<Ipv4>::new()
        .backlog(0)
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let _first = ConnectorBuilder::<Ipv4>::new().connect(addr).unwrap();
    wait_for_queue(&listener, 1);

    let err = ConnectorBuilder::<Ipv4>::new()
        .timeout(Duration::from_millis(200))
        .connect(addr)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    assert_eq!(errno_of(&err), libc::ETIMEDOUT);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn connector_timeout_expires_against_a_full_unix_backlog() {
    let path = UnixAddr::new(unix_path("full")).unwrap();
    let _listener = ListenerBuilder::<Unix>::new().backlog(0).bind(path).unwrap();
    let _first = ConnectorBuilder::<Unix>::new().connect(path).unwrap();
    let err = ConnectorBuilder::<Unix>::new()
        .timeout(Duration::from_millis(200))
        .connect(path)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    let _ = std::fs::remove_file(path.as_pathname().unwrap());
}

#[test]
fn connector_timeout_is_cleared_after_connecting() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let conn = ConnectorBuilder::<Ipv4>::new()
        .timeout(Duration::from_secs(5))
        .connect(listener.local_addr().unwrap())
        .unwrap();
    assert_eq!(conn.write_timeout().unwrap(), None, "later writes are not bounded");
    assert!(!conn.is_nonblocking().unwrap());
}

#[test]
fn connector_nonblocking_connects_then_switches_mode() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let conn = ConnectorBuilder::<Ipv4>::new()
        .nonblocking(true)
        .connect(listener.local_addr().unwrap())
        .unwrap();
    assert!(conn.is_nonblocking().unwrap());
    let mut buf = [0; 1];
    assert_eq!(conn.recv(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
}

#[test]
fn connect_nonblocking_returns_a_pending_connect() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let pending: PendingConnect<Ipv4> = ConnectorBuilder::<Ipv4>::new()
        .tcp(TcpConfig::new().nodelay(true))
        .connect_nonblocking(addr)
        .unwrap();
    assert!(pending.wait(IO_TIMEOUT).unwrap(), "the loopback handshake completes");
    let conn = pending.finish().unwrap();
    assert!(conn.is_nonblocking().unwrap());
    assert!(tcp_nodelay(&conn).unwrap());

    let (_holder, port) = reserved_port4();
    let pending = ConnectorBuilder::<Ipv4>::new()
        .reuse_addr(true)
        .local_addr(SocketAddrV4::localhost(port))
        .connect_nonblocking(addr)
        .unwrap();
    assert!(pending.wait(IO_TIMEOUT).unwrap());
    let conn = pending.finish().unwrap();
    assert_eq!(conn.local_addr().unwrap().port(), port);
}

#[test]
fn connect_nonblocking_reports_refusal_through_finish() {
    // A bound but never-listening socket: connecting to it is refused.
    let (_holder, port) = reserved_port4();
    let pending = ConnectorBuilder::<Ipv4>::new()
        .connect_nonblocking(SocketAddrV4::localhost(port))
        .unwrap();
    assert!(pending.wait(IO_TIMEOUT).unwrap());
    let err = pending.finish().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

// ---- Datagram options ---------------------------------------------------

#[test]
fn datagram_options_are_applied_v4() {
    let socket = DatagramBuilder::<Ipv4>::new()
        .reuse(ReuseConfig::new().both())
        .buffers(BufferConfig::new().both(32768))
        .broadcast(true)
        .ttl(17)
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    assert!(reuse_address(&socket).unwrap());
    assert!(reuse_port(&socket).unwrap());
    assert_eq!(send_buffer_size(&socket).unwrap(), 65536);
    assert_eq!(recv_buffer_size(&socket).unwrap(), 65536);
    assert!(broadcast(&socket).unwrap());
    assert_eq!(ttl(&socket).unwrap(), 17);
    assert!(!socket.is_nonblocking().unwrap());
}

#[test]
fn datagram_options_are_applied_v6() {
    let socket = DatagramBuilder::<Ipv6>::new()
        .only_v6(true)
        .ttl(9)
        .reuse_addr(true)
        .nonblocking(true)
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    assert!(only_v6(&socket).unwrap());
    assert_eq!(unicast_hops_v6(&socket).unwrap(), 9);
    assert!(reuse_address(&socket).unwrap());
    assert!(socket.is_nonblocking().unwrap());
    let mut buf = [0; 8];
    assert_eq!(
        socket.recv_from(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

#[test]
fn datagram_connect_gives_a_connected_datagram() {
    let server = DatagramBuilder::<Ipv6>::new().bind(SocketAddrV6::localhost(0)).unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    let client: ConnectedDatagram<Ipv6> = DatagramBuilder::<Ipv6>::new()
        .ttl(3)
        .connect(server.local_addr().unwrap())
        .unwrap();
    assert_eq!(unicast_hops_v6(&client).unwrap(), 3);
    assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
    client.send(b"quic").unwrap();
    let mut buf = [0; 4];
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"quic"[..], client.local_addr().unwrap()));
}

// ---- Unix builders ------------------------------------------------------

#[test]
fn unix_stream_builders() {
    let path = UnixAddr::new(unix_path("stream")).unwrap();
    let listener: Listener<Unix> = ListenerBuilder::<Unix>::new()
        .buffers(BufferConfig::new().send(32768))
        .backlog(4)
        .bind(path)
        .unwrap();
    assert_eq!(send_buffer_size(&listener).unwrap(), 65536);
    let mut client: ConnectedStream<Unix> = ConnectorBuilder::<Unix>::new()
        .buffers(BufferConfig::new().recv(32768))
        .timeout(Duration::from_secs(5))
        .connect(path)
        .unwrap();
    assert_eq!(recv_buffer_size(&client).unwrap(), 65536);
    let mut server = listener.accept().unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    client.write_all(b"unix").unwrap();
    let mut buf = [0; 4];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"unix");
    let _ = std::fs::remove_file(path.as_pathname().unwrap());
}

#[test]
fn unix_connector_local_addr_names_the_client() {
    let server_path = UnixAddr::new(unix_path("srv")).unwrap();
    let client_path = UnixAddr::new(unix_path("cli")).unwrap();
    let listener = ListenerBuilder::<Unix>::new().bind(server_path).unwrap();
    let conn = ConnectorBuilder::<Unix>::new()
        .local_addr(client_path)
        .connect(server_path)
        .unwrap();
    assert_eq!(conn.local_addr().unwrap(), client_path);
    let (_server, peer) = listener.accept_with_addr().unwrap();
    assert_eq!(peer, client_path);
    for p in [server_path, client_path] {
        let _ = std::fs::remove_file(p.as_pathname().unwrap());
    }
}

#[test]
fn unix_datagram_builders() {
    let server_path = UnixAddr::new(unix_path("dgram-srv")).unwrap();
    let server = DatagramBuilder::<Unix>::new()
        .buffers(BufferConfig::new().recv(32768))
        .bind(server_path)
        .unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    assert_eq!(recv_buffer_size(&server).unwrap(), 65536);
    let client = DatagramBuilder::<Unix>::new().connect(server_path).unwrap();
    client.send(b"dgram").unwrap();
    let mut buf = [0; 5];
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"dgram");
    assert!(from.is_unnamed(), "an unbound client has the unnamed address: {from}");
    let _ = std::fs::remove_file(server_path.as_pathname().unwrap());
}

// ---- Builder traits -----------------------------------------------------

/// Clones through the `Clone` trait (the builders are also `Copy`).
fn cloned<T: Clone>(value: &T) -> T {
    value.clone()
}

#[test]
fn builders_are_default_debug_clone() {
    let listener = ListenerBuilder::<Ipv4>::new().backlog(10).reuse_addr(true);
    let copy = listener; // Copy
    let clone = cloned(&listener);
    assert_eq!(format!("{copy:?}"), format!("{clone:?}"));
    let text = format!("{listener:?}");
    assert!(
        text.contains("ListenerBuilder") && text.contains("IPv4") && text.contains("backlog: 10"),
        "{text}"
    );
    assert_eq!(
        format!("{:?}", ListenerBuilder::<Ipv6>::default()),
        format!("{:?}", ListenerBuilder::<Ipv6>::new())
    );

    let connector = ConnectorBuilder::<Unix>::new().timeout(Duration::from_secs(1));
    let text = format!("{:?}", cloned(&connector));
    assert!(
        text.contains("ConnectorBuilder") && text.contains("Unix") && text.contains("1s"),
        "{text}"
    );
    assert_eq!(
        format!("{:?}", ConnectorBuilder::<Ipv4>::default()),
        format!("{:?}", ConnectorBuilder::<Ipv4>::new())
    );

    let datagram = DatagramBuilder::<Ipv6>::new().ttl(5);
    let text = format!("{:?}", cloned(&datagram));
    assert!(
        text.contains("DatagramBuilder") && text.contains("IPv6") && text.contains("Some(5)"),
        "{text}"
    );
    assert_eq!(
        format!("{:?}", DatagramBuilder::<Unix>::default()),
        format!("{:?}", DatagramBuilder::<Unix>::new())
    );
}

/// A template builder used twice: builders are `Copy` for every domain.
#[test]
fn a_builder_template_builds_many_sockets() {
    let template = ConnectorBuilder::<Ipv4>::new().tcp(TcpConfig::new().nodelay(true));
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let a = template.connect(addr).unwrap();
    let b = template.connect(addr).unwrap();
    assert!(tcp_nodelay(&a).unwrap() && tcp_nodelay(&b).unwrap());
    assert_ne!(a.local_addr().unwrap(), b.local_addr().unwrap());
}
