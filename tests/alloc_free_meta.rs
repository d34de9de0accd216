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

#[test]
fn connected_metadata_and_raw_walks_allocate_nothing() {
    use wirelane::cmsg::{ControlMessages, ParsedMessage};
    use wirelane::meta::{Ecn, RECV_CONTROL_SPACE, RecvMeta, SendMeta};
    let new = || {
        RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap()
    };
    let (a, b) = (new(), new());
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    let tx = a.connect(ba).map_err(|e| e.into_parts().0).unwrap();
    let rx = b.connect(aa).map_err(|e| e.into_parts().0).unwrap();
    rx.set_read_timeout(Some(TIMEOUT)).unwrap();
    rx.set_recv_ecn(true).unwrap();
    rx.set_recv_ttl(true).unwrap();
    let meta = SendMeta {
        ecn: Some(Ecn::Ce),
        ttl: Some(7),
        ..SendMeta::default()
    };
    let payloads = [[2u8; 16]; 4];
    let mut batch = SendBatch::<Ipv4>::with_capacity(4).unwrap();
    let mut rb = RecvBatch::<Ipv4>::new(4, 64).unwrap();
    let mut buf = [0u8; 64];
    let mut control = [0u8; RECV_CONTROL_SPACE];
    // Warm up, then count.
    tx.send_with_meta(b"w", &meta).unwrap();
    rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
    let before = allocations();
    for _ in 0..50 {
        tx.send_with_meta(b"m", &meta).unwrap();
        let got = rx.recv_msg(&mut buf, &mut control, MsgFlags::NONE).unwrap();
        // The raw walk the C cursor uses: header, data and typed form.
        let mut walk = ControlMessages::new(got.control);
        let mut ttl = None;
        while let Some(item) = walk.next_raw() {
            let (raw, parsed) = item.unwrap();
            assert!(raw.offset < got.control.len());
            if let ParsedMessage::IpTtl(t) = parsed {
                ttl = Some(t);
            }
            let resumed = ControlMessages::starting_at(got.control, walk.next_offset());
            assert!(resumed.next_offset() <= got.control.len());
        }
        assert_eq!(ttl, Some(7));
        batch.clear();
        for p in &payloads {
            batch.push_connected_with_meta(p, &meta).unwrap();
        }
        assert_eq!(tx.send_batch(&mut batch).unwrap(), 4);
        let mut seen = 0;
        while seen < 4 {
            seen += rx.recv_batch(&mut rb, WAITFORONE).unwrap();
            for m in rb.iter() {
                let decoded = RecvMeta::from_control(m.control_bytes(), m.flags()).unwrap();
                assert_eq!((decoded.ecn, decoded.ttl), (Some(Ecn::Ce), Some(7)));
            }
        }
    }
    assert_eq!(allocations() - before, 0, "the connected metadata paths allocated");
}
