//! Descriptor passing (SCM_RIGHTS) and credentials (SCM_CREDENTIALS) over
//! Unix sockets.
//!
//! The tests in this file run one at a time (a shared lock): several of
//! them count this process's open descriptors in /proc/self/fd, and one
//! forks.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use wirelane::fdpass::{
    own_credentials, passcred, recv_fd, recv_fds, recv_with_credentials, send_fd, send_fds, send_with_credentials,
    set_passcred,
};
use wirelane::*;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const TIMEOUT: Duration = Duration::from_secs(5);

fn stream_pair() -> (ConnectedStream<Unix>, ConnectedStream<Unix>) {
    let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
    a.set_read_timeout(Some(TIMEOUT)).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    (a, b)
}

fn dgram_pair() -> (ConnectedDatagram<Unix>, ConnectedDatagram<Unix>) {
    let (a, b) = ConnectedDatagram::<Unix>::pair().unwrap();
    a.set_read_timeout(Some(TIMEOUT)).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    (a, b)
}

fn open_fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn is_cloexec(fd: BorrowedFd<'_>) -> bool {
    // SAFETY: F_GETFD on a valid descriptor.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) };
    assert!(flags >= 0);
    flags & libc::FD_CLOEXEC != 0
}

fn pipe() -> (File, File) {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for two descriptors.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both were just created and are owned by no one else.
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

/// A temp file holding `content`.
fn temp_file(content: &[u8]) -> File {
    let path = std::env::temp_dir().join(format!("wl-fdpass-{}-{}", std::process::id(), content.len()));
    let mut f = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    f.write_all(content).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    f
}

#[test]
fn seed_form_passes_a_file_readable_through_the_received_fd() {
    let _g = serial();
    let (unix_socket, peer) = stream_pair();
    let some_file = temp_file(b"hello through SCM_RIGHTS");

    // Send a file descriptor
    send_fd(&unix_socket, &some_file).unwrap();

    // Receive it in another process
    let received: OwnedFd = recv_fd(&peer).unwrap();

    assert_ne!(received.as_raw_fd(), some_file.as_raw_fd());
    assert!(is_cloexec(received.as_fd()), "received fds are close-on-exec");
    let mut text = String::new();
    File::from(received).read_to_string(&mut text).unwrap();
    assert_eq!(text, "hello through SCM_RIGHTS");
}

#[test]
fn datagram_sockets_pass_fds_too() {
    let _g = serial();
    let (a, b) = dgram_pair();
    let (r, mut w) = pipe();
    send_fd(&a, &r).unwrap();
    let got = recv_fd(&b).unwrap();
    assert!(is_cloexec(got.as_fd()));
    w.write_all(b"via dgram").unwrap();
    let mut buf = [0u8; 9];
    File::from(got).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"via dgram");
}

#[test]
fn many_fds_with_data() {
    let _g = serial();
    let (a, b) = stream_pair();
    let pipes: Vec<(File, File)> = (0..5).map(|_| pipe()).collect();
    let write_ends: Vec<BorrowedFd<'_>> = pipes.iter().map(|(_, w)| w.as_fd()).collect();
    assert_eq!(send_fds(&a, b"five pipes", &write_ends).unwrap(), 10);

    let mut buf = [0u8; 64];
    let (n, fds) = recv_fds(&b, &mut buf, 16).unwrap();
    assert_eq!(&buf[..n], b"five pipes");
    assert_eq!(fds.len(), 5);
    // Each received descriptor is the matching pipe's write end, in order.
    for (i, fd) in fds.into_iter().enumerate() {
        assert!(is_cloexec(fd.as_fd()));
        File::from(fd).write_all(&[i as u8]).unwrap();
        let mut one = [0u8; 1];
        (&pipes[i].0).read_exact(&mut one).unwrap();
        assert_eq!(one[0], i as u8);
    }
}

#[test]
fn too_many_fds_is_an_error_and_nothing_leaks() {
    let _g = serial();
    let (a, b) = stream_pair();
    let files: Vec<File> = (0..20).map(|_| File::open("/dev/null").unwrap()).collect();
    let fds: Vec<BorrowedFd<'_>> = files.iter().map(File::as_fd).collect();
    let mut buf = [0u8; 16];

    // 8 sent, 2 allowed: the kernel delivers them all (the control buffer
    // has slack) and the library closes them and fails.
    send_fds(&a, b"x", &fds[..8]).unwrap();
    let before = open_fd_count();
    let e = recv_fds(&b, &mut buf, 2).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let msg = e.to_string();
    assert!(
        msg.contains("max_fds (2)") && msg.contains("6 could not be received"),
        "{msg}"
    );
    assert_eq!(open_fd_count(), before, "every received fd was closed");

    // 20 sent, 2 allowed: the control buffer overflows (MSG_CTRUNC).
    send_fds(&a, b"y", &fds).unwrap();
    let before = open_fd_count();
    let e = recv_fds(&b, &mut buf, 2).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("truncated") && msg.contains("at least one"), "{msg}");
    assert_eq!(open_fd_count(), before, "every received fd was closed");

    // The stream is still usable afterwards.
    send_fd(&a, &files[0]).unwrap();
    drop(recv_fd(&b).unwrap());
    assert_eq!(open_fd_count(), before);
}

