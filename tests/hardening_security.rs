//! Security properties, each checked against the kernel and, where it
//! matters, against another (unprivileged) process:
//!
//! - every descriptor the library creates or receives is close-on-exec:
//!   a program started afterwards inherits none of them;
//! - received descriptors are bounded: more than the receiver accepts is
//!   an error and every one that arrived is closed;
//! - Unix peer credentials (`SO_PEERCRED`) identify the connecting
//!   process, and an unprivileged peer cannot forge `SCM_CREDENTIALS`;
//! - a filesystem socket is guarded by its file's permission bits (write
//!   permission to connect, search permission on the directories) and is
//!   created with the process umask applied; an abstract socket has no
//!   permission check at all, so a server must check credentials itself.
//!
//! The "other process" is a forked child. When the tests run as root it
//! drops to uid/gid 65534 (nobody) first, since root bypasses permission
//! bits; otherwise it is simply another process of the same user and the
//! modes used deny the owner as well. Children call only async-signal-safe
//! functions (raw syscalls and library calls that do not allocate).

mod common;

use std::fs::{self, File};
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use common::{TIMEOUT, fd_count, is_cloexec, unique_abstract};
use wirelane::cmsg::{self, CmsgBuffer, ControlMessage, SCM_MAX_FD};
use wirelane::fdpass::{recv_fd, recv_fds, recv_with_credentials, send_fds, set_passcred};
use wirelane::{
    ConnectedDatagram, ConnectedStream, Datagram, Ipv4, Ipv6, Listener, RawSocket, SocketAddrV4, SocketAddrV6, Stream,
    UCred, Unix, UnixAddr,
};

const NOBODY: u32 = 65534;

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time: they count descriptors and fork.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `child` in a forked process that is not privileged (nobody when
/// we are root) and returns its exit code. `child` must only call
/// async-signal-safe functions; it returns the code to exit with.
fn in_unprivileged_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: see the function's contract; the child ends with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        // SAFETY: async-signal-safe syscalls in the child.
        unsafe {
            if is_root()
                && (libc::setgroups(0, std::ptr::null()) != 0 || libc::setgid(NOBODY) != 0 || libc::setuid(NOBODY) != 0)
            {
                libc::_exit(100);
            }
            libc::_exit(child());
        }
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child died: status {status:#x}");
    let code = libc::WEXITSTATUS(status);
    assert_ne!(code, 100, "the child could not drop privileges");
    code
}

/// Connects to `addr` as a stream and returns 0 or the errno (for a child).
fn connect_errno(addr: UnixAddr) -> i32 {
    match RawSocket::<Unix, Stream>::new() {
        Err(e) => e.raw_os_error().unwrap_or(255),
        Ok(s) => match s.connect(addr) {
            Ok(c) => {
                drop(c);
                0
            }
            Err(e) => e.raw_os_error().unwrap_or(254),
        },
    }
}

/// The descriptor numbers a freshly started program (`sh`) has open: it
/// runs `ls` on its own descriptor table, so the listing holds what `sh`
/// inherited and nothing `ls` opened itself.
fn fds_of_a_new_program() -> Vec<RawFd> {
    let out = std::process::Command::new("sh")
        .args(["-c", "ls /proc/$$/fd"])
        .output()
        .expect("run sh and ls");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|n| n.parse().expect("a descriptor number"))
        .collect()
}

fn devnull() -> File {
    File::open("/dev/null").unwrap()
}

// ------------------------------------------------------------ descriptors

