//! Connect by name (RFC 8305 Happy Eyeballs over the system resolver):
//! resolution from /etc/hosts, the interleaved race, the attempt delay
//! with a blackholed first address, every failure reported, datagrams,
//! TCP Fast Open, the event-loop form, and no descriptor leaks.
//!
//! Tests named `in_netns_*` are ignored by default: `netns_scenarios` runs
//! them in a mount + network namespace of their own (see common/netns.rs),
//! with their own /etc/hosts and addresses that never answer.

mod common;
#[path = "common/blackhole_netns.rs"]
mod netns;

use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::{closed_port, closed_port_v6, fd_count};
use wirelane::connect_by_name::{ConnectError, DEFAULT_ATTEMPT_DELAY};
use wirelane::{ConnectedInet, Connector, InetAddr, Ipv4, Ipv6, Listener, ListenerBuilder, SocketAddrV4, SocketAddrV6};

/// The descriptor counts and socket tables these tests compare are
/// process-wide: the tests of this binary run one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Slack for a loaded machine on top of the attempt delay.
const TOLERANCE: Duration = Duration::from_millis(250);

fn listener_v4() -> Listener<Ipv4> {
    ListenerBuilder::<Ipv4>::new()
        .bind(SocketAddrV4::localhost(0))
        .expect("listen v4")
}

fn listener_v6_on(port: u16) -> Listener<Ipv6> {
    ListenerBuilder::<Ipv6>::new()
        .only_v6(true)
        .bind(SocketAddrV6::localhost(port))
        .expect("listen v6")
}

fn connect_error(e: &io::Error) -> &ConnectError {
    e.get_ref()
        .and_then(|e| e.downcast_ref::<ConnectError>())
        .unwrap_or_else(|| panic!("not a ConnectError: {e:?}"))
}

fn echo_once(conn: &mut ConnectedInet, server: &mut impl Read) {
    conn.write_all(b"ping").expect("write");
    let mut buf = [0; 4];
    server.read_exact(&mut buf).expect("read");
    assert_eq!(&buf, b"ping");
}

#[test]
fn connects_to_literals_of_both_families() {
    let _serial = serial();
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let mut c4 = Connector::new("127.0.0.1", port).connect().expect("connect v4");
    assert!(c4.is_ipv4());
    assert_eq!(c4.peer_addr().unwrap(), InetAddr::V4(SocketAddrV4::localhost(port)));
    let (mut s4, _) = l4.accept_with_addr().expect("accept");
    echo_once(&mut c4, &mut s4);
    // The concrete typestate comes back.
    let _typed: wirelane::ConnectedStream<Ipv4> = c4.into_v4().expect("v4");

    let l6 = listener_v6_on(0);
    let port = l6.local_addr().unwrap().port();
    let c6 = Connector::new("[::1]", port).connect().expect("connect v6");
    assert!(!c6.is_ipv4());
    assert_eq!(c6.local_addr().unwrap().ip(), std::net::Ipv6Addr::LOCALHOST);
    wirelane::set_tcp_nodelay(&c6, true).expect("options work on the enum");
    assert!(wirelane::tcp_nodelay(&c6).unwrap());
    let c6 = c6.into_v4().expect_err("it is IPv6");
    let _typed: wirelane::ConnectedStream<Ipv6> = c6.into_v6().expect("v6");
}

#[test]
fn localhost_from_etc_hosts_resolves_and_connects() {
    let _serial = serial();
    let addrs = Connector::new("localhost", 1).resolve().expect("resolve localhost");
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    // Bind ::1 on the same port too when that port is free there, so
    // whichever family /etc/hosts lists, something answers.
    let _l6 = ListenerBuilder::<Ipv6>::new()
        .only_v6(true)
        .bind(SocketAddrV6::localhost(port))
        .ok();
    let conn = Connector::new("localhost", port).connect().expect("connect localhost");
    assert!(conn.peer_addr().unwrap().ip().is_loopback());
}

