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
