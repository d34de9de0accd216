//! Every socket option: set it, read it back on a real loopback socket of
//! the right kind (IPv4 and IPv6 where it applies), and check that
//! out-of-range values fail with an error naming the option.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use wirelane::error::errno_of;
use wirelane::*;

const IO_TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn listener4() -> Listener<Ipv4> {
    RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(8)
        .unwrap()
}

fn listener6() -> Listener<Ipv6> {
    RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap()
        .listen(8)
        .unwrap()
}

/// A connected pair (client, server) over IPv4 loopback, with read timeouts.
fn pair4() -> (ConnectedStream<Ipv4>, ConnectedStream<Ipv4>) {
    let listener = listener4();
    let client = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    client.set_read_timeout(IO_TIMEOUT).unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    (client, server)
}

/// A connected pair (client, server) over IPv6 loopback, with read timeouts.
fn pair6() -> (ConnectedStream<Ipv6>, ConnectedStream<Ipv6>) {
    let listener = listener6();
    let client = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    client.set_read_timeout(IO_TIMEOUT).unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    (client, server)
}

fn udp4() -> BoundDatagram<Ipv4> {
    RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
}

fn udp6() -> BoundDatagram<Ipv6> {
    RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap()
}

/// Checks an out-of-range error: `InvalidInput`, `EINVAL` at the C ABI, and
/// a message containing each of `needles` (the option name, the range).
fn assert_invalid<T: std::fmt::Debug>(result: io::Result<T>, needles: &[&str]) {
    let err = result.expect_err("an out-of-range value must be rejected");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    assert_eq!(errno_of(&err), libc::EINVAL, "{err}");
    let msg = err.to_string();
    for needle in needles {
        assert!(msg.contains(needle), "error {msg:?} should mention {needle:?}");
    }
}

fn assert_os_error<T: std::fmt::Debug>(result: io::Result<T>, errno: i32) {
    let err = result.expect_err("the kernel must refuse this");
    assert_eq!(err.raw_os_error(), Some(errno), "{err}");
}

// ---- TCP_NODELAY, TCP_CORK, TCP_QUICKACK --------------------------------

#[test]
fn nodelay_round_trips_on_every_tcp_kind() {
    let listener = listener4();
    let (c4, s4) = pair4();
    let (c6, _s6) = pair6();
    let raw = RawSocket::<Ipv6, Stream>::new().unwrap();
    for enable in [true, false, true] {
        set_tcp_nodelay(&listener, enable).unwrap();
        set_tcp_nodelay(&c4, enable).unwrap();
        set_tcp_nodelay(&s4, enable).unwrap();
        set_tcp_nodelay(&c6, enable).unwrap();
        set_tcp_nodelay(&raw, enable).unwrap();
        assert_eq!(tcp_nodelay(&listener).unwrap(), enable);
        assert_eq!(tcp_nodelay(&c4).unwrap(), enable);
        assert_eq!(tcp_nodelay(&s4).unwrap(), enable);
        assert_eq!(tcp_nodelay(&c6).unwrap(), enable);
        assert_eq!(tcp_nodelay(&raw).unwrap(), enable);
    }
}

#[test]
fn options_accept_std_sockets_too() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let std_stream = std::net::TcpStream::connect(std_listener.local_addr().unwrap()).unwrap();
    set_tcp_nodelay(&std_stream, true).unwrap();
    assert!(std_stream.nodelay().unwrap(), "std sees what we set");
    std_stream.set_nodelay(false).unwrap();
    assert!(!tcp_nodelay(&std_stream).unwrap(), "we see what std set");
    set_reuse_address(&std_listener, true).unwrap();
    assert!(reuse_address(&std_listener).unwrap());
    // Unsized descriptors (trait objects) work as well.
    let dynamic: &dyn std::os::fd::AsFd = &std_stream;
    assert_eq!(tcp_info(dynamic).unwrap().state, TcpState::Established);
}

#[test]
fn cork_round_trips_v4_and_v6() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    for enable in [true, false] {
        set_tcp_cork(&c4, enable).unwrap();
        set_tcp_cork(&c6, enable).unwrap();
        assert_eq!(tcp_cork(&c4).unwrap(), enable);
        assert_eq!(tcp_cork(&c6).unwrap(), enable);
    }
}

