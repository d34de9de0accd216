//! Layer 1 reliability: thousands of async transitions (failed connects
//! included) leak no descriptor, 1,000 concurrent connections echo every
//! byte, dropping a runtime with operations in flight neither leaks nor
//! panics, and an `Async` used from another runtime behaves as documented
//! in `wirelane::tokio` ("Runtimes"). Needs `--features tokio`.
//!
//! Every test counts this process's descriptors, so they run one at a time
//! (`serial()`), each bounded in time.
#![cfg(feature = "tokio")]

mod common;

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use common::{Loopback, fd_count};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirelane::tokio::Async;
use wirelane::{ConnectedStream, Datagram, Ipv4, Listener, ListenerBuilder, RawSocket, SocketAddrV4, Stream};

/// One test at a time: each compares descriptor counts of the process.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

fn listener(backlog: u32) -> Async<Listener<Ipv4>> {
    let l = ListenerBuilder::<Ipv4>::new()
        .backlog(backlog)
        .bind(SocketAddrV4::localhost(0))
        .unwrap();
    Async::new(l).unwrap()
}

fn new_stream() -> Async<RawSocket<Ipv4, Stream>> {
    Async::new(RawSocket::<Ipv4, Stream>::new().unwrap()).unwrap()
}

/// A connected pair (client, accepted) on `l`.
async fn pair(l: &Async<Listener<Ipv4>>) -> (Async<ConnectedStream<Ipv4>>, Async<ConnectedStream<Ipv4>>) {
    let addr = l.get_ref().local_addr().unwrap();
    let (c, a) = tokio::join!(new_stream().connect(addr), l.accept());
    (c.unwrap(), a.unwrap().0)
}

/// At least 5,000 transitions of every async kind, about half of them
/// failures (connect and finish refused, the socket given back and then
/// either retried or dropped), leave the descriptor count where it was.
#[test]
fn five_thousand_async_transitions_leak_no_descriptor() {
    let _serial = serial();
    let rt = current_thread();
    rt.block_on(async {
        let l = listener(1024);
        let addr = l.get_ref().local_addr().unwrap();
        let closed = Ipv4::closed();
        let peer = Async::new(
            RawSocket::<Ipv4, Datagram>::new()
                .unwrap()
                .bind(SocketAddrV4::localhost(0))
                .unwrap(),
        )
        .unwrap();
        let peer_addr = peer.get_ref().local_addr().unwrap();
        let before = fd_count();

        let (mut transitions, mut failures) = (0usize, 0usize);
        let mut round = 0usize;
        while transitions < 5_000 {
            round += 1;
            // raw -> connect refused -> raw given back -> (retry | drop).
            let err = new_stream().connect(closed.addr()).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
            let raw = err.into_socket();
            transitions += 1;
            failures += 1;
            if round.is_multiple_of(2) {
                let (c, a) = tokio::join!(raw.connect(addr), l.accept());
                let (mut c, (mut s, _)) = (c.unwrap(), a.unwrap());
                transitions += 1;
                c.write_all(&[round as u8]).await.unwrap();
                let mut b = [0];
                s.read_exact(&mut b).await.unwrap();
                assert_eq!(b[0], round as u8);
            } else {
                drop(raw);
            }

            // pending -> finish refused -> pending given back -> into_inner.
            match RawSocket::<Ipv4, Stream>::new()
                .unwrap()
                .connect_nonblocking(closed.addr())
            {
                Ok(pending) => {
                    let err = Async::new(pending).unwrap().finish().await.unwrap_err();
                    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
                    drop(err.into_socket().into_inner().unwrap());
                }
                // Loopback may refuse before connect(2) returns.
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused),
            }
            transitions += 1;
            failures += 1;

            // bound -> connected datagram, used, then unwrapped.
            let bound = Async::new(
                RawSocket::<Ipv4, Datagram>::new()
                    .unwrap()
                    .bind(SocketAddrV4::localhost(0))
                    .unwrap(),
            )
            .unwrap();
            let connected = bound.connect(peer_addr).unwrap();
            transitions += 1;
            connected.send(b"d").await.unwrap();
            let mut b = [0; 4];
            assert_eq!(peer.recv_from(&mut b).await.unwrap().0, 1);
            drop(connected.into_inner().unwrap());
        }
        assert!(failures * 3 >= transitions, "{failures} failures of {transitions}");
        assert_eq!(fd_count(), before, "descriptors leaked over {transitions} transitions");
    });
}

