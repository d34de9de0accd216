//! Decoding kernel-form addresses (`AddrCodec::from_raw`, reached through
//! the hidden `wirelane::addr::fuzzing` entry point): any storage bytes
//! with any reported length, as the kernel or a hostile descriptor could
//! hand back. Nothing may panic or read out of bounds; every decoded
//! address must re-encode and decode to itself.
#![no_main]

extern crate wirelane_core as wirelane;
use libfuzzer_sys::fuzz_target;
use wirelane::addr::fuzzing::{decode, round_trip};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    // The first 4 bytes are the reported length, raw: it may exceed the
    // storage, be zero, or sit one past sizeof(sockaddr_un) (unix(7) BUGS).
    let len = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]);
    let len = match data[0] & 0x3 {
        0 => len % 130, // mostly plausible lengths
        _ => len,
    };
    let (v4, v6, unix) = decode(&data[4..], len);
    if let Ok(a) = v4 {
        assert_eq!(round_trip(&a).unwrap(), a);
        let _ = a.to_string();
    }
    if let Ok(a) = v6 {
        assert_eq!(round_trip(&a).unwrap(), a);
        let _ = a.to_string();
    }
    if let Ok(a) = unix {
        assert_eq!(round_trip(&a).unwrap(), a);
        let _ = (a.to_string(), a.as_pathname(), a.as_abstract_name(), a.is_unnamed());
    }
});
