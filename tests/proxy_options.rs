//! The proxy and multicast options beyond the int table: IP_MULTICAST_IF,
//! source-specific multicast (a member filtered to one source receives
//! from it only), SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST behind an nft
//! REDIRECT rule, TCP_SAVED_SYN, and a transparent proxy (IP_TRANSPARENT
//! with an nft TPROXY rule). Rules and addresses live in namespaces each
//! test makes (common::netns); nothing touches the host's network.

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::TIMEOUT;
use common::netns::{self, Namespaces};
use wirelane::error::errno_of;
use wirelane::*;

/// How long to wait for a datagram that must not arrive.
const QUIET: Duration = Duration::from_millis(300);

fn udp4(addr: SocketAddrV4) -> BoundDatagram<Ipv4> {
    RawSocket::<Ipv4, Datagram>::new().unwrap().bind(addr).unwrap()
}

/// Every datagram `rx` receives until it has been quiet for [`QUIET`].
fn drain<D: Domain>(rx: &BoundDatagram<D>) -> Vec<(Vec<u8>, D::Addr)> {
    rx.set_read_timeout(Some(QUIET)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok((n, from)) = rx.recv_from(&mut buf) {
        got.push((buf[..n].to_vec(), from));
    }
    got
}

#[test]
fn multicast_if_v4_by_address_and_by_index() {
    let s = udp4(SocketAddrV4::new([0, 0, 0, 0], 0));
    assert_eq!(multicast_if_v4(&s).unwrap(), Ipv4Addr::UNSPECIFIED);
    set_multicast_if_v4(&s, Ipv4Addr::LOCALHOST, 0).unwrap();
    assert_eq!(multicast_if_v4(&s).unwrap(), Ipv4Addr::LOCALHOST);
    // By index only (lo is 1): the kernel reports no address then.
    set_multicast_if_v4(&s, Ipv4Addr::UNSPECIFIED, 1).unwrap();
    assert_eq!(multicast_if_v4(&s).unwrap(), Ipv4Addr::UNSPECIFIED);
    let e = set_multicast_if_v4(&s, Ipv4Addr::new(192, 0, 2, 1), 0).unwrap_err();
    assert_eq!(errno_of(&e), libc::EADDRNOTAVAIL, "{e}");
    let e = set_multicast_if_v4(&s, Ipv4Addr::UNSPECIFIED, u32::MAX).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("IP_MULTICAST_IF"), "{e}");
}

#[test]
fn a_source_filtered_member_receives_from_the_allowed_source_only() {
    let group = Ipv4Addr::new(232, 7, 17, 1);
    let rx = udp4(SocketAddrV4::new([0, 0, 0, 0], 0));
    // Only our own joins count, not other sockets' on this host.
    set_multicast_all_v4(&rx, false).unwrap();
    let port = rx.local_addr().unwrap().port();
    join_ssm_v4(&rx, group, Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::LOCALHOST).unwrap();
    let e = join_ssm_v4(&rx, group, Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::LOCALHOST).unwrap_err();
    assert_eq!(errno_of(&e), libc::EADDRNOTAVAIL, "joined twice: {e}");

    let send_from = |source: [u8; 4]| {
        let tx = udp4(SocketAddrV4::new(source, 0));
        set_multicast_if_v4(&tx, Ipv4Addr::LOCALHOST, 0).unwrap();
        tx.send_to(&source, &SocketAddrV4::new(group.octets(), port)).unwrap();
    };
    send_from([127, 0, 0, 1]);
    send_from([127, 0, 0, 2]);
    let got = drain(&rx);
    assert_eq!(got.len(), 1, "only 127.0.0.1's datagram: {got:?}");
    assert_eq!(got[0].0, [127, 0, 0, 1]);
    assert_eq!(got[0].1.ip(), Ipv4Addr::new(127, 0, 0, 1));

    // Leaving the source: nothing from it any more.
    leave_ssm_v4(&rx, group, Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::LOCALHOST).unwrap();
    send_from([127, 0, 0, 1]);
    assert!(drain(&rx).is_empty());
    // That was its last source: the group is left, and leaving again fails.
    let e = leave_ssm_v4(&rx, group, Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::LOCALHOST).unwrap_err();
    assert_eq!(errno_of(&e), libc::EINVAL, "not joined: {e}");
}

#[test]
fn ssm_arguments_are_checked_first() {
    let rx = udp4(SocketAddrV4::localhost(0));
    let lo = Ipv4Addr::LOCALHOST;
    for (group, source, what) in [
        (Ipv4Addr::new(10, 0, 0, 1), lo, "not an IPv4 multicast"),
        (Ipv4Addr::new(232, 1, 1, 1), Ipv4Addr::UNSPECIFIED, "not a unicast"),
        (
            Ipv4Addr::new(232, 1, 1, 1),
            Ipv4Addr::new(232, 1, 1, 2),
            "not a unicast",
        ),
    ] {
        let e = join_ssm_v4(&rx, group, source, lo).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains(what), "{e}");
    }
    let rx6 = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    let e = join_ssm_v6(&rx6, Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST, 0).unwrap_err();
    assert!(e.to_string().contains("MCAST_JOIN_SOURCE_GROUP"), "{e}");
}

