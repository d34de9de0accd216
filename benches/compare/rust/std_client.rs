//! The `std::net` client: each workload std can express, written the
//! ordinary way. std has no `sendmmsg` (batches are a `send_to` loop) and
//! no GSO and no sendfile (its `io::copy` from a `File` to a `TcpStream`
//! is a read/write loop: std never sendfiles a regular file to a socket),
//! so those workloads are not offered.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddrV4, TcpStream, UdpSocket};
use std::time::Duration;

use super::protocol::{END_MARKER, Params, Round, decode_count};

fn fail(what: &str) -> io::Error {
    io::Error::other(format!("std client: {what}"))
}

/// Builds the workload `p.workload`.
pub fn make(p: &Params) -> io::Result<Box<dyn Round>> {
    let peer = SocketAddrV4::new(p.host, p.port);
    let train = vec![b'x'; p.train_len()];
    Ok(match p.workload.as_str() {
        "tcp_pingpong" => {
            let conn = TcpStream::connect(peer)?;
            conn.set_nodelay(true)?;
            Box::new(PingPong {
                conn,
                msg: train[..p.size].to_vec(),
                buf: vec![0; p.size],
                count: p.count,
            })
        }
        "udp_rr" | "udp_loop" | "udp_send" | "udp_batch" => {
            // No read timeout while timed (see the Wirelane client).
            let sock = UdpSocket::bind("127.0.0.1:0")?;
            let connected = matches!(p.workload.as_str(), "udp_rr" | "udp_loop");
            if connected {
                sock.connect(peer)?;
            }
            Box::new(Udp {
                sock,
                peer,
                connected,
                p: p.clone(),
                train,
                buf: vec![0; 65536],
            })
        }
        "tcp_connect_name" => Box::new(ConnectByName {
            port: p.port,
            count: p.count,
        }),
        "tcp_copy" => Box::new(FileSend {
            peer,
            file: File::open(&p.file)?,
            buf: vec![0; 65536],
            sent: 0,
        }),
        other => return Err(fail(&format!("unsupported workload {other}"))),
    })
}

struct PingPong {
    conn: TcpStream,
    msg: Vec<u8>,
    buf: Vec<u8>,
    count: u64,
}

impl Round for PingPong {
    fn timed(&mut self) -> io::Result<()> {
        let len = self.msg.len();
        for _ in 0..self.count {
            if self.conn.write(&self.msg)? != len {
                return Err(fail("short send"));
            }
            let mut got = 0;
            while got < len {
                match self.conn.read(&mut self.buf[got..len])? {
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

struct Udp {
    sock: UdpSocket,
    peer: SocketAddrV4,
    connected: bool,
    p: Params,
    train: Vec<u8>,
    buf: Vec<u8>,
}

impl Round for Udp {
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
            "udp_send" => {
                for _ in 0..self.p.count {
                    if self.sock.send_to(&self.train[..size], self.peer)? != size {
                        return Err(fail("short send"));
                    }
                }
            }
            _ => {
                // No sendmmsg in std: one send_to per message of the batch.
                for _ in 0..self.p.count {
                    for msg in self.train.chunks(size) {
                        if self.sock.send_to(msg, self.peer)? != size {
                            return Err(fail("short send"));
                        }
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
        if self.connected {
            self.sock.send(END_MARKER)?;
        } else {
            self.sock.send_to(END_MARKER, self.peer)?;
        }
        loop {
            let n = self.sock.recv(&mut self.buf)?;
            if n == 8 {
                return decode_count(&self.buf[..8]);
            }
        }
    }
}

/// An explicit read/write loop.
struct FileSend {
    peer: SocketAddrV4,
    file: File,
    buf: Vec<u8>,
    sent: u64,
}

impl Round for FileSend {
    fn timed(&mut self) -> io::Result<()> {
        let mut conn = TcpStream::connect(self.peer)?;
        conn.set_nodelay(true)?;
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
        conn.shutdown(Shutdown::Write)?;
        let mut byte = [0u8; 1];
        if conn.read(&mut byte)? != 0 {
            return Err(fail("sink sent data"));
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        Ok(self.sent)
    }
}

/// `TcpStream::connect(("localhost", port))`, then close, `count` times.
struct ConnectByName {
    port: u16,
    count: u64,
}

impl Round for ConnectByName {
    fn timed(&mut self) -> io::Result<()> {
        for _ in 0..self.count {
            drop(TcpStream::connect(("localhost", self.port))?);
        }
        Ok(())
    }

    fn check(&mut self) -> io::Result<u64> {
        Ok(self.count)
    }
}