#[test]
fn input_limits() {
    let _g = serial();
    let (a, b) = stream_pair();
    let f = File::open("/dev/null").unwrap();
    let many = vec![f.as_fd(); 254];
    let e = send_fds(&a, b"x", &many).unwrap_err();
    assert!(e.to_string().contains("253"), "{e}");
    assert!(send_fds(&a, b"x", &[]).unwrap_err().to_string().contains("253"));
    let e = send_fds(&a, b"", &[f.as_fd()]).unwrap_err();
    assert!(e.to_string().contains("at least one byte"), "{e}");
    let mut buf = [0u8; 4];
    for bad in [0, 254] {
        let e = recv_fds(&b, &mut buf, bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    assert!(recv_fds(&b, &mut [], 1).is_err());
    // 253 is fine.
    let before = open_fd_count();
    send_fds(&a, b"z", &many[..253]).unwrap();
    let (n, got) = recv_fds(&b, &mut buf, 253).unwrap();
    assert_eq!((n, got.len()), (1, 253));
    drop(got);
    assert_eq!(open_fd_count(), before);
}

#[test]
fn recv_fd_errors_are_clear() {
    let _g = serial();
    let (a, b) = stream_pair();
    a.send(b"!").unwrap();
    let e = recv_fd(&b).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidData);
    assert!(e.to_string().contains("no descriptor"), "{e}");
    drop(a);
    assert_eq!(recv_fd(&b).unwrap_err().kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn credentials_round_trip() {
    let _g = serial();
    let me = UCred {
        pid: std::process::id() as libc::pid_t,
        // SAFETY: getuid/getgid cannot fail.
        uid: unsafe { libc::getuid() },
        gid: unsafe { libc::getgid() },
    };
    assert_eq!(own_credentials(), me);
    for datagram in [false, true] {
        let mut buf = [0u8; 16];
        let (n, cred) = if datagram {
            let (a, b) = dgram_pair();
            set_passcred(&b, true).unwrap();
            assert!(passcred(&b).unwrap());
            send_with_credentials(&a, b"creds").unwrap();
            recv_with_credentials(&b, &mut buf).unwrap()
        } else {
            let (a, b) = stream_pair();
            set_passcred(&b, true).unwrap();
            send_with_credentials(&a, b"creds").unwrap();
            recv_with_credentials(&b, &mut buf).unwrap()
        };
        assert_eq!(&buf[..n], b"creds");
        assert_eq!(cred, Some(me), "datagram={datagram}");
    }
    // Without SO_PASSCRED on the receiver, none are reported.
    let (a, b) = dgram_pair();
    assert!(!passcred(&b).unwrap());
    send_with_credentials(&a, b"x").unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(recv_with_credentials(&b, &mut buf).unwrap(), (1, None));
    // With it on, the kernel attaches them even to a plain send.
    set_passcred(&b, true).unwrap();
    a.send(b"y").unwrap();
    assert_eq!(recv_with_credentials(&b, &mut buf).unwrap(), (1, Some(me)));
}

#[test]
fn passing_from_a_forked_child() {
    let _g = serial();
    let (parent_end, child_end) = stream_pair();
    // SAFETY: the child only calls async-signal-safe functions (pipe2,
    // write, sendmsg through send_fd, which does not allocate, and _exit).
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // Child: a pipe the parent never had; pass its read end.
        let mut fds = [0 as RawFd; 2];
        // SAFETY: async-signal-safe syscalls on our own descriptors.
        unsafe {
            if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
                libc::_exit(2);
            }
            let msg = b"from the child";
            if libc::write(fds[1], msg.as_ptr().cast(), msg.len()) != msg.len() as isize {
                libc::_exit(3);
            }
            let read_end = BorrowedFd::borrow_raw(fds[0]);
            let code = if send_fd(&child_end, &read_end).is_ok() { 0 } else { 4 };
            libc::_exit(code);
        }
    }
    drop(child_end);
    let got = recv_fd(&parent_end).unwrap();
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child status {status:#x}"
    );
    let mut text = String::new();
    // The child exited, so its write end is closed: read to EOF.
    File::from(got).read_to_string(&mut text).unwrap();
    assert_eq!(text, "from the child");
}
