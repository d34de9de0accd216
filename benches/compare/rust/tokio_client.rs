//! The two tokio clients (feature `tokio`): `wirelane::tokio::Async<S>`
//! and `tokio::net`, each on a current-thread runtime (the same flavour
//! for both), each workload written the ordinary async way. The timed
//! loop is one `block_on` per round; the runtime is built at set-up.
//! `tokio::net` has no `sendmmsg` (a batch is a `send_to` loop) and no
//! GSO, so `udp_gso` is Wirelane's only.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;
use wirelane::batch::SendBatch;
use wirelane::tokio::Async;
use wirelane::{BoundDatagram, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, RawSocket, SocketAddrV4, Stream};

use super::protocol::{END_MARKER, Params, Round, decode_count};

/// Which of the two tokio columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `wirelane::tokio::Async<S>`.
    Wirelane,
    /// `tokio::net`.
    Net,
}

fn fail(what: &str) -> io::Error {
    io::Error::other(format!("tokio client: {what}"))
}

/// The socket of one workload, in either flavour.
enum Sock {
    WlStream(Async<ConnectedStream<Ipv4>>),
    WlConnected(Async<ConnectedDatagram<Ipv4>>),
    WlBound(Async<BoundDatagram<Ipv4>>),
    NetStream(tokio::net::TcpStream),
    NetUdp(tokio::net::UdpSocket),
}

/// The runtime, and apart from it the workload's state, so that
/// `rt.block_on(work.run())` borrows the two separately.
struct Client {
    rt: Runtime,
    work: Work,
}

struct Work {
    sock: Sock,
    p: Params,
    peer: SocketAddrV4,
    train: &'static [u8],
    batch: SendBatch<'static, Ipv4>,
    buf: Vec<u8>,
}

/// Builds the workload `p.workload` in `flavour`.
pub fn make(p: &Params, flavour: Flavour) -> io::Result<Box<dyn Round>> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let peer = SocketAddrV4::new(p.host, p.port);
    let std_peer = SocketAddr::V4(peer.to_std());
    let train: &'static [u8] = Vec::leak(vec![b'x'; p.train_len()]);
    let connected = matches!(p.workload.as_str(), "udp_rr" | "udp_loop" | "udp_gso");
    let sock = rt.block_on(async {
        Ok::<_, io::Error>(match (p.workload.as_str(), flavour) {
            ("tcp_pingpong", Flavour::Wirelane) => {
                let raw = Async::new(RawSocket::<Ipv4, Stream>::new()?)?;
                let conn = raw.connect(peer).await.map_err(|e| e.into_error())?;
                wirelane::set_tcp_nodelay(&conn, true)?;
                Sock::WlStream(conn)
            }
            ("tcp_pingpong", Flavour::Net) => {
                let conn = tokio::net::TcpStream::connect(std_peer).await?;
                conn.set_nodelay(true)?;
                Sock::NetStream(conn)
            }
            ("udp_gso", Flavour::Net) => return Err(fail("tokio::net has no UDP GSO")),
            ("udp_rr" | "udp_loop" | "udp_gso" | "udp_send" | "udp_batch", Flavour::Wirelane) => {
                let bound = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
                let bound = Async::new(bound)?;
                if connected {
                    Sock::WlConnected(bound.connect(peer).map_err(|e| e.into_error())?)
                } else {
                    Sock::WlBound(bound)
                }
            }
            ("udp_rr" | "udp_loop" | "udp_send" | "udp_batch", Flavour::Net) => {
                let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
                if connected {
                    sock.connect(std_peer).await?;
                }
                Sock::NetUdp(sock)
            }
            (other, _) => return Err(fail(&format!("unsupported workload {other}"))),
        })
    })?;
    let mut batch = SendBatch::<Ipv4>::with_capacity(p.batch.max(1))?;
    if p.workload == "udp_batch" {
        for msg in train.chunks(p.size) {
            batch.push(msg, &peer)?;
        }
    }
    Ok(Box::new(Client {
        rt,
        work: Work {
            sock,
            p: p.clone(),
            peer,
            train,
            batch,
            buf: vec![0; 65536],
        },
    }))
}

fn check_len(n: usize, want: usize) -> io::Result<()> {
    if n == want {
        Ok(())
    } else {
        Err(fail("short send or receive"))
    }
}

