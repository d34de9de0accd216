//! Control-message parsing on arbitrary bytes (`ControlMessages`, as after
//! a `recvmsg` from a hostile peer or a corrupt buffer). Nothing may panic
//! or read outside the buffer; the iteration must end; `FdList` must
//! answer `None` for every index past its end (huge ones included); the
//! messages that parsed must encode (`CmsgEncoder`) and parse back to the
//! same values; an encoder with too little room must fail whole, writing
//! nothing.
#![no_main]

extern crate wirelane_core as wirelane;
use std::io;

use libfuzzer_sys::fuzz_target;
use wirelane::cmsg::{self, CmsgEncoder, CmsgError, ControlMessage, ControlMessages, ParsedMessage};

fuzz_target!(|data: &[u8]| {
    let Some((&probe, buf)) = data.split_first() else {
        return;
    };
    let mut parsed = Vec::new();
    let mut steps = 0;
    for item in ControlMessages::new(buf) {
        steps += 1;
        assert!(steps <= buf.len() / 16 + 1, "the parser does not advance");
        match item {
            Ok(m) => {
                if let ParsedMessage::ScmRights(list) = m {
                    let fds: Vec<_> = list.iter().collect();
                    assert_eq!(fds.len(), list.len());
                    for (i, fd) in fds.iter().enumerate() {
                        assert_eq!(list.get(i), Some(*fd));
                    }
                    assert_eq!(list.get(fds.len()), None);
                    assert_eq!(list.get(usize::MAX / 4 + 1 + usize::from(probe)), None);
                    assert_eq!(list.get(usize::MAX - usize::from(probe)), None);
                }
                let _ = format!("{m:?}");
                parsed.push(m);
            }
            Err(e) => {
                assert!(!matches!(
                    e,
                    CmsgError::BufferTooSmall { .. } | CmsgError::RightsCount(_)
                ));
                let _ = e.to_string();
                let e: io::Error = e.into();
                assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            }
        }
    }

    // The raw walk (what the C ABI's wl_cmsg_first / wl_cmsg_next cursor
    // runs) yields the same messages; each header lies inside the buffer,
    // its data too, and a walk resumed at any reported offset (the C
    // cursor's `next`, which a caller may also corrupt) stays bounded and
    // agrees with the rest of the first walk.
    let mut walk = ControlMessages::new(buf);
    let mut raw_items = Vec::new();
    while let Some(item) = walk.next_raw() {
        let at = walk.next_offset();
        assert!(at <= buf.len());
        match item {
            Ok((raw, typed)) => {
                assert!(raw.offset < buf.len() && raw.offset < at);
                let start = raw.data.as_ptr() as usize - buf.as_ptr() as usize;
                assert!(start + raw.data.len() <= buf.len());
                raw_items.push(Ok(typed));
                let rest: Vec<_> = ControlMessages::starting_at(buf, at).collect();
                let from_start: Vec<_> = ControlMessages::new(buf).skip(raw_items.len()).collect();
                assert_eq!(rest, from_start, "resuming at {at} differs");
            }
            Err(e) => raw_items.push(Err(e)),
        }
    }
    assert_eq!(raw_items, ControlMessages::new(buf).collect::<Vec<_>>());
    let odd = usize::from(probe) * 3 + 1;
    assert!(ControlMessages::starting_at(buf, odd).count() <= buf.len() / 16 + 1);
    assert_eq!(ControlMessages::starting_at(buf, usize::MAX).next(), None);

    // Re-encode what parsed. Rights go as raw data: the numbers in a byte
    // buffer are not descriptors this process owns.
    let rights: Vec<Vec<u8>> = parsed
        .iter()
        .map(|m| match m {
            ParsedMessage::ScmRights(l) => l.iter().flat_map(i32::to_ne_bytes).collect(),
            _ => Vec::new(),
        })
        .collect();
    let gro: Vec<[u8; 4]> = parsed
        .iter()
        .map(|m| match m {
            ParsedMessage::UdpGroSegment(s) => i32::from(*s).to_ne_bytes(),
            _ => [0; 4],
        })
        .collect();
    // The IP-level and timestamp messages re-encode as raw bytes rebuilt
    // from their parsed values (their receive forms carry fields a send
    // form does not), which must parse back to the same values.
    let ip_raw: Vec<Option<(i32, i32, Vec<u8>)>> = parsed.iter().map(ip_raw_form).collect();
    let msgs: Vec<ControlMessage<'_>> = parsed
        .iter()
        .enumerate()
        .map(|(i, m)| match *m {
            ParsedMessage::ScmRights(_) => ControlMessage::Unknown {
                level: libc::SOL_SOCKET,
                ty: libc::SCM_RIGHTS,
                data: &rights[i],
            },
            ParsedMessage::ScmCredentials(c) => ControlMessage::ScmCredentials(c),
            ParsedMessage::UdpGsoSegment(s) => ControlMessage::UdpGsoSegment(s),
            ParsedMessage::UdpGroSegment(_) => ControlMessage::Unknown {
                level: libc::SOL_UDP,
                ty: libc::UDP_GRO,
                data: &gro[i],
            },
            ParsedMessage::Unknown { level, ty, data } => ControlMessage::Unknown { level, ty, data },
            _ => {
                let (level, ty, data) = ip_raw[i].as_ref().expect("an IP-level message");
                ControlMessage::Unknown {
                    level: *level,
                    ty: *ty,
                    data,
                }
            }
        })
        .collect();
    let needed: usize = parsed
        .iter()
        .map(|m| match m {
            ParsedMessage::ScmRights(l) => cmsg::space(l.len() * 4),
            ParsedMessage::ScmCredentials(_) => cmsg::CREDENTIALS_SPACE,
            ParsedMessage::UdpGsoSegment(_) => cmsg::space(2),
            ParsedMessage::UdpGroSegment(_) => cmsg::space(4),
            ParsedMessage::Unknown { data, .. } => cmsg::space(data.len()),
            _ => cmsg::space(ip_raw_form(m).expect("an IP-level message").2.len()),
        })
        .sum();
    let mut out = vec![0u8; needed];
    let n = cmsg::encode(&mut out, &msgs).expect("exactly enough room");
    assert_eq!(n, needed);
    let again: Vec<_> = ControlMessages::new(&out[..n])
        .map(|m| m.expect("re-encoded message parses"))
        .collect();
    assert_eq!(again, parsed);

    // Too little room: the encoder refuses the message whole.
    if let Some(first) = msgs.first() {
        let room = usize::from(probe) % needed.max(1);
        let mut small = vec![0xeeu8; room];
        let mut enc = CmsgEncoder::new(&mut small);
        match enc.push(first) {
            Ok(()) => assert!(enc.len() <= room),
            Err(e) => {
                assert!(matches!(e, CmsgError::BufferTooSmall { .. }), "{e}");
                assert!(enc.is_empty());
                assert!(small.iter().all(|&b| b == 0xee), "a refused push wrote bytes");
            }
        }
    }
});