#[test]
fn corked_data_still_arrives_after_uncork() {
    let (mut client, mut server) = pair4();
    set_tcp_cork(&client, true).unwrap();
    client.write_all(b"head").unwrap();
    client.write_all(b"body").unwrap();
    set_tcp_cork(&client, false).unwrap();
    let mut buf = [0; 8];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"headbody");
}

#[test]
fn quickack_round_trips_v4_and_v6() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    for enable in [false, true] {
        set_tcp_quickack(&c4, enable).unwrap();
        set_tcp_quickack(&c6, enable).unwrap();
        assert_eq!(tcp_quickack(&c4).unwrap(), enable);
        assert_eq!(tcp_quickack(&c6).unwrap(), enable);
    }
}

// ---- TCP Fast Open ------------------------------------------------------

#[test]
fn fastopen_queue_round_trips_on_listeners() {
    let l4 = listener4();
    let l6 = listener6();
    set_tcp_fastopen(&l4, 5).unwrap();
    set_tcp_fastopen(&l6, 16).unwrap();
    assert_eq!(tcp_fastopen(&l4).unwrap(), 5);
    assert_eq!(tcp_fastopen(&l6).unwrap(), 16);
    set_tcp_fastopen(&l4, 0).unwrap();
    assert_eq!(tcp_fastopen(&l4).unwrap(), 0);
    // Before listen (CLOSE state) is allowed too.
    let raw = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_tcp_fastopen(&raw, 3).unwrap();
    assert_eq!(tcp_fastopen(&raw).unwrap(), 3);
    assert_invalid(set_tcp_fastopen(&l4, u32::MAX), &["TCP_FASTOPEN", "2147483647"]);
}

#[test]
fn fastopen_on_a_connected_stream_is_refused_by_the_kernel() {
    let (client, _server) = pair4();
    assert_os_error(set_tcp_fastopen(&client, 5), libc::EINVAL);
}

#[test]
fn fastopen_connect_round_trips_and_the_connection_works() {
    let tfo = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_fastopen")
        .expect("reading /proc/sys/net/ipv4/tcp_fastopen (is /proc mounted?)");
    let client_enabled = tfo.trim().parse::<u32>().expect("tcp_fastopen is a number") & 1 != 0;
    let listener = listener4();
    let raw = RawSocket::<Ipv4, Stream>::new().unwrap();
    if !client_enabled {
        // Without the client bit the kernel refuses the option.
        assert_os_error(set_tcp_fastopen_connect(&raw, true), libc::EOPNOTSUPP);
        return;
    }
    assert!(!tcp_fastopen_connect(&raw).unwrap());
    set_tcp_fastopen_connect(&raw, true).unwrap();
    assert!(tcp_fastopen_connect(&raw).unwrap());
    let mut client = raw.connect(listener.local_addr().unwrap()).unwrap();
    client.write_all(b"tfo").unwrap(); // the SYN goes out with this write
    let mut server = listener.accept().unwrap();
    server.set_read_timeout(IO_TIMEOUT).unwrap();
    let mut buf = [0; 3];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"tfo");
    // Once connected, the kernel refuses to change it.
    assert_os_error(set_tcp_fastopen_connect(&client, false), libc::EINVAL);
}

// ---- Keepalive ----------------------------------------------------------

#[test]
fn keepalive_switch_round_trips() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    for enable in [true, false] {
        set_keepalive(&c4, enable).unwrap();
        set_keepalive(&c6, enable).unwrap();
        assert_eq!(keepalive(&c4).unwrap(), enable);
        assert_eq!(keepalive(&c6).unwrap(), enable);
    }
}

#[test]
fn keepalive_timing_round_trips_v4_and_v6() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    let listener = listener4();
    set_tcp_keepalive_idle(&c4, Duration::from_secs(30)).unwrap();
    set_tcp_keepalive_interval(&c4, Duration::from_secs(5)).unwrap();
    set_tcp_keepalive_count(&c4, 3).unwrap();
    assert_eq!(tcp_keepalive_idle(&c4).unwrap(), Duration::from_secs(30));
    assert_eq!(tcp_keepalive_interval(&c4).unwrap(), Duration::from_secs(5));
    assert_eq!(tcp_keepalive_count(&c4).unwrap(), 3);

    // The limits themselves are accepted.
    set_tcp_keepalive_idle(&c6, Duration::from_secs(32767)).unwrap();
    set_tcp_keepalive_interval(&c6, Duration::from_secs(1)).unwrap();
    set_tcp_keepalive_count(&c6, 127).unwrap();
    assert_eq!(tcp_keepalive_idle(&c6).unwrap(), Duration::from_secs(32767));
    assert_eq!(tcp_keepalive_interval(&c6).unwrap(), Duration::from_secs(1));
    assert_eq!(tcp_keepalive_count(&c6).unwrap(), 127);

    set_tcp_keepalive_idle(&listener, Duration::from_secs(60)).unwrap();
    assert_eq!(tcp_keepalive_idle(&listener).unwrap(), Duration::from_secs(60));
}