#[test]
fn refused_everywhere_reports_every_attempt() {
    let _serial = serial();
    let c4 = closed_port();
    let c6 = closed_port_v6();
    let addrs = vec![
        InetAddr::V6(SocketAddrV6::localhost(c6.port())),
        InetAddr::V4(SocketAddrV4::localhost(c4.port())),
    ];
    let before = fd_count();
    let start = Instant::now();
    let err = Connector::new("both.test", 0)
        .start_with(addrs.clone())
        .unwrap()
        .wait()
        .expect_err("nothing listens");
    // A refused attempt starts the next at once (RFC 8305 §5).
    assert!(start.elapsed() < DEFAULT_ATTEMPT_DELAY, "{:?}", start.elapsed());
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    let report = connect_error(&err);
    assert!(!report.timed_out());
    assert_eq!(report.errno(), libc::ECONNREFUSED);
    let tried: Vec<_> = report.attempts().iter().map(|a| a.addr).collect();
    assert_eq!(tried, addrs, "every address, in the order tried");
    for a in report.attempts() {
        assert_eq!(a.error.raw_os_error(), Some(libc::ECONNREFUSED), "{a:?}");
    }
    let text = err.to_string();
    assert!(text.contains("both.test"), "{text}");
    for a in &addrs {
        assert!(text.contains(&a.to_string()), "{text} names {a}");
    }
    assert_eq!(fd_count(), before, "every failed attempt closed");
}

#[test]
fn an_unknown_name_fails_naming_it() {
    let _serial = serial();
    let err = Connector::new("no-such-host.invalid", 80)
        .connect()
        .expect_err("no such name");
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(err.to_string().contains("no-such-host.invalid"), "{err}");
}

#[test]
fn a_source_address_limits_the_family_and_is_bound() {
    let _serial = serial();
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let addrs = vec![
        InetAddr::V6(SocketAddrV6::localhost(port)),
        InetAddr::V4(SocketAddrV4::localhost(port)),
    ];
    let conn = Connector::new("x", port)
        .source_addr(SocketAddrV4::new([127, 0, 0, 1], 0))
        .start_with(addrs)
        .unwrap()
        .wait()
        .expect("connect from 127.0.0.1");
    assert!(conn.is_ipv4());
    let err = Connector::new("x", port)
        .source_addr(SocketAddrV6::localhost(0))
        .start_with(vec![InetAddr::V4(SocketAddrV4::localhost(port))])
        .expect_err("no IPv6 address to try");
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(err.to_string().contains("no IPv6 address"), "{err}");
}

#[test]
fn the_event_loop_form_is_driven_by_step() {
    let _serial = serial();
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let closed = closed_port_v6();
    let mut race = Connector::new("x", port)
        .nonblocking(true)
        .start_with(vec![
            InetAddr::V6(SocketAddrV6::localhost(closed.port())),
            InetAddr::V4(SocketAddrV4::localhost(port)),
        ])
        .unwrap();
    let conn = loop {
        if let Some(conn) = race.step().expect("step") {
            break conn;
        }
        let mut pfds: Vec<libc::pollfd> = race
            .fds()
            .map(|fd| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            })
            .collect();
        let ms = race.timeout().map_or(1000, |t| t.as_millis() as i32 + 1);
        // SAFETY: a valid pollfd array.
        unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) };
    };
    assert!(conn.is_ipv4());
    assert_eq!(race.failures().len(), 1, "the refused IPv6 attempt is reported");
    // SAFETY: F_GETFL takes no pointer.
    let flags = unsafe { libc::fcntl(conn.as_raw_fd(), libc::F_GETFL) };
    assert!(flags & libc::O_NONBLOCK != 0, "left non-blocking as asked");
    let err = race.step().expect_err("the race is over");
    assert!(err.to_string().contains("already over"), "{err}");
}

#[test]
fn datagrams_connect_by_name() {
    let _serial = serial();
    let server = wirelane::DatagramBuilder::<Ipv4>::new()
        .bind(SocketAddrV4::localhost(0))
        .expect("bind");
    let port = server.local_addr().unwrap().port();
    let conn = Connector::new("127.0.0.1", port)
        .connect_datagram()
        .expect("connect udp");
    assert_eq!(conn.peer_addr().unwrap(), InetAddr::V4(SocketAddrV4::localhost(port)));
    conn.send(b"hello").expect("send");
    let mut buf = [0; 16];
    let (n, from) = server.recv_from(&mut buf).expect("recv");
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(InetAddr::V4(from), conn.local_addr().unwrap());
    let _typed: wirelane::ConnectedDatagram<Ipv4> = conn.into_v4().expect("v4");
}

#[test]
fn a_thousand_connects_leak_no_descriptor() {
    let _serial = serial();
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let closed = closed_port_v6();
    let before = fd_count();
    for _ in 0..1000 {
        // A refused IPv6 attempt, then the IPv4 winner, then a refused
        // connect by name: the failure and success paths both.
        let conn = Connector::new("x", port)
            .start_with(vec![
                InetAddr::V6(SocketAddrV6::localhost(closed.port())),
                InetAddr::V4(SocketAddrV4::localhost(port)),
            ])
            .unwrap()
            .wait()
            .expect("connect");
        let (server, _) = l4.accept_with_addr().expect("accept");
        drop((conn, server));
        Connector::new("::1", closed.port()).connect().expect_err("refused");
    }
    assert_eq!(fd_count(), before, "1,000 connects by name leaked descriptors");
}