#[test]
fn ipv6_source_filtered_member_inside_a_namespace() {
    if !netns::inside("ipv6_source_filtered_member_inside_a_namespace", Namespaces::UserAndNet) {
        return;
    }
    // IPv6 multicast is not looped back on lo; a veth end loops our own
    // multicast back to local members (IPV6_MULTICAST_LOOP, on by default).
    netns::sh(
        "ip link add wl0 type veth peer name wl1
         ip link set wl0 up; ip link set wl1 up
         ip -6 addr add fd00::1/64 dev wl0 nodad
         ip -6 addr add fd00::2/64 dev wl0 nodad",
    );
    // SAFETY: a NUL-terminated name.
    let ifindex = unsafe { libc::if_nametoindex(c"wl0".as_ptr()) };
    assert_ne!(ifindex, 0, "wl0 exists");
    let group: Ipv6Addr = "ff3e::17".parse().unwrap();
    let allowed: Ipv6Addr = "fd00::1".parse().unwrap();
    let rx = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0))
        .unwrap();
    let port = rx.local_addr().unwrap().port();
    join_ssm_v6(&rx, group, allowed, ifindex).unwrap();
    let send_from = |source: &str| {
        let tx = RawSocket::<Ipv6, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV6::new(source.parse::<Ipv6Addr>().unwrap(), 0, 0, 0))
            .unwrap();
        set_multicast_if_v6(&tx, ifindex).unwrap();
        tx.send_to(source.as_bytes(), &SocketAddrV6::new(group, port, 0, 0))
            .unwrap();
    };
    send_from("fd00::1");
    send_from("fd00::2");
    let got = drain(&rx);
    assert_eq!(got.len(), 1, "only fd00::1's datagram: {got:?}");
    assert_eq!(got[0].0, b"fd00::1");
    leave_ssm_v6(&rx, group, allowed, ifindex).unwrap();
    send_from("fd00::1");
    assert!(drain(&rx).is_empty());
}

#[test]
fn original_dst_reads_the_address_before_a_redirect_inside_a_namespace() {
    if !netns::inside(
        "original_dst_reads_the_address_before_a_redirect_inside_a_namespace",
        Namespaces::UserAndNet,
    ) {
        return;
    }
    let l4 = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap();
    let l6 = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap();
    let (p4, p6) = (l4.local_addr().unwrap().port(), l6.local_addr().unwrap().port());
    netns::nft(&format!(
        "table ip wl {{
           chain out {{
             type nat hook output priority -100;
             ip daddr 127.0.0.5 tcp dport 9999 redirect to :{p4}
           }}
         }}
         table ip6 wl {{
           chain out {{
             type nat hook output priority -100;
             tcp dport 9999 redirect to :{p6}
           }}
         }}"
    ));

    let dst4 = SocketAddrV4::new([127, 0, 0, 5], 9999);
    let _c4 = RawSocket::<Ipv4, Stream>::new().unwrap().connect(dst4).unwrap();
    let a4 = l4.accept().unwrap();
    assert_eq!(
        a4.local_addr().unwrap().port(),
        p4,
        "the rule redirected the connection"
    );
    assert_eq!(original_dst_v4(&a4).unwrap(), dst4);

    let dst6 = SocketAddrV6::localhost(9999);
    let _c6 = RawSocket::<Ipv6, Stream>::new().unwrap().connect(dst6).unwrap();
    let a6 = l6.accept().unwrap();
    assert_eq!(a6.local_addr().unwrap().port(), p6);
    let orig6 = original_dst_v6(&a6).unwrap();
    assert_eq!((orig6.ip(), orig6.port()), (Ipv6Addr::LOCALHOST, 9999));

    // A connection no rule translated: its own destination.
    let _direct = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(l4.local_addr().unwrap())
        .unwrap();
    let direct = l4.accept().unwrap();
    assert_eq!(original_dst_v4(&direct).unwrap(), l4.local_addr().unwrap());
}