#[test]
fn keepalive_out_of_range_values_name_the_option_and_range() {
    let (c, _s) = pair4();
    let range = "1..=32767";
    for bad in [
        Duration::ZERO,
        Duration::from_millis(500),
        Duration::from_millis(1500),
        Duration::from_secs(32768),
    ] {
        assert_invalid(set_tcp_keepalive_idle(&c, bad), &["TCP_KEEPIDLE", range]);
        assert_invalid(set_tcp_keepalive_interval(&c, bad), &["TCP_KEEPINTVL", range]);
    }
    assert_invalid(set_tcp_keepalive_count(&c, 0), &["TCP_KEEPCNT", "1..=127"]);
    assert_invalid(set_tcp_keepalive_count(&c, 128), &["TCP_KEEPCNT", "1..=127"]);
    // Nothing was changed by the rejected calls.
    set_tcp_keepalive_idle(&c, Duration::from_secs(77)).unwrap();
    assert_invalid(set_tcp_keepalive_idle(&c, Duration::ZERO), &["TCP_KEEPIDLE"]);
    assert_eq!(tcp_keepalive_idle(&c).unwrap(), Duration::from_secs(77));
}

// ---- SO_REUSEADDR, SO_REUSEPORT -----------------------------------------

#[test]
fn reuse_options_round_trip_on_tcp_and_udp() {
    let tcp4 = RawSocket::<Ipv4, Stream>::new().unwrap();
    let tcp6 = RawSocket::<Ipv6, Stream>::new().unwrap();
    let u4 = udp4();
    let u6 = udp6();
    for enable in [true, false] {
        set_reuse_address(&tcp4, enable).unwrap();
        set_reuse_port(&tcp4, enable).unwrap();
        set_reuse_address(&tcp6, enable).unwrap();
        set_reuse_port(&tcp6, enable).unwrap();
        set_reuse_address(&u4, enable).unwrap();
        set_reuse_port(&u6, enable).unwrap();
        assert_eq!(reuse_address(&tcp4).unwrap(), enable);
        assert_eq!(reuse_port(&tcp4).unwrap(), enable);
        assert_eq!(reuse_address(&tcp6).unwrap(), enable);
        assert_eq!(reuse_port(&tcp6).unwrap(), enable);
        assert_eq!(reuse_address(&u4).unwrap(), enable);
        assert_eq!(reuse_port(&u6).unwrap(), enable);
    }
}

#[test]
fn reuse_port_lets_two_listeners_share_a_port() {
    let first = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_reuse_port(&first, true).unwrap();
    let first = first.bind(SocketAddrV4::localhost(0)).unwrap().listen(8).unwrap();
    let port = first.local_addr().unwrap().port();

    let without = RawSocket::<Ipv4, Stream>::new().unwrap();
    let err = without.bind(SocketAddrV4::localhost(port)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);

    let second = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_reuse_port(&second, true).unwrap();
    let second = second.bind(SocketAddrV4::localhost(port)).unwrap().listen(8).unwrap();
    assert_eq!(second.local_addr().unwrap().port(), port);
}

// ---- Buffers ------------------------------------------------------------

