//! Layer 1 (feature `tokio`) forms of the per-datagram metadata API:
//! recv_msg/send_with_meta/send_msg, batches whose slots carry their own
//! metadata, and the error queue awaited through EPOLLERR.
#![cfg(feature = "tokio")]

use std::time::Duration;

use wirelane::batch::{RecvBatch, SendBatch};
use wirelane::cmsg::{ControlMessage, ErrorOrigin};
use wirelane::meta::{Ecn, RECV_CONTROL_SPACE, SendMeta};
use wirelane::tokio::Async;
use wirelane::{Datagram, Ipv4, Ipv6, RawSocket, SocketAddrV4, SocketAddrV6};

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn recv_msg_and_send_with_meta() {
    tokio::time::timeout(LIMIT, async {
        let rx = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
        rx.set_recv_ecn(true)?;
        rx.set_recv_ttl(true)?;
        let rx = Async::new(rx)?;
        let tx = Async::new(RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?)?;
        let to = rx.get_ref().local_addr()?;
        let meta = SendMeta {
            ecn: Some(Ecn::Ce),
            ttl: Some(7),
            ..SendMeta::default()
        };
        let reader = async {
            let mut buf = [0u8; 16];
            let mut control = [0u8; RECV_CONTROL_SPACE];
            let got = rx.recv_msg(&mut buf, &mut control).await?;
            let m = got.meta()?;
            assert_eq!((got.len, m.ecn, m.ttl), (2, Some(Ecn::Ce), Some(7)));
            let got = rx.recv_msg(&mut buf, &mut control).await?;
            assert_eq!(got.meta()?.ecn, Some(Ecn::Ect1));
            std::io::Result::Ok(())
        };
        let writer = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send_with_meta(b"hi", &to, &meta).await?;
            tx.send_msg(b"yo", &to, &[ControlMessage::IpTos(0b01)]).await?;
            std::io::Result::Ok(())
        };
        let (r, w) = tokio::join!(reader, writer);
        r?;
        w
    })
    .await
    .expect("within the limit")
    .unwrap();
}

#[tokio::test]
async fn batch_with_metadata_keeps_slots_apart() {
    tokio::time::timeout(LIMIT, async {
        let rx = RawSocket::<Ipv6, Datagram>::new()?.bind(SocketAddrV6::localhost(0))?;
        rx.set_recv_ecn(true)?;
        rx.set_recv_ttl(true)?;
        let rx = Async::new(rx)?;
        let tx = Async::new(RawSocket::<Ipv6, Datagram>::new()?.bind(SocketAddrV6::localhost(0))?)?;
        let to = rx.get_ref().local_addr()?;
        let ecns = [Ecn::Ce, Ecn::Ect0, Ecn::NotEct, Ecn::Ect1];
        let payloads: Vec<[u8; 1]> = (0..8u8).map(|i| [i]).collect();
        let mut batch = SendBatch::<Ipv6>::with_capacity(8)?;
        for (i, p) in payloads.iter().enumerate() {
            let meta = SendMeta {
                ecn: Some(ecns[i % 4]),
                ttl: Some(20 + i as u8),
                ..SendMeta::default()
            };
            batch.push_with_meta(p, &to, &meta)?;
        }
        assert_eq!(tx.send_batch(&mut batch).await?, 8);
        let mut rb = RecvBatch::<Ipv6>::new(8, 16)?;
        let mut seen = 0;
        while seen < 8 {
            let n = rx.recv_batch(&mut rb).await?;
            for msg in rb.iter() {
                let i = usize::from(msg.data()[0]);
                let m = msg.meta()?;
                assert_eq!((m.ecn, m.ttl), (Some(ecns[i % 4]), Some(20 + i as u8)));
            }
            seen += n;
        }
        std::io::Result::Ok(())
    })
    .await
    .expect("within the limit")
    .unwrap();
}

#[tokio::test]
async fn recv_error_waits_for_the_icmp_error() {
    tokio::time::timeout(LIMIT, async {
        let port = RawSocket::<Ipv4, Datagram>::new()?
            .bind(SocketAddrV4::localhost(0))?
            .local_addr()?
            .port();
        let s = RawSocket::<Ipv4, Datagram>::new()?
            .bind(SocketAddrV4::localhost(0))?
            .connect(SocketAddrV4::localhost(port))?;
        s.set_recv_errors(true)?;
        let s = Async::new(s)?;
        s.send(b"x").await?;
        let mut buf = [0u8; 8];
        let mut control = [0u8; RECV_CONTROL_SPACE];
        let q = s.recv_error(&mut buf, &mut control).await?;
        assert_eq!(q.error.origin, ErrorOrigin::Icmp);
        assert_eq!(q.error.errno, libc::ECONNREFUSED);
        assert_eq!(q.error.offender.map(|a| a.ip()), Some("127.0.0.1".parse().unwrap()));
        std::io::Result::Ok(())
    })
    .await
    .expect("within the limit")
    .unwrap();
}
