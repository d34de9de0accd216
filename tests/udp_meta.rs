//! Typed per-datagram metadata on loopback, both families: every field
//! proved by a datagram that carries it (wirelane::meta).

mod common;

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::SystemTime;

use common::{TIMEOUT, wait_for, wait_readable};
use wirelane::batch::{RecvBatch, SendBatch, WAITFORONE};
use wirelane::cmsg::{ControlMessage, ErrorOrigin, ParsedMessage};
use wirelane::meta::{Ecn, PmtuDiscover, RECV_CONTROL_SPACE, RecvSlots, SendMeta};
use wirelane::{BoundDatagram, Datagram, Inet, Ipv4, Ipv6, MsgFlags, RawSocket, SocketAddrV4, SocketAddrV6};

/// What each family's test needs.
trait Family: Inet {
    fn localhost(port: u16) -> Self::Addr;
    fn loopback_ip() -> IpAddr;
    fn port(a: &Self::Addr) -> u16;
}

impl Family for Ipv4 {
    fn localhost(port: u16) -> SocketAddrV4 {
        SocketAddrV4::localhost(port)
    }
    fn loopback_ip() -> IpAddr {
        Ipv4Addr::LOCALHOST.into()
    }
    fn port(a: &SocketAddrV4) -> u16 {
        a.port()
    }
}

impl Family for Ipv6 {
    fn localhost(port: u16) -> SocketAddrV6 {
        SocketAddrV6::localhost(port)
    }
    fn loopback_ip() -> IpAddr {
        Ipv6Addr::LOCALHOST.into()
    }
    fn port(a: &SocketAddrV6) -> u16 {
        a.port()
    }
}

fn bound<D: Family>() -> BoundDatagram<D> {
    let s = RawSocket::<D, Datagram>::new().unwrap().bind(D::localhost(0)).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

fn recv_meta<D: Family>(rx: &BoundDatagram<D>, buf: &mut [u8]) -> (usize, wirelane::meta::RecvMeta) {
    let mut control = [0u8; RECV_CONTROL_SPACE];
    let got = rx.recv_msg(buf, &mut control, MsgFlags::NONE).unwrap();
    assert!(!got.control_truncated());
    (got.len, got.meta().unwrap())
}

fn ce_mark_arrives_as_ce<D: Family>() {
    let rx = bound::<D>();
    rx.set_recv_ecn(true).unwrap();
    let tx = bound::<D>();
    let to = rx.local_addr().unwrap();
    for ecn in [Ecn::Ce, Ecn::Ect0, Ecn::Ect1, Ecn::NotEct] {
        let meta = SendMeta {
            ecn: Some(ecn),
            ..SendMeta::default()
        };
        tx.send_with_meta(b"ecn", &to, &meta).unwrap();
        let mut buf = [0u8; 16];
        let (n, m) = recv_meta(&rx, &mut buf);
        assert_eq!(&buf[..n], b"ecn");
        assert_eq!(m.ecn, Some(ecn), "{} sent {ecn:?}", D::NAME);
    }
    // The generic form: a raw IP_TOS / IPV6_TCLASS control message.
    let msg = if D::FAMILY == libc::AF_INET {
        ControlMessage::IpTos(0b11)
    } else {
        ControlMessage::Ipv6TClass(0b11)
    };
    tx.send_msg(b"raw", &to, &[msg], MsgFlags::NONE).unwrap();
    let mut buf = [0u8; 16];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
    let tos: Vec<u8> = got
        .control()
        .filter_map(|m| match m.unwrap() {
            ParsedMessage::IpTos(t) | ParsedMessage::Ipv6TClass(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(tos, vec![0b11]);
}

#[test]
fn ce_mark_arrives_as_ce_v4() {
    ce_mark_arrives_as_ce::<Ipv4>();
}

#[test]
fn ce_mark_arrives_as_ce_v6() {
    ce_mark_arrives_as_ce::<Ipv6>();
}

fn lo_index() -> u32 {
    // SAFETY: a NUL-terminated name.
    let i = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert!(i > 0, "no loopback interface");
    i
}

#[test]
fn wildcard_socket_reports_destination_v4() {
    let rx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))
        .unwrap();
    rx.set_read_timeout(Some(TIMEOUT)).unwrap();
    rx.set_recv_pktinfo(true).unwrap();
    let port = rx.local_addr().unwrap().port();
    let tx = bound::<Ipv4>();
    for dst in [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(127, 0, 0, 2)] {
        tx.send_to(dst.to_string().as_bytes(), &SocketAddrV4::new(dst, port))
            .unwrap();
        let mut buf = [0u8; 32];
        let (n, m) = recv_meta(&rx, &mut buf);
        assert_eq!(&buf[..n], dst.to_string().as_bytes());
        assert_eq!(m.dst_ip, Some(IpAddr::V4(dst)));
        assert_eq!(m.ifindex, Some(lo_index()));
    }
}

#[test]
fn wildcard_socket_reports_destination_v6() {
    // Dual-stack [::]: IPv6 traffic through IPV6_PKTINFO, IPv4-mapped
    // traffic through its IP_PKTINFO twin.
    let rx = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0))
        .unwrap();
    rx.set_read_timeout(Some(TIMEOUT)).unwrap();
    rx.set_recv_pktinfo(true).unwrap();
    let port = rx.local_addr().unwrap().port();
    let tx6 = bound::<Ipv6>();
    tx6.send_to(b"v6", &SocketAddrV6::localhost(port)).unwrap();
    let mut buf = [0u8; 32];
    let (_, m) = recv_meta(&rx, &mut buf);
    assert_eq!(m.dst_ip, Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    assert_eq!(m.ifindex, Some(lo_index()));
    let tx4 = bound::<Ipv4>();
    for dst in [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(127, 0, 0, 2)] {
        tx4.send_to(b"v4", &SocketAddrV4::new(dst, port)).unwrap();
        let (_, m) = recv_meta(&rx, &mut buf);
        assert_eq!(m.dst_ip, Some(IpAddr::V4(dst)));
    }
}

#[test]
fn source_address_by_pktinfo() {
    // A wildcard-bound sender picks 127.0.0.2 as the source per message.
    let rx = bound::<Ipv4>();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))
        .unwrap();
    let to = rx.local_addr().unwrap();
    for src in [Ipv4Addr::new(127, 0, 0, 2), Ipv4Addr::new(127, 0, 0, 1)] {
        let meta = SendMeta {
            src_ip: Some(src.into()),
            ..SendMeta::default()
        };
        tx.send_with_meta(b"s", &to, &meta).unwrap();
        let mut buf = [0u8; 4];
        let (_, from) = rx.recv_from(&mut buf).unwrap();
        assert_eq!(from.ip(), src);
    }
    // The wrong family is refused before any syscall, naming it.
    let bad = SendMeta {
        src_ip: Some(Ipv6Addr::LOCALHOST.into()),
        ..SendMeta::default()
    };
    let e = tx.send_with_meta(b"s", &to, &bad).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("::1"), "{e}");
}