#[test]
fn buffer_sizes_read_back_doubled() {
    // 32 KiB is far below any net.core.[rw]mem_max, so no kernel cap applies.
    let request = 32 * 1024;
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    let u4 = udp4();
    let u6 = udp6();
    let unix = ConnectedStream::<Unix>::pair().unwrap().0;
    set_send_buffer_size(&c4, request).unwrap();
    set_recv_buffer_size(&c4, request).unwrap();
    set_send_buffer_size(&c6, request).unwrap();
    set_recv_buffer_size(&u4, request).unwrap();
    set_send_buffer_size(&u6, request).unwrap();
    set_send_buffer_size(&unix, request).unwrap();
    assert_eq!(send_buffer_size(&c4).unwrap(), 2 * request);
    assert_eq!(recv_buffer_size(&c4).unwrap(), 2 * request);
    assert_eq!(send_buffer_size(&c6).unwrap(), 2 * request);
    assert_eq!(recv_buffer_size(&u4).unwrap(), 2 * request);
    assert_eq!(send_buffer_size(&u6).unwrap(), 2 * request);
    assert_eq!(send_buffer_size(&unix).unwrap(), 2 * request);
}

#[test]
fn tiny_buffers_are_raised_to_the_kernel_minimum() {
    let u = udp4();
    set_send_buffer_size(&u, 1).unwrap();
    set_recv_buffer_size(&u, 1).unwrap();
    assert!(send_buffer_size(&u).unwrap() > 2, "the kernel applies its minimum");
    assert!(recv_buffer_size(&u).unwrap() > 2, "the kernel applies its minimum");
}

#[test]
fn zero_or_huge_buffer_sizes_are_rejected() {
    let u = udp4();
    let before = send_buffer_size(&u).unwrap();
    assert_invalid(set_send_buffer_size(&u, 0), &["SO_SNDBUF", "1..=2147483647"]);
    assert_invalid(set_recv_buffer_size(&u, 0), &["SO_RCVBUF", "1..=2147483647"]);
    assert_invalid(set_send_buffer_size(&u, usize::MAX), &["SO_SNDBUF"]);
    assert_eq!(
        send_buffer_size(&u).unwrap(),
        before,
        "a rejected value changes nothing"
    );
}

// ---- SO_LINGER ----------------------------------------------------------

#[test]
fn linger_round_trips() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    assert_eq!(linger(&c4).unwrap(), None);
    set_linger(&c4, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(linger(&c4).unwrap(), Some(Duration::from_secs(5)));
    set_linger(&c6, Some(Duration::ZERO)).unwrap();
    assert_eq!(linger(&c6).unwrap(), Some(Duration::ZERO));
    set_linger(&c4, None).unwrap();
    assert_eq!(linger(&c4).unwrap(), None);
    assert_invalid(
        set_linger(&c4, Some(Duration::from_millis(1500))),
        &["SO_LINGER", "whole number of seconds"],
    );
}

#[test]
fn zero_linger_resets_the_connection_on_close() {
    let (client, mut server) = pair4();
    set_linger(&client, Some(Duration::ZERO)).unwrap();
    drop(client);
    let mut buf = [0; 1];
    let err = server.read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
}

// ---- SO_BROADCAST, SO_PRIORITY, SO_RCVLOWAT, SO_MARK --------------------

#[test]
fn broadcast_round_trips() {
    let u = udp4();
    assert!(!broadcast(&u).unwrap());
    set_broadcast(&u, true).unwrap();
    assert!(broadcast(&u).unwrap());
    set_broadcast(&u, false).unwrap();
    assert!(!broadcast(&u).unwrap());
}

#[test]
fn priority_round_trips() {
    let u = udp6();
    let (c, _s) = pair4();
    set_priority(&u, 6).unwrap();
    set_priority(&c, 3).unwrap();
    assert_eq!(priority(&u).unwrap(), 6);
    assert_eq!(priority(&c).unwrap(), 3);
    assert_invalid(set_priority(&u, u32::MAX), &["SO_PRIORITY"]);
}

#[test]
fn recv_low_watermark_round_trips_and_rejects_zero() {
    let (c, _s) = pair4();
    let u = udp4();
    assert_eq!(recv_low_watermark(&c).unwrap(), 1);
    set_recv_low_watermark(&c, 10).unwrap();
    set_recv_low_watermark(&u, 7).unwrap();
    assert_eq!(recv_low_watermark(&c).unwrap(), 10);
    assert_eq!(recv_low_watermark(&u).unwrap(), 7);
    assert_invalid(set_recv_low_watermark(&c, 0), &["SO_RCVLOWAT", "1..="]);
}