/// Soft `RLIMIT_NOFILE` raised to the hard limit; fails saying why when
/// even the hard limit is below `needed`.
fn raise_nofile(needed: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid out-pointer.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: a valid in-pointer; raising soft to hard needs no privilege.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    assert!(
        lim.rlim_cur >= needed,
        "this test needs {needed} descriptors but RLIMIT_NOFILE's hard limit is {}: raise it (ulimit -Hn)",
        lim.rlim_max
    );
}

/// FNV-1a, 64 bit.
fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Connection `id`'s payload: distinct per connection, 24 KiB (more than
/// one read), from a xorshift generator.
fn payload(id: u64) -> Vec<u8> {
    let mut x = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..24 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// 1,000 connections open at once, each echoing its own payload through
/// the server and checking length and checksum: no byte lost, duplicated
/// or crossed between connections; every descriptor closed afterwards.
#[test]
fn thousand_concurrent_connections_echo_every_byte() {
    const CONNS: u64 = 1_000;
    let _serial = serial();
    // Two descriptors per connection plus the runtime and the harness.
    raise_nofile(2 * CONNS + 256);
    let rt = multi_thread(2);
    let before = rt.block_on(async { fd_count() });
    rt.block_on(async {
        let l = Arc::new(listener(4096));
        let addr = l.get_ref().local_addr().unwrap();
        let server = tokio::spawn({
            let l = Arc::clone(&l);
            async move {
                let mut echoes = Vec::new();
                for _ in 0..CONNS {
                    let (mut s, _) = l.accept().await.unwrap();
                    echoes.push(tokio::spawn(async move {
                        let (mut r, mut w) = s.split();
                        let n = tokio::io::copy(&mut r, &mut w).await.unwrap();
                        w.shutdown().await.unwrap();
                        n
                    }));
                }
                let mut total = 0;
                for e in echoes {
                    total += e.await.unwrap();
                }
                total
            }
        });
        // All connections are established before any byte is sent, so
        // 1,000 are open at the same time.
        let start = Arc::new(tokio::sync::Barrier::new(CONNS as usize));
        let clients: Vec<_> = (0..CONNS)
            .map(|id| {
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    let conn = new_stream().connect(addr).await.unwrap();
                    start.wait().await;
                    let data = payload(id);
                    let (mut r, mut w) = conn.into_split();
                    let send = async {
                        w.write_all(&data).await.unwrap();
                        w.shutdown().await.unwrap();
                    };
                    let mut back = Vec::with_capacity(data.len());
                    let recv = r.read_to_end(&mut back);
                    let ((), got) = tokio::join!(send, recv);
                    got.unwrap();
                    assert_eq!(back.len(), data.len(), "connection {id}: length");
                    assert_eq!(checksum(&back), checksum(&data), "connection {id}: checksum");
                    back.len() as u64
                })
            })
            .collect();
        let all = async {
            let mut sent = 0;
            for c in clients {
                sent += c.await.unwrap();
            }
            (sent, server.await.unwrap())
        };
        let (received, echoed) = tokio::time::timeout(Duration::from_secs(120), all)
            .await
            .expect("1,000-connection echo did not finish within 120 s");
        assert_eq!(received, CONNS * 24 * 1024);
        assert_eq!(echoed, received);
    });
    assert_eq!(rt.block_on(async { fd_count() }), before, "descriptors leaked");
}

/// The error `wirelane::tokio` documents for a socket whose runtime is gone.
fn assert_runtime_gone(err: &io::Error, what: &str) {
    assert!(
        err.to_string()
            .starts_with("the tokio runtime this socket is registered with has shut down"),
        "{what}: {err}"
    );
}

/// Panics on any thread while `f` runs (a runtime's workers included).
fn count_panics(f: impl FnOnce()) -> usize {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    PANICS.store(0, Ordering::SeqCst);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        eprintln!("panic: {info}");
    }));
    f();
    std::panic::set_hook(previous);
    PANICS.load(Ordering::SeqCst)
}