/// Every descriptor the library hands out, created or received, is
/// close-on-exec: a program started afterwards has none of them.
#[test]
fn no_descriptor_survives_exec() {
    let _s = serial();
    let l: Listener<Ipv4> = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap()
        .listen(4)
        .unwrap();
    let c = RawSocket::<Ipv4, Stream>::new()
        .unwrap()
        .connect(l.local_addr().unwrap())
        .unwrap();
    let a = l.accept().unwrap();
    let clone = a.try_clone().unwrap();
    let u = RawSocket::<Ipv6, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV6::localhost(0))
        .unwrap();
    let raw = RawSocket::<Unix, Stream>::new().unwrap();
    let (p, q) = ConnectedStream::<Unix>::pair().unwrap();
    let (x, y) = ConnectedDatagram::<Unix>::pair().unwrap();
    let null = devnull();
    send_fds(&p, b"f", &[null.as_fd(), null.as_fd(), null.as_fd()]).unwrap();
    let (_, received) = recv_fds(&q, &mut [0u8; 1], 3).unwrap();
    send_fds(&x, b"g", &[null.as_fd()]).unwrap();
    let one = recv_fd(&y).unwrap();

    let ours: Vec<(&str, RawFd)> = vec![
        ("listener", l.as_raw_fd()),
        ("connected", c.as_raw_fd()),
        ("accepted", a.as_raw_fd()),
        ("try_clone", clone.as_raw_fd()),
        ("udp", u.as_raw_fd()),
        ("raw", raw.as_raw_fd()),
        ("pair", p.as_raw_fd()),
        ("datagram pair", x.as_raw_fd()),
        ("received (recv_fds)", received[0].as_raw_fd()),
        ("received (recv_fd)", one.as_raw_fd()),
    ];
    let inherited = fds_of_a_new_program();
    assert!(inherited.len() >= 3, "the listing shows at least stdio: {inherited:?}");
    for (what, fd) in &ours {
        assert!(!inherited.contains(fd), "{what} (fd {fd}) leaked into a new program");
    }
    for fd in received.iter().chain([&one]) {
        assert!(is_cloexec(fd));
    }
}

/// A receiver bounds what it takes: the peer's excess is an error and
/// every descriptor that arrived is closed; nobody can push more than 253
/// in one message.
#[test]
fn received_descriptors_are_bounded_and_excess_is_closed() {
    let _s = serial();
    let null = devnull();
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    let before = fd_count();
    let all = vec![null.as_fd(); SCM_MAX_FD];
    for (sent, max) in [(SCM_MAX_FD, 1), (SCM_MAX_FD, 252), (2, 1), (17, 16)] {
        send_fds(&a, b"x", &all[..sent]).unwrap();
        let e = recv_fds(&b, &mut [0u8; 1], max).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("closed"), "{e}");
        assert_eq!(fd_count(), before, "{sent} sent, {max} allowed: descriptors leaked");
    }
    // recv_fd takes exactly one.
    send_fds(&a, b"y", &all[..5]).unwrap();
    assert!(recv_fd(&b).is_err());
    assert_eq!(fd_count(), before);
    // The full 253 arrive when allowed, all close-on-exec.
    send_fds(&a, b"z", &all).unwrap();
    let (_, fds) = recv_fds(&b, &mut [0u8; 1], SCM_MAX_FD).unwrap();
    assert_eq!(fds.len(), SCM_MAX_FD);
    assert!(fds.iter().all(is_cloexec));
    drop(fds);
    // 254 in one message: the library refuses before the kernel would.
    let too_many = vec![null.as_fd(); SCM_MAX_FD + 1];
    assert!(send_fds(&a, b"w", &too_many).is_err());
    // Sent raw in two control messages, the kernel refuses the total.
    let mut control = CmsgBuffer::<{ 2 * cmsg::rights_space(SCM_MAX_FD) }>::new();
    let n = cmsg::encode(
        control.as_mut_slice(),
        &[
            ControlMessage::ScmRights(&too_many[..200]),
            ControlMessage::ScmRights(&too_many[..54]),
        ],
    )
    .unwrap();
    assert_eq!(
        raw_sendmsg(a.as_fd(), b"v", &control.as_slice()[..n]),
        Err(libc::EINVAL)
    );
    assert_eq!(fd_count(), before);
}