#[test]
fn mark_needs_cap_net_admin() {
    let u = udp4();
    let (c, _s) = pair6();
    if is_root() {
        set_mark(&u, 42).unwrap();
        set_mark(&c, u32::MAX).unwrap();
        assert_eq!(mark(&u).unwrap(), 42);
        assert_eq!(mark(&c).unwrap(), u32::MAX);
    } else {
        assert_os_error(set_mark(&u, 42), libc::EPERM);
        assert_eq!(mark(&u).unwrap(), 0);
    }
}

// ---- SO_BINDTODEVICE ----------------------------------------------------

#[test]
fn bind_device_round_trips_on_lo() {
    let u = udp4();
    let (c, _s) = pair4();
    assert_eq!(bound_device(&u).unwrap(), None);
    // Since Linux 5.7 anyone may bind an unbound socket.
    bind_device(&u, Some("lo")).unwrap();
    bind_device(&c, Some("lo")).unwrap();
    assert_eq!(bound_device(&u).unwrap().as_deref(), Some("lo"));
    assert_eq!(bound_device(&c).unwrap().as_deref(), Some("lo"));
    // Changing an existing binding needs CAP_NET_RAW.
    if is_root() {
        bind_device(&u, None).unwrap();
        assert_eq!(bound_device(&u).unwrap(), None);
    } else {
        assert_os_error(bind_device(&u, None), libc::EPERM);
    }
}

#[test]
fn bind_device_validates_the_name() {
    let u = udp4();
    assert_invalid(
        bind_device(&u, Some("a-much-too-long-interface")),
        &["SO_BINDTODEVICE", "IFNAMSIZ", "15"],
    );
    assert_invalid(bind_device(&u, Some("")), &["SO_BINDTODEVICE", "None"]);
    assert_invalid(bind_device(&u, Some("lo\0x")), &["SO_BINDTODEVICE", "NUL"]);
    // Fifteen bytes is the longest name; one that does not exist gives ENODEV.
    assert_os_error(bind_device(&u, Some("nosuchiface0123")), libc::ENODEV);
    assert_eq!(bound_device(&u).unwrap(), None);
}

// ---- TCP_USER_TIMEOUT, TCP_CONGESTION -----------------------------------

#[test]
fn user_timeout_round_trips() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    assert_eq!(tcp_user_timeout(&c4).unwrap(), None);
    set_tcp_user_timeout(&c4, Some(Duration::from_millis(1500))).unwrap();
    set_tcp_user_timeout(&c6, Some(Duration::from_secs(30))).unwrap();
    assert_eq!(tcp_user_timeout(&c4).unwrap(), Some(Duration::from_millis(1500)));
    assert_eq!(tcp_user_timeout(&c6).unwrap(), Some(Duration::from_secs(30)));
    set_tcp_user_timeout(&c4, None).unwrap();
    assert_eq!(tcp_user_timeout(&c4).unwrap(), None);
    for bad in [
        Duration::ZERO,
        Duration::from_micros(1500),
        Duration::from_secs(1 << 40),
    ] {
        assert_invalid(
            set_tcp_user_timeout(&c4, Some(bad)),
            &["TCP_USER_TIMEOUT", "milliseconds"],
        );
    }
}

#[test]
fn congestion_round_trips() {
    let (c4, _s4) = pair4();
    let (c6, _s6) = pair6();
    // reno is built into every kernel and always allowed.
    set_tcp_congestion(&c4, "reno").unwrap();
    set_tcp_congestion(&c6, "reno").unwrap();
    assert_eq!(tcp_congestion(&c4).unwrap(), "reno");
    assert_eq!(tcp_congestion(&c6).unwrap(), "reno");
    assert_os_error(set_tcp_congestion(&c4, "no-such-algo"), libc::ENOENT);
    assert_invalid(set_tcp_congestion(&c4, ""), &["TCP_CONGESTION", "1..=15"]);
    assert_invalid(
        set_tcp_congestion(&c4, "a-name-far-too-long"),
        &["TCP_CONGESTION", "a-name-far-too-long"],
    );
    assert_eq!(tcp_congestion(&c4).unwrap(), "reno");
}

// ---- IP_TTL, IP_TOS, IPV6_UNICAST_HOPS, IPV6_TCLASS, IPV6_V6ONLY --------