#[test]
fn tcp_saved_syn_is_the_clients_ipv4_tcp_syn_read_once() {
    let s = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_tcp_save_syn(&s, true).unwrap();
    let listener = s.bind(SocketAddrV4::localhost(0)).unwrap().listen(4).unwrap();
    let client = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(listener.local_addr().unwrap())
        .unwrap();
    let server = listener.accept().unwrap();
    let client_port = client.local_addr().unwrap().port();

    // Too small a buffer: the length, and the SYN stays saved.
    let mut small = [0u8; 8];
    let needed = tcp_saved_syn_into(&server, &mut small).unwrap();
    assert!(needed >= 40, "IPv4 + TCP headers: {needed}");
    let syn = tcp_saved_syn(&server).unwrap();
    assert_eq!(syn.len(), needed);

    // IPv4 header: version 4, IHL words, protocol 6 (TCP), 127.0.0.1 both ways.
    assert_eq!(syn[0] >> 4, 4, "{syn:02x?}");
    let ihl = usize::from(syn[0] & 0x0f) * 4;
    assert_eq!(syn[9], libc::IPPROTO_TCP as u8);
    assert_eq!(&syn[12..16], &[127, 0, 0, 1]);
    assert_eq!(&syn[16..20], &[127, 0, 0, 1]);
    // TCP header: the client's port, the listener's port, SYN without ACK.
    let tcp = &syn[ihl..];
    assert_eq!(u16::from_be_bytes([tcp[0], tcp[1]]), client_port);
    assert_eq!(
        u16::from_be_bytes([tcp[2], tcp[3]]),
        listener.local_addr().unwrap().port()
    );
    assert_eq!(tcp[13] & 0x12, 0x02, "flags {:#04x}: SYN, not ACK", tcp[13]);
    assert_eq!(
        ihl + usize::from(tcp[12] >> 4) * 4,
        syn.len(),
        "IP + TCP header lengths"
    );

    // The kernel hands it out once.
    assert!(tcp_saved_syn(&server).unwrap().is_empty());
    // Without TCP_SAVE_SYN there is none.
    let plain = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap();
    let _c = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(plain.local_addr().unwrap())
        .unwrap();
    assert!(tcp_saved_syn(&plain.accept().unwrap()).unwrap().is_empty());
}

/// A client of the transparent-proxy test: its packets to the foreign
/// range go out through lo with mark 2 (table 200: `ip route ... dev lo
/// src 127.0.0.1`), so they re-enter through lo and meet the TPROXY rule.
fn tproxy_client(foreign: SocketAddrV4) -> Result<ConnectedStream<Ipv4>, TransitionError<RawSocket<Ipv4, Stream>>> {
    let s = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_mark(&s, 2).unwrap();
    // SO_SNDTIMEO bounds connect too.
    s.set_write_timeout(Some(Duration::from_millis(500))).unwrap();
    s.connect(foreign)
}

#[test]
fn transparent_proxy_accepts_connections_to_a_foreign_address_inside_a_namespace() {
    if !netns::inside(
        "transparent_proxy_accepts_connections_to_a_foreign_address_inside_a_namespace",
        Namespaces::UserAndNet,
    ) {
        return;
    }
    let proxy = RawSocket::<Ipv4, Stream>::new().unwrap();
    set_transparent(&proxy, true).unwrap();
    let proxy = proxy.bind(SocketAddrV4::localhost(0)).unwrap().listen(8).unwrap();
    let plain = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(8)
        .unwrap();
    let (pp, plain_port) = (proxy.local_addr().unwrap().port(), plain.local_addr().unwrap().port());
    // TPROXY hands packets for 198.51.100.1:80 to the transparent proxy
    // (and those for :81 to a listener without IP_TRANSPARENT, which the
    // kernel refuses to use); mark 1 routes them as local (table 100).
    netns::nft(&format!(
        "table ip wl {{
           chain pre {{
             type filter hook prerouting priority mangle;
             ip daddr 198.51.100.1 tcp dport 80 tproxy to 127.0.0.1:{pp} meta mark set 1 accept
             ip daddr 198.51.100.1 tcp dport 81 tproxy to 127.0.0.1:{plain_port} meta mark set 1 accept
           }}
         }}"
    ));
    netns::sh(
        "ip rule add fwmark 1 lookup 100
         ip route add local 0.0.0.0/0 dev lo table 100
         ip rule add fwmark 2 lookup 200
         ip route add 198.51.100.0/24 dev lo src 127.0.0.1 table 200",
    );

    let foreign = SocketAddrV4::new([198, 51, 100, 1], 80);
    let client = tproxy_client(foreign).unwrap();
    proxy.set_read_timeout(Some(TIMEOUT)).unwrap();
    let (conn, peer) = proxy.accept_with_addr().unwrap();
    // The proxy's side of the connection is the foreign address the client
    // dialled, and the client sees the foreign address as its peer.
    assert_eq!(conn.local_addr().unwrap(), foreign);
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(client.peer_addr().unwrap(), foreign);
    assert!(transparent(&conn).unwrap(), "accepted sockets inherit IP_TRANSPARENT");
    conn.send(b"from the proxy").unwrap();
    let mut buf = [0u8; 32];
    client.set_read_timeout(Some(TIMEOUT)).unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from the proxy");

    // Without IP_TRANSPARENT the rule cannot use the listener: no route for
    // the foreign address, and the connection attempt times out.
    let e = tproxy_client(SocketAddrV4::new([198, 51, 100, 1], 81)).unwrap_err();
    assert!(
        matches!(errno_of(e.error()), libc::EINPROGRESS | libc::ETIMEDOUT | libc::EAGAIN),
        "{}",
        e.error()
    );
    plain.set_nonblocking(true).unwrap();
    assert!(plain.try_accept().unwrap().is_none(), "the plain listener got nothing");
}
