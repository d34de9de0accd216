//! Address parsing: any input to `SocketAddrV4`/`SocketAddrV6`/`UnixAddr`
//! `FromStr`, and any bytes (non-UTF-8 included) as a Unix path or
//! abstract name. Nothing may panic; every accepted address must survive
//! Display -> parse and the kernel form (to_raw -> from_raw) unchanged;
//! every refusal must be `InvalidInput` with the errno the C ABI reports;
//! and a path is accepted exactly when it fits `sun_path`, never truncated.
#![no_main]

extern crate wirelane_core as wirelane;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;

use libfuzzer_sys::fuzz_target;
use wirelane::addr::SUN_PATH_CAPACITY;
use wirelane::addr::fuzzing::round_trip;
use wirelane::error::errno_of;
use wirelane::{SocketAddrV4, SocketAddrV6, UnixAddr};

fn refused(e: &io::Error, errnos: &[i32]) {
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    assert!(errnos.contains(&errno_of(e)), "errno {} for {e}", errno_of(e));
    assert!(!e.to_string().is_empty());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    match text.parse::<SocketAddrV4>() {
        Ok(a) => {
            assert_eq!(a.to_string().parse::<SocketAddrV4>().unwrap(), a);
            assert_eq!(round_trip(&a).unwrap(), a);
        }
        Err(e) => refused(&e, &[libc::EINVAL]),
    }

    match text.parse::<SocketAddrV6>() {
        Ok(a) => {
            assert_eq!(a.to_string().parse::<SocketAddrV6>().unwrap(), a);
            assert_eq!(round_trip(&a).unwrap(), a);
        }
        Err(e) => refused(&e, &[libc::EINVAL]),
    }

    match text.parse::<UnixAddr>() {
        Ok(a) => {
            let _ = a.to_string();
            assert_eq!(round_trip(&a).unwrap(), a);
            if let Some(name) = text.strip_prefix('@') {
                assert_eq!(a.as_abstract_name(), Some(name.as_bytes()));
            } else if text.is_empty() {
                assert!(a.is_unnamed());
            } else {
                assert_eq!(a.as_pathname().unwrap().as_os_str().as_bytes(), text.as_bytes());
            }
        }
        Err(e) => refused(&e, &[libc::EINVAL, libc::ENAMETOOLONG]),
    }

    // Raw bytes as a path: accepted exactly when non-empty, NUL-free and
    // short enough for sun_path with its NUL; then stored in full.
    let fits = !data.is_empty() && !data.contains(&0) && data.len() < SUN_PATH_CAPACITY;
    match UnixAddr::new(OsStr::from_bytes(data)) {
        Ok(a) => {
            assert!(fits, "accepted a path that cannot fit: {} bytes", data.len());
            assert_eq!(a.as_pathname().unwrap().as_os_str().as_bytes(), data);
            assert_eq!(round_trip(&a).unwrap(), a);
            let _ = a.to_string();
        }
        Err(e) => {
            assert!(!fits, "refused a valid path: {e}");
            refused(&e, &[libc::EINVAL, libc::ENAMETOOLONG]);
        }
    }

    // Raw bytes as an abstract name: any bytes, up to 107.
    match UnixAddr::abstract_name(data) {
        Ok(a) => {
            assert!(data.len() < SUN_PATH_CAPACITY);
            assert_eq!(a.as_abstract_name(), Some(data));
            assert_eq!(round_trip(&a).unwrap(), a);
            let _ = a.to_string();
        }
        Err(e) => {
            assert!(data.len() >= SUN_PATH_CAPACITY);
            refused(&e, &[libc::ENAMETOOLONG]);
        }
    }
});
