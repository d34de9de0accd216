//! Socket activation and handover inside tokio (`--features tokio`):
//! an activated child adopting its listener as `Async<Listener<Ipv4>>`,
//! the async handover both ways (and mixed with the sync forms), a
//! cancelled receive losing nothing, and adoption outside a runtime
//! failing before anything is taken.
#![cfg(feature = "tokio")]

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::activation::{self, InheritedSockets};
use wirelane::handover::{self, Handover};
use wirelane::tokio::Async;
use wirelane::{
    BoundDatagram, ConnectedStream, Datagram, Ipv4, Listener, ListenerBuilder, RawSocket, SocketAddrV4, Unix,
};

const BOUND: Duration = Duration::from_secs(10);
/// Set in the re-executed test binary: it is the activated child.
const CHILD_VAR: &str = "WL_TOKIO_ACTIVATED_CHILD";

fn listener() -> Listener<Ipv4> {
    ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The child: adopts "web" from LISTEN_FDS as an Async listener, serves
/// one echo, and reports the wrong-kind error for "dns".
fn activated_child() {
    let mut inherited = activation::listen_fds().expect("activated");
    runtime().block_on(async move {
        let wrong = inherited.take_named_async::<Listener<Ipv4>>("dns").unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("fd 3 (\"dns\") is an AF_INET (IPv4) datagram socket; cannot adopt it as Listener<Ipv4>"),
            "{wrong}"
        );
        let web: Async<Listener<Ipv4>> = inherited.take_named_async("web").unwrap();
        let udp: Async<BoundDatagram<Ipv4>> = inherited.take_async(0).unwrap();
        drop(inherited);
        let (mut conn, _) = tokio::time::timeout(BOUND, web.accept()).await.unwrap().unwrap();
        let mut buf = [0u8; 4];
        conn.read_exact(&mut buf).await.unwrap();
        conn.write_all(&buf).await.unwrap();
        drop(udp);
    });
    println!("child served");
}