impl Work {
    async fn run(&mut self) -> io::Result<()> {
        let (size, count) = (self.p.size, self.p.count);
        let msg = &self.train[..size];
        let std_peer = SocketAddr::V4(self.peer.to_std());
        match (&mut self.sock, self.p.workload.as_str()) {
            (Sock::WlStream(c), _) => {
                for _ in 0..count {
                    check_len(c.write(msg).await?, size)?;
                    c.read_exact(&mut self.buf[..size]).await?;
                }
            }
            (Sock::NetStream(c), _) => {
                for _ in 0..count {
                    check_len(c.write(msg).await?, size)?;
                    c.read_exact(&mut self.buf[..size]).await?;
                }
            }
            (Sock::WlConnected(s), "udp_rr") => {
                for _ in 0..count {
                    check_len(s.send(msg).await?, size)?;
                    check_len(s.recv(&mut self.buf).await?, size)?;
                }
            }
            (Sock::NetUdp(s), "udp_rr") => {
                for _ in 0..count {
                    check_len(s.send(msg).await?, size)?;
                    check_len(s.recv(&mut self.buf).await?, size)?;
                }
            }
            (Sock::WlConnected(s), "udp_loop") => {
                for _ in 0..count {
                    for seg in self.train.chunks(size) {
                        check_len(s.send(seg).await?, size)?;
                    }
                }
            }
            (Sock::NetUdp(s), "udp_loop") => {
                for _ in 0..count {
                    for seg in self.train.chunks(size) {
                        check_len(s.send(seg).await?, size)?;
                    }
                }
            }
            (Sock::WlConnected(s), _) => {
                for _ in 0..count {
                    let r = s.send_segmented(self.train, size as u16).await?;
                    if !r.offloaded || r.datagrams != self.p.batch {
                        return Err(fail(&format!("GSO send not offloaded: {r:?}")));
                    }
                }
            }
            (Sock::WlBound(s), "udp_batch") => {
                for _ in 0..count {
                    if s.send_batch(&mut self.batch).await? != self.p.batch {
                        return Err(fail("partial sendmmsg"));
                    }
                }
            }
            (Sock::WlBound(s), _) => {
                for _ in 0..count {
                    check_len(s.send_to(msg, &self.peer).await?, size)?;
                }
            }
            (Sock::NetUdp(s), "udp_batch") => {
                // No sendmmsg in tokio::net: one send_to per message.
                for _ in 0..count {
                    for m in self.train.chunks(size) {
                        check_len(s.send_to(m, std_peer).await?, size)?;
                    }
                }
            }
            (Sock::NetUdp(s), _) => {
                for _ in 0..count {
                    check_len(s.send_to(msg, std_peer).await?, size)?;
                }
            }
        }
        Ok(())
    }

    /// The sink's datagram count (untimed; bounded by a timer).
    async fn sink_count(&mut self) -> io::Result<u64> {
        let std_peer = SocketAddr::V4(self.peer.to_std());
        let buf = &mut self.buf;
        let ask = async {
            match &self.sock {
                Sock::WlConnected(s) => s.send(END_MARKER).await?,
                Sock::WlBound(s) => s.send_to(END_MARKER, &self.peer).await?,
                Sock::NetUdp(s) if s.peer_addr().is_ok() => s.send(END_MARKER).await?,
                Sock::NetUdp(s) => s.send_to(END_MARKER, std_peer).await?,
                Sock::WlStream(_) | Sock::NetStream(_) => return Err(fail("no sink on a stream")),
            };
            loop {
                let n = match &self.sock {
                    Sock::WlConnected(s) => s.recv(buf).await?,
                    Sock::WlBound(s) => s.recv_from(buf).await?.0,
                    Sock::NetUdp(s) => s.recv(buf).await?,
                    Sock::WlStream(_) | Sock::NetStream(_) => unreachable!(),
                };
                if n == 8 {
                    return decode_count(&buf[..8]);
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(5), ask)
            .await
            .map_err(|_| fail("no count from the sink within 5 s"))?
    }
}

impl Round for Client {
    fn timed(&mut self) -> io::Result<()> {
        self.rt.block_on(self.work.run())
    }

    fn check(&mut self) -> io::Result<u64> {
        if matches!(self.work.p.workload.as_str(), "tcp_pingpong" | "udp_rr") {
            return Ok(self.work.p.count);
        }
        self.rt.block_on(self.work.sink_count())
    }
}
