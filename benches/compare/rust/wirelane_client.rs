//! The Wirelane Rust API client: each workload written the way the
//! library's documentation shows, through its public types only.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::time::Duration;

use wirelane::batch::SendBatch;
use wirelane::{
    BoundDatagram, ConnectedDatagram, ConnectedStream, Datagram, Ipv4, RawSocket, SocketAddrV4, Stream, set_tcp_nodelay,
};

use super::protocol::{END_MARKER, Params, Round, decode_count};

fn fail(what: &str) -> io::Error {
    io::Error::other(format!("wirelane client: {what}"))
}

/// Builds the workload `p.workload`.
pub fn make(p: &Params) -> io::Result<Box<dyn Round>> {
    let peer = SocketAddrV4::new(p.host, p.port);
    let train: &'static [u8] = Vec::leak(vec![b'x'; p.train_len()]);
    Ok(match p.workload.as_str() {
        "tcp_pingpong" => {
            let conn = RawSocket::<Ipv4, Stream>::new()?.connect(peer)?;
            set_tcp_nodelay(&conn, true)?;
            Box::new(PingPong {
                conn,
                msg: &train[..p.size],
                buf: vec![0; p.size],
                count: p.count,
            })
        }
        "udp_rr" | "udp_loop" | "udp_gso" => {
            // No read timeout on the timed socket: with SO_RCVTIMEO every
            // blocking receive arms a kernel timer, which the other
            // clients do not pay. The sink handshake sets one (untimed).
            let sock = RawSocket::<Ipv4, Datagram>::new()?.connect(peer)?;
            Box::new(Connected {
                sock,
                p: p.clone(),
                train,
                buf: vec![0; 65536],
            })
        }
        "udp_send" | "udp_batch" => {
            let sock = RawSocket::<Ipv4, Datagram>::new()?.bind(SocketAddrV4::localhost(0))?;
            let mut batch = SendBatch::<Ipv4>::with_capacity(p.batch.max(1))?;
            if p.workload == "udp_batch" {
                for msg in train.chunks(p.size) {
                    batch.push(msg, &peer)?;
                }
            }
            Box::new(Unconnected {
                sock,
                peer,
                p: p.clone(),
                batch,
                msg: &train[..p.size],
            })
        }
        "tcp_connect_name" => Box::new(ConnectByName {
            connector: wirelane::Connector::new("localhost", p.port),
            count: p.count,
        }),
        "tcp_copy" | "tcp_sendfile" => {
            let file = File::open(&p.file)?;
            let len = file.metadata()?.len();
            Box::new(FileSend {
                peer,
                file,
                len,
                sendfile: p.workload == "tcp_sendfile",
                buf: vec![0; 65536],
                sent: 0,
            })
        }
        other => return Err(fail(&format!("unsupported workload {other}"))),
    })
}

struct PingPong {
    conn: ConnectedStream<Ipv4>,
    msg: &'static [u8],
    buf: Vec<u8>,
    count: u64,
}

