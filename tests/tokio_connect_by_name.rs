//! `wirelane::tokio::connect` / `connect_datagram`: connect by name inside
//! tokio, the typestate kept, every failure reported, the attempt delay
//! with a blackholed first address, and a cancelled connect leaving no
//! half-open socket. Tests named `in_netns_*` run in a mount + network
//! namespace of their own (see common/netns.rs), started by
//! `netns_scenarios`.
#![cfg(feature = "tokio")]

mod common;
#[path = "common/blackhole_netns.rs"]
mod netns;

use std::io;
use std::time::{Duration, Instant};

use common::{closed_port, closed_port_v6, fd_count};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::connect_by_name::{ConnectError, DEFAULT_ATTEMPT_DELAY};
use wirelane::tokio::{Async, AsyncInet};
use wirelane::{Connector, InetAddr, Ipv4, Ipv6, ListenerBuilder, SocketAddrV4, SocketAddrV6};

/// The descriptor counts and socket tables these tests compare are
/// process-wide: the tests of this binary run one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

const TOLERANCE: Duration = Duration::from_millis(250);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn connects_by_name_and_keeps_the_typestate() {
    let _serial = serial();
    runtime().block_on(async {
        let listener = Async::new(ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap()).unwrap();
        let port = listener.get_ref().local_addr().unwrap().port();
        let (conn, accepted) = tokio::join!(
            wirelane::tokio::connect(Connector::new("localhost", port)),
            listener.accept()
        );
        let mut conn = conn.expect("connect");
        let (mut server, _) = accepted.expect("accept");
        assert_eq!(conn.peer_addr().unwrap(), InetAddr::V4(SocketAddrV4::localhost(port)));
        conn.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        wirelane::set_tcp_nodelay(&conn, true).expect("options through AsFd");
        let typed: Async<wirelane::ConnectedStream<Ipv4>> = conn.into_v4().expect("IPv4");
        drop(typed);

        let l6 = ListenerBuilder::<Ipv6>::new().bind(SocketAddrV6::localhost(0)).unwrap();
        let port = l6.local_addr().unwrap().port();
        let conn = wirelane::tokio::connect(Connector::new("::1", port))
            .await
            .expect("connect v6");
        assert!(matches!(conn, AsyncInet::V6(_)));
    });
}

#[test]
fn every_refused_attempt_is_reported() {
    let _serial = serial();
    runtime().block_on(async {
        let (c4, c6) = (closed_port(), closed_port_v6());
        assert_ne!(c4.port(), 0);
        let err = wirelane::tokio::connect(Connector::new("::1", c6.port()))
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        let report = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<ConnectError>())
            .expect("ConnectError");
        assert_eq!(report.attempts().len(), 1);
        assert_eq!(
            report.attempts()[0].addr,
            InetAddr::V6(SocketAddrV6::localhost(c6.port()))
        );
        assert_eq!(report.attempts()[0].error.raw_os_error(), Some(libc::ECONNREFUSED));
        let err = wirelane::tokio::connect(Connector::new("no-such-host.invalid", 1))
            .await
            .expect_err("no such name");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    });
}

#[test]
fn datagrams_connect_by_name() {
    let _serial = serial();
    runtime().block_on(async {
        let server = Async::new(
            wirelane::DatagramBuilder::<Ipv4>::new()
                .bind(SocketAddrV4::localhost(0))
                .unwrap(),
        )
        .unwrap();
        let port = server.get_ref().local_addr().unwrap().port();
        let conn = wirelane::tokio::connect_datagram(Connector::new("127.0.0.1", port))
            .await
            .expect("connect");
        conn.send(b"hello").await.unwrap();
        let mut buf = [0; 8];
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        server.send_to(b"back", &from).await.unwrap();
        let n = conn.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"back");
        let _typed: Async<wirelane::ConnectedDatagram<Ipv4>> = conn.into_v4().expect("IPv4");
    });
}

#[test]
fn many_connects_leak_no_descriptor() {
    let _serial = serial();
    runtime().block_on(async {
        let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let closed = closed_port_v6();
        let before = fd_count();
        for _ in 0..1000 {
            let conn = wirelane::tokio::connect(Connector::new("127.0.0.1", port))
                .await
                .expect("connect");
            drop((conn, listener.accept().unwrap()));
            wirelane::tokio::connect(Connector::new("::1", closed.port()))
                .await
                .expect_err("refused");
        }
        assert_eq!(fd_count(), before);
    });
}

#[test]
fn netns_scenarios() {
    let _serial = serial();
    netns::run_inner("in_netns_", 3);
}