/// Dropping a runtime whose tasks are parked in `accept`, `read`,
/// `recv_from` and `connect` (some never polled) closes every descriptor
/// and panics nowhere; an `Async` that outlives its runtime then fails its
/// operations with an `io::Error` and still gives its socket back.
#[test]
fn dropping_the_runtime_with_operations_in_flight_leaks_nothing() {
    let _serial = serial();
    for flavour in ["current_thread", "multi_thread"] {
        let before = fd_count();
        let panics = count_panics(|| {
            let rt = if flavour == "current_thread" {
                current_thread()
            } else {
                multi_thread(2)
            };
            let survivor = rt.block_on(async {
                let l = Arc::new(listener(64));
                let addr = l.get_ref().local_addr().unwrap();
                let (quiet, mut survivor) = pair(&l).await;
                let udp = Async::new(
                    RawSocket::<Ipv4, Datagram>::new()
                        .unwrap()
                        .bind(SocketAddrV4::localhost(0))
                        .unwrap(),
                )
                .unwrap();
                let accepter = Arc::clone(&l);
                tokio::spawn(async move {
                    loop {
                        // Accepted connections are held by nobody: closed.
                        let _ = accepter.accept().await;
                    }
                });
                tokio::spawn(async move {
                    let mut quiet = quiet;
                    let mut b = [0; 8];
                    let _ = quiet.read(&mut b).await;
                });
                tokio::spawn(async move {
                    let mut b = [0; 8];
                    let _ = udp.recv_from(&mut b).await;
                });
                for _ in 0..32 {
                    tokio::spawn(async move {
                        if let Ok(mut c) = new_stream().connect(addr).await {
                            let mut b = [0; 8];
                            let _ = c.read(&mut b).await;
                        }
                    });
                }
                // Let some of them park on the reactor; others stay unpolled.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let mut b = [0; 1];
                let r = tokio::time::timeout(Duration::from_millis(1), survivor.read(&mut b)).await;
                assert!(r.is_err(), "nothing was sent, so the read is still pending");
                survivor
            });
            drop(rt);

            // The runtime is gone: a clear error, not a panic or a hang.
            let other = current_thread();
            let mut survivor = survivor;
            let err = other
                .block_on(async {
                    let mut b = [0; 1];
                    tokio::time::timeout(Duration::from_secs(10), survivor.read(&mut b)).await
                })
                .expect("an op on a socket of a dropped runtime must fail at once, not wait")
                .unwrap_err();
            assert_runtime_gone(&err, flavour);
            // into_inner still gives the socket back, usable in a live runtime.
            let stream = survivor.into_inner().unwrap();
            other.block_on(async {
                let mut again = Async::new(stream).unwrap();
                again.write_all(b"still usable").await.unwrap();
            });
        });
        assert_eq!(panics, 0, "{flavour}: dropping the runtime panicked");
        assert_eq!(fd_count(), before, "{flavour}: descriptors leaked");
    }
}

/// An `Async` registered by one runtime and awaited from another: served
/// by the first runtime's reactor, so it works while that (multi-thread)
/// runtime lives; once it is dropped every operation, a transition's
/// registration included, is an `io::Error` naming the runtime.
#[test]
fn an_async_used_from_another_runtime_works_while_its_runtime_lives() {
    let _serial = serial();
    let before = fd_count();
    let home = multi_thread(1);
    let (l, mut c, mut s, raw) = home.block_on(async {
        let l = listener(16);
        let (c, s) = pair(&l).await;
        (l, c, s, new_stream())
    });
    let addr = l.get_ref().local_addr().unwrap();

    let away = current_thread();
    away.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), async {
            c.write_all(b"across runtimes").await.unwrap();
            let mut buf = [0; 15];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"across runtimes");
            let (c2, a2) = tokio::join!(new_stream().connect(addr), l.accept());
            drop((c2.unwrap(), a2.unwrap()));
        })
        .await
        .expect("another runtime's sockets must work while it lives");
    });

    away.block_on(async {
        // A read waiting when the home runtime shuts down is woken with
        // the error (the runtime is dropped from another thread meanwhile).
        let dropper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(home);
        });
        let mut buf = [0; 1];
        let err = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("no hang when the home runtime shuts down")
            .unwrap_err();
        assert_runtime_gone(&err, "read");
        dropper.join().unwrap();
        let err = l.accept().await.map(|_| ()).unwrap_err();
        assert_runtime_gone(&err, "accept");
        // An unconnected stream registers when its connect starts: that
        // registration fails, and the socket comes back.
        let err = raw.connect(addr).await.unwrap_err();
        assert_runtime_gone(err.error(), "connect");
        drop(err.into_socket());
    });
    drop((l, c, s, away));
    assert_eq!(fd_count(), before, "descriptors leaked");
}
