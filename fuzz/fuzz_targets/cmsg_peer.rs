//! A hostile peer: the fuzzer decides what the other end of a socket
//! sends (`SCM_RIGHTS` split over several control messages, too many
//! descriptors for the receiver, credentials, empty or odd-sized data,
//! GSO trains of any segment size towards a GRO receiver) and which
//! library call receives it. Whatever arrives: nothing panics, every
//! received descriptor is close-on-exec and within the receiver's bound,
//! every descriptor the kernel installed is closed (the process's
//! descriptor count is back to where it was after each input), and GRO
//! segments reassemble to exactly the bytes sent.
#![no_main]

extern crate wirelane_core as wirelane;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wirelane::batch::{RecvBatch, set_udp_gro};
use wirelane::cmsg::{self, CmsgBuffer, ControlMessage, SCM_MAX_FD};
use wirelane::fdpass::{own_credentials, recv_fd, recv_fds, recv_with_credentials, set_passcred};
use wirelane::{
    BoundDatagram, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, MsgFlags, RawSocket, SocketAddrV4, Unix,
};

struct World {
    stream: (ConnectedStream<Unix>, ConnectedStream<Unix>),
    dgram: (ConnectedDatagram<Unix>, ConnectedDatagram<Unix>),
    udp_tx: BoundDatagram<Ipv4>,
    udp_rx: BoundDatagram<Ipv4>,
    file: File,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let stream = ConnectedStream::<Unix>::pair().unwrap();
        let dgram = ConnectedDatagram::<Unix>::pair().unwrap();
        for s in [stream.1.as_fd(), dgram.1.as_fd()] {
            set_passcred(&s, true).unwrap();
        }
        stream.1.set_nonblocking(true).unwrap();
        dgram.1.set_nonblocking(true).unwrap();
        stream.0.set_nonblocking(true).unwrap();
        dgram.0.set_nonblocking(true).unwrap();
        let udp_tx = RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        let udp_rx = RawSocket::<Ipv4, Datagram>::new()
            .unwrap()
            .bind(SocketAddrV4::localhost(0))
            .unwrap();
        set_udp_gro(&udp_rx, true).unwrap();
        udp_rx.set_nonblocking(true).unwrap();
        World {
            stream,
            dgram,
            udp_tx,
            udp_rx,
            file: File::open("/dev/null").unwrap(),
        }
    })
}

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn is_cloexec(fd: &OwnedFd) -> bool {
    // SAFETY: F_GETFD on an owned descriptor.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) };
    flags >= 0 && flags & libc::FD_CLOEXEC != 0
}

/// A byte reader over the fuzz input; zeros once exhausted.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
}