#[test]
fn activated_process_adopts_async_listener_and_serves() {
    if std::env::var_os(CHILD_VAR).is_some() {
        return activated_child();
    }
    let web = listener();
    let addr = web.local_addr().unwrap();
    let dns: BoundDatagram<Ipv4> = RawSocket::<Ipv4, Datagram>::new()
        .unwrap()
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    // Copies above 3 and 4, placed there after the fork (dup2 clears
    // close-on-exec), with LISTEN_PID set to the child's pid by a shell
    // that then execs this test binary (the pid survives exec).
    let high: Vec<OwnedFd> = [dns.as_fd(), web.as_fd()]
        .iter()
        .map(|fd| {
            // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor we own.
            let raw = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 100) };
            assert!(raw >= 100);
            // SAFETY: just created.
            unsafe { OwnedFd::from_raw_fd(raw) }
        })
        .collect();
    let raws: Vec<RawFd> = high.iter().map(AsRawFd::as_raw_fd).collect();
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg(r#"LISTEN_PID=$$ exec "$0" "$@""#)
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "activated_process_adopts_async_listener_and_serves",
            "--nocapture",
        ])
        .env(CHILD_VAR, "1")
        .env("LISTEN_FDS", "2")
        .env("LISTEN_FDNAMES", "dns:web")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only dup2 between fork and exec.
    unsafe {
        command.pre_exec(move || {
            for (i, &raw) in raws.iter().enumerate() {
                if libc::dup2(raw, 3 + i as RawFd) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = command.spawn().unwrap();
    drop((high, web, dns));
    let mut client = std::net::TcpStream::connect(std::net::SocketAddr::from(addr)).unwrap();
    client.set_read_timeout(Some(BOUND)).unwrap();
    client.write_all(b"ping").unwrap();
    let mut back = [0u8; 4];
    client.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"ping");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("child served"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn async_handover_adopts_typed_and_no_connection_is_refused() {
    runtime().block_on(async {
        let web = listener();
        let addr = web.local_addr().unwrap();
        let (old, new) = ConnectedStream::<Unix>::pair().unwrap();
        let (old, new) = (Async::new(old).unwrap(), Async::new(new).unwrap());
        // A client connects before the handover: it waits in the queue.
        let early = std::net::TcpStream::connect(std::net::SocketAddr::from(addr)).unwrap();
        let successor = tokio::spawn(async move {
            let mut sockets = handover::receive_async(&new).await.unwrap();
            assert_eq!(sockets.names().collect::<Vec<_>>(), ["web"]);
            let wrong = sockets.take_named_async::<Listener<Unix>>("web").unwrap_err();
            assert!(
                wrong.to_string().contains("cannot adopt it as Listener<Unix>"),
                "{wrong}"
            );
            let web: Async<Listener<Ipv4>> = sockets.take_named_async("web").unwrap();
            handover::acknowledge_async(&new).await.unwrap();
            web
        });
        Handover::new().add("web", &web).send_async(&old).await.unwrap();
        drop(web); // stop accepting; the successor's descriptor keeps the queue
        let web = tokio::time::timeout(BOUND, successor).await.unwrap().unwrap();
        for stream in [
            early,
            std::net::TcpStream::connect(std::net::SocketAddr::from(addr)).unwrap(),
        ] {
            let (mut served, _) = tokio::time::timeout(BOUND, web.accept()).await.unwrap().unwrap();
            let mut s = stream;
            s.write_all(b"hi").unwrap();
            let mut buf = [0u8; 2];
            served.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"hi");
        }
    });
}

#[test]
fn async_and_sync_forms_interoperate() {
    // Async sender, sync successor in a thread.
    runtime().block_on(async {
        let web = listener();
        let (old, new) = ConnectedStream::<Unix>::pair().unwrap();
        let old = Async::new(old).unwrap();
        let successor = std::thread::spawn(move || {
            let mut sockets = handover::receive(&new).unwrap();
            let l: Listener<Ipv4> = sockets.take(0).unwrap();
            handover::acknowledge(&new).unwrap();
            l
        });
        Handover::new().add("web", &web).send_async(&old).await.unwrap();
        let adopted = successor.join().unwrap();
        assert_eq!(adopted.local_addr().unwrap(), web.local_addr().unwrap());
    });
    // Sync sender in a thread, async successor.
    runtime().block_on(async {
        let web = listener();
        let addr = web.local_addr().unwrap();
        let (old, new) = ConnectedStream::<Unix>::pair().unwrap();
        let sender = std::thread::spawn(move || Handover::new().add("web", &web).send(&old));
        let new = Async::new(new).unwrap();
        let mut sockets = handover::receive_async(&new).await.unwrap();
        let l: Async<Listener<Ipv4>> = sockets.take_async(0).unwrap();
        handover::acknowledge_async(&new).await.unwrap();
        sender.join().unwrap().unwrap();
        assert_eq!(l.get_ref().local_addr().unwrap(), addr);
    });
}

#[test]
fn cancelled_receive_loses_nothing_and_errors_are_named() {
    runtime().block_on(async {
        let web = listener();
        let (old, new) = ConnectedStream::<Unix>::pair().unwrap();
        let (old, new) = (Async::new(old).unwrap(), Async::new(new).unwrap());
        // Nothing sent yet: the receive times out (its future is dropped).
        assert!(
            tokio::time::timeout(Duration::from_millis(20), handover::receive_async(&new))
                .await
                .is_err()
        );
        let message = Handover::new().add("web", &web);
        let (sent, received) = tokio::join!(message.send_async(&old), async {
            let mut sockets = handover::receive_async(&new).await?;
            let l: Async<Listener<Ipv4>> = sockets.take_named_async("web")?;
            handover::acknowledge_async(&new).await?;
            Ok::<_, std::io::Error>(l)
        });
        sent.unwrap();
        assert_eq!(
            received.unwrap().get_ref().local_addr().unwrap(),
            web.local_addr().unwrap()
        );

        let e = Handover::new().send_async(&old).await.unwrap_err();
        assert!(
            e.to_string().contains("a handover carries 1 to 253 sockets, not 0"),
            "{e}"
        );
        drop(new);
        let e = Handover::new().add("web", &web).send_async(&old).await.unwrap_err();
        assert!(
            e.kind() == std::io::ErrorKind::BrokenPipe
                || e.to_string()
                    .contains("successor closed the handover channel without adopting"),
            "{e}"
        );
        let (a, b) = ConnectedStream::<Unix>::pair().unwrap();
        let b = Async::new(b).unwrap();
        drop(a);
        let e = handover::receive_async(&b).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(
            e.to_string().contains("closed before the predecessor sent its sockets"),
            "{e}"
        );
    });
}

#[test]
fn adopting_outside_a_runtime_takes_nothing() {
    let web = listener();
    let (old, new) = ConnectedStream::<Unix>::pair().unwrap();
    let t = std::thread::spawn(move || {
        let sockets: InheritedSockets = handover::receive(&new).unwrap();
        handover::acknowledge(&new).unwrap();
        sockets
    });
    Handover::new().add("web", &web).send(&old).unwrap();
    let mut sockets = t.join().unwrap();
    let e = sockets.take_async::<Listener<Ipv4>>(0).unwrap_err();
    assert!(e.to_string().contains("no tokio runtime"), "{e}");
    // Still there: the sync take works.
    let l: Listener<Ipv4> = sockets.take(0).unwrap();
    assert_eq!(l.local_addr().unwrap(), web.local_addr().unwrap());
}
