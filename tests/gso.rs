//! UDP GSO (one send, many datagrams) and GRO (many datagrams, one
//! receive) on loopback.

use std::io::ErrorKind;
use std::os::fd::AsFd;
use std::time::Duration;

use wirelane::batch::{
    MAX_UDP_SEGMENTS, RecvBatch, WAITFORONE, max_udp_payload, set_udp_gro, set_udp_segment, udp_gro, udp_segment,
};
use wirelane::*;

const TIMEOUT: Duration = Duration::from_secs(5);
const SEG: u16 = 1200;

fn udp4() -> BoundDatagram<Ipv4> {
    let s = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

fn udp6() -> BoundDatagram<Ipv6> {
    let s = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s
}

/// `len` bytes where segment `i` (of `SEG` bytes) starts with `i` and the
/// rest is a pattern depending on the segment and position.
fn train(len: usize) -> Vec<u8> {
    (0..len)
        .map(|k| {
            let (seg, off) = (k / usize::from(SEG), k % usize::from(SEG));
            if off == 0 {
                seg as u8
            } else {
                (seg * 31 + off * 7) as u8
            }
        })
        .collect()
}

/// Receives datagrams with GRO off until `expect.len()` bytes arrived as
/// `SEG`-sized datagrams; checks each one.
fn recv_as_datagrams<D: Domain>(rx: &BoundDatagram<D>, expect: &[u8]) {
    let want = expect.len().div_ceil(usize::from(SEG));
    let mut batch = RecvBatch::<D>::new(64, 2048).unwrap();
    let mut pieces = Vec::new();
    while pieces.len() < want {
        rx.recv_batch(&mut batch, WAITFORONE).unwrap();
        for m in batch.iter() {
            assert_eq!(m.gro_segment(), None, "GRO is off: no coalescing");
            pieces.push(m.data().to_vec());
        }
    }
    assert_eq!(pieces.len(), want, "one datagram per segment");
    for (i, (got, exp)) in pieces.iter().zip(expect.chunks(usize::from(SEG))).enumerate() {
        assert_eq!(got.as_slice(), exp, "segment {i}");
    }
}

#[test]
fn gso_send_arrives_as_separate_datagrams_ipv4() {
    let rx = udp4();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    // 40 full segments and a short last one.
    let buf = train(40 * 1200 + 500);
    let r = tx.send_segmented(&buf, SEG).unwrap();
    assert!(r.offloaded, "loopback supports UDP GSO: {:?}", r.fallback_reason);
    assert_eq!((r.bytes, r.datagrams), (buf.len(), 41));
    recv_as_datagrams(&rx, &buf);
}

#[test]
fn gso_send_to_arrives_as_separate_datagrams_ipv6() {
    let rx = udp6();
    let tx = udp6();
    let buf = train(50 * 1200);
    let r = tx.send_to_segmented(&buf, SEG, &rx.local_addr().unwrap()).unwrap();
    assert!(r.offloaded);
    assert_eq!((r.bytes, r.datagrams), (buf.len(), 50));
    recv_as_datagrams(&rx, &buf);
}

fn need_gro(seg: Option<u16>) -> u16 {
    seg.unwrap_or_else(|| {
        panic!(
            "the kernel did not coalesce a GSO train on loopback (no UDP_GRO control message): \
             UDP GRO needs Linux >= 5.0; this kernel is {}",
            std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default()
        )
    })
}

#[test]
fn gro_receives_a_coalesced_train_with_its_segment_size() {
    let rx = udp4();
    set_udp_gro(&rx, true).unwrap();
    assert!(udp_gro(&rx).unwrap());
    let tx = udp4();
    let buf = train(20 * 1200 + 77);
    let r = tx.send_to_segmented(&buf, SEG, &rx.local_addr().unwrap()).unwrap();
    assert!(r.offloaded);

    let mut big = vec![0u8; 65536];
    let got = rx.recv_gro(&mut big).unwrap();
    assert_eq!(need_gro(got.segment_size), SEG);
    assert_eq!(got.len, buf.len(), "one receive, the whole train");
    assert!(!got.truncated);
    assert_eq!(got.source, tx.local_addr().unwrap());
    let segs: Vec<&[u8]> = got.segments(&big).collect();
    assert_eq!(segs.len(), 21);
    assert!(segs.iter().zip(buf.chunks(1200)).all(|(a, b)| a == &b));
}

#[test]
fn gro_through_a_recv_batch_and_connected_socket() {
    let rx = udp6();
    set_udp_gro(&rx, true).unwrap();
    let tx = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    let buf = train(30 * 1200);
    tx.send_segmented(&buf, SEG).unwrap();
    let mut batch = RecvBatch::<Ipv6>::new(4, 65536).unwrap();
    rx.recv_batch(&mut batch, WAITFORONE).unwrap();
    let m = batch.get(0).unwrap();
    assert_eq!(need_gro(m.gro_segment()), SEG);
    assert_eq!(m.data(), buf.as_slice());
    assert_eq!(m.segments().count(), 30);

    // recv_gro on a connected receiver.
    let s = udp6();
    let rx3 = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap()
        .connect(s.local_addr().unwrap())
        .unwrap();
    rx3.set_read_timeout(Some(TIMEOUT)).unwrap();
    set_udp_gro(&rx3, true).unwrap();
    s.send_to_segmented(&buf[..5 * 1200], SEG, &rx3.local_addr().unwrap())
        .unwrap();
    let mut big = vec![0u8; 65536];
    let got = rx3.recv_gro(&mut big).unwrap();
    assert_eq!((got.len, need_gro(got.segment_size)), (6000, SEG));
    assert_eq!(got.source, s.local_addr().unwrap());
}

/// Regression: the first receive gets a plain datagram (no control
/// message, so the kernel sets `msg_controllen` to 0); the reused batch
/// must still deliver the next message's `UDP_GRO` control message.
#[test]
fn reused_batch_still_reports_gro_after_a_plain_datagram() {
    let rx = udp4();
    set_udp_gro(&rx, true).unwrap();
    let tx = udp4();
    let to = rx.local_addr().unwrap();
    let mut batch = RecvBatch::<Ipv4>::new(1, 65536).unwrap();

    tx.send_to(b"plain", &to).unwrap();
    rx.recv_batch(&mut batch, WAITFORONE).unwrap();
    let m = batch.get(0).unwrap();
    assert_eq!((m.data(), m.gro_segment()), (&b"plain"[..], None));

    let buf = train(10 * 1200);
    tx.send_to_segmented(&buf, SEG, &to).unwrap();
    rx.recv_batch(&mut batch, WAITFORONE).unwrap();
    let m = batch.get(0).unwrap();
    assert!(!m.control_truncated(), "msg_controllen was not reset");
    assert_eq!(need_gro(m.gro_segment()), SEG);
    assert_eq!(m.data(), buf.as_slice());
}

#[test]
fn over_limit_requests_are_rejected_before_sending() {
    let tx = udp4();
    let to = udp4().local_addr().unwrap();
    let check = |r: std::io::Result<_>, needle: &str| {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains(needle), "{e:?} should mention {needle}");
    };
    // 65 segments of 100 bytes.
    check(tx.send_to_segmented(&[1u8; 6500], 100, &to), "at most 64");
    assert_eq!(MAX_UDP_SEGMENTS, 64);
    // 64 is fine.
    assert_eq!(tx.send_to_segmented(&[1u8; 6400], 100, &to).unwrap().datagrams, 64);
    check(tx.send_to_segmented(&[1u8; 10], 0, &to), "segment size");
    check(tx.send_to_segmented(&[], 10, &to), "empty");
    let too_big = vec![0u8; max_udp_payload::<Ipv4>() + 1];
    check(tx.send_to_segmented(&too_big, SEG, &to), "65507");
    let e = tx.send_to_segmented(&too_big, SEG, &to).unwrap_err();
    assert_eq!(error::errno_of(&e), libc::EMSGSIZE);
}