fn raw_sendmsg(fd: BorrowedFd<'_>, data: &[u8], control: &[u8]) -> Result<usize, i32> {
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: all pointers refer to live buffers for the duration of the call.
    let rc = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_ptr() as *mut libc::c_void;
        msg.msg_controllen = control.len() as _;
        libc::sendmsg(fd.as_raw_fd(), &msg, libc::MSG_NOSIGNAL)
    };
    if rc < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(rc as usize)
    }
}

// ------------------------------------------------------------ credentials

/// `peer_credentials` names the process that connected (pid, and the uid
/// and gid it ran as), on an abstract socket that any local process may
/// reach: the server's only basis for an access decision.
#[test]
fn peer_credentials_identify_another_process() {
    let _s = serial();
    let addr = unique_abstract("sec-cred");
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(4)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    let code = in_unprivileged_child(|| connect_errno(addr));
    assert_eq!(code, 0, "the child could not connect: errno {code}");
    let conn = l.accept().unwrap();
    let cred = conn.peer_credentials().unwrap();
    // SAFETY: getpid/getuid/getgid have no preconditions.
    let (me, uid, gid) = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
    assert_ne!(cred.pid, me, "credentials of the child, not ours");
    assert!(cred.pid > 0);
    if is_root() {
        assert_eq!((cred.uid, cred.gid), (NOBODY, NOBODY));
    } else {
        assert_eq!((cred.uid, cred.gid), (uid, gid));
    }
    // Our own end, seen from the child's side, is us.
    let c = RawSocket::<Unix, Stream>::new().unwrap().connect(addr).unwrap();
    let s = l.accept().unwrap();
    assert_eq!(c.peer_credentials().unwrap(), UCred { pid: me, uid, gid });
    assert_eq!(s.peer_credentials().unwrap().pid, me);
}

/// An unprivileged process cannot claim another identity in
/// `SCM_CREDENTIALS`: the kernel refuses (`EPERM`); what the receiver
/// gets is what the kernel vouches for.
#[test]
fn unprivileged_peers_cannot_forge_credentials() {
    let _s = serial();
    let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
    set_passcred(&b, true).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    let forged = UCred { pid: 1, uid: 0, gid: 0 };
    let mut control = CmsgBuffer::<{ cmsg::CREDENTIALS_SPACE }>::new();
    let n = cmsg::encode(control.as_mut_slice(), &[ControlMessage::ScmCredentials(forged)]).unwrap();
    let control = *control.as_slice().first_chunk::<{ cmsg::CREDENTIALS_SPACE }>().unwrap();
    let code = in_unprivileged_child(|| {
        let forged_rc = match raw_sendmsg(a.as_fd(), b"forged", &control[..n]) {
            Ok(_) => 0,
            Err(e) => e,
        };
        // Then an honest message, with the credentials the kernel attaches.
        match raw_sendmsg(a.as_fd(), b"honest", &[]) {
            Ok(_) => forged_rc,
            Err(_) => 99,
        }
    });
    assert_eq!(code, libc::EPERM, "forged credentials were not refused");
    let mut buf = [0u8; 16];
    let (len, cred) = recv_with_credentials(&b, &mut buf).unwrap();
    assert_eq!(&buf[..len], b"honest", "the forged message must not arrive");
    let cred = cred.expect("SO_PASSCRED attaches credentials");
    assert_ne!(cred.pid, 1);
    if is_root() {
        assert_eq!((cred.uid, cred.gid), (NOBODY, NOBODY));
    }
}

