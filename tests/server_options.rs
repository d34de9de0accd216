//! The options added as rows of the option table (src/options/table.rs)
//! for servers and proxies, each on loopback: set, read back, and where
//! the kernel shows an effect cheaply, the effect.

mod common;

use std::time::Duration;

use common::netns::{self, Namespaces};
use common::{TIMEOUT, unique_abstract};
use wirelane::error::errno_of;
use wirelane::*;

fn tcp4() -> RawSocket<Ipv4, Stream> {
    RawSocket::<Ipv4, Stream>::new().unwrap()
}

fn tcp6() -> RawSocket<Ipv6, Stream> {
    RawSocket::<Ipv6, Stream>::new().unwrap()
}

fn udp6() -> RawSocket<Ipv6, Datagram> {
    RawSocket::<Ipv6, Datagram>::new().unwrap()
}

fn connected_pair() -> (ConnectedStream<Ipv4>, ConnectedStream<Ipv4>) {
    let listener = tcp4().bind(SocketAddrV4::localhost(0)).unwrap().listen(4).unwrap();
    let client = tcp4().connect(listener.local_addr().unwrap()).unwrap();
    let server = listener.accept().unwrap();
    server.set_read_timeout(Some(TIMEOUT)).unwrap();
    (client, server)
}

fn assert_einval(result: std::io::Result<()>, what: &str) {
    let e = result.expect_err(what);
    assert_eq!(errno_of(&e), libc::EINVAL, "{what}: {e}");
}

#[test]
fn freebind_allows_binding_an_address_this_host_does_not_have() {
    // 192.0.2.1 (TEST-NET-1) is on no interface here.
    let addr = SocketAddrV4::new([192, 0, 2, 1], 0);
    let e = tcp4().bind(addr).map(drop).unwrap_err();
    assert_eq!(errno_of(&e.into_parts().0), libc::EADDRNOTAVAIL);
    let s = tcp4();
    assert!(!freebind(&s).unwrap());
    set_freebind(&s, true).unwrap();
    assert!(freebind(&s).unwrap());
    let bound = s.bind(addr).unwrap();
    assert_eq!(bound.local_addr().unwrap().ip(), addr.ip());
}

#[test]
fn freebind_and_transparent_on_ipv6() {
    let s = tcp6();
    set_freebind_v6(&s, true).unwrap();
    assert!(freebind_v6(&s).unwrap());
    set_transparent_v6(&s, true).unwrap(); // root: CAP_NET_ADMIN
    assert!(transparent_v6(&s).unwrap());
    set_transparent_v6(&s, false).unwrap();
    assert!(!transparent_v6(&s).unwrap());
}

#[test]
fn transparent_lets_a_socket_bind_a_foreign_address_inside_a_namespace() {
    if !netns::inside(
        "transparent_lets_a_socket_bind_a_foreign_address_inside_a_namespace",
        Namespaces::UserAndNet,
    ) {
        return;
    }
    // Root of our own network namespace: CAP_NET_ADMIN there.
    let s = tcp4();
    assert!(!transparent(&s).unwrap());
    set_transparent(&s, true).unwrap();
    assert!(transparent(&s).unwrap());
    let addr = SocketAddrV4::new([198, 51, 100, 7], 8080);
    let listener = s.bind(addr).unwrap().listen(4).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
}

#[test]
fn bind_address_no_port_defers_the_port_to_connect() {
    let listener = tcp4().bind(SocketAddrV4::localhost(0)).unwrap().listen(4).unwrap();
    let s = tcp4();
    set_bind_address_no_port(&s, true).unwrap();
    assert!(bind_address_no_port(&s).unwrap());
    let bound = s.bind(SocketAddrV4::localhost(0)).unwrap();
    assert_eq!(bound.local_addr().unwrap().port(), 0, "no port chosen at bind");
    let raw = RawSocket::<Ipv4, Stream>::try_from(std::os::fd::OwnedFd::from(bound)).unwrap();
    let conn = raw.connect(listener.local_addr().unwrap()).unwrap();
    assert_ne!(conn.local_addr().unwrap().port(), 0, "chosen at connect");
}