#[test]
fn netns_scenarios() {
    let _serial = serial();
    netns::run_inner("in_netns_", 6);
}

/// Whether `hosts` lists `name` first with the blackholed IPv6 address
/// and the resolver keeps it first (RFC 6724 prefers it to IPv4).
fn first_is(name: &str, want: &str) {
    let addrs = wirelane::resolve::resolve(name, 1).expect("resolve");
    assert_eq!(addrs[0].ip().to_string(), want, "{addrs:?}");
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_localhost_resolves_in_both_families() {
    let _serial = serial();
    netns::setup();
    netns::hosts("::1 localhost\n127.0.0.1 localhost\n");
    let addrs = wirelane::resolve::resolve("localhost", 7).expect("resolve");
    assert!(addrs.contains(&InetAddr::V4(SocketAddrV4::localhost(7))), "{addrs:?}");
    assert!(addrs.contains(&InetAddr::V6(SocketAddrV6::localhost(7))), "{addrs:?}");
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let l6 = listener_v6_on(port);
    let mut conn = Connector::new("localhost", port).connect().expect("connect");
    if conn.is_ipv4() {
        echo_once(&mut conn, &mut l4.accept_with_addr().unwrap().0);
    } else {
        echo_once(&mut conn, &mut l6.accept_with_addr().unwrap().0);
    }
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_a_blackholed_first_address_costs_one_attempt_delay() {
    let _serial = serial();
    netns::setup();
    netns::hosts(&format!("{} slow.test\n127.0.0.1 slow.test\n", netns::BLACKHOLE_V6));
    first_is("slow.test", netns::BLACKHOLE_V6);
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    for delay in [DEFAULT_ATTEMPT_DELAY, Duration::from_millis(60)] {
        let before = fd_count();
        let start = Instant::now();
        let mut conn = Connector::new("slow.test", port)
            .attempt_delay(delay)
            .connect()
            .expect("the IPv4 address wins");
        let took = start.elapsed();
        assert!(conn.is_ipv4());
        assert!(took >= delay, "the blackholed attempt ran first, alone ({took:?})");
        assert!(took <= delay + TOLERANCE, "delay {delay:?} but took {took:?}");
        echo_once(&mut conn, &mut l4.accept_with_addr().unwrap().0);
        drop(conn);
        assert_eq!(fd_count(), before, "the losing attempt was closed");
    }
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_the_attempt_timeout_bounds_each_attempt() {
    let _serial = serial();
    netns::setup();
    netns::hosts(&format!("{} each.test\n127.0.0.1 each.test\n", netns::BLACKHOLE_V6));
    first_is("each.test", netns::BLACKHOLE_V6);
    let l4 = listener_v4();
    let port = l4.local_addr().unwrap().port();
    let per_attempt = Duration::from_millis(300);
    // An attempt delay longer than the attempt timeout: only the timeout
    // can start the IPv4 attempt, as in Python's create_connection.
    let before = fd_count();
    let start = Instant::now();
    let mut conn = Connector::new("each.test", port)
        .attempt_delay(Duration::from_secs(10))
        .attempt_timeout(Some(per_attempt))
        .connect()
        .expect("the IPv4 address wins once the blackholed attempt times out");
    let took = start.elapsed();
    assert!(conn.is_ipv4());
    assert!(took >= per_attempt, "the blackholed attempt ran its timeout ({took:?})");
    assert!(
        took <= per_attempt + TOLERANCE,
        "attempt timeout {per_attempt:?} but took {took:?}"
    );
    echo_once(&mut conn, &mut l4.accept_with_addr().unwrap().0);
    drop(conn);
    assert_eq!(fd_count(), before, "the timed-out attempt was closed");
    // Every address silent: each attempt times out and is reported.
    netns::hosts(&format!(
        "{} each.test\n{} each.test\n",
        netns::BLACKHOLE_V6,
        netns::BLACKHOLE_V4
    ));
    let start = Instant::now();
    let err = Connector::new("each.test", 9)
        .attempt_delay(Duration::from_secs(10))
        .attempt_timeout(Some(per_attempt))
        .connect()
        .expect_err("nothing answers");
    let took = start.elapsed();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    assert!(
        took >= 2 * per_attempt && took <= 2 * per_attempt + TOLERANCE,
        "{took:?}"
    );
    let attempts = connect_error(&err).attempts();
    assert_eq!(attempts.len(), 2, "{err}");
    assert!(
        attempts.iter().all(|a| a.error.kind() == io::ErrorKind::TimedOut),
        "{err}"
    );
    assert_eq!(fd_count(), before, "every timed-out attempt was closed");
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_the_deadline_reports_every_attempt() {
    let _serial = serial();
    netns::setup();
    let refused = closed_port();
    netns::hosts(&format!(
        "{} dead.test\n{} dead.test\n127.0.0.1 dead.test\n",
        netns::BLACKHOLE_V6,
        netns::BLACKHOLE_V4
    ));
    let before = fd_count();
    let start = Instant::now();
    let err = Connector::new("dead.test", refused.port())
        .attempt_delay(Duration::from_millis(50))
        .timeout(Some(Duration::from_millis(600)))
        .connect()
        .expect_err("nothing answers");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(600) && took <= Duration::from_millis(600) + TOLERANCE,
        "{took:?}"
    );
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    let report = connect_error(&err);
    assert!(report.timed_out());
    assert_eq!(report.errno(), libc::ETIMEDOUT);
    assert_eq!(report.attempts().len(), 3, "{report}");
    for a in report.attempts() {
        let want = if a.addr.ip().is_loopback() {
            io::ErrorKind::ConnectionRefused
        } else {
            io::ErrorKind::TimedOut
        };
        assert_eq!(a.error.kind(), want, "{a:?}");
    }
    let text = err.to_string();
    for ip in [netns::BLACKHOLE_V4, netns::BLACKHOLE_V6, "127.0.0.1"] {
        assert!(text.contains(ip), "{text} names {ip}");
    }
    assert_eq!(fd_count(), before, "every attempt closed");
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_datagrams_skip_unroutable_addresses() {
    let _serial = serial();
    netns::setup();
    // No route to 203.0.113.0/24 here: that connect(2) fails at once.
    netns::hosts("203.0.113.9 udp.test\n127.0.0.1 udp.test\n");
    let server = wirelane::DatagramBuilder::<Ipv4>::new()
        .bind(SocketAddrV4::localhost(0))
        .expect("bind");
    let port = server.local_addr().unwrap().port();
    let conn = Connector::new("udp.test", port).connect_datagram().expect("connect");
    assert_eq!(conn.peer_addr().unwrap(), InetAddr::V4(SocketAddrV4::localhost(port)));
    netns::hosts("203.0.113.9 udp.test\n");
    let err = Connector::new("udp.test", port)
        .connect_datagram()
        .expect_err("unroutable");
    assert_eq!(err.raw_os_error(), None);
    assert_eq!(
        connect_error(&err).attempts()[0].error.raw_os_error(),
        Some(libc::ENETUNREACH)
    );
}

#[test]
#[ignore = "run in its own network namespace by netns_scenarios"]
fn in_netns_fast_open_sends_data_in_the_syn_once_a_cookie_is_cached() {
    let _serial = serial();
    netns::setup();
    // Client and server Fast Open in this namespace only.
    netns::sysctl("net.ipv4.tcp_fastopen", "3");
    let listener = ListenerBuilder::<Ipv4>::new()
        .fastopen(16)
        .bind(SocketAddrV4::localhost(0))
        .expect("listen");
    let port = listener.local_addr().unwrap().port();
    let mut syn_data = Vec::new();
    for _ in 0..2 {
        let conn = Connector::new("127.0.0.1", port)
            .fast_open(&b"GET /"[..])
            .connect()
            .expect("connect with data");
        let (mut server, _) = listener.accept_with_addr().expect("accept");
        let mut buf = [0; 5];
        server.read_exact(&mut buf).expect("the data arrives either way");
        assert_eq!(&buf, b"GET /");
        let info = wirelane::tcp_info(&conn).expect("tcp_info");
        syn_data.push(info.options & 32 != 0); // TCPI_OPT_SYN_DATA
    }
    // The first connect fetched the cookie; the second used it.
    assert_eq!(syn_data, [false, true]);

    // With client Fast Open switched off the data still arrives, after a
    // plain handshake.
    netns::sysctl("net.ipv4.tcp_fastopen", "2");
    let conn = Connector::new("127.0.0.1", port)
        .fast_open(&b"GET /"[..])
        .connect()
        .expect("connect without client Fast Open");
    let (mut server, _) = listener.accept_with_addr().expect("accept");
    let mut buf = [0; 5];
    server.read_exact(&mut buf).expect("the data arrives");
    assert_eq!(&buf, b"GET /");
    assert_eq!(wirelane::tcp_info(&conn).unwrap().options & 32, 0, "no data in the SYN");
}
