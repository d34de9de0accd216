//! The socket kinds beyond TCP and UDP: Unix SEQPACKET (message boundaries
//! kept, truncation reported), ICMP echo sockets and raw IP sockets inside
//! user + network namespaces the test creates (common::netns).

mod common;

use common::netns::{self, Namespaces};
use common::{TIMEOUT, unique_abstract};
use wirelane::error::{MessageTruncated, errno_of};
use wirelane::{ConnectedSeqPacket, Icmp, Ipv4, RawIp, RawSocket, SeqPacket, SocketAddrV4, Unix};

#[test]
fn seqpacket_keeps_message_boundaries_through_listen_and_accept() {
    let addr = unique_abstract("seqpacket");
    let listener = RawSocket::<Unix, SeqPacket>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(4)
        .unwrap();
    let client = RawSocket::<Unix, SeqPacket>::new().unwrap().connect(addr).unwrap();
    let server = listener.accept().unwrap();
    server.set_read_timeout(Some(TIMEOUT)).unwrap();
    client.send(b"one").unwrap();
    client.send(b"second message").unwrap();
    let mut buf = [0u8; 64];
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"one");
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"second message");
}

#[test]
fn seqpacket_truncation_is_reported_not_silent() {
    let (a, b) = ConnectedSeqPacket::pair().unwrap();
    a.send(b"twelve bytes").unwrap();
    let mut small = [0u8; 6];
    let e = b.recv(&mut small).unwrap_err();
    assert!(
        e.get_ref().is_some_and(|inner| inner.is::<MessageTruncated>()),
        "expected MessageTruncated, got {e:?}"
    );
}

#[test]
fn icmp_echo_on_loopback_inside_a_namespace() {
    if !netns::inside("icmp_echo_on_loopback_inside_a_namespace", Namespaces::UserAndNet) {
        return;
    }
    let s = RawSocket::<Ipv4, Icmp>::new()
        .unwrap()
        .connect(SocketAddrV4::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.send_echo(7, b"ping payload").unwrap();
    let mut buf = [0u8; 64];
    let reply = s.recv_echo(&mut buf).unwrap();
    assert_eq!(reply.seq, 7);
    assert_eq!(reply.ident, s.ident().unwrap());
    assert_eq!(&buf[..reply.len], b"ping payload");
}

#[test]
fn raw_ip_needs_cap_net_raw_of_the_network_namespace() {
    if !netns::inside(
        "raw_ip_needs_cap_net_raw_of_the_network_namespace",
        Namespaces::UserOnly,
    ) {
        return;
    }
    // Root of a user namespace only: the host's network namespace refuses.
    let e = RawSocket::<Ipv4, RawIp>::with_protocol(wirelane::IpProtocol::UDP).unwrap_err();
    assert_eq!(errno_of(&e), libc::EPERM, "{e}");
}

#[test]
fn raw_ip_socket_inside_own_namespaces() {
    if !netns::inside("raw_ip_socket_inside_own_namespaces", Namespaces::UserAndNet) {
        return;
    }
    // Root of our own network namespace: CAP_NET_RAW over it.
    let s = RawSocket::<Ipv4, RawIp>::with_protocol(wirelane::IpProtocol::UDP).unwrap();
    assert!(common::is_cloexec(&s));
}

#[test]
fn mptcp_connect_and_accept_on_loopback() {
    use wirelane::{Stream, StreamProtocol};
    let listener = RawSocket::<Ipv4, Stream>::with_protocol(StreamProtocol::Mptcp)
        .expect("this kernel has MPTCP (net.mptcp.enabled = 1)")
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let client = RawSocket::<Ipv4, Stream>::with_protocol(StreamProtocol::Mptcp)
        .unwrap()
        .connect(addr)
        .unwrap();
    let server = listener.accept().unwrap();
    server.set_read_timeout(Some(TIMEOUT)).unwrap();
    client.send(b"over mptcp").unwrap();
    let mut buf = [0u8; 32];
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"over mptcp");
}

#[test]
fn mptcp_disabled_in_namespace_gives_a_clear_error() {
    if !netns::inside(
        "mptcp_disabled_in_namespace_gives_a_clear_error",
        Namespaces::UserAndNet,
    ) {
        return;
    }
    netns::sysctl("net/mptcp/enabled", "0");
    let e = RawSocket::<Ipv4, wirelane::Stream>::with_protocol(wirelane::StreamProtocol::Mptcp).unwrap_err();
    assert_eq!(errno_of(&e), libc::ENOPROTOOPT, "{e}");
    assert!(e.to_string().contains("net.mptcp.enabled"), "{e}");
}