fn ttl_arrives<D: Family>() {
    let rx = bound::<D>();
    rx.set_recv_ttl(true).unwrap();
    let tx = bound::<D>();
    let meta = SendMeta {
        ttl: Some(7),
        ..SendMeta::default()
    };
    tx.send_with_meta(b"ttl", &rx.local_addr().unwrap(), &meta).unwrap();
    let mut buf = [0u8; 8];
    let (_, m) = recv_meta(&rx, &mut buf);
    assert_eq!(m.ttl, Some(7), "{}", D::NAME);
    // Without per-message TTL the default arrives (64 on Linux).
    tx.send_to(b"ttl", &rx.local_addr().unwrap()).unwrap();
    let (_, m) = recv_meta(&rx, &mut buf);
    assert!(m.ttl.is_some_and(|t| t != 7), "{m:?}");
}

#[test]
fn ttl_7_arrives_as_7_v4() {
    ttl_arrives::<Ipv4>();
}

#[test]
fn hop_limit_7_arrives_as_7_v6() {
    ttl_arrives::<Ipv6>();
}

fn timestamp_between<D: Family>(software: bool) {
    let rx = bound::<D>();
    if software {
        rx.set_recv_software_timestamping(true).unwrap();
    } else {
        rx.set_recv_timestamp(true).unwrap();
    }
    let tx = bound::<D>();
    // The kernel turns receive stamping on asynchronously when the first
    // socket asks: wait (bounded) until a probe arrives stamped.
    let mut probe = [0u8; 4];
    let mut stamped = false;
    for _ in 0..200 {
        tx.send_to(b"p", &rx.local_addr().unwrap()).unwrap();
        if recv_meta(&rx, &mut probe).1.timestamp.is_some() {
            stamped = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(stamped, "no datagram got a receive timestamp within 2 s");
    let before = SystemTime::now();
    tx.send_to(b"t", &rx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 4];
    let (_, m) = recv_meta(&rx, &mut buf);
    let after = SystemTime::now();
    let ts = m
        .timestamp
        .unwrap_or_else(|| panic!("a receive timestamp: {m:?}"))
        .to_system_time();
    assert!(before <= ts && ts <= after, "{before:?} <= {ts:?} <= {after:?}");
}

#[test]
fn timestamp_between_send_and_receive_v4() {
    timestamp_between::<Ipv4>(false);
    timestamp_between::<Ipv4>(true);
}

#[test]
fn timestamp_between_send_and_receive_v6() {
    timestamp_between::<Ipv6>(false);
    timestamp_between::<Ipv6>(true);
}

fn icmp_error_names_offender<D: Family>() {
    // A UDP port that was just closed: nothing listens there.
    let port = D::port(&bound::<D>().local_addr().unwrap());
    let closed = D::localhost(port);
    let s = bound::<D>().connect(closed.clone()).unwrap();
    s.set_recv_errors(true).unwrap();
    s.send(b"anyone?").unwrap();
    wait_for(&s, libc::POLLERR);
    let mut buf = [0u8; 64];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    let q = s.recv_error(&mut buf, &mut control).unwrap();
    assert_eq!(q.error.errno, libc::ECONNREFUSED);
    let (origin, ty, code) = if D::FAMILY == libc::AF_INET {
        (ErrorOrigin::Icmp, 3, 3) // destination unreachable, port unreachable
    } else {
        (ErrorOrigin::Icmp6, 1, 4) // ICMPv6 destination unreachable, port unreachable
    };
    assert_eq!(q.error.origin, origin);
    assert_eq!((q.error.icmp_type, q.error.icmp_code), (ty, code));
    assert_eq!(q.error.offender.map(|a| a.ip()), Some(D::loopback_ip()));
    assert_eq!(q.destination, Some(closed));
    assert_eq!(&buf[..q.len], b"anyone?");
    assert_eq!(q.error.to_io_error().kind(), io::ErrorKind::ConnectionRefused);
    // The queue is now empty: WouldBlock, never a hang.
    let e = s.recv_error(&mut buf, &mut control).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
}

#[test]
fn connected_socket_to_closed_port_gets_typed_icmp_error_v4() {
    icmp_error_names_offender::<Ipv4>();
}

#[test]
fn connected_socket_to_closed_port_gets_typed_icmp_error_v6() {
    icmp_error_names_offender::<Ipv6>();
}

fn ecn_for(i: usize) -> Ecn {
    [Ecn::NotEct, Ecn::Ect0, Ecn::Ect1, Ecn::Ce][i % 4]
}

fn batch_slots_never_mix<D: Family>() {
    let rx = bound::<D>();
    rx.set_recv_ecn(true).unwrap();
    rx.set_recv_ttl(true).unwrap();
    let tx = bound::<D>();
    let to = rx.local_addr().unwrap();
    const N: usize = 16;
    let payloads: Vec<[u8; 1]> = (0..N).map(|i| [i as u8]).collect();
    let mut batch = SendBatch::<D>::with_capacity(N).unwrap();
    for (i, p) in payloads.iter().enumerate() {
        let meta = SendMeta {
            ecn: Some(ecn_for(i)),
            // Slots alternate between explicit TTLs and none at all.
            ttl: (i % 3 != 2).then_some(10 + i as u8),
            ..SendMeta::default()
        };
        batch.push_with_meta(p, &to, &meta).unwrap();
    }
    assert_eq!(tx.send_batch(&mut batch).unwrap(), N);

    let mut rb = RecvBatch::<D>::new(N, 64).unwrap();
    let mut seen = 0;
    while seen < N {
        let n = rx.recv_batch(&mut rb, WAITFORONE).unwrap();
        for msg in rb.iter() {
            let i = usize::from(msg.data()[0]);
            let m = msg.meta().unwrap();
            assert_eq!(m.ecn, Some(ecn_for(i)), "slot for datagram {i}");
            match i % 3 {
                2 => assert!(m.ttl.is_some_and(|t| t >= 64), "datagram {i}: {m:?}"),
                _ => assert_eq!(m.ttl, Some(10 + i as u8), "datagram {i}"),
            }
        }
        seen += n;
    }

    // The same through RecvSlots into the caller's own buffers.
    for (i, p) in payloads.iter().enumerate() {
        let meta = SendMeta {
            ecn: Some(ecn_for(i)),
            ttl: Some(100 + i as u8),
            ..SendMeta::default()
        };
        tx.send_with_meta(p, &to, &meta).unwrap();
    }
    let mut slots = RecvSlots::<D>::new(N).unwrap();
    let mut storage = vec![[0u8; 64]; N];
    let mut seen = 0;
    while seen < N {
        let mut bufs: Vec<IoSliceMut<'_>> = storage.iter_mut().map(|b| IoSliceMut::new(b)).collect();
        let n = rx.recv_slots(&mut slots, &mut bufs, WAITFORONE).unwrap();
        drop(bufs);
        for (k, buf) in storage.iter().enumerate().take(n) {
            assert_eq!(slots.len_of(k).unwrap(), 1);
            let i = usize::from(buf[0]);
            let m = slots.meta(k).unwrap();
            assert_eq!((m.ecn, m.ttl), (Some(ecn_for(i)), Some(100 + i as u8)));
            assert_eq!(slots.source(k).unwrap(), tx.local_addr().unwrap());
        }
        assert!(slots.meta(n).is_err(), "a slot past the last receive holds nothing");
        seen += n;
    }
}

#[test]
fn batch_slots_never_mix_metadata_v4() {
    batch_slots_never_mix::<Ipv4>();
}

#[test]
fn batch_slots_never_mix_metadata_v6() {
    batch_slots_never_mix::<Ipv6>();
}

fn too_small_control_buffer_reports_truncation<D: Family>() {
    let rx = bound::<D>();
    rx.set_recv_ecn(true).unwrap();
    rx.set_recv_ttl(true).unwrap();
    rx.set_recv_pktinfo(true).unwrap();
    rx.set_recv_timestamp(true).unwrap();
    let tx = bound::<D>();
    tx.send_to(b"x", &rx.local_addr().unwrap()).unwrap();
    wait_readable(&rx);
    let mut buf = [0u8; 4];
    let mut control = [0u8; 24];
    let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
    assert_eq!(got.len, 1);
    assert!(got.control_truncated());
    let e = got.meta().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    let text = e.to_string();
    assert!(text.contains("MSG_CTRUNC") && text.contains("24-byte"), "{text}");
}

#[test]
fn too_small_control_buffer_reports_truncation_v4() {
    too_small_control_buffer_reports_truncation::<Ipv4>();
}

#[test]
fn too_small_control_buffer_reports_truncation_v6() {
    too_small_control_buffer_reports_truncation::<Ipv6>();
}

fn pmtu<D: Family>() {
    let s = bound::<D>();
    for mode in [
        PmtuDiscover::Probe,
        PmtuDiscover::Do,
        PmtuDiscover::Dont,
        PmtuDiscover::Want,
    ] {
        s.set_mtu_discover(mode).unwrap();
        assert_eq!(s.mtu_discover().unwrap(), mode);
    }
    let peer = bound::<D>();
    let c = s.connect(peer.local_addr().unwrap()).unwrap();
    // Loopback's MTU (65536 by default; at least the IPv6 minimum).
    assert!(c.path_mtu().unwrap() >= 1280);
}

#[test]
fn path_mtu_modes_and_reads() {
    pmtu::<Ipv4>();
    pmtu::<Ipv6>();
    let e = bound::<Ipv4>().set_ipv6_dontfrag(true).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    bound::<Ipv6>().set_ipv6_dontfrag(true).unwrap();
}

#[test]
fn gso_send_with_meta_arrives_as_segments_with_gro_size() {
    let rx = bound::<Ipv4>();
    wirelane::batch::set_udp_gro(&rx, true).unwrap();
    rx.set_recv_ecn(true).unwrap();
    let tx = bound::<Ipv4>();
    let data: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
    let meta = SendMeta {
        segment_size: Some(1000),
        ecn: Some(Ecn::Ect0),
        ..SendMeta::default()
    };
    tx.send_with_meta(&data, &rx.local_addr().unwrap(), &meta).unwrap();
    let mut buf = vec![0u8; 65536];
    let mut got = Vec::new();
    while got.len() < data.len() {
        let (n, m) = recv_meta(&rx, &mut buf);
        assert_eq!(m.ecn, Some(Ecn::Ect0));
        if n > 1000 {
            assert_eq!(m.gro_segment, Some(1000));
        }
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, data);
}
