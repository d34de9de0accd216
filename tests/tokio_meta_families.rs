//! The issue-16 proofs through `wirelane::tokio::Async`, both families on
//! loopback: a CE mark arrives as CE, a wildcard-bound socket reports the
//! destination address (127.0.0.1 vs 127.0.0.2; on a dual-stack `[::]`
//! also `::1`), TTL / hop limit 7 arrives as 7, the receive timestamp lies
//! between send and receive, a connected socket aimed at a closed port
//! gets the typed ICMP error naming the offender (awaited), the slots of
//! one receive never mix their metadata, a too-small control buffer
//! reports truncation.
#![cfg(feature = "tokio")]

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, SystemTime};

use wirelane::cmsg::ErrorOrigin;
use wirelane::meta::{Ecn, RECV_CONTROL_SPACE, RecvSlots, SendMeta};
use wirelane::tokio::Async;
use wirelane::{BoundDatagram, Datagram, Inet, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6};

const LIMIT: Duration = Duration::from_secs(10);

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

fn bound<D: Family>() -> io::Result<BoundDatagram<D>> {
    Ok(RawSocket::<D, Datagram>::new()?.bind(D::localhost(0))?)
}

async fn fields<D: Family>() -> io::Result<()> {
    let rx = bound::<D>()?;
    rx.set_recv_ecn(true)?;
    rx.set_recv_ttl(true)?;
    rx.set_recv_pktinfo(true)?;
    rx.set_recv_timestamp(true)?;
    let rx = Async::new(rx)?;
    let tx = Async::new(bound::<D>()?)?;
    let to = rx.get_ref().local_addr()?;
    let meta = SendMeta {
        ecn: Some(Ecn::Ce),
        ttl: Some(7),
        ..SendMeta::default()
    };
    let mut buf = [0u8; 16];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    // Stamping switches on asynchronously: retry (bounded) until stamped.
    for _ in 0..200 {
        let before = SystemTime::now();
        assert_eq!(tx.send_with_meta(b"meta", &to, &meta).await?, 4);
        let got = rx.recv_msg(&mut buf, &mut control).await?;
        let after = SystemTime::now();
        let m = got.meta()?;
        assert_eq!((got.len, m.ecn, m.ttl), (4, Some(Ecn::Ce), Some(7)));
        assert_eq!(m.dst_ip, Some(D::loopback_ip()));
        assert_eq!(got.source, tx.get_ref().local_addr()?);
        if let Some(ts) = m.timestamp {
            let ts = ts.to_system_time();
            assert!(before <= ts && ts <= after, "{before:?} <= {ts:?} <= {after:?}");
            // Too small a control buffer: reported, not lost silently.
            tx.send_with_meta(b"cut", &to, &meta).await?;
            let mut small = [0u8; 24];
            let got = rx.recv_msg(&mut buf, &mut small).await?;
            assert!(got.control_truncated());
            let e = got.meta().unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(e.to_string().contains("MSG_CTRUNC"), "{e}");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no datagram got a receive timestamp within 2 s")
}

async fn closed_port_error<D: Family>() -> io::Result<()> {
    let port = D::port(&bound::<D>()?.local_addr()?);
    let closed = D::localhost(port);
    let s = bound::<D>()?.connect(closed.clone())?;
    s.set_recv_errors(true)?;
    let s = Async::new(s)?;
    s.send(b"anyone?").await?;
    let mut buf = [0u8; 16];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    let q = s.recv_error(&mut buf, &mut control).await?;
    let origin = if D::FAMILY == libc::AF_INET {
        ErrorOrigin::Icmp
    } else {
        ErrorOrigin::Icmp6
    };
    assert_eq!((q.error.errno, q.error.origin), (libc::ECONNREFUSED, origin));
    assert_eq!(q.error.offender.map(|a| a.ip()), Some(D::loopback_ip()));
    assert_eq!(q.destination, Some(closed));
    assert_eq!(&buf[..q.len], b"anyone?");
    Ok(())
}

async fn slots_never_mix<D: Family>() -> io::Result<()> {
    let rx = bound::<D>()?;
    rx.set_recv_ecn(true)?;
    rx.set_recv_ttl(true)?;
    let rx = Async::new(rx)?;
    let tx = Async::new(bound::<D>()?)?;
    let to = rx.get_ref().local_addr()?;
    let ecns = [Ecn::Ce, Ecn::Ect0, Ecn::NotEct, Ecn::Ect1];
    for i in 0..8u8 {
        let meta = SendMeta {
            ecn: Some(ecns[usize::from(i) % 4]),
            ttl: Some(30 + i),
            ..SendMeta::default()
        };
        tx.send_with_meta(&[i], &to, &meta).await?;
    }
    let mut slots = RecvSlots::<D>::new(8)?;
    let mut storage = [[0u8; 8]; 8];
    let mut seen = 0;
    while seen < 8 {
        let mut bufs: Vec<IoSliceMut<'_>> = storage.iter_mut().map(|b| IoSliceMut::new(b)).collect();
        let n = rx.recv_slots(&mut slots, &mut bufs).await?;
        drop(bufs);
        for (j, payload) in storage.iter().enumerate().take(n) {
            assert_eq!(slots.len_of(j)?, 1);
            let i = payload[0];
            let m = slots.meta(j)?;
            assert_eq!((m.ecn, m.ttl), (Some(ecns[usize::from(i) % 4]), Some(30 + i)));
            assert!(!m.control_truncated);
        }
        seen += n;
    }
    Ok(())
}

async fn within<F: std::future::Future<Output = io::Result<()>>>(f: F) {
    tokio::time::timeout(LIMIT, f).await.expect("within the limit").unwrap();
}

#[tokio::test]
async fn ce_ttl_destination_timestamp_truncation_v4() {
    within(fields::<Ipv4>()).await;
}

#[tokio::test]
async fn ce_ttl_destination_timestamp_truncation_v6() {
    within(fields::<Ipv6>()).await;
}

#[tokio::test]
async fn closed_port_gives_typed_icmp_error_v4() {
    within(closed_port_error::<Ipv4>()).await;
}

#[tokio::test]
async fn closed_port_gives_typed_icmp_error_v6() {
    within(closed_port_error::<Ipv6>()).await;
}

#[tokio::test]
async fn slots_never_mix_metadata_v4() {
    within(slots_never_mix::<Ipv4>()).await;
}

#[tokio::test]
async fn slots_never_mix_metadata_v6() {
    within(slots_never_mix::<Ipv6>()).await;
}

#[tokio::test]
async fn wildcard_socket_reports_destination() {
    within(async {
        let rx = RawSocket::<Ipv6, Datagram>::new()?.bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0))?;
        rx.set_recv_pktinfo(true)?;
        let rx = Async::new(rx)?;
        let port = rx.get_ref().local_addr()?.port();
        let rx4 = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))?;
        rx4.set_recv_pktinfo(true)?;
        let rx4 = Async::new(rx4)?;
        let port4 = rx4.get_ref().local_addr()?.port();
        let tx4 = Async::new(bound::<Ipv4>()?)?;
        let tx6 = Async::new(bound::<Ipv6>()?)?;
        let mut buf = [0u8; 8];
        let mut control = [0u8; RECV_CONTROL_SPACE];
        for dst in [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(127, 0, 0, 2)] {
            tx4.get_ref().send_to(b"4", &SocketAddrV4::new(dst, port4))?;
            let m = rx4.recv_msg(&mut buf, &mut control).await?.meta()?;
            assert_eq!(m.dst_ip, Some(IpAddr::V4(dst)));
            // The dual-stack socket: IPv4-mapped traffic too.
            tx4.get_ref().send_to(b"m", &SocketAddrV4::new(dst, port))?;
            let m = rx.recv_msg(&mut buf, &mut control).await?.meta()?;
            assert_eq!(m.dst_ip, Some(IpAddr::V4(dst)));
        }
        tx6.get_ref().send_to(b"6", &SocketAddrV6::localhost(port))?;
        let m = rx.recv_msg(&mut buf, &mut control).await?.meta()?;
        assert_eq!(m.dst_ip, Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        Ok(())
    })
    .await;
}