#[test]
fn ttl_round_trips_on_tcp_and_udp() {
    let (c, _s) = pair4();
    let u = udp4();
    set_ttl(&c, 42).unwrap();
    set_ttl(&u, 255).unwrap();
    assert_eq!(ttl(&c).unwrap(), 42);
    assert_eq!(ttl(&u).unwrap(), 255);
    set_ttl(&u, 1).unwrap();
    assert_eq!(ttl(&u).unwrap(), 1);
    assert_invalid(set_ttl(&u, 0), &["IP_TTL", "1..=255"]);
    assert_invalid(set_ttl(&u, 256), &["IP_TTL", "1..=255"]);
}

#[test]
fn tos_round_trips_on_tcp_and_udp() {
    let (c, _s) = pair4();
    let u = udp4();
    set_tos(&c, 0x10).unwrap(); // IPTOS_LOWDELAY; ECN bits zero
    set_tos(&u, 0xb8).unwrap(); // DSCP EF
    assert_eq!(tos(&c).unwrap(), 0x10);
    assert_eq!(tos(&u).unwrap(), 0xb8);
}

#[test]
fn unicast_hops_and_tclass_round_trip_v6() {
    let (c, _s) = pair6();
    let u = udp6();
    set_unicast_hops_v6(&c, 7).unwrap();
    set_unicast_hops_v6(&u, 255).unwrap();
    assert_eq!(unicast_hops_v6(&c).unwrap(), 7);
    assert_eq!(unicast_hops_v6(&u).unwrap(), 255);
    assert_invalid(set_unicast_hops_v6(&u, 256), &["IPV6_UNICAST_HOPS", "0..=255"]);
    set_tclass_v6(&c, 0x20).unwrap();
    set_tclass_v6(&u, 0xb8).unwrap();
    assert_eq!(tclass_v6(&c).unwrap(), 0x20);
    assert_eq!(tclass_v6(&u).unwrap(), 0xb8);
}

#[test]
fn ipv6_options_on_an_ipv4_socket_are_refused_by_the_kernel() {
    let u = udp4();
    assert!(set_tclass_v6(&u, 1).is_err());
    assert!(set_only_v6(&u, true).is_err());
}

#[test]
fn only_v6_round_trips_before_bind() {
    let tcp = RawSocket::<Ipv6, Stream>::new().unwrap();
    let udp = RawSocket::<Ipv6, Datagram>::new().unwrap();
    for enable in [true, false] {
        set_only_v6(&tcp, enable).unwrap();
        set_only_v6(&udp, enable).unwrap();
        assert_eq!(only_v6(&tcp).unwrap(), enable);
        assert_eq!(only_v6(&udp).unwrap(), enable);
    }
    // After bind the kernel refuses to change it.
    let listener = listener6();
    assert_os_error(set_only_v6(&listener, true), libc::EINVAL);
}

// ---- Multicast ----------------------------------------------------------

fn lo_ifindex() -> u32 {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .expect("reading /sys/class/net/lo/ifindex (is /sys mounted?)")
        .trim()
        .parse()
        .expect("ifindex is a number")
}

#[test]
fn multicast_v4_options_round_trip() {
    let u = udp4();
    assert_eq!(multicast_ttl_v4(&u).unwrap(), 1);
    set_multicast_ttl_v4(&u, 0).unwrap();
    assert_eq!(multicast_ttl_v4(&u).unwrap(), 0);
    set_multicast_ttl_v4(&u, 32).unwrap();
    assert_eq!(multicast_ttl_v4(&u).unwrap(), 32);
    assert_invalid(set_multicast_ttl_v4(&u, 256), &["IP_MULTICAST_TTL", "0..=255"]);
    for enable in [false, true] {
        set_multicast_loop_v4(&u, enable).unwrap();
        assert_eq!(multicast_loop_v4(&u).unwrap(), enable);
    }
}

#[test]
fn multicast_v6_options_round_trip() {
    let u = udp6();
    set_multicast_hops_v6(&u, 5).unwrap();
    assert_eq!(multicast_hops_v6(&u).unwrap(), 5);
    assert_invalid(set_multicast_hops_v6(&u, 256), &["IPV6_MULTICAST_HOPS"]);
    for enable in [false, true] {
        set_multicast_loop_v6(&u, enable).unwrap();
        assert_eq!(multicast_loop_v6(&u).unwrap(), enable);
    }
}