fn ts_bytes(t: &cmsg::KernelTimestamp) -> Vec<u8> {
    let mut v = t.sec.to_ne_bytes().to_vec();
    v.extend_from_slice(&i64::from(t.nsec).to_ne_bytes());
    v
}

/// The raw `(level, type, data)` of an IP-level or timestamp message,
/// rebuilt from its parsed values; `None` for the other kinds.
fn ip_raw_form(m: &ParsedMessage<'_>) -> Option<(i32, i32, Vec<u8>)> {
    let int = |v: u8| i32::from(v).to_ne_bytes().to_vec();
    Some(match *m {
        ParsedMessage::IpTos(v) => (libc::IPPROTO_IP, libc::IP_TOS, vec![v]),
        ParsedMessage::IpTtl(v) => (libc::IPPROTO_IP, libc::IP_TTL, int(v)),
        ParsedMessage::Ipv6TClass(v) => (libc::IPPROTO_IPV6, libc::IPV6_TCLASS, int(v)),
        ParsedMessage::Ipv6HopLimit(v) => (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT, int(v)),
        ParsedMessage::Ipv4PktInfo { ifindex, spec_dst, addr } => {
            let mut d = ifindex.to_ne_bytes().to_vec();
            d.extend_from_slice(&spec_dst.octets());
            d.extend_from_slice(&addr.octets());
            (libc::IPPROTO_IP, libc::IP_PKTINFO, d)
        }
        ParsedMessage::Ipv6PktInfo { addr, ifindex } => {
            let mut d = addr.octets().to_vec();
            d.extend_from_slice(&ifindex.to_ne_bytes());
            (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO, d)
        }
        ParsedMessage::TimestampNs(t) => (libc::SOL_SOCKET, libc::SCM_TIMESTAMPNS, ts_bytes(&t)),
        ParsedMessage::Timestamping { software, hardware } => {
            let mut d = ts_bytes(&software);
            d.extend_from_slice(&[0; 16]);
            d.extend_from_slice(&ts_bytes(&hardware));
            (libc::SOL_SOCKET, libc::SCM_TIMESTAMPING, d)
        }
        ParsedMessage::ExtendedError(e) => {
            let mut d = e.errno.to_ne_bytes().to_vec();
            d.extend_from_slice(&[e.origin.to_raw(), e.icmp_type, e.icmp_code, 0]);
            d.extend_from_slice(&e.info.to_ne_bytes());
            d.extend_from_slice(&e.data.to_ne_bytes());
            match e.offender {
                Some(std::net::SocketAddr::V4(a)) => {
                    d.extend_from_slice(&(libc::AF_INET as libc::sa_family_t).to_ne_bytes());
                    d.extend_from_slice(&a.port().to_be_bytes());
                    d.extend_from_slice(&a.ip().octets());
                    d.extend_from_slice(&[0; 8]);
                }
                Some(std::net::SocketAddr::V6(a)) => {
                    d.extend_from_slice(&(libc::AF_INET6 as libc::sa_family_t).to_ne_bytes());
                    d.extend_from_slice(&a.port().to_be_bytes());
                    d.extend_from_slice(&a.flowinfo().to_be_bytes());
                    d.extend_from_slice(&a.ip().octets());
                    d.extend_from_slice(&a.scope_id().to_ne_bytes());
                }
                None => {}
            }
            (libc::IPPROTO_IP, libc::IP_RECVERR, d)
        }
        _ => return None,
    })
}