impl Round for PingPong {
    fn timed(&mut self) -> io::Result<()> {
        let len = self.msg.len();
        for _ in 0..self.count {
            if self.conn.send(self.msg)? != len {
                return Err(fail("short send"));
            }
            let mut got = 0;
            while got < len {
                match self.conn.recv(&mut self.buf[got..len])? {
                    0 => return Err(fail("echo peer closed")),
                    n => got += n,
                }
            }
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        Ok(self.count)
    }
}

/// Connected UDP: request/response, per-packet loop, GSO.
struct Connected {
    sock: ConnectedDatagram<Ipv4>,
    p: Params,
    train: &'static [u8],
    buf: Vec<u8>,
}

impl Round for Connected {
    fn timed(&mut self) -> io::Result<()> {
        let size = self.p.size;
        match self.p.workload.as_str() {
            "udp_rr" => {
                for _ in 0..self.p.count {
                    if self.sock.send(&self.train[..size])? != size {
                        return Err(fail("short send"));
                    }
                    if self.sock.recv(&mut self.buf)? != size {
                        return Err(fail("short echo"));
                    }
                }
            }
            "udp_loop" => {
                for _ in 0..self.p.count {
                    for seg in self.train.chunks(size) {
                        if self.sock.send(seg)? != size {
                            return Err(fail("short send"));
                        }
                    }
                }
            }
            _ => {
                for _ in 0..self.p.count {
                    let r = self.sock.send_segmented(self.train, size as u16)?;
                    if !r.offloaded || r.datagrams != self.p.batch {
                        return Err(fail(&format!("GSO send not offloaded: {r:?}")));
                    }
                }
            }
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        if self.p.workload == "udp_rr" {
            return Ok(self.p.count);
        }
        self.sock.set_read_timeout(Some(Duration::from_secs(5)))?;
        self.sock.send(END_MARKER)?;
        loop {
            let n = self.sock.recv(&mut self.buf)?;
            if n == 8 {
                return decode_count(&self.buf[..8]);
            }
        }
    }
}

/// Unconnected UDP: `send_to` per packet, or a reused `SendBatch`.
struct Unconnected {
    sock: BoundDatagram<Ipv4>,
    peer: SocketAddrV4,
    p: Params,
    batch: SendBatch<'static, Ipv4>,
    msg: &'static [u8],
}

impl Round for Unconnected {
    fn timed(&mut self) -> io::Result<()> {
        if self.p.workload == "udp_batch" {
            for _ in 0..self.p.count {
                if self.sock.send_batch(&mut self.batch)? != self.p.batch {
                    return Err(fail("partial sendmmsg"));
                }
            }
        } else {
            for _ in 0..self.p.count {
                if self.sock.send_to(self.msg, &self.peer)? != self.msg.len() {
                    return Err(fail("short send"));
                }
            }
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        self.sock.set_read_timeout(Some(Duration::from_secs(5)))?;
        self.sock.send_to(END_MARKER, &self.peer)?;
        let mut reply = [0u8; 16];
        loop {
            let (n, _) = self.sock.recv_from(&mut reply)?;
            if n == 8 {
                return decode_count(&reply[..8]);
            }
        }
    }
}

/// `sendfile_all` (the kernel moves the pages), or the copy baseline:
/// read(2) from the file into a buffer, send(2) it.
struct FileSend {
    peer: SocketAddrV4,
    file: File,
    len: u64,
    sendfile: bool,
    buf: Vec<u8>,
    sent: u64,
}

impl Round for FileSend {
    fn timed(&mut self) -> io::Result<()> {
        let mut conn = RawSocket::<Ipv4, Stream>::new()?.connect(self.peer)?;
        set_tcp_nodelay(&conn, true)?;
        if self.sendfile {
            let mut offset = 0u64;
            self.sent = conn.sendfile_all(&self.file, Some(&mut offset), self.len)?;
            return finish_stream(&conn);
        }
        io::Seek::seek(&mut self.file, io::SeekFrom::Start(0))?;
        self.sent = 0;
        loop {
            let n = self.file.read(&mut self.buf)?;
            if n == 0 {
                break;
            }
            conn.write_all(&self.buf[..n])?;
            self.sent += n as u64;
        }
        finish_stream(&conn)
    }

    fn check(&mut self) -> io::Result<u64> {
        Ok(self.sent)
    }
}

/// Half-closes and waits for the sink to close: the transfer is done.
fn finish_stream(conn: &ConnectedStream<Ipv4>) -> io::Result<()> {
    conn.shutdown(Shutdown::Write)?;
    let mut byte = [0u8; 1];
    if conn.recv(&mut byte)? != 0 {
        return Err(fail("sink sent data"));
    }
    Ok(())
}

/// `Connector::new("localhost", port).connect()` (RFC 8305 over
/// getaddrinfo), then close, `count` times.
struct ConnectByName {
    connector: wirelane::Connector,
    count: u64,
}

impl Round for ConnectByName {
    fn timed(&mut self) -> io::Result<()> {
        for _ in 0..self.count {
            drop(self.connector.connect()?);
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        Ok(self.count)
    }
}