#[test]
fn tcp_notsent_lowat_reads_back_and_defaults_to_the_sysctl() {
    let (c, _s) = connected_pair();
    assert_eq!(
        tcp_notsent_lowat(&c).unwrap(),
        0,
        "0: net.ipv4.tcp_notsent_lowat applies"
    );
    set_tcp_notsent_lowat(&c, 16384).unwrap();
    assert_eq!(tcp_notsent_lowat(&c).unwrap(), 16384);
}

#[test]
fn tcp_maxseg_is_checked_and_applies_to_the_connection() {
    let s = tcp4();
    assert_einval(set_tcp_maxseg(&s, 50), "MSS below 88");
    assert_einval(set_tcp_maxseg(&s, 40000), "MSS above 32767");
    set_tcp_maxseg(&s, 1000).unwrap();
    assert_eq!(tcp_maxseg(&s).unwrap(), 1000);
    let listener = tcp4().bind(SocketAddrV4::localhost(0)).unwrap().listen(4).unwrap();
    let conn = s.connect(listener.local_addr().unwrap()).unwrap();
    assert!(tcp_maxseg(&conn).unwrap() <= 1000, "the MSS in use respects the cap");
}

#[test]
fn tcp_defer_accept_reads_back_rounded_and_zero_turns_it_off() {
    let listener = tcp4().bind(SocketAddrV4::localhost(0)).unwrap().listen(4).unwrap();
    set_tcp_defer_accept(&listener, Duration::from_secs(5)).unwrap();
    assert!(tcp_defer_accept(&listener).unwrap() >= Duration::from_secs(5));
    set_tcp_defer_accept(&listener, Duration::ZERO).unwrap();
    assert_eq!(tcp_defer_accept(&listener).unwrap(), Duration::ZERO);
    assert_einval(
        set_tcp_defer_accept(&listener, Duration::from_millis(1500)),
        "fractional seconds",
    );
}

#[test]
fn tcp_flags_and_counts_round_trip() {
    let s = tcp4();
    set_tcp_save_syn(&s, true).unwrap();
    assert!(tcp_save_syn(&s).unwrap());
    set_tcp_thin_linear_timeouts(&s, true).unwrap();
    assert!(tcp_thin_linear_timeouts(&s).unwrap());
    set_tcp_syncnt(&s, 3).unwrap();
    assert_eq!(tcp_syncnt(&s).unwrap(), 3);
    assert_einval(set_tcp_syncnt(&s, 0), "TCP_SYNCNT 0");
    set_tcp_window_clamp(&s, 65536).unwrap();
    assert_eq!(tcp_window_clamp(&s).unwrap(), 65536);
    set_out_of_band_inline(&s, true).unwrap();
    assert!(out_of_band_inline(&s).unwrap());
}

#[test]
fn cookie_is_unique_and_stable() {
    let a = tcp4();
    let b = tcp4();
    let ca = cookie(&a).unwrap();
    assert_ne!(ca, 0);
    assert_eq!(cookie(&a).unwrap(), ca);
    assert_ne!(cookie(&b).unwrap(), ca);
}

#[test]
fn incoming_cpu_is_none_until_set_or_received() {
    let s = tcp4();
    assert_eq!(incoming_cpu(&s).unwrap(), None);
    set_incoming_cpu(&s, Some(0)).unwrap();
    assert_eq!(incoming_cpu(&s).unwrap(), Some(0));
    set_incoming_cpu(&s, None).unwrap();
    assert_eq!(incoming_cpu(&s).unwrap(), None);
    let (c, srv) = connected_pair();
    c.send(b"x").unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(srv.recv(&mut buf).unwrap(), 1);
    let cpus = std::thread::available_parallelism().unwrap().get() as u32;
    let cpu = incoming_cpu(&srv).unwrap().expect("a receive records the CPU");
    assert!(cpu < cpus.max(64), "cpu {cpu}");
}

