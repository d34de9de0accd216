//! Bad input through the Rust API: malformed and over-long address
//! strings, non-UTF-8 paths, paths at and past the `sun_path` limit (never
//! silently truncated, checked through the kernel's own answer), IPv6
//! scope ids that name no interface or fail, zero and huge lengths. Every
//! case must give a clear `InvalidInput` error that names the problem and
//! carries the errno the C ABI reports, or work exactly; nothing panics,
//! aborts or leaks.

mod common;

use std::ffi::OsStr;
use std::io;
use std::net::Ipv6Addr;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use common::{TIMEOUT, fd_count};
use wirelane::addr::SUN_PATH_CAPACITY;
use wirelane::batch::{MAX_BATCH, MAX_UDP_SEGMENTS, RecvBatch, SendBatch};
use wirelane::cmsg::{ControlMessages, ParsedMessage, SCM_MAX_FD};
use wirelane::error::errno_of;
use wirelane::fdpass::{recv_fds, send_fds};
use wirelane::{
    ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, MsgFlags, RawSocket, SocketAddrV4, SocketAddrV6, Stream,
    Unix, UnixAddr, set_linger,
};

/// The tests run one at a time: two of them count the process's descriptors.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Checks an error is `InvalidInput` with `errno` and a message that says
/// something (and mentions `needle` when given).
fn invalid(e: &io::Error, errno: i32, needle: Option<&str>) {
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    assert_eq!(errno_of(e), errno, "{e}");
    let msg = e.to_string();
    assert!(msg.len() > 10, "message too vague: {msg:?}");
    if let Some(n) = needle {
        assert!(msg.contains(n), "{msg:?} does not mention {n:?}");
    }
}

// ---------------------------------------------------------------- strings

