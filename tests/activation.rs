//! Socket activation and handover, in process: sd_notify to a test socket,
//! the environment errors, and a typed handover with a wrong-kind error.
//! (The child-process and under-load tests are still to come; see issue 19.)

use std::io::ErrorKind;
use wirelane::activation::{self, READY};
use wirelane::handover::{self, Handover};
use wirelane::{BoundDatagram, ConnectedStream, Ipv4, Listener, ListenerBuilder, SocketAddrV4, Unix, UnixAddr};

#[test]
fn environment_errors_and_notify() {
    // One test owns the environment: the variables are process-wide.
    unsafe {
        std::env::remove_var("LISTEN_FDS");
        std::env::remove_var("LISTEN_PID");
    }
    let e = activation::listen_fds().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("LISTEN_PID is not set"), "{e}");

    unsafe {
        std::env::set_var("LISTEN_PID", "1");
        std::env::set_var("LISTEN_FDS", "1");
    }
    let e = activation::listen_fds().unwrap_err();
    assert!(e.to_string().contains("names another process"), "{e}");
    assert!(
        std::env::var_os("LISTEN_PID").is_none(),
        "variables are unset after reading"
    );

    let dir = std::env::temp_dir().join(format!("wl-notify-{}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let server: BoundDatagram<Unix> = wirelane::RawSocket::<Unix, wirelane::Datagram>::new()
        .unwrap()
        .bind(UnixAddr::new(&dir).unwrap())
        .unwrap();
    unsafe { std::env::set_var("NOTIFY_SOCKET", &dir) };
    assert!(activation::notify(READY).unwrap());
    let mut buf = [0u8; 64];
    let (n, _) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"READY=1");
    unsafe { std::env::remove_var("NOTIFY_SOCKET") };
    assert!(!activation::notify(READY).unwrap());
    let _ = std::fs::remove_file(&dir);
}

#[test]
fn handover_adopts_typed_and_names_wrong_kind() {
    let listener = ListenerBuilder::<Ipv4>::new().bind(SocketAddrV4::localhost(0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let (old, new) = ConnectedStream::pair().unwrap();
    let successor = std::thread::spawn(move || {
        let mut sockets = handover::receive(&new).unwrap();
        let wrong = sockets.take_named::<Listener<Unix>>("web").unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("is a listening AF_INET (IPv4) stream socket"),
            "{wrong}"
        );
        assert!(wrong.to_string().contains("Listener<Unix>"), "{wrong}");
        let web: Listener<Ipv4> = sockets.take_named("web").unwrap();
        handover::acknowledge(&new).unwrap();
        web
    });
    Handover::new().add("web", &listener).send(&old).unwrap();
    drop(listener);
    let web = successor.join().unwrap();
    let client = wirelane::RawSocket::<Ipv4, wirelane::Stream>::new()
        .unwrap()
        .connect(addr)
        .unwrap();
    let served = web.accept().unwrap();
    client.send(b"x").unwrap();
    let mut b = [0u8; 1];
    served.recv(&mut b).unwrap();
    assert_eq!(&b, b"x");
}