#[test]
fn multicast_v4_membership_on_loopback() {
    let u = udp4();
    let group = Ipv4Addr::new(239, 255, 42, 1);
    let lo = Ipv4Addr::LOCALHOST;
    join_multicast_v4(&u, group, lo).unwrap();
    assert_os_error(join_multicast_v4(&u, group, lo), libc::EADDRINUSE);
    leave_multicast_v4(&u, group, lo).unwrap();
    assert_os_error(leave_multicast_v4(&u, group, lo), libc::EADDRNOTAVAIL);
    assert_invalid(
        join_multicast_v4(&u, Ipv4Addr::new(10, 0, 0, 1), lo),
        &["IP_ADD_MEMBERSHIP", "10.0.0.1", "multicast"],
    );
}

#[test]
fn multicast_v6_membership_on_loopback() {
    let u = udp6();
    let group = Ipv6Addr::new(0xff12, 0, 0, 0, 0, 0, 0x4242, 1);
    let lo = lo_ifindex();
    join_multicast_v6(&u, group, lo).unwrap();
    assert_os_error(join_multicast_v6(&u, group, lo), libc::EADDRINUSE);
    leave_multicast_v6(&u, group, lo).unwrap();
    assert_invalid(
        join_multicast_v6(&u, Ipv6Addr::LOCALHOST, lo),
        &["IPV6_ADD_MEMBERSHIP", "::1", "multicast"],
    );
}

// ---- TCP_INFO -----------------------------------------------------------

#[test]
fn tcp_info_on_an_established_connection() {
    let (mut client, mut server) = pair4();
    let payload = [7u8; 4096];
    client.write_all(&payload).unwrap();
    let mut buf = [0u8; 4096];
    server.read_exact(&mut buf).unwrap();
    server.write_all(b"ack").unwrap();
    let mut ack = [0u8; 3];
    client.read_exact(&mut ack).unwrap();

    let info = tcp_info(&client).unwrap();
    assert_eq!(info.state, TcpState::Established);
    assert!(info.rtt > Duration::ZERO, "rtt {:?}", info.rtt);
    assert!(info.rtt < Duration::from_secs(60), "rtt {:?} is not sane", info.rtt);
    assert!(info.rto > Duration::ZERO);
    assert!(info.cwnd > 0);
    assert!(info.snd_mss > 0);
    assert!(info.pmtu > 0);
    assert_eq!(info.total_retrans, 0);
    assert!(
        info.reported_len >= 104,
        "at least the classic struct: {}",
        info.reported_len
    );
    // This kernel (4.1+) reports the byte counters; the reply was read, so
    // our 4096 bytes were acknowledged.
    assert!(info.reported_len > 136, "kernel reports byte counters");
    // The kernel counts the acknowledged SYN as one more byte.
    let sent = payload.len() as u64;
    assert!(
        (sent..=sent + 1).contains(&info.bytes_acked),
        "bytes_acked {}",
        info.bytes_acked
    );
    assert_eq!(info.bytes_received, 3);

    let server_info = tcp_info(&server).unwrap();
    assert_eq!(server_info.state, TcpState::Established);
    assert_eq!(server_info.bytes_received, payload.len() as u64);
}

#[test]
fn tcp_info_reports_other_states() {
    let l4 = listener4();
    assert_eq!(tcp_info(&l4).unwrap().state, TcpState::Listen);
    let raw = RawSocket::<Ipv6, Stream>::new().unwrap();
    assert_eq!(tcp_info(&raw).unwrap().state, TcpState::Close);
    let (c6, s6) = pair6();
    assert_eq!(tcp_info(&c6).unwrap().state, TcpState::Established);
    drop(s6);
    // The peer's FIN puts us in CLOSE_WAIT once it has been processed; a
    // read of end-of-stream proves it arrived.
    let mut buf = [0; 1];
    assert_eq!((&c6).read(&mut buf).unwrap(), 0);
    assert_eq!(tcp_info(&c6).unwrap().state, TcpState::CloseWait);
}

#[test]
fn tcp_info_on_udp_is_an_error() {
    assert!(tcp_info(&udp4()).is_err());
}

// ---- TCP options on the wrong kind of socket ----------------------------

#[test]
fn tcp_options_on_udp_are_refused_by_the_kernel() {
    let u = udp4();
    assert!(set_tcp_nodelay(&u, true).is_err());
    assert!(set_tcp_keepalive_idle(&u, Duration::from_secs(5)).is_err());
}