#[test]
fn malformed_address_strings_are_refused_by_name() {
    let _serial = serial();
    let long = "9".repeat(1 << 16);
    let inputs: Vec<String> = [
        "",
        " ",
        ":",
        ":80",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:80 ",
        " 127.0.0.1:80",
        "127.0.0.1:80\n",
        "127.0.0.1:80\0",
        "256.0.0.1:80",
        "1.2.3:80",
        "1.2.3.4.5:80",
        "0x7f.0.0.1:80",
        "localhost:80",
        "[127.0.0.1]:80",
        "::1:80",
        "[::1]",
        "[::1]:",
        "[::1]:99999",
        "[::g]:80",
        "[fe80::1%eth0]:80",
        "[fe80::1%]:80",
        "[::1:80",
        "::1]:80",
        "[[::1]]:80",
        "１２７.0.0.1:80",
        "127.0.0.1:８０",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([long.clone(), format!("127.0.0.1:{long}"), format!("[{long}]:1")])
    .collect();
    let mut tried = 0;
    for s in &inputs {
        let shown = format!("{s:?}");
        let shown = &shown[..shown.len().min(40)];
        if let Err(e) = s.parse::<SocketAddrV4>() {
            invalid(&e, libc::EINVAL, Some("IPv4"));
            assert!(e.to_string().contains(&shown[..shown.len().min(20)]));
        } else {
            panic!("{shown} parsed as IPv4");
        }
        match s.parse::<SocketAddrV6>() {
            Err(e) => invalid(&e, libc::EINVAL, Some("IPv6")),
            Ok(a) => panic!("{shown} parsed as IPv6: {a}"),
        }
        tried += 2;
    }
    // The same strings as Unix addresses: anything that fits is a path
    // (or an abstract name, or unnamed); the rest is ENAMETOOLONG or
    // EINVAL (NUL byte), never truncated.
    for s in &inputs {
        match s.parse::<UnixAddr>() {
            Ok(a) if s.is_empty() => assert!(a.is_unnamed()),
            Ok(a) => assert_eq!(a.as_pathname().unwrap().as_os_str().as_bytes(), s.as_bytes()),
            Err(e) if s.contains('\0') => invalid(&e, libc::EINVAL, Some("NUL")),
            Err(e) => {
                assert!(s.len() >= SUN_PATH_CAPACITY, "{s:?} refused: {e}");
                invalid(&e, libc::ENAMETOOLONG, Some("sun_path"));
            }
        }
        tried += 1;
    }
    println!("malformed address strings: {tried} inputs tried, all refused or exact");
}

// ------------------------------------------------------------------ paths

/// A directory whose path is exactly `len` bytes plus a file name that
/// brings the whole path to `total` bytes.
fn path_of_len(dir: &Path, total: usize) -> std::path::PathBuf {
    let base = dir.as_os_str().len() + 1;
    assert!(total > base + 2);
    dir.join("s".repeat(total - base))
}

fn scratch_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("wl-hin-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn paths_at_the_sun_path_limit_are_exact_through_the_kernel() {
    let _serial = serial();
    let dir = scratch_dir("limit");
    let before = fd_count();
    // 107 bytes: the longest path with its NUL. Bind, read back through
    // getsockname, connect through it: the same 107 bytes everywhere.
    let max = path_of_len(&dir, SUN_PATH_CAPACITY - 1);
    let addr = UnixAddr::new(&max).unwrap();
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(1)
        .unwrap();
    let local = l.local_addr().unwrap();
    assert_eq!(local.as_pathname().unwrap(), max.as_path());
    assert_eq!(local, addr);
    let c = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    assert_eq!(c.peer_addr().unwrap(), addr);
    drop((c, l));
    // 108 and beyond: refused before any syscall, naming the limit.
    for len in [SUN_PATH_CAPACITY, SUN_PATH_CAPACITY + 1, 4096] {
        let p = path_of_len(&dir, len);
        let e = UnixAddr::new(&p).unwrap_err();
        invalid(&e, libc::ENAMETOOLONG, Some(&format!("{len} bytes")));
        assert!(!p.exists());
    }
    // Abstract names: 107 bytes after the NUL, any bytes, exact.
    // Every byte value but the leading NUL's role, unique per process.
    let mut name: Vec<u8> = (0..SUN_PATH_CAPACITY as u8 - 1).map(|i| i.wrapping_mul(37)).collect();
    name[..4].copy_from_slice(&std::process::id().to_ne_bytes());
    let a = UnixAddr::abstract_name(&name).unwrap();
    let d = RawSocket::<Unix, Datagram>::new().unwrap().bind(a).unwrap();
    assert_eq!(d.local_addr().unwrap().as_abstract_name(), Some(&name[..]));
    drop(d);
    invalid(
        &UnixAddr::abstract_name(&[7; SUN_PATH_CAPACITY]).unwrap_err(),
        libc::ENAMETOOLONG,
        Some("abstract"),
    );
    assert_eq!(fd_count(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn non_utf8_paths_work_byte_for_byte() {
    let _serial = serial();
    let dir = scratch_dir("utf8");
    let raw: &[u8] = b"\xff\xfe-not-utf8-\xc3\x28.sock";
    let path = dir.join(OsStr::from_bytes(raw));
    let addr = UnixAddr::new(&path).unwrap();
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(1)
        .unwrap();
    assert!(path.exists(), "the socket file has the exact non-UTF-8 name");
    assert_eq!(
        l.local_addr().unwrap().as_pathname().unwrap().as_os_str().as_bytes(),
        path.as_os_str().as_bytes()
    );
    let c = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    let shown = c.peer_addr().unwrap().to_string();
    assert!(shown.contains("not-utf8"), "{shown}");
    drop((c, l));
    // A NUL anywhere is refused: C would cut the path there.
    let e = UnixAddr::new(OsStr::from_bytes(b"/tmp/a\0b")).unwrap_err();
    invalid(&e, libc::EINVAL, Some("NUL"));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------- IPv6 scopes

fn bound_interface(fd: &impl AsRawFd) -> i32 {
    let mut v: libc::c_int = -1;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: a valid int buffer and its length.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_BINDTOIFINDEX,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "{}", io::Error::last_os_error());
    v
}

fn loopback_index() -> u32 {
    // SAFETY: a NUL-terminated interface name.
    let i = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert!(i > 0, "no loopback interface");
    i
}

/// Regression: a failed bind/connect to a scoped link-local address used
/// to leave the socket bound to that interface (for a missing interface:
/// unusable for good), breaking "a failed transition hands the socket
/// back unharmed".
#[test]
fn scoped_ipv6_failures_leave_the_socket_usable() {
    let _serial = serial();
    let ll = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0x1234);
    let missing = SocketAddrV6::new(ll, 0, 0, 0x7fff_fff0);
    let s = RawSocket::<Ipv6, Stream>::new().unwrap();
    let e = s.bind(missing).unwrap_err();
    invalid(e.error(), libc::ENODEV, Some("names no network interface"));
    let s = e.into_socket();
    assert_eq!(bound_interface(&s), 0);
    let l = s.bind(SocketAddrV6::localhost(0)).unwrap().listen(1).unwrap();

    let e = RawSocket::<Ipv6, Stream>::new()
        .unwrap()
        .connect(SocketAddrV6::new(ll, 9, 0, 0x7fff_fff0))
        .unwrap_err();
    invalid(e.error(), libc::ENODEV, Some("scope id"));
    let c = e.into_socket().connect(l.local_addr().unwrap()).unwrap();
    drop(c);
    let e = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .connect(SocketAddrV6::new(ll, 9, 0, 0x7fff_fff0))
        .unwrap_err();
    invalid(e.error(), libc::ENODEV, None);

    // An existing interface where the address is not: the kernel's error,
    // and the binding it set is undone. Undoing needs CAP_NET_RAW; without
    // it the socket stays bound to that (existing) interface, as
    // SECURITY.md documents.
    let lo = loopback_index();
    let s = RawSocket::<Ipv6, Stream>::new().unwrap();
    let e = s.bind(SocketAddrV6::new(ll, 0, 0, lo)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{}", e.error());
    let s = e.into_socket();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(bound_interface(&s), 0, "binding not restored");
    } else {
        assert_eq!(bound_interface(&s), lo as i32);
    }
    drop(s.bind(SocketAddrV6::localhost(0)).unwrap());
}

// ---------------------------------------------------------------- lengths

#[test]
fn zero_and_huge_lengths() {
    let _serial = serial();
    let before = fd_count();
    // Zero-length stream send: a no-op, not an error. A zero-length recv
    // is the kernel's: like any recv it waits for data (here WouldBlock
    // instead of waiting), then returns 0 and consumes nothing, so a
    // caller must not take that 0 for end-of-stream.
    fn zero_len<D: wirelane::Domain>(a: &ConnectedStream<D>, b: &ConnectedStream<D>) {
        assert_eq!(a.send(&[]).unwrap(), 0);
        let e = b.recv_with_flags(&mut [], MsgFlags::DONTWAIT).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        a.send(b"z").unwrap();
        b.set_read_timeout(Some(TIMEOUT)).unwrap();
        assert_eq!(b.recv(&mut []).unwrap(), 0);
        assert_eq!(b.recv(&mut [0u8; 1]).unwrap(), 1);
    }
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    zero_len(&a, &b);
    let l4 = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(1)
        .unwrap();
    let c4 = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(l4.local_addr().unwrap())
        .unwrap();
    let s4 = l4.accept().unwrap();
    zero_len(&c4, &s4);
    drop((l4, c4, s4));
    // Zero-length datagram: a real, empty message.
    let d = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    d.set_read_timeout(Some(TIMEOUT)).unwrap();
    let me = d.local_addr().unwrap();
    assert_eq!(d.send_to(&[], &me).unwrap(), 0);
    let (n, from) = d.recv_from(&mut [0u8; 8]).unwrap();
    assert_eq!((n, from), (0, me));

    // Batches: zero, too many, unallocatable.
    invalid(&RecvBatch::<Ipv4>::new(0, 64).unwrap_err(), libc::EINVAL, None);
    invalid(
        &RecvBatch::<Ipv4>::new(MAX_BATCH + 1, 64).unwrap_err(),
        libc::EINVAL,
        None,
    );
    invalid(&RecvBatch::<Ipv4>::new(4, 0).unwrap_err(), libc::EINVAL, None);
    let e = RecvBatch::<Ipv4>::new(1, 1 << 50).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::OutOfMemory, "{e}");
    assert_eq!(errno_of(&e), libc::ENOMEM);
    let e = RecvBatch::<Ipv4>::new(MAX_BATCH, usize::MAX / 2).unwrap_err();
    assert_eq!(errno_of(&e), libc::EINVAL, "{e}");
    invalid(&SendBatch::<Ipv4>::with_capacity(0).unwrap_err(), libc::EINVAL, None);
    invalid(
        &SendBatch::<Ipv4>::with_capacity(MAX_BATCH + 1).unwrap_err(),
        libc::EINVAL,
        None,
    );

    // GSO: segment size 0, empty buffer, too many segments.
    invalid(&d.send_to_segmented(b"x", 0, &me).unwrap_err(), libc::EINVAL, None);
    invalid(&d.send_to_segmented(&[], 100, &me).unwrap_err(), libc::EINVAL, None);
    let big = vec![0u8; (MAX_UDP_SEGMENTS + 1) * 10];
    invalid(&d.send_to_segmented(&big, 10, &me).unwrap_err(), libc::EINVAL, None);

    // Descriptor passing: zero and too many descriptors, empty buffers.
    let stdin = std::io::stdin();
    let fd = std::os::fd::AsFd::as_fd(&stdin);
    invalid(&send_fds(&a, b"x", &[]).unwrap_err(), libc::EINVAL, Some("253"));
    invalid(
        &send_fds(&a, b"x", &vec![fd; SCM_MAX_FD + 1]).unwrap_err(),
        libc::EINVAL,
        Some("253"),
    );
    invalid(&send_fds(&a, &[], &[fd]).unwrap_err(), libc::EINVAL, Some("byte"));
    invalid(
        &recv_fds(&b, &mut [0u8; 1], 0).unwrap_err(),
        libc::EINVAL,
        Some("max_fds"),
    );
    invalid(
        &recv_fds(&b, &mut [0u8; 1], 254).unwrap_err(),
        libc::EINVAL,
        Some("max_fds"),
    );
    invalid(&recv_fds(&b, &mut [], 1).unwrap_err(), libc::EINVAL, Some("byte"));
    let (x, y) = ConnectedDatagram::<Unix>::pair().unwrap();
    send_fds(&x, &[], &[fd]).unwrap(); // datagrams may carry descriptors alone
    let (n, fds) = recv_fds(&y, &mut [], 1).unwrap();
    assert_eq!((n, fds.len()), (0, 1));
    drop(fds);

    // Huge backlog is clamped, zero/odd durations refused.
    let l = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(u32::MAX)
        .unwrap();
    invalid(
        &l.set_read_timeout(Some(Duration::ZERO)).unwrap_err(),
        libc::EINVAL,
        Some("zero"),
    );
    l.set_read_timeout(Some(Duration::MAX)).unwrap();
    invalid(
        &set_linger(&a, Some(Duration::from_millis(1500))).unwrap_err(),
        libc::EINVAL,
        Some("SO_LINGER"),
    );
    drop((a, b, d, x, y, l));
    assert_eq!(fd_count(), before);
}

/// Regression for the crash `fuzz/` found (`cmsg_parse`): `FdList::get`
/// with a huge index wrapped `i * 4` (descriptor 0 in release builds, a
/// panic in debug builds).
#[test]
fn fuzz_regression_fdlist_get_with_a_huge_index() {
    let _serial = serial();
    let input = include_bytes!("../fuzz/regressions/cmsg_parse/fdlist-get-index-overflow");
    let mut seen = 0;
    for m in ControlMessages::new(&input[1..]) {
        if let Ok(ParsedMessage::ScmRights(list)) = m {
            seen += 1;
            assert_eq!(list.get(list.len()), None);
            assert_eq!(list.get(usize::MAX / 4 + 1), None);
            assert_eq!(list.get(usize::MAX), None);
        }
    }
    assert_eq!(seen, 1, "the regression input holds one SCM_RIGHTS message");
}

/// Wrong-family conversions name both families and carry EAFNOSUPPORT.
#[test]
fn wrong_family_conversions() {
    let _serial = serial();
    let v6: std::net::SocketAddr = "[::1]:1".parse().unwrap();
    let v4: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
    invalid(
        &SocketAddrV4::try_from(v6).unwrap_err(),
        libc::EAFNOSUPPORT,
        Some("AF_INET6"),
    );
    invalid(
        &SocketAddrV6::try_from(v4).unwrap_err(),
        libc::EAFNOSUPPORT,
        Some("AF_INET"),
    );
}