#[test]
fn busy_poll_round_trips() {
    let s = udp6();
    set_busy_poll(&s, 50).unwrap(); // root: above net.core.busy_read is allowed
    assert_eq!(busy_poll(&s).unwrap(), 50);
    set_prefer_busy_poll(&s, true).unwrap();
    assert!(prefer_busy_poll(&s).unwrap());
}

#[test]
fn domain_type_protocol_and_acceptconn_read_what_the_socket_is() {
    let s = tcp4();
    assert_eq!(socket_domain(&s).unwrap(), libc::AF_INET);
    assert_eq!(socket_type(&s).unwrap(), libc::SOCK_STREAM);
    assert_eq!(socket_protocol(&s).unwrap(), libc::IPPROTO_TCP);
    assert!(!accepts_connections(&s).unwrap());
    let listener = s.bind(SocketAddrV4::localhost(0)).unwrap().listen(1).unwrap();
    assert!(accepts_connections(&listener).unwrap());

    let u = udp6();
    assert_eq!(
        (
            socket_domain(&u).unwrap(),
            socket_type(&u).unwrap(),
            socket_protocol(&u).unwrap()
        ),
        (libc::AF_INET6, libc::SOCK_DGRAM, libc::IPPROTO_UDP)
    );
    let sp = RawSocket::<Unix, SeqPacket>::new().unwrap();
    assert_eq!(
        (
            socket_domain(&sp).unwrap(),
            socket_type(&sp).unwrap(),
            socket_protocol(&sp).unwrap()
        ),
        (libc::AF_UNIX, libc::SOCK_SEQPACKET, 0)
    );
    let listener = sp.bind(unique_abstract("acceptconn")).unwrap().listen(1).unwrap();
    assert!(accepts_connections(&listener).unwrap());
    let m = RawSocket::<Ipv4, Stream>::with_protocol(StreamProtocol::Mptcp).unwrap();
    assert_eq!(socket_protocol(&m).unwrap(), libc::IPPROTO_MPTCP);
}

#[test]
fn multicast_all_if_and_receive_flags_round_trip() {
    let v4 = RawSocket::<Ipv4, Datagram>::new().unwrap();
    assert!(multicast_all_v4(&v4).unwrap(), "on by default");
    set_multicast_all_v4(&v4, false).unwrap();
    assert!(!multicast_all_v4(&v4).unwrap());
    set_recv_tos_v4(&v4, true).unwrap();
    assert!(recv_tos_v4(&v4).unwrap());

    let v6 = udp6();
    assert!(multicast_all_v6(&v6).unwrap(), "on by default");
    set_multicast_all_v6(&v6, false).unwrap();
    assert!(!multicast_all_v6(&v6).unwrap());
    let lo = 1; // the loopback interface's index
    set_multicast_if_v6(&v6, lo).unwrap();
    assert_eq!(multicast_if_v6(&v6).unwrap(), lo);
    set_recv_tclass_v6(&v6, true).unwrap();
    assert!(recv_tclass_v6(&v6).unwrap());
    set_recv_hoplimit_v6(&v6, true).unwrap();
    assert!(recv_hoplimit_v6(&v6).unwrap());
}

#[test]
fn header_included_on_a_raw_socket_inside_a_namespace() {
    if !netns::inside(
        "header_included_on_a_raw_socket_inside_a_namespace",
        Namespaces::UserAndNet,
    ) {
        return;
    }
    let raw = RawSocket::<Ipv4, RawIp>::with_protocol(IpProtocol::UDP).unwrap();
    assert!(!header_included_v4(&raw).unwrap());
    set_header_included_v4(&raw, true).unwrap();
    assert!(header_included_v4(&raw).unwrap());
    assert_eq!(socket_type(&raw).unwrap(), libc::SOCK_RAW);
}