/// The peer sends `data` with `groups` SCM_RIGHTS messages of the given
/// sizes and optionally credentials, in one raw sendmsg. The kernel may
/// refuse (e.g. more than 253 descriptors in total); that is fine.
fn hostile_send(fd: BorrowedFd<'_>, data: &[u8], groups: &[usize], creds: bool, file: &File) -> io::Result<usize> {
    let many = vec![file.as_fd(); SCM_MAX_FD];
    let mut msgs: Vec<ControlMessage<'_>> = groups
        .iter()
        .map(|&n| {
            if n == 0 {
                // An empty SCM_RIGHTS message, as raw bytes.
                ControlMessage::Unknown {
                    level: libc::SOL_SOCKET,
                    ty: libc::SCM_RIGHTS,
                    data: &[],
                }
            } else {
                ControlMessage::ScmRights(&many[..n.min(SCM_MAX_FD)])
            }
        })
        .collect();
    if creds {
        msgs.push(ControlMessage::ScmCredentials(own_credentials()));
    }
    let mut control = CmsgBuffer::<{ 4 * cmsg::rights_space(SCM_MAX_FD) }>::new();
    let len = cmsg::encode(control.as_mut_slice(), &msgs).unwrap();
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: an all-zero msghdr is valid; every pointer set below points
    // into live buffers for the duration of the call.
    let rc = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        if len > 0 {
            msg.msg_control = control.as_mut_slice().as_mut_ptr().cast();
            msg.msg_controllen = len as _;
        }
        libc::sendmsg(fd.as_raw_fd(), &msg, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT)
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

fn check_fds(fds: &[OwnedFd], max: usize) {
    assert!(fds.len() <= max, "{} descriptors returned, max {max}", fds.len());
    for fd in fds {
        assert!(is_cloexec(fd), "received descriptor without close-on-exec");
    }
}

/// Receives everything still queued on `rx`, closing what arrives.
fn drain<S: wirelane::fdpass::UnixConnected>(rx: &S) {
    let mut buf = [0u8; 256];
    for _ in 0..10_000 {
        match recv_fds(rx, &mut buf, SCM_MAX_FD) {
            Ok((0, fds)) if fds.is_empty() => return,
            Ok((_, fds)) => check_fds(&fds, SCM_MAX_FD),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(_) => {}
        }
    }
    panic!("the socket never drained");
}

fn unix_round<S: wirelane::fdpass::UnixConnected>(tx: &S, rx: &S, input: &mut Input<'_>) {
    let w = world();
    let ngroups = usize::from(input.byte() % 4);
    let groups: Vec<usize> = (0..ngroups).map(|_| usize::from(input.u16() % 300)).collect();
    let creds = input.byte() & 1 == 1;
    let dlen = usize::from(input.byte() % 80);
    let data = input.bytes(dlen).to_vec();
    let how = input.byte();
    let max = usize::from(input.byte()) + 1; // 1..=256: 254..256 are refused
    let blen = usize::from(input.byte() % 64);

    let _ = hostile_send(tx.as_fd(), &data, &groups, creds, &w.file);
    let mut buf = vec![0u8; blen];
    match how % 3 {
        0 => match recv_fds(rx, &mut buf, max) {
            Ok((n, fds)) => {
                assert!(n <= buf.len());
                check_fds(&fds, max);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        },
        1 => {
            if let Ok(fd) = recv_fd(rx) {
                check_fds(&[fd], 1);
            }
        }
        _ => {
            if let Ok((n, _cred)) = recv_with_credentials(rx, &mut buf) {
                assert!(n <= buf.len());
            }
        }
    }
    drain(rx);
}

fn gro_round(input: &mut Input<'_>) {
    let w = world();
    let seg = input.u16() % 2048;
    let len = usize::from(input.u16()) % 70_000;
    let fill = input.byte();
    let payload: Vec<u8> = (0..len).map(|i| fill.wrapping_add(i as u8)).collect();
    let dest = w.udp_rx.local_addr().unwrap();
    let sent = match w.udp_tx.send_to_segmented(&payload, seg, &dest) {
        Ok(_) => true,
        Err(e) => {
            let _ = e.to_string();
            false
        }
    };
    let mut got = Vec::new();
    let use_batch = input.byte() & 1 == 1;
    if use_batch {
        let mut batch = RecvBatch::<Ipv4>::new(8, 64 * 1024).unwrap();
        while let Ok(n) = w.udp_rx.recv_batch(&mut batch, MsgFlags::DONTWAIT) {
            if n == 0 {
                break;
            }
            for m in batch.iter() {
                assert!(!m.truncated());
                for s in m.segments() {
                    got.extend_from_slice(s);
                }
            }
        }
    } else {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match w.udp_rx.recv_gro(&mut buf) {
                Ok(r) => {
                    assert!(!r.truncated);
                    for s in r.segments(&buf) {
                        if let Some(size) = r.segment_size {
                            assert!(s.len() <= usize::from(size));
                        }
                        got.extend_from_slice(s);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("recv_gro: {e}"),
            }
        }
    }
    if sent {
        assert_eq!(got.len(), payload.len(), "GRO lost or added bytes (segment {seg})");
        assert!(got == payload, "GRO reordered bytes (segment {seg})");
    }
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let before = fd_count();
    let mut input = Input(data);
    for _ in 0..4 {
        match input.byte() % 3 {
            0 => unix_round(&w.stream.0, &w.stream.1, &mut input),
            1 => unix_round(&w.dgram.0, &w.dgram.1, &mut input),
            _ => gro_round(&mut input),
        }
        if input.0.is_empty() {
            break;
        }
    }
    assert_eq!(fd_count(), before, "descriptors leaked");
});