// ------------------------------------------------------------ permissions

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let d = std::env::temp_dir().join(format!("wl-sec-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir(&d).unwrap();
        fs::set_permissions(&d, fs::Permissions::from_mode(0o755)).unwrap();
        Self(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn chmod(p: &Path, mode: u32) {
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

/// Connecting to a filesystem socket needs write permission on the socket
/// file and search permission on every directory above it: the file mode
/// is the access control, enforced by the kernel for other users.
#[test]
fn filesystem_socket_permissions_gate_connect() {
    let _s = serial();
    let dir = Scratch::new("perm");
    let path = dir.0.join("srv.sock");
    let addr = UnixAddr::new(&path).unwrap();
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(8)
        .unwrap();
    l.set_nonblocking(true).unwrap();

    chmod(&path, 0o444); // nobody may write: nobody may connect
    assert_eq!(in_unprivileged_child(|| connect_errno(addr)), libc::EACCES);
    chmod(&path, 0o666);
    assert_eq!(in_unprivileged_child(|| connect_errno(addr)), 0);
    chmod(&dir.0, 0o600); // the directory cannot be searched
    assert_eq!(in_unprivileged_child(|| connect_errno(addr)), libc::EACCES);
    chmod(&dir.0, 0o711); // searchable, not listable: enough
    assert_eq!(in_unprivileged_child(|| connect_errno(addr)), 0);
    // Two successful connects were queued.
    assert!(l.try_accept().unwrap().is_some());
    assert!(l.try_accept().unwrap().is_some());

    // A plain file at the path is not a socket: refused, not followed.
    let file = dir.0.join("plain");
    File::create(&file).unwrap();
    chmod(&file, 0o666);
    let plain = UnixAddr::new(&file).unwrap();
    assert_eq!(in_unprivileged_child(|| connect_errno(plain)), libc::ECONNREFUSED);
}

/// `bind` creates the socket file with the process umask applied (the
/// kernel uses mode 0777 & ~umask), so a restrictive umask at bind time
/// closes the socket to other users from its first instant.
#[test]
fn bind_applies_the_umask_to_the_socket_file() {
    let _s = serial();
    let dir = Scratch::new("umask");
    chmod(&dir.0, 0o777);
    let path = dir.0.join("private.sock");
    let addr = UnixAddr::new(&path).unwrap();
    // The umask is per process: set it in a child, not in this
    // multi-threaded test binary.
    let code = in_unprivileged_child(|| {
        // SAFETY: umask is async-signal-safe.
        unsafe { libc::umask(0o077) };
        match RawSocket::<Unix, Stream>::new().map(|s| s.bind(addr)) {
            Ok(Ok(_bound)) => 0,
            Ok(Err(e)) => e.raw_os_error().unwrap_or(254),
            Err(e) => e.raw_os_error().unwrap_or(255),
        }
    });
    assert_eq!(code, 0, "bind in the child failed: errno {code}");
    let meta = fs::symlink_metadata(&path).unwrap();
    assert_eq!(meta.mode() & libc::S_IFMT, libc::S_IFSOCK);
    assert_eq!(meta.mode() & 0o777, 0o700, "mode {:o}", meta.mode() & 0o777);
    if is_root() {
        assert_eq!(meta.uid(), NOBODY, "owned by the process that bound it");
    }
    // The file outlives the socket: binding the path again is EADDRINUSE
    // until it is removed (the library never unlinks for you).
    let e = RawSocket::<Unix, Stream>::new().unwrap().bind(addr).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE));
    fs::remove_file(&path).unwrap();
    drop(RawSocket::<Unix, Stream>::new().unwrap().bind(addr).unwrap());
}

/// Abstract sockets have no file and no permission bits: any process in
/// the network namespace can connect, whatever its uid. Access control
/// there is the server's job, with `peer_credentials`.
#[test]
fn abstract_sockets_accept_anyone() {
    let _s = serial();
    let addr = unique_abstract("sec-open");
    let l = RawSocket::<Unix, Stream>::new()
        .unwrap()
        .bind(addr)
        .unwrap()
        .listen(1)
        .unwrap();
    l.set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(in_unprivileged_child(|| connect_errno(addr)), 0);
    let conn = l.accept().unwrap();
    let cred = conn.peer_credentials().unwrap();
    if is_root() {
        assert_eq!(cred.uid, NOBODY, "a server can tell, and refuse, this peer");
    }
    let mut buf = [0u8; 1];
    assert_eq!((&conn).read(&mut buf).unwrap(), 0, "the child closed: end of stream");
}