/// Sockets of this network namespace in TCP state SYN_SENT (`02` in
/// /proc/net/tcp{,6}): half-open connects.
fn syn_sent() -> usize {
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .skip(1)
                .filter(|l| l.split_whitespace().nth(3) == Some("02"))
                .count()
        })
        .sum()
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_a_cancelled_connect_leaves_no_half_open_socket() {
    let _serial = serial();
    netns::setup();
    netns::hosts(&format!(
        "{} void.test\n{} void.test\n",
        netns::BLACKHOLE_V6,
        netns::BLACKHOLE_V4
    ));
    runtime().block_on(async {
        let before = fd_count();
        let connector = Connector::new("void.test", 80).attempt_delay(Duration::from_millis(50));
        // Boxed so that `drop` below really drops the future.
        let mut connect = Box::pin(wirelane::tokio::connect(connector));
        // Both attempts are in flight (SYN_SENT) after the attempt delay ...
        tokio::select! {
            r = &mut connect => panic!("nothing answers, yet {r:?}"),
            _ = tokio::time::sleep(Duration::from_millis(300)) => {}
        }
        assert_eq!(syn_sent(), 2, "both attempts are in flight");
        // ... and cancelling the connect closes both.
        drop(connect);
        assert_eq!(syn_sent(), 0, "no half-open socket after cancel");
        assert_eq!(fd_count(), before, "no descriptor after cancel");
    });
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_a_blackholed_first_address_costs_one_attempt_delay() {
    let _serial = serial();
    netns::setup();
    netns::hosts(&format!("{} slow.test\n127.0.0.1 slow.test\n", netns::BLACKHOLE_V6));
    runtime().block_on(async {
        let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let start = Instant::now();
        let conn = wirelane::tokio::connect(Connector::new("slow.test", port))
            .await
            .expect("IPv4 wins");
        let took = start.elapsed();
        assert!(matches!(conn, AsyncInet::V4(_)));
        assert!(
            took >= DEFAULT_ATTEMPT_DELAY && took <= DEFAULT_ATTEMPT_DELAY + TOLERANCE,
            "{took:?}"
        );
        assert_eq!(syn_sent(), 0, "the losing attempt was closed");
        // The deadline bounds a race nothing wins.
        netns::hosts(&format!("{} slow.test\n", netns::BLACKHOLE_V6));
        let start = Instant::now();
        let err = wirelane::tokio::connect(Connector::new("slow.test", port).timeout(Some(Duration::from_millis(300))))
            .await
            .expect_err("blackholed");
        assert!(start.elapsed() <= Duration::from_millis(300) + TOLERANCE);
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        assert!(err.to_string().contains(netns::BLACKHOLE_V6), "{err}");
    });
}

/// Inside the namespace: DNS goes to a nameserver that never answers (a
/// blackholed address), one try of one second, so looking up a name that
/// is not in /etc/hosts takes about a second and then fails.
fn slow_dns() {
    netns::setup();
    netns::hosts("127.0.0.1 localhost\n");
    netns::etc_file("nsswitch.conf", "hosts: files dns\n");
    netns::etc_file(
        "resolv.conf",
        &format!("nameserver {}\noptions timeout:1 attempts:1\n", netns::BLACKHOLE_V4),
    );
}

/// Runs `fut` on a current-thread runtime beside a task ticking every
/// 50 ms; returns its output, the ticks seen meanwhile and the time taken.
fn with_ticker<T>(fut: impl std::future::Future<Output = T>) -> (T, usize, Duration) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    runtime().block_on(async {
        let ticks = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&ticks);
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::task::yield_now().await; // the ticker is running
        let start = Instant::now();
        let out = fut.await;
        let took = start.elapsed();
        ticker.abort();
        (out, ticks.load(Ordering::SeqCst), took)
    })
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_resolution_runs_off_the_runtime_thread() {
    let _serial = serial();
    slow_dns();
    // The control: resolving on the runtime's only thread stops the ticker.
    let (res, ticks, took) = with_ticker(async { Connector::new("slow.example.", 80).resolve() });
    let err = res.expect_err("slow.example. is not resolvable here");
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(5),
        "{took:?}: {err}"
    );
    assert!(ticks <= 1, "a blocking lookup let the ticker tick {ticks} times");
    // wirelane::tokio::connect resolves in spawn_blocking: the ticker keeps
    // ticking until the lookup fails.
    let (res, ticks, took) = with_ticker(wirelane::tokio::connect(Connector::new("slow.example.", 80)));
    let err = res.expect_err("slow.example. is not resolvable here");
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(5),
        "{took:?}: {err}"
    );
    assert!(ticks >= 5, "only {ticks} ticks in {took:?} while resolving");
    assert!(
        err.to_string().contains("slow.example"),
        "the error names the host: {err}"
    );
}
