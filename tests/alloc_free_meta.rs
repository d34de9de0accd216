//! Zero heap allocations on the metadata send/receive paths
//! (`wirelane::meta`): `send_with_meta`, `send_msg`, `recv_msg` with
//! `meta()`, `recv_slots`, and reused `SendBatch` slots with metadata and
//! `RecvBatch` metadata, counted by a per-thread `#[global_allocator]`
//! (the same counter as tests/alloc_free.rs).

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;

use std::io::IoSliceMut;

use common::TIMEOUT;
use wirelane::batch::{RecvBatch, SendBatch, WAITFORONE};
use wirelane::*;

#[test]
fn metadata_paths_allocate_nothing() {
    use wirelane::cmsg::ControlMessage;
    use wirelane::meta::{Ecn, RECV_CONTROL_SPACE, RecvSlots, SendMeta};
    let rx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    rx.set_read_timeout(Some(TIMEOUT)).unwrap();
    rx.set_recv_ecn(true).unwrap();
    rx.set_recv_ttl(true).unwrap();
    rx.set_recv_pktinfo(true).unwrap();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    let to = rx.local_addr().unwrap();
    let meta = SendMeta {
        ecn: Some(Ecn::Ce),
        ttl: Some(9),
        ..SendMeta::default()
    };
    let payloads = [[1u8; 32]; 8];
    let mut batch = SendBatch::<Ipv4>::with_capacity(8).unwrap();
    let mut rb = RecvBatch::<Ipv4>::new(8, 64).unwrap();
    let mut slots = RecvSlots::<Ipv4>::new(8).unwrap();
    let mut storage = [[0u8; 64]; 8];
    let mut buf = [0u8; 64];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    // Warm up (lazy statics, first syscalls), then count.
    tx.send_with_meta(b"w", &to, &meta).unwrap();
    rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE)
        .unwrap()
        .meta()
        .unwrap();
    let before = allocations();
    for _ in 0..50 {
        tx.send_with_meta(b"m", &to, &meta).unwrap();
        let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
        assert_eq!(got.meta().unwrap().ecn, Some(Ecn::Ce));
        tx.send_msg(b"c", &to, &[ControlMessage::IpTos(1)], MsgFlags::NONE)
            .unwrap();
        let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
        assert_eq!(got.meta().unwrap().ecn, Some(Ecn::Ect1));

        batch.clear();
        for p in &payloads {
            batch.push_with_meta(p, &to, &meta).unwrap();
        }
        assert_eq!(tx.send_batch(&mut batch).unwrap(), 8);
        let mut seen = 0;
        while seen < 8 {
            seen += rx.recv_batch(&mut rb, WAITFORONE).unwrap();
            for m in rb.iter() {
                assert_eq!(m.meta().unwrap().ttl, Some(9));
            }
        }
        assert_eq!(tx.send_batch(&mut batch).unwrap(), 8);
        let mut seen = 0;
        while seen < 8 {
            let mut bufs = storage.each_mut().map(|b| IoSliceMut::new(b));
            let n = rx.recv_slots(&mut slots, &mut bufs, WAITFORONE).unwrap();
            for i in 0..n {
                assert_eq!(slots.meta(i).unwrap().ttl, Some(9));
            }
            seen += n;
        }
    }
    assert_eq!(allocations() - before, 0, "the metadata paths allocated");
}