#[test]
fn payload_limits_are_the_kernels() {
    // The largest payload the limits allow really goes out in one GSO
    // send (55 datagrams of up to 1200 bytes)...
    let rx4 = udp4();
    let tx4 = udp4();
    let max4 = train(max_udp_payload::<Ipv4>());
    let r = tx4.send_to_segmented(&max4, SEG, &rx4.local_addr().unwrap()).unwrap();
    assert_eq!((r.bytes, r.datagrams, r.offloaded), (65507, 55, true));
    recv_as_datagrams(&rx4, &max4);

    let rx6 = udp6();
    let tx6 = udp6();
    let max6 = train(max_udp_payload::<Ipv6>());
    let r = tx6.send_to_segmented(&max6, SEG, &rx6.local_addr().unwrap()).unwrap();
    assert_eq!((r.bytes, r.datagrams, r.offloaded), (65527, 55, true));
    recv_as_datagrams(&rx6, &max6);

    // ...and one byte more is what the kernel itself refuses (checked
    // through the socket-wide option, which bypasses our own check).
    set_udp_segment(&tx4, Some(SEG)).unwrap();
    let e = tx4.send_to(&train(65508), &rx4.local_addr().unwrap()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EMSGSIZE));
    set_udp_segment(&tx6, Some(SEG)).unwrap();
    let e = tx6.send_to(&train(65528), &rx6.local_addr().unwrap()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EMSGSIZE));
}

#[test]
fn kernel_refusal_falls_back_to_sendmmsg_and_says_so() {
    // SO_NO_CHECK (no UDP checksum) makes the kernel refuse GSO with EINVAL.
    let rx = udp4();
    let tx = udp4();
    let one: libc::c_int = 1;
    // SAFETY: valid socket and a pointer to an int of the given size.
    let rc = unsafe {
        libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(&tx),
            libc::SOL_SOCKET,
            libc::SO_NO_CHECK,
            (&one as *const libc::c_int).cast(),
            4,
        )
    };
    assert_eq!(rc, 0);
    let buf = train(12 * 1200);
    let r = tx.send_to_segmented(&buf, SEG, &rx.local_addr().unwrap()).unwrap();
    assert!(!r.offloaded, "GSO with SO_NO_CHECK must be refused");
    assert_eq!(
        r.fallback_reason.as_ref().and_then(|e| e.raw_os_error()),
        Some(libc::EINVAL)
    );
    assert_eq!((r.bytes, r.datagrams), (buf.len(), 12));
    recv_as_datagrams(&rx, &buf);
}

#[test]
fn socket_wide_segment_size() {
    let rx = udp4();
    let tx = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .connect(rx.local_addr().unwrap())
        .unwrap();
    assert_eq!(udp_segment(&tx).unwrap(), None);
    set_udp_segment(&tx, Some(SEG)).unwrap();
    assert_eq!(udp_segment(&tx).unwrap(), Some(SEG));
    let buf = train(3 * 1200);
    // A plain send is now segmented by the kernel.
    assert_eq!(tx.send(&buf).unwrap(), buf.len());
    recv_as_datagrams(&rx, &buf);
    set_udp_segment(&tx, None).unwrap();
    assert_eq!(udp_segment(&tx).unwrap(), None);
    let e = set_udp_segment(&tx, Some(0)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(!udp_gro(&tx.as_fd()).unwrap());
}
